"""A provider's standing: suspend, reinstate, terminate — through the service and the admin."""

import pytest
from django.core import mail
from django.urls import reverse

from linke.actors import Actor
from linke.errors import ApplicationError, InvalidTransition, PermissionDeniedError
from linke.models import AuditEvent, Notification
from providers.choices import ProviderStatus, Role, VerificationOutcome
from providers.services.status import provider_reinstate, provider_suspend, provider_terminate
from providers.services.verification import verification_code_generate, verification_lookup
from providers.transitions import PROVIDER_TRANSITIONS

from ..factories import ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db

SERVICES = {"suspend": provider_suspend, "reinstate": provider_reinstate, "terminate": provider_terminate}
# What each verb does from each status, written out: every other (status, verb) pair is refused.
EXPECTED = {
    ("active", "suspend"): "suspended",
    ("active", "terminate"): "terminated",
    ("suspended", "reinstate"): "active",
    ("suspended", "terminate"): "terminated",
}


def test_the_transition_table_is_the_one_specified():
    assert PROVIDER_TRANSITIONS == {
        "active": {"suspended", "terminated"},
        "suspended": {"active", "terminated"},
        "terminated": set(),
    }


@pytest.mark.parametrize("verb", SERVICES)
@pytest.mark.parametrize("current", ["active", "suspended", "terminated"])
def test_every_verb_from_every_status(current, verb, operator):
    provider = ProviderFactory(status=current)
    service = SERVICES[verb]
    if (current, verb) in EXPECTED:
        service(actor=Actor.operator(operator), provider=provider, reason="合规检查")
        provider.refresh_from_db()
        assert provider.status == EXPECTED[current, verb]
        event = AuditEvent.objects.get(action=f"provider.{verb}", object_id=str(provider.pk))
        assert (event.before, event.after, event.reason, event.actor_kind) == (
            {"status": current},
            {"status": EXPECTED[current, verb]},
            "合规检查",
            "operator",
        )
    else:
        with pytest.raises(InvalidTransition):
            service(actor=Actor.operator(operator), provider=provider, reason="合规检查")
        provider.refresh_from_db()
        assert provider.status == current
        assert not AuditEvent.objects.exists()


def test_a_reason_is_required(provider, operator):
    with pytest.raises(ApplicationError):
        provider_suspend(actor=Actor.operator(operator), provider=provider, reason="  ")
    provider.refresh_from_db()
    assert provider.status == ProviderStatus.ACTIVE


def test_only_operators_change_a_providers_standing(provider, member):
    owner = member(Role.OWNER)
    with pytest.raises(PermissionDeniedError):
        provider_suspend(actor=Actor.member(owner), provider=provider, reason="自己暂停")
    provider.refresh_from_db()
    assert provider.status == ProviderStatus.ACTIVE


def test_suspension_notifies_managers_and_makes_codes_answer_suspended(
    provider, member, operator, django_capture_on_commit_callbacks
):
    owner, bd = member(Role.OWNER), member(Role.BD)
    code = verification_code_generate(actor=Actor.member(bd))
    with django_capture_on_commit_callbacks(execute=True):
        provider_suspend(actor=Actor.operator(operator), provider=provider, reason="投诉核实")
    assert list(Notification.objects.values_list("recipient", flat=True)) == [owner.user_id]
    assert [m.to for m in mail.outbox] == [[owner.user.email]]
    assert verification_lookup(raw_code=code.code, ip=None, user_agent="").outcome == VerificationOutcome.SUSPENDED


def test_terminating_frees_the_credit_code(provider, operator):
    provider_terminate(actor=Actor.operator(operator), provider=provider, reason="退出平台")
    again = ProviderFactory(credit_code=provider.credit_code)
    assert again.credit_code == provider.credit_code


def test_admin_suspends_with_a_reason_through_the_intermediate_page(client, provider, operator):
    client.force_login(operator)
    url = reverse("admin:providers_provider_changelist")
    page = client.post(url, {"action": "suspend_selected", "_selected_action": [provider.pk]})
    assert page.status_code == 200 and "reason" in page.context["form"].fields
    provider.refresh_from_db()
    assert provider.status == ProviderStatus.ACTIVE  # nothing happens before a reason is given
    response = client.post(
        url, {"action": "suspend_selected", "_selected_action": [provider.pk], "apply": "1", "reason": "多次违规"}
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.status == ProviderStatus.SUSPENDED
    assert AuditEvent.objects.get(action="provider.suspend").reason == "多次违规"


def test_staff_who_may_only_view_providers_cannot_run_the_status_actions(client, provider):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_provider"))
    client.force_login(viewer)
    url = reverse("admin:providers_provider_changelist")
    response = client.post(
        url, {"action": "terminate_selected", "_selected_action": [provider.pk], "apply": "1", "reason": "x"}
    )
    assert response.status_code in (200, 302)
    provider.refresh_from_db()
    assert provider.status == ProviderStatus.ACTIVE
    assert not AuditEvent.objects.exists()


def test_memberships_cannot_be_edited_in_the_admin(client, member, operator):
    owner = member(Role.OWNER)
    client.force_login(operator)
    url = reverse("admin:providers_membership_change", args=[owner.pk])
    client.post(url, {"user": owner.user_id, "provider": owner.provider_id, "role": Role.VIEWER})
    owner.refresh_from_db()
    assert owner.role == Role.OWNER
    assert client.get(reverse("admin:providers_membership_add")).status_code == 403


def test_admin_edits_the_profile_with_checkboxes_but_not_the_status(client, provider, operator):
    client.force_login(operator)
    page = client.get(reverse("admin:providers_provider_change", args=[provider.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "status" not in form.fields and "cooperation_modes" in form.fields
    assert 'type="checkbox" name="cooperation_modes"' in page.content.decode()


def test_admin_edit_normalises_and_checks_the_credit_code_and_is_audited(client, provider, other_provider, operator):
    client.force_login(operator)
    url = reverse("admin:providers_provider_change", args=[provider.pk])
    base = {
        "name": provider.name,
        "access_mode": "native",
        "membership_set-TOTAL_FORMS": "0",
        "membership_set-INITIAL_FORMS": "0",
    }
    taken = client.post(url, base | {"credit_code": other_provider.credit_code.lower()})
    assert taken.status_code == 200 and "credit_code" in taken.context["adminform"].form.errors
    wrong = client.post(url, base | {"credit_code": "91350100M000100Y44"})
    assert "credit_code" in wrong.context["adminform"].form.errors
    provider.refresh_from_db()
    assert provider.credit_code != other_provider.credit_code
    saved = client.post(url, base | {"credit_code": " 91310000775785552l ", "introduction": "运营备注"})
    assert saved.status_code == 302
    provider.refresh_from_db()
    assert provider.credit_code == "91310000775785552L"
    event = AuditEvent.objects.get(action="provider.update")
    assert (event.actor, event.actor_kind) == (operator, "operator")
    assert event.after["credit_code"] == "91310000775785552L" and event.after["introduction"] == "运营备注"
