"""身份验真码 for members: the code's format, who may generate and revoke one, the portal page with its
QR code, the "who verified my staff" list, and their API twins."""

import itertools
import re
import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import IntegrityError, connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from rest_framework.test import APIClient

from linke.actors import Actor
from linke.errors import PermissionDeniedError
from linke.models import AuditEvent
from linke.tenancy import all_providers
from providers.choices import ProviderStatus, Role
from providers.models import Membership, Provider, VerificationCode, VerificationEvent
from providers.permissions import MESSAGES, Action
from providers.rules import CODE_ALPHABET, code_is_well_formed, code_normalize
from providers.selectors import verification_code_get_live
from providers.services import verification as service
from providers.services.verification import (
    verification_code_generate,
    verification_code_revoke,
    verification_lookup,
)
from providers.tenancy import provider_scope

from ..conftest import client_for
from ..factories import UserFactory
from ..query_counts import assert_query_baseline

pytestmark = pytest.mark.django_db
CODE_USERS, OTHER_ROLES = [Role.OWNER, Role.ADMIN, Role.BD], [Role.OPERATOR, Role.VIEWER]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # rate-limit counters live in the (database) cache


def api_client(membership):
    client = APIClient()
    client.force_login(membership.user)
    return client


def codes_of(membership):
    with all_providers():
        return list(VerificationCode.objects.filter(membership=membership).order_by("created_at", "pk"))


# --- Format -----------------------------------------------------------------------------------


def test_alphabet_has_31_unambiguous_symbols():
    assert len(CODE_ALPHABET) == len(set(CODE_ALPHABET)) == 31
    assert not set(CODE_ALPHABET) & set("01OIL")
    assert CODE_ALPHABET == "".join(sorted(CODE_ALPHABET))


def test_generated_code_is_10_symbols_of_the_alphabet_shown_in_two_groups(member):
    code = verification_code_generate(actor=Actor.member(member(Role.BD)))
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{10}}", code.code)
    assert code.display_code == f"{code.code[:5]}-{code.code[5:]}"
    assert abs(code.expires_at - (code.created_at + timedelta(minutes=10))) < timedelta(seconds=1)
    assert code.revoked_at is None


def test_random_codes_only_use_the_alphabet():
    codes = {service._new_code() for _ in range(300)}
    assert len(codes) == 300
    assert set("".join(codes)) <= set(CODE_ALPHABET)


@pytest.mark.parametrize(
    "typed",
    ["7kq2m-x9xda", " 7KQ2M X9XDA ", "7kq2mx9xda", "7KQ2M - X9XDA", "７ＫＱ２Ｍ－Ｘ９ＸＤＡ", "7KQ2M\u3000X9XDA"],
)
def test_normalisation_accepts_case_spaces_hyphens_and_full_width(typed):
    assert code_normalize(typed) == "7KQ2MX9XDA"
    assert code_is_well_formed(code_normalize(typed))


@pytest.mark.parametrize(
    "typed", ["", "7KQ2MX9XD", "7KQ2MX9XDAB", "7KQ2MX9XD0", "7KQ2MX9XDO", "7KQ2MX9XD1", "7KQ2M_X9XDA"]
)
def test_malformed_codes_are_refused(typed):
    assert not code_is_well_formed(code_normalize(typed))


def test_a_code_typed_loosely_still_verifies(member):
    code = verification_code_generate(actor=Actor.member(member(Role.BD)))
    typed = f" {code.code[:5].lower()} - {code.code[5:].lower()} "
    assert verification_lookup(raw_code=typed).valid


# --- Generation -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", CODE_USERS)
def test_owner_admin_and_bd_generate_a_code_in_the_portal(role, member, provider):
    membership = member(role)
    response = client_for(membership).post(reverse("portal:verification_code"))
    assert response.status_code == 302
    [code] = codes_of(membership)
    assert code.provider == provider and code.revoked_at is None
    event = AuditEvent.objects.get(action="verification_code.generate")
    assert (event.actor, event.provider, event.object_id) == (membership.user, provider, str(code.pk))


@pytest.mark.parametrize("role", CODE_USERS)
def test_owner_admin_and_bd_generate_a_code_through_the_api(role, member):
    membership = member(role)
    response = api_client(membership).post(reverse("api:verification-code-list"))
    assert response.status_code == 201, response.json()
    [code] = codes_of(membership)
    assert response.json() == {
        "code": code.code,
        "display_code": code.display_code,
        "created_at": timezone.localtime(code.created_at).isoformat(),
        "expires_at": timezone.localtime(code.expires_at).isoformat(),
        "verify_url": f"http://testserver/verify/{code.code}/",  # on the host the member uses
    }


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_operator_and_viewer_are_refused_everywhere(role, member):
    membership = member(role)
    client = client_for(membership)
    for method in ("get", "post"):
        response = getattr(client, method)(reverse("portal:verification_code"))
        assert response.status_code == 403
        with translation.override("zh-hans"):
            assert escape(str(MESSAGES[Action.USE_VERIFICATION_CODE])) in response.content.decode()
    assert client.post(reverse("portal:verification_code_revoke")).status_code == 403
    api = api_client(membership)
    for response in (
        api.post(reverse("api:verification-code-list")),
        api.get(reverse("api:verification-code-current")),
        api.delete(reverse("api:verification-code-current")),
    ):
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    with pytest.raises(PermissionDeniedError):
        verification_code_generate(actor=Actor.member(membership))
    assert codes_of(membership) == []
    assert not AuditEvent.objects.filter(action="verification_code.generate").exists()


def test_a_new_code_revokes_the_previous_one(member):
    membership = member(Role.BD)
    first = verification_code_generate(actor=Actor.member(membership))
    second = verification_code_generate(actor=Actor.member(membership))
    old, new = codes_of(membership)
    assert (old.pk, new.pk) == (first.pk, second.pk)
    assert old.revoked_at is not None and new.revoked_at is None
    assert verification_lookup(raw_code=first.code).outcome == "replaced"  # not "revoked": still on the team
    assert verification_lookup(raw_code=second.code).valid
    assert verification_code_get_live(membership=membership) == new


def test_members_codes_are_independent(member):
    first, second = member(Role.BD), member(Role.BD)
    mine = verification_code_generate(actor=Actor.member(first))
    verification_code_generate(actor=Actor.member(second))
    mine.refresh_from_db()
    assert mine.revoked_at is None


def test_a_suspended_provider_cannot_generate_codes(member, provider):
    membership = member(Role.BD)
    old = verification_code_generate(actor=Actor.member(membership))
    Provider.objects.filter(pk=provider.pk).update(status=ProviderStatus.SUSPENDED)
    with pytest.raises(PermissionDeniedError) as refused:
        verification_code_generate(actor=Actor.member(membership))
    assert refused.value.code == "provider_not_in_good_standing"
    response = api_client(membership).post(reverse("api:verification-code-list"))
    assert response.status_code == 403 and response.json()["code"] == "provider_not_in_good_standing"
    page = client_for(membership).post(reverse("portal:verification_code"), follow=True)
    assert [m.level_tag for m in page.context["messages"]] == ["error"]
    assert f'action="{reverse("portal:verification_code")}"' not in page.content.decode()  # no generate button
    assert [c.pk for c in codes_of(membership)] == [old.pk]
    old.refresh_from_db()
    assert old.revoked_at is None


def test_a_deactivated_member_cannot_generate_codes(member):
    membership = member(Role.BD)
    with all_providers():
        Membership.objects.filter(pk=membership.pk).update(is_active=False)
    with pytest.raises(PermissionDeniedError):
        verification_code_generate(actor=Actor.member(membership))
    assert codes_of(membership) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_generations_by_one_member_leave_exactly_one_live_code(member):
    membership = member(Role.BD)
    barrier, errors = threading.Barrier(4), []

    def generate():
        try:
            barrier.wait()
            verification_code_generate(actor=Actor.member(membership))
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=generate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    codes = codes_of(membership)
    assert len(codes) == 4
    assert [code.revoked_at is None for code in codes] == [False, False, False, True]


def test_a_duplicate_random_code_is_retried(member, monkeypatch):
    taken = verification_code_generate(actor=Actor.member(member(Role.BD)))
    draws = iter([taken.code, "23456ABCDE"])
    monkeypatch.setattr(service, "_new_code", lambda: next(draws))
    membership = member(Role.BD)
    assert verification_code_generate(actor=Actor.member(membership)).code == "23456ABCDE"


def test_endless_duplicates_fail_and_change_nothing(member, monkeypatch):
    taken = verification_code_generate(actor=Actor.member(member(Role.BD)))
    membership = member(Role.BD)
    previous = verification_code_generate(actor=Actor.member(membership))
    monkeypatch.setattr(service, "_new_code", lambda: taken.code)
    with pytest.raises(IntegrityError):
        verification_code_generate(actor=Actor.member(membership))
    assert [(c.pk, c.revoked_at) for c in codes_of(membership)] == [(previous.pk, None)]


# --- Revocation -------------------------------------------------------------------------------


def test_the_holder_revokes_their_code_in_the_portal(member):
    membership = member(Role.BD)
    code = verification_code_generate(actor=Actor.member(membership))
    response = client_for(membership).post(reverse("portal:verification_code_revoke"))
    assert response.status_code == 302
    code.refresh_from_db()
    assert code.revoked_at is not None
    assert AuditEvent.objects.filter(action="verification_code.revoke", object_id=str(code.pk)).count() == 1
    assert verification_lookup(raw_code=code.code).outcome == "revoked"


def test_revoking_twice_changes_nothing_the_second_time(member):
    membership = member(Role.BD)
    code = verification_code_generate(actor=Actor.member(membership))
    first = verification_code_revoke(actor=Actor.member(membership), code=code).revoked_at
    assert verification_code_revoke(actor=Actor.member(membership), code=code).revoked_at == first
    assert AuditEvent.objects.filter(action="verification_code.revoke").count() == 1


@pytest.mark.parametrize(("role", "allowed"), [(Role.OWNER, True), (Role.ADMIN, True), (Role.BD, False)])
def test_colleagues_revoke_only_as_owner_or_admin(role, allowed, member):
    code = verification_code_generate(actor=Actor.member(member(Role.BD)))
    colleague = member(role)
    if allowed:
        assert verification_code_revoke(actor=Actor.member(colleague), code=code).revoked_at is not None
    else:
        with pytest.raises(PermissionDeniedError):
            verification_code_revoke(actor=Actor.member(colleague), code=code)
        code.refresh_from_db()
        assert code.revoked_at is None


def test_an_owner_of_another_provider_cannot_revoke(member, other_provider):
    code = verification_code_generate(actor=Actor.member(member(Role.BD)))
    stranger = member(Role.OWNER, provider=other_provider)
    with pytest.raises(PermissionDeniedError):
        verification_code_revoke(actor=Actor.member(stranger), code=code)
    code.refresh_from_db()
    assert code.revoked_at is None


def test_api_shows_and_revokes_the_current_code(member):
    membership = member(Role.BD)
    api = api_client(membership)
    assert api.get(reverse("api:verification-code-current")).status_code == 404
    created = api.post(reverse("api:verification-code-list")).json()
    assert api.get(reverse("api:verification-code-current")).json() == created
    assert api.delete(reverse("api:verification-code-current")).status_code == 204
    assert api.get(reverse("api:verification-code-current")).json()["code"] == "not_found"
    assert verification_lookup(raw_code=created["code"]).outcome == "revoked"


# --- Portal page ------------------------------------------------------------------------------


def test_page_shows_the_live_code_with_a_qr_code_of_its_verify_url(member):
    membership = member(Role.BD)
    code = verification_code_generate(actor=Actor.member(membership))
    response = client_for(membership).get(reverse("portal:verification_code"))
    assert response.status_code == 200
    body = response.content.decode()
    url = f"http://testserver/verify/{code.code}/"  # the host the member uses, whatever SITE_URL says
    assert code.display_code in body
    assert re.search(r'<svg viewBox="[^"]+" class="linke-qr"><title>' + code.display_code, body)
    assert body.index("<svg") < body.index(url)
    assert f'data-linke-countdown="{int(code.expires_at.timestamp())}"' in body
    assert timezone.localtime(code.expires_at).strftime("%H:%M") in body
    assert response["Cache-Control"].startswith("max-age=0")
    on_a_phone = client_for(membership).get(reverse("portal:verification_code"), HTTP_HOST="127.0.0.1:8123")
    assert f"http://127.0.0.1:8123/verify/{code.code}/" in on_a_phone.content.decode()


def test_page_without_a_live_code_offers_to_generate_one(member):
    membership = member(Role.BD)
    code = verification_code_generate(actor=Actor.member(membership))
    with provider_scope(membership.provider):
        VerificationCode.objects.filter(pk=code.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client_for(membership).get(reverse("portal:verification_code"))
    body = response.content.decode()
    assert response.context["code"] is None
    assert "<svg" not in body and code.display_code not in body
    assert f'action="{reverse("portal:verification_code")}"' in body  # the generate button


def test_nav_links_only_for_code_users(member):
    links = (reverse("portal:verification_code"), reverse("portal:verification_events"))
    body = client_for(member(Role.BD)).get(reverse("portal:home")).content.decode()
    assert all(f'href="{link}"' in body for link in links)
    body = client_for(member(Role.OPERATOR)).get(reverse("portal:home")).content.decode()
    assert not any(f'href="{link}"' in body for link in links)


# --- Who verified my staff --------------------------------------------------------------------


def verified_visit(membership):
    """A code of `membership` checked once by a merchant."""
    code = verification_code_generate(actor=Actor.member(membership))
    assert verification_lookup(raw_code=code.code, ip="10.0.0.1", user_agent="Mozilla/5.0").valid
    with all_providers():
        return VerificationEvent.objects.get(code=code)


def page_ids(response):
    return [event.pk for event in response.context["events"]]


def api_ids(response):
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
def test_owner_and_admin_see_every_verification_of_their_provider(role, member, other_provider):
    viewer = member(role)
    bd_visit, own_visit = verified_visit(member(Role.BD)), verified_visit(viewer)
    verified_visit(member(Role.BD, provider=other_provider))
    expected = [own_visit.pk, bd_visit.pk]  # newest first
    assert page_ids(client_for(viewer).get(reverse("portal:verification_events"))) == expected
    assert api_ids(api_client(viewer).get(reverse("api:verification-event-list"))) == expected


@pytest.mark.parametrize("role", [Role.BD, Role.OPERATOR, Role.VIEWER])
def test_other_members_see_only_verifications_of_their_own_codes(role, member):
    viewer = member(role)
    verified_visit(member(Role.BD))
    own = [verified_visit(viewer).pk] if role == Role.BD else []
    assert page_ids(client_for(viewer).get(reverse("portal:verification_events"))) == own
    assert api_ids(api_client(viewer).get(reverse("api:verification-event-list"))) == own


def test_event_list_shows_when_who_and_which_code(member):
    owner, bd = member(Role.OWNER), member(Role.BD)
    event = verified_visit(bd)
    body = client_for(owner).get(reverse("portal:verification_events")).content.decode()
    assert bd.user.display_name in body and event.code.display_code in body
    assert timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M") in body
    assert "10.0.0.1" not in body  # the merchant's address stays with the operators
    [row] = api_client(owner).get(reverse("api:verification-event-list")).json()["results"]
    assert row == {
        "id": event.pk,
        "verified_at": timezone.localtime(event.created_at).isoformat(),
        "member": bd.pk,
        "member_name": bd.user.display_name,
        "code": event.code.display_code,
    }


def test_event_lists_cost_the_same_queries_for_more_rows(member):
    owner = member(Role.OWNER)
    portal, api = client_for(owner), api_client(owner)

    names = (f"核验员{i}号" for i in itertools.count())

    def add_rows(count):
        staff = [member(Role.BD, user=UserFactory(display_name=next(names))) for _ in range(count)]
        for bd in staff:
            verified_visit(bd)
        return [bd.user.display_name for bd in staff]

    assert_query_baseline(
        "portal:verification_events", lambda: portal.get(reverse("portal:verification_events")), add_rows
    )
    assert_query_baseline(
        "api:verification-event-list", lambda: api.get(reverse("api:verification-event-list")), add_rows
    )


def test_event_list_paginates(member):
    owner = member(Role.OWNER)
    for _ in range(51):
        verified_visit(owner)
    first = client_for(owner).get(reverse("portal:verification_events"))
    assert len(first.context["events"]) == 50 and first.context["page_obj"].has_next()
    assert len(client_for(owner).get(reverse("portal:verification_events") + "?page=2").context["events"]) == 1
