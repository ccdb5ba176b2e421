"""Members: role changes, deactivation and reactivation, the transfer of ownership (also under
concurrency), the owner's protection, and list query counts."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from linke.actors import Actor
from linke.errors import ApplicationError, InvalidTransition, PermissionDeniedError
from linke.models import AuditEvent, Notification
from linke.tenancy import all_providers
from providers.choices import Role
from providers.models import Membership, VerificationCode
from providers.services.team import (
    invitation_create,
    membership_change_role,
    membership_deactivate,
    membership_reactivate,
    ownership_transfer,
)
from providers.tenancy import provider_scope

from ..conftest import client_for
from ..factories.providers import InvitationFactory
from ..query_counts import assert_query_baseline

# Service messages are asserted in English (the msgids), whatever the default language says.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def owner(member):
    return member(Role.OWNER)


def state(*memberships):
    with all_providers():
        return [Membership.objects.values_list("role", "is_active").get(pk=membership.pk) for membership in memberships]


def act(service, **kwargs):
    with provider_scope(kwargs.get("provider") or kwargs["membership"].provider_id):
        return service(**kwargs)


# --- the owner and oneself are out of reach -------------------------------------------------------


@pytest.mark.parametrize("actor_role", [Role.OWNER, Role.ADMIN])
@pytest.mark.parametrize(
    ("service", "kwargs"),
    [
        (membership_change_role, {"role": Role.VIEWER}),
        (membership_deactivate, {}),
        (membership_reactivate, {}),
    ],
    ids=["change_role", "deactivate", "reactivate"],
)
def test_nobody_changes_the_owner_or_themselves(service, kwargs, actor_role, member, owner):
    actor = owner if actor_role == Role.OWNER else member(Role.ADMIN)
    targets = [owner, actor] if actor_role == Role.ADMIN else [owner]
    for target in targets:
        before = state(owner, actor)
        with pytest.raises(InvalidTransition):
            act(service, membership=target, actor=Actor.member(actor), **kwargs)
        assert state(owner, actor) == before
    assert not AuditEvent.objects.exists()


def test_nobody_is_made_owner_by_a_role_change(owner, member):
    target = member(Role.ADMIN)
    with pytest.raises(ApplicationError, match="transfer ownership"):
        act(membership_change_role, membership=target, actor=Actor.member(owner), role=Role.OWNER)
    response = APIClient()
    response.force_login(owner.user)
    api = response.post(reverse("api:team-role", kwargs={"pk": target.pk}), {"role": "owner"}, format="json")
    assert api.status_code == 400 and api.json()["code"] == "invalid"
    assert state(owner, target) == [("owner", True), ("admin", True)]


def test_the_owner_cannot_be_deactivated_through_the_portal(owner, member):
    admin = member(Role.ADMIN)
    response = client_for(admin).post(reverse("portal:team_member_deactivate", kwargs={"pk": owner.pk}), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert state(owner) == [("owner", True)]


# --- role changes and (de)activation -----------------------------------------------------------------


def test_role_change_is_audited_and_the_member_is_told(owner, member, provider):
    target = member(Role.BD)
    act(membership_change_role, membership=target, actor=Actor.member(owner), role=Role.ADMIN)
    assert state(target) == [("admin", True)]
    event = AuditEvent.objects.get(action="membership.change_role")
    assert (event.actor, event.provider, event.before, event.after) == (
        owner.user,
        provider,
        {"role": "bd"},
        {"role": "admin"},
    )
    assert Notification.objects.filter(recipient=target.user, verb="membership.change_role").count() == 1


def test_setting_the_same_role_changes_nothing(owner, member):
    target = member(Role.BD)
    act(membership_change_role, membership=target, actor=Actor.member(owner), role=Role.BD)
    assert not AuditEvent.objects.exists() and not Notification.objects.exists()


# Membership status: active -> inactive (deactivate) -> active (reactivate); every other move is refused.
STATUS_MOVES = [
    (membership_deactivate, True, True),
    (membership_deactivate, False, False),
    (membership_reactivate, False, True),
    (membership_reactivate, True, False),
    (membership_change_role, True, True),
    (membership_change_role, False, False),
]


@pytest.mark.parametrize(("service", "active", "allowed"), STATUS_MOVES)
def test_membership_status_moves(service, active, allowed, owner, member):
    target = member(Role.BD, is_active=active)
    kwargs = {"role": Role.OPERATOR} if service is membership_change_role else {}
    if allowed:
        act(service, membership=target, actor=Actor.member(owner), **kwargs)
        expected_active = not active if service is not membership_change_role else active
        assert state(target) == [("operator" if kwargs else "bd", expected_active)]
        assert AuditEvent.objects.count() == 1
    else:
        with pytest.raises(InvalidTransition):
            act(service, membership=target, actor=Actor.member(owner), **kwargs)
        assert state(target) == [("bd", active)] and not AuditEvent.objects.exists()


def test_deactivation_cuts_access_revokes_live_codes_and_reactivation_restores_access(owner, member, provider):
    target = member(Role.BD)
    colleague = member(Role.BD)
    now = timezone.now()
    with all_providers():
        old = VerificationCode.objects.create(
            provider=provider, membership=target, code="OLD1-OLD1", expires_at=now, revoked_at=now - timedelta(hours=1)
        )
        live = VerificationCode.objects.create(
            provider=provider, membership=target, code="7KQ2-M9XD", expires_at=now + timedelta(minutes=10)
        )
        untouched = VerificationCode.objects.create(
            provider=provider, membership=colleague, code="AB3C-DE4F", expires_at=now + timedelta(minutes=10)
        )
    client = client_for(target)
    assert client.get(reverse("portal:team")).status_code == 200

    response = client_for(owner).post(reverse("portal:team_member_deactivate", kwargs={"pk": target.pk}), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    target.refresh_from_db()
    assert (target.is_active, target.deactivated_at is not None) == (False, True)
    with all_providers():
        revoked = {c.code: c.revoked_at for c in VerificationCode.objects.all()}
    assert revoked[live.code] == target.deactivated_at
    assert revoked[old.code] == old.revoked_at and revoked[untouched.code] is None
    assert AuditEvent.objects.get(action="membership.deactivate").after == {
        "is_active": False,
        "codes_revoked": 1,
        "invitations_withdrawn": 0,
    }
    assert Notification.objects.filter(recipient=target.user, verb="membership.deactivate").count() == 1
    assert client.get(reverse("portal:team")).status_code == 302  # no provider any more

    response = client_for(owner).post(reverse("portal:team_member_reactivate", kwargs={"pk": target.pk}))
    assert response.status_code == 302
    assert state(target) == [("bd", True)]
    assert client.get(reverse("portal:team")).status_code == 200


def test_api_role_deactivate_reactivate(owner, member):
    target = member(Role.VIEWER)
    api = APIClient()
    api.force_login(owner.user)
    url = lambda name: reverse(name, kwargs={"pk": target.pk})  # noqa: E731
    assert api.post(url("api:team-role"), {"role": "bd"}, format="json").json()["role"] == "bd"
    body = api.post(url("api:team-deactivate"), {"reason": "离职"}, format="json").json()
    assert (body["is_active"], body["deactivated_at"] is not None) == (False, True)
    assert AuditEvent.objects.get(action="membership.deactivate").reason == "离职"
    again = api.post(url("api:team-deactivate"), format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    body = api.post(url("api:team-reactivate")).json()
    assert (body["is_active"], body["deactivated_at"], body["role"]) == (True, None, "bd")


# --- ownership ------------------------------------------------------------------------------------


def test_transfer_makes_the_target_owner_and_the_old_owner_admin(owner, member, provider):
    target = member(Role.BD)
    client = client_for(owner)
    response = client.post(reverse("portal:team_transfer_ownership", kwargs={"pk": target.pk}))
    assert response.status_code == 302
    assert state(owner, target) == [("admin", True), ("owner", True)]
    event = AuditEvent.objects.get(action="provider.transfer_ownership")
    assert (event.actor, event.object_id, event.after) == (owner.user, str(provider.pk), {"owner": target.pk})
    assert Notification.objects.filter(recipient=target.user, verb="provider.transfer_ownership").count() == 1
    # the old owner is an admin now: a second transfer is refused with the matrix's reason
    response = client.post(reverse("portal:team_transfer_ownership", kwargs={"pk": target.pk}))
    assert response.status_code == 403


def test_transfer_only_to_an_active_member(owner, member):
    inactive = member(Role.ADMIN, is_active=False)
    with pytest.raises(InvalidTransition, match="active member"):
        act(ownership_transfer, provider=owner.provider, actor=Actor.member(owner), to_membership=inactive)
    with pytest.raises(InvalidTransition):
        act(ownership_transfer, provider=owner.provider, actor=Actor.member(owner), to_membership=owner)
    assert state(owner, inactive) == [("owner", True), ("admin", False)]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transfers_leave_exactly_one_owner(provider, member):
    owner = member(Role.OWNER)
    first, second = member(Role.ADMIN), member(Role.BD)
    barrier = threading.Barrier(2)
    outcomes = {}

    def transfer(target):
        try:
            barrier.wait()
            with provider_scope(provider):
                ownership_transfer(provider=provider, actor=Actor.member(owner), to_membership=target)
            outcomes[target.pk] = "ok"
        except ApplicationError as error:
            outcomes[target.pk] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=transfer, args=(target,)) for target in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winner = next(pk for pk, result in outcomes.items() if result == "ok")
    loser = next(pk for pk, result in outcomes.items() if result != "ok")
    assert isinstance(outcomes[loser], PermissionDeniedError)
    with all_providers():
        owners = list(Membership.objects.filter(provider=provider, role=Role.OWNER).values_list("pk", flat=True))
        assert owners == [winner]
        assert Membership.objects.get(pk=owner.pk).role == Role.ADMIN
        assert Membership.objects.get(pk=loser).role == {first.pk: Role.ADMIN, second.pk: Role.BD}[loser]
    assert AuditEvent.objects.filter(action="provider.transfer_ownership").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_admins_deactivating_each_other_at_once_leave_one_admin_active(provider, member):
    member(Role.OWNER)
    first, second = member(Role.ADMIN), member(Role.ADMIN)
    barrier = threading.Barrier(2)
    outcomes = {}

    def deactivate(actor, target):
        try:
            barrier.wait()
            with provider_scope(provider):
                membership_deactivate(membership=target, actor=Actor.member(actor))
            outcomes[actor.pk] = "ok"
        except ApplicationError as error:
            outcomes[actor.pk] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=deactivate, args=pair) for pair in ((first, second), (second, first))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(str(type(result).__name__) for result in outcomes.values()) == ["PermissionDeniedError", "str"]
    with all_providers():
        active = Membership.objects.filter(pk__in=[first.pk, second.pk], is_active=True).count()
    assert active == 1
    assert AuditEvent.objects.filter(action="membership.deactivate").count() == 1


# --- query counts ---------------------------------------------------------------------------------


def test_team_page_with_invitations_does_not_query_per_row(owner, member, provider):
    def add_rows(k):
        shown = []
        for _ in range(k):
            viewer = member(Role.VIEWER)
            with all_providers():
                invitation = InvitationFactory(provider=provider, invited_by=member(Role.ADMIN).user)
            shown += [viewer.user.email, invitation.email]
        return shown

    client = client_for(owner)
    assert_query_baseline("portal:team with invitations", lambda: client.get(reverse("portal:team")), add_rows)


@pytest.mark.parametrize("url_name", ["api:team-list", "api:invitation-list"])
def test_api_team_lists_do_not_query_per_row(url_name, owner, member, provider):
    def add_rows(k):
        shown = []
        for _ in range(k):
            bd = member(Role.BD)
            with provider_scope(provider):
                invitation, _token = invitation_create(
                    provider=provider, actor=Actor.member(owner), email=f"{bd.pk}@invitee.test", role=Role.BD
                )
            shown.append(bd.user.email if url_name == "api:team-list" else invitation.email)
        return shown

    api = APIClient()
    api.force_login(owner.user)
    assert_query_baseline(url_name, lambda: api.get(reverse(url_name)), add_rows)


def test_deactivating_a_member_withdraws_the_invitations_they_sent(provider, member):
    owner, admin = member(Role.OWNER), member(Role.ADMIN)
    with provider_scope(provider):
        invitation, _token = invitation_create(
            provider=provider, actor=Actor.member(admin), email="friend@example.test", role=Role.BD
        )
        membership_deactivate(membership=admin, actor=Actor.member(owner))
        invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_services_refuse_an_actor_from_another_provider(provider, other_provider, member):
    from providers.services.profile import provider_update

    stranger = member(Role.OWNER, provider=other_provider)
    with provider_scope(provider), pytest.raises(PermissionDeniedError):
        provider_update(actor=Actor.member(stranger), provider=provider, data={"introduction": "hijacked"})
    provider.refresh_from_db()
    assert provider.introduction == ""


def test_a_deactivated_admins_request_in_flight_cannot_invite(provider, member):
    owner, admin = member(Role.OWNER), member(Role.ADMIN)
    with all_providers():
        stale = Membership.objects.get(pk=admin.pk)  # loaded at the request's start
    with provider_scope(provider):
        membership_deactivate(membership=admin, actor=Actor.member(owner))
        with pytest.raises(PermissionDeniedError):
            invitation_create(provider=provider, actor=Actor.member(stale), email="late@example.test", role=Role.BD)


# --- handing over what a leaving member holds (providers.handover) -----------------------------------


@pytest.fixture
def holder(monkeypatch):
    """A higher app's registration, as merchants makes it: the member holds 3 of something; calls are recorded."""
    from providers import handover

    calls = []
    monkeypatch.setattr(handover, "_HANDOVERS", {})
    handover.register(
        "tests.widgets",
        holdings=lambda membership: [("3 widgets", 3)],
        hand_over=lambda membership, successor, actor: calls.append((membership.pk, successor.pk, actor)),
        accepts=lambda successor: successor.role != Role.VIEWER,
    )
    return calls


def test_a_member_who_holds_something_needs_a_successor(owner, member, holder):
    target, viewer = member(Role.BD), member(Role.VIEWER)
    for successor in (None, target, viewer):
        with pytest.raises(ApplicationError) as refused:
            act(membership_deactivate, membership=target, actor=Actor.member(owner), successor=successor)
        assert refused.value.code == "successor_required"
        assert refused.value.details == {"holdings": [{"label": "3 widgets", "count": 3}]}
    assert state(target) == [("bd", True)] and holder == [] and not AuditEvent.objects.exists()


def test_the_handover_runs_with_the_deactivation(owner, member, holder):
    target, successor = member(Role.BD), member(Role.ADMIN)
    act(membership_deactivate, membership=target, actor=Actor.member(owner), successor=successor)
    assert state(target) == [("bd", False)]
    assert holder == [(target.pk, successor.pk, Actor.member(owner))]
    assert AuditEvent.objects.get(action="membership.deactivate").after["handed_over_to"] == successor.pk


def test_a_failing_handover_rolls_the_deactivation_back(owner, member, provider, monkeypatch):
    from providers import handover

    def refuse(membership, successor, actor):
        raise ApplicationError("cannot hand over", code="handover_failed")

    monkeypatch.setattr(handover, "_HANDOVERS", {})
    handover.register("tests.failing", holdings=lambda membership: [("1 thing", 1)], hand_over=refuse)
    target, successor = member(Role.BD), member(Role.BD)
    with all_providers():
        VerificationCode.objects.create(
            provider=provider, membership=target, code="7KQ2-M9XD", expires_at=timezone.now() + timedelta(minutes=10)
        )
    with pytest.raises(ApplicationError, match="cannot hand over"):
        act(membership_deactivate, membership=target, actor=Actor.member(owner), successor=successor)
    assert state(target) == [("bd", True)]
    with all_providers():
        assert VerificationCode.objects.get(membership=target).revoked_at is None
    assert not AuditEvent.objects.exists()


def test_a_role_that_may_not_keep_what_the_member_holds_waits_for_a_handover(owner, member, holder, english):
    target = member(Role.BD)
    with pytest.raises(ApplicationError) as refused:
        act(membership_change_role, membership=target, actor=Actor.member(owner), role=Role.VIEWER)
    assert refused.value.code == "hand_over_first"
    assert str(refused.value.message).endswith(
        "still looks after 3 widgets, which a member with this role cannot: hand them over first."
    )
    assert state(target) == [("bd", True)] and not AuditEvent.objects.exists()
    act(membership_change_role, membership=target, actor=Actor.member(owner), role=Role.ADMIN)  # an admin may
    assert state(target) == [("admin", True)]


def test_a_crafted_successor_is_no_successor_not_an_error(owner, member, holder):
    target = member(Role.BD)
    for crafted in ("²", "99999999999999999999", "-1", "abc"):
        response = client_for(owner).post(
            reverse("portal:team_member_deactivate", kwargs={"pk": target.pk}), {"successor": crafted}
        )
        assert response.status_code in (302, 400), (crafted, response.status_code)
    assert state(target) == [("bd", True)] and holder == []
