"""Invitations: created by email with a role, valid 7 days, single use, hashed token, accepted only by
the invited address; through the services, the portal and the API."""

import hashlib
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from linke.actors import Actor
from linke.errors import ApplicationError, ConflictError
from linke.models import AuditEvent, Notification
from linke.tenancy import all_providers
from providers.choices import ProviderStatus, Role
from providers.models import Invitation, Membership
from providers.services.status import provider_suspend
from providers.services.team import (
    INVITATION_VALIDITY,
    invitation_accept,
    invitation_create,
    invitation_revoke,
)
from providers.tenancy import provider_scope

from ..conftest import client_for, client_for_user
from ..factories import UserFactory
from ..factories.providers import InvitationFactory

# Service messages are asserted in English (the msgids), whatever the default language says.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def owner(member):
    return member(Role.OWNER)


def invite(owner, email="Invitee@Example.test", role=Role.OPERATOR):
    with provider_scope(owner.provider):
        return invitation_create(provider=owner.provider, actor=Actor.member(owner), email=email, role=role)


def accept_url(token):
    return reverse("portal:invitation_accept", kwargs={"token": token})


def logged_in(user):
    client = APIClient()
    client.force_login(user)
    return client


def invitations_of(provider):
    with all_providers():
        return list(Invitation.objects.filter(provider=provider).order_by("pk"))


def memberships_of(user):
    with all_providers():
        return list(Membership.objects.filter(user=user).values_list("provider_id", "role", "is_active"))


# --- creating ----------------------------------------------------------------------------------


def test_invitation_stores_only_the_token_hash_expires_in_7_days_and_emails_the_link_once(
    owner, provider, django_capture_on_commit_callbacks
):
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite(owner)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "invitee@example.test",
        "operator",
        owner.user,
    )
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert before + INVITATION_VALIDITY <= invitation.expires_at <= timezone.now() + INVITATION_VALIDITY
    assert INVITATION_VALIDITY == timedelta(days=7)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM providers_invitation")
        assert token not in repr(cursor.fetchall())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["invitee@example.test"]
    assert f"{settings.SITE_URL.rstrip('/')}/portal/invitations/accept/{token}/" in message.body
    assert provider.name in message.subject
    event = AuditEvent.objects.get(action="invitation.create")
    assert (event.actor, event.provider, event.after) == (
        owner.user,
        provider,
        {"email": invitation.email, "role": "operator"},
    )


def test_the_email_waits_for_the_commit(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(owner)
    assert len(callbacks) == 1 and mail.outbox == []


def test_a_new_invitation_to_the_same_address_replaces_the_pending_one(owner, provider):
    first, first_token = invite(owner, email="same@example.test", role=Role.BD)
    second, second_token = invite(owner, email="SAME@example.test", role=Role.VIEWER)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None
    assert [(i.email, i.role, i.revoked_at is None) for i in invitations_of(provider)] == [
        ("same@example.test", "bd", False),
        ("same@example.test", "viewer", True),
    ]
    user = UserFactory(email="same@example.test")
    with pytest.raises(ApplicationError, match="withdrawn"):
        invitation_accept(actor=Actor.for_user(user), token=first_token)
    assert invitation_accept(actor=Actor.for_user(user), token=second_token).role == Role.VIEWER


def test_an_active_member_cannot_be_invited_again(owner, member, provider):
    existing = member(Role.BD)
    with pytest.raises(ApplicationError, match="already a member"):
        invite(owner, email=existing.user.email.upper())
    assert invitations_of(provider) == []


def test_a_deactivated_member_can_be_invited_back(owner, member, provider):
    former = member(Role.BD, is_active=False)
    invitation, token = invite(owner, email=former.user.email, role=Role.OPERATOR)
    membership = invitation_accept(actor=Actor.for_user(former.user), token=token)
    assert membership.pk == former.pk
    former.refresh_from_db()
    assert (former.role, former.is_active, former.deactivated_at) == (Role.OPERATOR, True, None)


def test_nobody_is_invited_as_owner(owner, provider):
    with pytest.raises(ApplicationError, match="transfer ownership"):
        invite(owner, role=Role.OWNER)
    response = client_for(owner).post(reverse("portal:invitation_create"), {"email": "x@example.test", "role": "owner"})
    assert response.status_code == 200 and response.context["invitation_form"].errors["role"]
    api = logged_in(owner.user).post(reverse("api:invitation-list"), {"email": "x@example.test", "role": "owner"})
    assert api.status_code == 400 and api.json()["code"] == "invalid"
    assert invitations_of(provider) == []


def test_the_invite_form_keeps_what_was_typed_on_error(owner, member, provider):
    existing = member(Role.BD)
    client = client_for(owner)
    response = client.post(reverse("portal:invitation_create"), {"email": "not-an-email", "role": "viewer"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="not-an-email"' in html and '<option value="viewer" selected>' in html
    response = client.post(
        reverse("portal:invitation_create"), {"email": existing.user.email, "role": "bd"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response.context["invitation_form"].non_field_errors() == [
        f"{existing.user.email} is already a member of this team."
    ]
    assert f'value="{existing.user.email}"' in response.content.decode()
    assert invitations_of(provider) == []


def test_portal_invite_and_revoke(owner, provider):
    client = client_for(owner)
    response = client.post(reverse("portal:invitation_create"), {"email": "bd2@example.test", "role": "bd"})
    assert response.status_code == 302
    (invitation,) = invitations_of(provider)
    page = client.get(reverse("portal:team"))
    assert [i.pk for i in page.context["invitations"]] == [invitation.pk]
    assert client.post(reverse("portal:invitation_revoke", kwargs={"pk": invitation.pk})).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert list(client.get(reverse("portal:team")).context["invitations"]) == []
    response = client.post(reverse("portal:invitation_revoke", kwargs={"pk": invitation.pk}), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_api_invite_list_and_revoke(owner, provider):
    api = logged_in(owner.user)
    response = api.post(
        reverse("api:invitation-list"), {"email": "ops@example.test", "role": "operator"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["role"], body["status"], body["invited_by"]) == (
        "ops@example.test",
        "operator",
        "pending",
        owner.user.email,
    )
    assert "token" not in body and "token_hash" not in body
    response = api.post(reverse("api:invitation-revoke", kwargs={"pk": body["id"]}))
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    again = api.post(reverse("api:invitation-revoke", kwargs={"pk": body["id"]}))
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    assert [i["status"] for i in api.get(reverse("api:invitation-list")).json()["results"]] == ["revoked"]


def test_a_suspended_provider_invites_no_one_and_its_team_page_says_so(owner, provider):
    with all_providers():
        InvitationFactory(provider=provider, email="pending@example.test", invited_by=owner.user)
    provider.status = ProviderStatus.SUSPENDED
    provider.save(update_fields=["status"])
    with pytest.raises(ConflictError, match="while the provider's status is “Suspended”"):
        invite(owner, email="new@example.test")
    page = client_for(owner).get(reverse("portal:team"), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'action="/portal/team/invitations/"' not in html  # no invite form
    assert "The provider's status is “Suspended”: no one new can be invited." in html
    assert "pending@example.test" in html and "/revoke/" in html  # pending ones can still be withdrawn
    posted = client_for(owner).post(
        reverse("portal:invitation_create"), {"email": "new@example.test", "role": "bd"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert posted.status_code == 200
    assert posted.context["invitation_form"].non_field_errors() == [
        "No one new can be invited while the provider's status is “Suspended”."
    ]
    api = logged_in(owner.user).post(reverse("api:invitation-list"), {"email": "new@example.test", "role": "bd"})
    assert (api.status_code, api.json()["code"]) == (409, "provider_not_in_good_standing")
    assert [i.email for i in invitations_of(provider)] == ["pending@example.test"]


def wait_until_a_session_waits_for_a_lock(timeout=10.0):
    """Polls pg_stat_activity until another connection is blocked on a row lock (or fails)."""
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("no session ever waited for the lock")


@pytest.mark.django_db(transaction=True)
def test_an_invitation_sent_while_a_suspension_commits_waits_for_it_and_is_refused(owner, provider, operator):
    suspended, commit = threading.Event(), threading.Event()
    outcome = {}

    def suspend():
        try:
            with transaction.atomic():
                provider_suspend(actor=Actor.operator(operator), provider=provider, reason="资质复核")
                suspended.set()
                commit.wait(10)
        finally:
            connection.close()

    def invite_now():
        try:
            outcome["result"] = invite(owner, email="racer@example.test")
        except ApplicationError as error:
            outcome["result"] = error
        finally:
            connection.close()

    suspender = threading.Thread(target=suspend)
    suspender.start()
    assert suspended.wait(10)
    inviter = threading.Thread(target=invite_now)
    inviter.start()
    try:
        wait_until_a_session_waits_for_a_lock()  # the invitation waits for the provider's row
    finally:
        commit.set()
        suspender.join()
        inviter.join()
    assert isinstance(outcome["result"], ConflictError) and outcome["result"].code == "provider_not_in_good_standing"
    assert invitations_of(provider) == []


def test_an_invitation_sent_before_a_suspension_waits_for_the_reinstatement(owner, provider):
    _invitation, token = invite(owner, email="later@example.test")
    provider.status = ProviderStatus.SUSPENDED
    provider.save(update_fields=["status"])
    user = UserFactory(email="later@example.test")
    with pytest.raises(ApplicationError, match="suspended at the moment"):
        invitation_accept(actor=Actor.for_user(user), token=token)
    assert memberships_of(user) == []
    provider.status = ProviderStatus.ACTIVE
    provider.save(update_fields=["status"])
    invitation_accept(actor=Actor.for_user(user), token=token)  # still valid, now accepted
    assert memberships_of(user) == [(provider.pk, "operator", True)]


# --- accepting ---------------------------------------------------------------------------------


def test_accepting_creates_the_membership_uses_up_the_invitation_and_tells_the_inviter(owner, provider):
    invitation, token = invite(owner, email="joiner@example.test", role=Role.BD)
    joiner = UserFactory(email="joiner@example.test")
    membership = invitation_accept(actor=Actor.for_user(joiner), token=token)
    assert (membership.provider, membership.user, membership.role, membership.is_active) == (
        provider,
        joiner,
        Role.BD,
        True,
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by == joiner and invitation.accepted_at is not None
    assert AuditEvent.objects.filter(action="invitation.accept", actor=joiner, provider=provider).count() == 1
    assert Notification.objects.filter(recipient=owner.user, verb="invitation.accept").count() == 1


def test_an_invitation_is_single_use(owner, provider):
    _invitation, token = invite(owner, email="once@example.test")
    user = UserFactory(email="once@example.test")
    invitation_accept(actor=Actor.for_user(user), token=token)
    with pytest.raises(ApplicationError, match="already been used"):
        invitation_accept(actor=Actor.for_user(user), token=token)
    assert memberships_of(user) == [(provider.pk, "operator", True)]


def test_an_expired_invitation_is_refused(owner):
    invitation, token = invite(owner, email="late@example.test")
    with all_providers():
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    user = UserFactory(email="late@example.test")
    with pytest.raises(ApplicationError, match="expired") as refused:
        invitation_accept(actor=Actor.for_user(user), token=token)
    assert refused.value.code == "invitation_invalid"
    assert memberships_of(user) == []
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_revoked_invitation_is_refused(owner):
    invitation, token = invite(owner, email="withdrawn@example.test")
    with provider_scope(owner.provider):
        invitation_revoke(invitation=invitation, actor=Actor.member(owner))
    user = UserFactory(email="withdrawn@example.test")
    with pytest.raises(ApplicationError, match="withdrawn"):
        invitation_accept(actor=Actor.for_user(user), token=token)
    assert memberships_of(user) == []


def test_a_withdrawn_invitation_names_no_one_to_someone_else_holding_the_link(owner):
    invitation, token = invite(owner, email="right@example.test")
    with provider_scope(owner.provider):
        invitation_revoke(actor=Actor.member(owner), invitation=invitation)
    page = client_for_user(UserFactory()).get(reverse("portal:invitation_accept", kwargs={"token": token}))
    body = page.content.decode()
    assert page.status_code == 400 and "right@example.test" not in body and owner.provider.name not in body


def test_someone_else_holding_the_link_learns_neither_the_invitee_nor_the_provider(owner):
    invitation, token = invite(owner, email="right@example.test")
    wrong = UserFactory(email="wrong@example.test")
    with pytest.raises(ApplicationError) as refused:
        invitation_accept(actor=Actor.for_user(wrong), token=token)
    assert refused.value.message == (
        "This invitation was sent to another email address than yours (wrong@example.test). "
        "Log out and log in with the address it was sent to."
    )
    client = client_for_user(wrong)
    page = client.get(reverse("portal:invitation_accept", kwargs={"token": token})).content.decode()
    assert "right@example.test" not in page and owner.provider.name not in page
    assert memberships_of(wrong) == []
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    # the email comparison ignores case
    assert (
        invitation_accept(actor=Actor.for_user(UserFactory(email="Right@Example.test")), token=token).role
        == Role.OPERATOR
    )


def test_an_unknown_token_is_refused(user):
    with pytest.raises(ApplicationError, match="not valid"):
        invitation_accept(actor=Actor.for_user(user), token="made-up")


def test_a_member_already_active_cannot_accept_again(owner, member):
    current = member(Role.VIEWER)
    with all_providers():  # invited while deactivated, then reactivated by an admin
        Membership.objects.filter(pk=current.pk).update(is_active=False)
    _invitation, token = invite(owner, email=current.user.email)
    with all_providers():
        Membership.objects.filter(pk=current.pk).update(is_active=True)
    with pytest.raises(ConflictError):
        invitation_accept(actor=Actor.for_user(current.user), token=token)
    assert memberships_of(current.user) == [(current.provider_id, "viewer", True)]


def test_a_terminated_provider_takes_no_new_members(owner, provider):
    _invitation, token = invite(owner, email="gone@example.test")
    provider.status = ProviderStatus.TERMINATED
    provider.save(update_fields=["status"])
    user = UserFactory(email="gone@example.test")
    with pytest.raises(ApplicationError, match="no longer active"):
        invitation_accept(actor=Actor.for_user(user), token=token)


def test_accept_page_sends_visitors_to_log_in_first_and_back(owner):
    _invitation, token = invite(owner)
    response = APIClient().get(accept_url(token))
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={accept_url(token)}"


def test_accept_page_shows_provider_and_role_then_joins_and_switches_to_the_provider(
    owner, provider, other_provider, member
):
    _invitation, token = invite(owner, email="switcher@example.test", role=Role.BD)
    # the invitee already works for another provider, which is their current one
    elsewhere = member(Role.OWNER, provider=other_provider, user=UserFactory(email="switcher@example.test"))
    client = client_for(elsewhere)
    page = client.get(accept_url(token), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert page.context["problem"] is None and page.context["invitation"].provider == provider
    assert f"to join <strong>{provider.name}</strong> as <strong>Business development</strong>" in page.content.decode()
    response = client.post(accept_url(token))
    assert response.status_code == 302 and response.url == reverse("portal:team")
    assert client.get(reverse("portal:team")).context["request"].provider == provider
    assert sorted(memberships_of(elsewhere.user)) == sorted(
        [(provider.pk, "bd", True), (other_provider.pk, "owner", True)]
    )


@pytest.mark.parametrize("problem", ["wrong_email", "expired", "revoked", "used"])
def test_accept_page_explains_why_an_invitation_cannot_be_used(problem, owner, provider):
    invitation, token = invite(owner, email="page@example.test")
    invitee = UserFactory(email="page@example.test")
    if problem == "expired":
        with all_providers():
            Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    elif problem == "revoked":
        with provider_scope(provider):
            invitation_revoke(invitation=invitation, actor=Actor.member(owner))
    elif problem == "used":
        invitation_accept(actor=Actor.for_user(invitee), token=token)
    visitor = UserFactory(email="someone.else@example.test") if problem == "wrong_email" else invitee
    client = APIClient()
    client.force_login(visitor)
    for response in (client.get(accept_url(token)), client.post(accept_url(token))):
        assert response.status_code == 400
        assert response.context["problem"]
        assert 'role="alert"' in response.content.decode()
    assert memberships_of(visitor) == ([(provider.pk, "operator", True)] if problem == "used" else [])


def test_api_accept(owner, provider):
    _invitation, token = invite(owner, email="api.joiner@example.test", role=Role.VIEWER)
    joiner = UserFactory(email="api.joiner@example.test")
    api = logged_in(joiner)  # no provider yet: accepting needs none
    response = api.post(reverse("api:invitation-accept"), {"token": token}, format="json")
    assert response.status_code == 201
    assert (response.json()["email"], response.json()["role"]) == ("api.joiner@example.test", "viewer")
    again = api.post(reverse("api:invitation-accept"), {"token": token}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "invitation_invalid"
    assert memberships_of(joiner) == [(provider.pk, "viewer", True)]
