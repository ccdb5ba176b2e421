"""The public 身份验真码 check: what each outcome shows (page and API), the per-client rate limit,
impersonation reports and the operators' queue in the admin."""

from datetime import timedelta
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from linke.actors import Actor
from linke.errors import ApplicationError
from linke.models import AuditEvent
from linke.tenancy import all_providers
from providers.choices import ImpersonationReportStatus, ProviderStatus, Role, VerificationOutcome
from providers.models import ImpersonationReport, Membership, Provider, VerificationCode, VerificationEvent
from providers.services.team import membership_deactivate
from providers.services.verification import (
    OUTCOME_MESSAGES,
    REPORT_TRANSITIONS,
    impersonation_report_create,
    impersonation_reports_close,
    impersonation_reports_investigate,
    verification_code_generate,
    verification_code_revoke,
    verification_lookup,
)
from providers.tenancy import provider_scope

from ..conftest import client_for
from ..factories import UserFactory

pytestmark = pytest.mark.django_db
PUBLIC_FIELDS = {
    "valid",
    "provider_name",
    "staff_name",
    "role",
    "role_display",
    "provider_status",
    "certified_tracks",
    "tier",
    "valid_until",
}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # rate-limit counters live in the (database) cache


@pytest.fixture
def bd(member):
    return member(Role.BD)


@pytest.fixture
def live_code(bd):
    return verification_code_generate(actor=Actor.member(bd))


def events():
    with all_providers():
        return list(VerificationEvent.objects.all())


def expire(code):
    with provider_scope(code.provider_id):
        VerificationCode.objects.filter(pk=code.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


def suspend(provider):
    Provider.objects.filter(pk=provider.pk).update(status=ProviderStatus.SUSPENDED)


def deactivate(membership, provider, member):
    owner = member(Role.OWNER)
    with provider_scope(provider):
        membership_deactivate(membership=membership, actor=Actor.member(owner))


def demote(membership, provider, member):
    with provider_scope(provider):
        Membership.objects.filter(pk=membership.pk).update(role=Role.OPERATOR)


# How each failure is brought about, from a live code of `bd`.
FAILURES = {
    "expired": lambda code, bd, provider, member: expire(code),
    "revoked": lambda code, bd, provider, member: verification_code_revoke(actor=Actor.member(bd), code=code),
    "member deactivated": lambda code, bd, provider, member: deactivate(bd, provider, member),
    "member no longer bd": lambda code, bd, provider, member: demote(bd, provider, member),
    "provider suspended": lambda code, bd, provider, member: suspend(provider),
    "provider terminated": lambda code, bd, provider, member: Provider.objects.filter(pk=provider.pk).update(
        status=ProviderStatus.TERMINATED
    ),
}
EXPECTED_OUTCOME = {
    "expired": "expired",
    "revoked": "revoked",
    "member deactivated": "revoked",
    "member no longer bd": "revoked",
    "provider suspended": "suspended",
    "provider terminated": "revoked",
}


def assert_reveals_nothing(body, bd, provider):
    for secret in (provider.name, bd.user.display_name, bd.user.email):
        assert secret not in body


# --- The service ------------------------------------------------------------------------------


def test_a_valid_code_returns_the_public_facts_and_records_one_event(live_code, bd, provider):
    result = verification_lookup(raw_code=live_code.code, ip="203.0.113.9", user_agent="Mozilla/5.0 (iPhone)")
    assert result.valid and result.outcome == "valid"
    staff = result.staff
    assert (staff.provider_name, staff.staff_name, staff.role, staff.provider_status) == (
        provider.name,
        bd.user.display_name,
        Role.BD,
        ProviderStatus.ACTIVE,
    )
    assert (staff.certified_tracks, staff.tier, staff.valid_until) == ([], None, live_code.expires_at)
    [event] = events()
    assert (event.provider, event.code, event.membership) == (provider, live_code, bd)
    assert (event.ip_address, event.user_agent) == ("203.0.113.9", "Mozilla/5.0 (iPhone)")


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_check_returns_only_the_outcome_and_records_nothing(failure, live_code, bd, provider, member):
    FAILURES[failure](live_code, bd, provider, member)
    result = verification_lookup(raw_code=live_code.code, ip="203.0.113.9")
    assert (result.outcome, result.staff, result.valid) == (EXPECTED_OUTCOME[failure], None, False)
    assert result.message == OUTCOME_MESSAGES[result.outcome]
    assert events() == []


@pytest.mark.parametrize("typed", ["23456789AB", "not a code", "", "X" * 200])
def test_unknown_and_malformed_codes_are_unknown(typed, live_code):
    assert verification_lookup(raw_code=typed).outcome == VerificationOutcome.UNKNOWN
    assert events() == []


def test_suspension_outranks_expiry_and_revocation(live_code, bd, provider):
    verification_code_revoke(actor=Actor.member(bd), code=live_code)
    expire(live_code)
    suspend(provider)
    assert verification_lookup(raw_code=live_code.code).outcome == "suspended"


# --- The public page --------------------------------------------------------------------------


def test_the_form_sends_a_loosely_typed_code_to_its_result_page(client):
    response = client.get(reverse("verify"), {"code": " 7kq2m-x9xda "})
    assert response.status_code == 302
    assert response["Location"] == reverse("verify_result", kwargs={"code": "7KQ2MX9XDA"})


def test_the_form_explains_a_malformed_code_and_keeps_it(client):
    response = client.get(reverse("verify"), {"code": "7KQ2-0OIL"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert 'value="7KQ2-0OIL"' in response.content.decode()


def test_the_form_page_states_the_rate_limits(client):
    body = client.get(reverse("verify")).content.decode()
    assert "20" in body and "100" in body
    assert client.get(reverse("verify")).context["per_minute"] == 20


def test_page_shows_a_green_card_with_exactly_the_listed_facts(client, live_code, bd, provider):
    response = client.get(reverse("verify_result", kwargs={"code": live_code.display_code}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "linke-verified" in body
    for shown in (provider.name, bd.user.display_name, Role.BD.label, ProviderStatus.ACTIVE.label):
        assert str(shown) in body
    assert timezone.localtime(live_code.expires_at).strftime("%H:%M") in body
    assert bd.user.email not in body
    assert response.context["report_form"] is None
    assert len(events()) == 1


@pytest.mark.parametrize("failure", FAILURES)
def test_page_explains_a_failure_reveals_nothing_and_offers_a_report(failure, client, live_code, bd, provider, member):
    FAILURES[failure](live_code, bd, provider, member)
    response = client.get(reverse("verify_result", kwargs={"code": live_code.code}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "linke-verify-failed" in body and "linke-verified" not in body
    assert str(OUTCOME_MESSAGES[EXPECTED_OUTCOME[failure]]) in body.replace("&#x27;", "'")
    assert_reveals_nothing(body, bd, provider)
    assert reverse("verify_report", kwargs={"code": live_code.code}) in body
    assert events() == []


def test_page_for_an_unknown_code(client, live_code):
    response = client.get(reverse("verify_result", kwargs={"code": "23456-789AB"}))
    assert response.context["result"].outcome == "unknown"
    assert response.context["report_form"] is not None


def test_lookup_works_for_a_visitor_logged_in_at_another_provider(live_code, member, other_provider):
    """The check runs across tenants: a member of another provider is just a visitor here."""
    visitor = client_for(member(Role.OWNER, provider=other_provider))
    assert visitor.get(reverse("verify_result", kwargs={"code": live_code.code})).context["result"].valid
    assert APIClient().get(reverse("api:public-verify", kwargs={"code": live_code.code})).json()["valid"]


# --- The public API ---------------------------------------------------------------------------


def test_api_answers_exactly_the_public_fields(live_code, bd, provider):
    response = APIClient().get(reverse("api:public-verify", kwargs={"code": live_code.code.lower()}))
    assert response.status_code == 200
    assert response.json() == {
        "valid": True,
        "provider_name": provider.name,
        "staff_name": bd.user.display_name,
        "role": "bd",
        "role_display": str(Role.BD.label),
        "provider_status": "active",
        "certified_tracks": [],
        "tier": None,
        "valid_until": timezone.localtime(live_code.expires_at).isoformat(),
    }
    assert set(response.json()) == PUBLIC_FIELDS
    assert len(events()) == 1


@pytest.mark.parametrize("failure", FAILURES)
def test_api_failure_is_the_outcome_only(failure, live_code, bd, provider, member):
    FAILURES[failure](live_code, bd, provider, member)
    response = APIClient().get(reverse("api:public-verify", kwargs={"code": live_code.code}))
    assert response.status_code == 200
    outcome = EXPECTED_OUTCOME[failure]
    assert response.json() == {"valid": False, "outcome": outcome, "message": str(OUTCOME_MESSAGES[outcome])}
    assert_reveals_nothing(response.content.decode(), bd, provider)
    assert events() == []


def test_api_unknown_code(db):
    response = APIClient().get(reverse("api:public-verify", kwargs={"code": "23456789AB"}))
    assert response.json()["outcome"] == "unknown"


# --- Rate limit -------------------------------------------------------------------------------


def test_the_21st_lookup_in_a_minute_is_refused_without_looking_up(client, live_code, frozen_rate_window):
    url = reverse("verify_result", kwargs={"code": live_code.code})
    assert all(client.get(url).status_code == 200 for _ in range(20))
    response = client.get(url)
    assert response.status_code == 429
    assert response.context["result"] is None and response.context["report_form"] is None
    assert "20" in response.context["limited_message"] and "100" in response.context["limited_message"]
    assert len(events()) == 1  # twenty views from one network within the code's life are one visit


def test_repeated_views_by_one_visitor_are_one_event_but_another_visitor_adds_one(client, live_code):
    url = reverse("verify_result", kwargs={"code": live_code.code})
    client.get(url)
    client.get(url)
    assert len(events()) == 1
    client.get(url, REMOTE_ADDR="198.51.100.7")
    assert len(events()) == 2


def test_a_manually_revoked_code_of_a_member_still_on_the_team_says_revoked(live_code, bd):
    verification_code_revoke(actor=Actor.member(bd), code=live_code)
    assert verification_lookup(raw_code=live_code.code).outcome == VerificationOutcome.REVOKED


def test_page_and_api_share_the_budget(client, live_code, frozen_rate_window):
    for _ in range(20):
        client.get(reverse("verify_result", kwargs={"code": "23456789AB"}))
    response = APIClient().get(reverse("api:public-verify", kwargs={"code": live_code.code}))
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited" and "20" in response.json()["message"]
    assert 0 < int(response["Retry-After"]) <= 60
    assert events() == []


def test_the_refusal_says_when_to_check_again(frozen_rate_window):
    client = Client(headers={"accept-language": "en"})
    url = reverse("verify_result", kwargs={"code": "23456789AB"})
    for _ in range(20):
        client.get(url)
    response = client.get(url)
    wait = int(response["Retry-After"])
    when = f"in {wait} seconds" if wait < 60 else "in 1 minute"
    assert 0 < wait <= 60
    assert response.context["limited_message"] == (
        f"Too many checks from your network: at most 20 a minute and 100 an hour. You can check again {when}."
    )
    assert f"You can check again {when}." in response.content.decode()


def test_the_limit_is_per_client(client, live_code, frozen_rate_window):
    url = reverse("verify_result", kwargs={"code": live_code.code})
    for _ in range(20):
        client.get(url)
    assert client.get(url).status_code == 429
    assert client.get(url, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_the_hourly_limit_engages_across_minutes(client, monkeypatch):
    clock = SimpleNamespace(now=1_800_000_000.0)
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: clock.now))
    url = reverse("verify_result", kwargs={"code": "23456789AB"})
    statuses = []
    for minute in range(6):
        clock.now = 1_800_000_000.0 + minute * 60
        statuses += [client.get(url).status_code for _ in range(20)]
    assert statuses.count(200) == 100 and statuses[100:] == [429] * 20


# --- Impersonation reports --------------------------------------------------------------------

REPORT = {
    "claimed_provider": "阿尔法服务商",
    "claimed_person": "王经理",
    "location": "成都市锦江区春熙路 1 号 老码头火锅",
    "occurred_at": "2026-03-02T10:00",
    "reporter_phone": "13912345678",
    "details": "他说可以帮我们上团购，要先交 2000 元押金。",
}


def test_a_report_from_a_failed_check_lands_in_the_operators_queue(client, live_code, provider, member):
    expire(live_code)
    response = client.post(reverse("verify_report", kwargs={"code": live_code.display_code}), REPORT)
    assert response.status_code == 302 and response["Location"] == reverse("verify")
    report = ImpersonationReport.objects.get()
    assert (report.outcome, report.matched_provider, report.code_entered) == (
        "expired",
        provider,
        live_code.display_code,
    )
    assert (report.status, report.location, str(report.reporter_phone)) == (
        "open",
        REPORT["location"],
        "+8613912345678",
    )
    assert report.ip_address == "127.0.0.1"
    assert AuditEvent.objects.filter(action="impersonation_report.create", object_id=str(report.pk)).exists()
    operator = client_for_operator()
    queue = operator.get(reverse("admin:providers_impersonationreport_changelist"), {"status__exact": "open"})
    assert queue.status_code == 200 and REPORT["location"] in queue.content.decode()
    detail = operator.get(reverse("admin:providers_impersonationreport_change", args=[report.pk]))
    assert REPORT["details"] in detail.content.decode()
    assert 'name="location"' not in detail.content.decode() and 'name="operator_note"' in detail.content.decode()


def test_a_report_of_an_unknown_code_has_no_provider(client):
    client.post(reverse("verify_report", kwargs={"code": "23456789AB"}), REPORT)
    report = ImpersonationReport.objects.get()
    assert (report.outcome, report.matched_provider) == ("unknown", None)


def test_an_invalid_report_keeps_what_was_typed(client, live_code):
    expire(live_code)
    response = client.post(
        reverse("verify_report", kwargs={"code": live_code.code}), {**REPORT, "reporter_phone": "12345"}
    )
    assert response.status_code == 200
    assert "reporter_phone" in response.context["report_form"].errors
    assert REPORT["location"] in response.content.decode()
    assert response.context["result"].outcome == "expired"
    assert not ImpersonationReport.objects.exists()


def test_a_report_in_the_future_is_refused(client):
    later = timezone.localtime() + timedelta(days=1)
    data = {**REPORT, "occurred_at": later.strftime("%Y-%m-%dT%H:%M")}
    response = client.post(reverse("verify_report", kwargs={"code": "23456789AB"}), data)
    assert "occurred_at" in response.context["report_form"].errors
    assert not ImpersonationReport.objects.exists()


def test_a_valid_code_cannot_be_reported(client, live_code):
    with pytest.raises(ApplicationError):
        impersonation_report_create(actor=Actor.for_user(None), raw_code=live_code.code, data=REPORT)
    response = client.post(reverse("verify_report", kwargs={"code": live_code.code}), REPORT, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not ImpersonationReport.objects.exists()
    assert events() == []


def test_reports_are_rate_limited(client, frozen_rate_window):
    url = reverse("verify_report", kwargs={"code": "23456789AB"})
    assert [client.post(url, REPORT).status_code for _ in range(10)] == [302] * 10
    response = client.post(url, REPORT)
    assert response.status_code == 429 and "10" in response.context["limited_message"]
    assert ImpersonationReport.objects.count() == 10


# --- The operators' queue ---------------------------------------------------------------------


def client_for_operator():
    operator = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(operator)
    return client


def make_report(status=ImpersonationReportStatus.OPEN):
    return ImpersonationReport.objects.create(
        outcome="unknown", location="春熙路", occurred_at=timezone.now(), status=status
    )


# Where each operator action takes a report from each status, written out (None: skipped, unchanged).
REPORT_MOVES = {
    ("open", "investigate"): "investigating",
    ("open", "close"): "closed",
    ("investigating", "investigate"): None,
    ("investigating", "close"): "closed",
    ("closed", "investigate"): None,
    ("closed", "close"): None,
}


@pytest.mark.parametrize(("current", "verb"), sorted(REPORT_MOVES))
def test_report_transitions_exhaustively(current, verb):
    operator = UserFactory(is_staff=True)
    report = make_report(current)
    move = impersonation_reports_investigate if verb == "investigate" else impersonation_reports_close
    target = REPORT_MOVES[current, verb]
    if target is not None:
        assert move(actor=Actor.operator(operator), reports=[report]) == (1, 0)
        report.refresh_from_db()
        assert report.status == target
        event = AuditEvent.objects.get(action=f"impersonation_report.{verb}")
        assert (event.before, event.after, event.actor) == ({"status": current}, {"status": target}, operator)
    else:
        assert move(actor=Actor.operator(operator), reports=[report]) == (0, 1)
        report.refresh_from_db()
        assert report.status == current and not AuditEvent.objects.exists()


def test_the_report_transition_table_is_the_one_specified():
    assert REPORT_TRANSITIONS == {"open": {"investigating", "closed"}, "investigating": {"closed"}, "closed": set()}


def test_admin_bulk_actions_move_reports_and_skip_the_rest():
    open_one, investigating, closed = (
        make_report(),
        make_report(ImpersonationReportStatus.INVESTIGATING),
        make_report(ImpersonationReportStatus.CLOSED),
    )
    client = client_for_operator()
    url = reverse("admin:providers_impersonationreport_changelist")
    selected = [open_one.pk, investigating.pk, closed.pk]
    response = client.post(url, {"action": "mark_investigating", "_selected_action": selected}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success", "warning"]
    assert ImpersonationReport.objects.get(pk=open_one.pk).status == "investigating"
    client.post(url, {"action": "close", "_selected_action": selected})
    assert set(ImpersonationReport.objects.values_list("status", flat=True)) == {"closed"}
    assert AuditEvent.objects.filter(action__startswith="impersonation_report.").count() == 3


def test_operators_revoke_codes_from_the_admin(live_code):
    client = client_for_operator()
    url = reverse("admin:providers_verificationcode_changelist")
    assert live_code.display_code in client.get(url).content.decode()
    client.post(url, {"action": "revoke", "_selected_action": [live_code.pk]})
    live_code.refresh_from_db()
    assert live_code.revoked_at is not None
    assert AuditEvent.objects.get(action="verification_code.revoke").actor.is_staff


def test_evidence_cannot_be_edited_or_deleted_in_the_admin(live_code):
    verification_lookup(raw_code=live_code.code)
    [event] = events()
    client = client_for_operator()
    assert client.get(reverse("admin:providers_verificationevent_delete", args=[event.pk])).status_code == 403
    assert client.get(reverse("admin:providers_verificationcode_add")).status_code == 403
    assert client.get(reverse("admin:providers_impersonationreport_add")).status_code == 403


def test_a_disabled_account_no_longer_verifies(live_code, bd):
    type(bd.user).objects.filter(pk=bd.user_id).update(is_active=False)
    result = verification_lookup(raw_code=live_code.code, ip=None, user_agent="")
    assert result.outcome == VerificationOutcome.REVOKED
