"""The team permission matrix, role by role and action by action, through the portal and the API."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from rest_framework.test import APIClient

from linke.models import AuditEvent
from linke.tenancy import all_providers
from providers.choices import Role
from providers.models import Invitation, Membership
from providers.permissions import MESSAGES, Action

from ..conftest import client_for

pytestmark = pytest.mark.django_db

INVITEE = "new.member@example.test"

# action -> (permission it needs, portal route, API route, data, API status on success, audit action)
ACTIONS = {
    "invite": (
        Action.MANAGE_TEAM,
        "portal:invitation_create",
        "api:invitation-list",
        {"email": INVITEE, "role": Role.BD},
        201,
        "invitation.create",
    ),
    "change_role": (
        Action.MANAGE_TEAM,
        "portal:team_member_role",
        "api:team-role",
        {"role": Role.OPERATOR},
        200,
        "membership.change_role",
    ),
    "deactivate": (
        Action.MANAGE_TEAM,
        "portal:team_member_deactivate",
        "api:team-deactivate",
        {},
        200,
        "membership.deactivate",
    ),
    "transfer": (
        Action.TRANSFER_OWNERSHIP,
        "portal:team_transfer_ownership",
        "api:team-transfer-ownership",
        {},
        200,
        "provider.transfer_ownership",
    ),
}
ALLOWED = {
    "invite": {Role.OWNER, Role.ADMIN},
    "change_role": {Role.OWNER, Role.ADMIN},
    "deactivate": {Role.OWNER, Role.ADMIN},
    "transfer": {Role.OWNER},
}
CASES = [(action, role, channel) for action in ACTIONS for role in Role for channel in ("portal", "api")]


def api_client(membership):
    client = APIClient()
    client.force_login(membership.user)
    return client


def team_state(provider):
    with all_providers():
        members = set(Membership.objects.filter(provider=provider).values_list("pk", "role", "is_active"))
        invitations = set(Invitation.objects.filter(provider=provider).values_list("pk", "email", "revoked_at"))
    return members, invitations


def outcome(action, target):
    """What a successful `action` on `target` leaves behind."""
    with all_providers():
        target.refresh_from_db()
        return {
            "invite": lambda: Invitation.objects.filter(email=INVITEE, revoked_at__isnull=True).count() == 1,
            "change_role": lambda: target.role == Role.OPERATOR,
            "deactivate": lambda: not target.is_active and target.deactivated_at is not None,
            "transfer": lambda: target.role == Role.OWNER and Membership.objects.filter(role=Role.OWNER).count() == 1,
        }[action]()


@pytest.mark.parametrize(("action", "role", "channel"), CASES, ids=[f"{a}-{r}-{c}" for a, r, c in CASES])
def test_team_actions_follow_the_permission_matrix(action, role, channel, member, provider):
    permission, portal_route, api_route, data, api_status, audit_action = ACTIONS[action]
    actor = member(role)
    target = member(Role.VIEWER)
    route = portal_route if channel == "portal" else api_route
    url = reverse(route) if action == "invite" else reverse(route, kwargs={"pk": target.pk})
    before = team_state(provider)

    if channel == "portal":
        response = client_for(actor).post(url, data)
    else:
        response = api_client(actor).post(url, data, format="json")

    if role in ALLOWED[action]:
        assert response.status_code == (302 if channel == "portal" else api_status), response.content
        assert outcome(action, target)
        assert list(AuditEvent.objects.values_list("action", "actor", "provider")) == [
            (audit_action, actor.user_id, provider.pk)
        ]
        return
    assert response.status_code == 403
    with translation.override("zh-hans"):
        message = str(MESSAGES[permission])
    if channel == "portal":
        assert escape(message) in response.content.decode()
    else:
        assert response.json() == {"code": "permission_denied", "message": message, "details": {}}
    assert team_state(provider) == before
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", list(Role))
def test_everyone_in_the_team_sees_the_members_but_only_managers_see_invitations(role, member, provider):
    me = member(role)
    other = member(Role.BD)
    with all_providers():
        Invitation.objects.create(
            provider=provider,
            email="pending@example.test",
            role=Role.BD,
            token_hash="a" * 64,
            invited_by=other.user,
            expires_at="2099-01-01T00:00:00Z",
        )
    page = client_for(me).get(reverse("portal:team"))
    assert page.status_code == 200
    assert [m.pk for m in page.context["memberships"]] == [me.pk, other.pk]
    html = page.content.decode()
    manager = role in (Role.OWNER, Role.ADMIN)
    assert ("pending@example.test" in html) is manager
    assert (reverse("portal:invitation_create") in html) is manager
    # The list links each member's page, where the actions are.
    assert (f'href="{reverse("portal:team_member", kwargs={"pk": other.pk})}"' in html) is True
    member_page = client_for(me).get(reverse("portal:team_member", kwargs={"pk": other.pk})).content.decode()
    assert (reverse("portal:team_member_deactivate", kwargs={"pk": other.pk}) in member_page) is manager
    assert (reverse("portal:team_transfer_ownership", kwargs={"pk": other.pk}) in member_page) is (role == Role.OWNER)

    api = api_client(me)
    assert [m["id"] for m in api.get(reverse("api:team-list")).json()["results"]] == [me.pk, other.pk]
    invitations = api.get(reverse("api:invitation-list"))
    if manager:
        assert [i["email"] for i in invitations.json()["results"]] == ["pending@example.test"]
    else:
        assert invitations.status_code == 403
        assert invitations.json()["code"] == "permission_denied"
