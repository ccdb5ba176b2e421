"""The team of a provider: invitations, roles, deactivation and the transfer of ownership.

Every function takes the `actor` (a member of the same provider; the invitee, a signed-in user, when
accepting), checks the permission matrix itself, locks the rows it changes, records an audit event
in its transaction and notifies the member concerned after commit."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.actors import Actor
from linke.audit import audit_record
from linke.errors import ApplicationError, ConflictError, InvalidTransition, PermissionDeniedError
from linke.events import emit
from linke.locks import hold, lock, relock
from linke.notifications import Text, notification_send
from linke.tasks import send_email_task
from linke.text import join_names

from .. import handover
from ..choices import AuditAction, ProviderStatus, Role
from ..events import MEMBER_JOINED, MEMBER_LEFT, MEMBER_ROLE_CHANGED
from ..models import Invitation, Membership, Provider, VerificationCode
from ..permissions import MESSAGES, Action, require
from ..rules import token_hash
from ..selectors import invitation_get_by_token
from ..tenancy import provider_scope

INVITATION_VALIDITY = timedelta(days=7)
ASSIGNABLE_ROLES = [role for role in Role if role != Role.OWNER]  # the owner is made by a transfer only
ASSIGNABLE_ROLE_CHOICES = [(role.value, role.label) for role in ASSIGNABLE_ROLES]


def invitation_accept_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portal:invitation_accept", kwargs={"token": token})


def _emit(event, membership: Membership, **payload) -> None:
    emit(
        event,
        provider=membership.provider,
        payload={"membership_id": membership.pk, "user_id": membership.user_id, **payload},
    )


def _notify(membership: Membership, *, verb: str, title, body="", url: str = "") -> None:
    notification_send(
        recipient=membership.user, provider=membership.provider, verb=verb, title=title, body=body, url=url
    )


# --- Invitations ------------------------------------------------------------------------------


def invitation_create(*, actor: Actor, provider: Provider, email: str, role: str) -> tuple[Invitation, str]:
    """Invite `email` to `provider` with `role` (never owner); returns the invitation and its raw
    token, which is emailed once after commit and stored only as a SHA-256. A pending invitation
    to the same address is revoked (replaced); an active member cannot be invited again, and a provider
    that is suspended (or terminated) invites no one."""
    require(actor, Action.MANAGE_TEAM, provider=provider)
    email = email.strip().lower()
    if role not in ASSIGNABLE_ROLES:
        raise ApplicationError(_("Invitations cannot make someone the owner; transfer ownership instead."))
    if Membership.objects.active().filter(provider=provider, user__email__iexact=email).exists():
        raise ApplicationError(_("%(email)s is already a member of this team.") % {"email": email})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        provider = hold(provider)  # a suspension waits for this invitation, or this one sees it
        require(actor, Action.MANAGE_TEAM, provider=provider, fresh=True)
        if not provider.is_in_good_standing:
            raise ConflictError(
                _("No one new can be invited while the provider's status is “%(status)s”.")
                % {"status": provider.get_status_display()},
                code="provider_not_in_good_standing",
            )
        replaced = list(lock(Invitation.objects.outstanding().filter(provider=provider, email=email)))
        for old in replaced:
            old.revoked_at = now
            old.save(update_fields=["revoked_at"])
            audit_record(
                action=AuditAction.INVITATION_REVOKE,
                obj=old,
                actor=actor,
                provider=provider,
                reason="replaced by a new invitation",
            )
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    provider=provider,
                    email=email,
                    role=role,
                    token_hash=token_hash(token),
                    invited_by=actor.user,
                    expires_at=now + INVITATION_VALIDITY,
                )
        except IntegrityError as exc:  # a concurrent invitation to the same address won the race
            raise ConflictError(_("An invitation to %(email)s was just sent.") % {"email": email}) from exc
        audit_record(
            action=AuditAction.INVITATION_CREATE,
            obj=invitation,
            actor=actor,
            provider=provider,
            after={"email": email, "role": role},
        )
        subject = "【林客】" + _("%(inviter)s invites you to join %(provider)s") % {
            "inviter": actor.user,
            "provider": provider.name,
        }
        body = _(
            "You are invited to join %(provider)s on Linke as %(role)s.\n\n"
            "Accept the invitation (valid for 7 days, usable once):\n%(url)s\n\n"
            "Log in or sign up with %(email)s to accept it."
        ) % {"provider": provider.name, "role": Role(role).label, "url": invitation_accept_url(token), "email": email}
        transaction.on_commit(lambda: send_email_task.delay(subject, body, [email]))
    return invitation, token


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation: Invitation) -> Invitation:
    """Revoke a pending invitation: its link stops working."""
    require(actor, Action.MANAGE_TEAM, provider=invitation.provider_id, fresh=True)
    invitation = relock(invitation)
    if invitation.accepted_at or invitation.revoked_at:
        raise InvalidTransition(_("Only a pending invitation can be revoked."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(action=AuditAction.INVITATION_REVOKE, obj=invitation, actor=actor, provider=invitation.provider)
    return invitation


def invitation_problem(invitation: Invitation | None, user) -> str | None:
    """Why `user` cannot accept `invitation` (a message for them), or None if they can. Someone else who
    holds the link learns nothing from it: not whom it was sent to, nor which provider sent it."""
    if invitation is None:
        return _("This invitation link is not valid. Check that you copied the whole link.")
    if user.email.lower() != invitation.email.lower():
        return _(
            "This invitation was sent to another email address than yours (%(current)s). "
            "Log out and log in with the address it was sent to."
        ) % {"current": user.email}
    if invitation.state == "revoked":
        return _("This invitation has been withdrawn. Ask %(provider)s for a new one.") % {
            "provider": invitation.provider.name
        }
    if invitation.state == "accepted":
        return _("This invitation has already been used.")
    if invitation.state == "expired":
        return _("This invitation has expired. Ask %(provider)s for a new one.") % {
            "provider": invitation.provider.name
        }
    if invitation.provider.status == ProviderStatus.TERMINATED:
        return _("%(provider)s is no longer active on Linke.") % {"provider": invitation.provider.name}
    if not invitation.provider.is_in_good_standing:
        return _(
            "%(provider)s is suspended at the moment: the invitation can be accepted once the platform reinstates it."
        ) % {"provider": invitation.provider.name}
    return None


def invitation_accept(*, actor: Actor, token: str) -> Membership:
    """Accept an invitation as `actor` (a signed-in user whose email must be the invited one): creates the
    membership, or reactivates the user's former one with the invited role. The invitation is then used up."""
    user = actor.user
    if user is None:
        raise ApplicationError(_("Log in to accept the invitation."), code="invitation_invalid")
    invitation = invitation_get_by_token(token)
    if invitation is None:
        raise ApplicationError(invitation_problem(None, user), code="invitation_invalid")
    with transaction.atomic(), provider_scope(invitation.provider_id):
        hold(invitation.provider)  # its standing as it is until the member has joined
        invitation = relock(invitation, "provider")
        if problem := invitation_problem(invitation, user):
            raise ApplicationError(problem, code="invitation_invalid")
        provider = invitation.provider
        membership = lock(Membership.objects.filter(provider=provider, user=user)).first()
        if membership is None:
            membership = Membership.objects.create(provider=provider, user=user, role=invitation.role)
        elif membership.is_active:
            raise ConflictError(_("You are already a member of %(provider)s.") % {"provider": provider.name})
        else:
            membership.role, membership.is_active, membership.deactivated_at = invitation.role, True, None
            membership.save(update_fields=["role", "is_active", "deactivated_at"])
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(
            action=AuditAction.INVITATION_ACCEPT,
            obj=invitation,
            actor=actor,
            provider=provider,
            after={"membership": membership.pk, "role": membership.role},
        )
        _emit(MEMBER_JOINED, membership, role=membership.role, via="invitation")
        notification_send(
            recipient=invitation.invited_by,
            provider=provider,
            verb=AuditAction.INVITATION_ACCEPT,
            title=Text(gettext_lazy("%(user)s joined %(provider)s"), user=user, provider=provider.name),
            body=Text(gettext_lazy("They accepted your invitation as %(role)s."), role=Role(membership.role).label),
            url=reverse("portal:team"),
        )
    return membership


# --- Members ----------------------------------------------------------------------------------


def _lock_manageable(
    membership: Membership, actor: Actor, successor: Membership | None = None
) -> tuple[Membership, Membership | None]:
    """Lock `membership` for a change by `actor`: owner and admins manage everyone but the owner
    and themselves (an owner steps down by transferring ownership). A `successor` is locked in the
    same statement and returned as it is now (None if it is not in this provider)."""
    acting = require(actor, Action.MANAGE_TEAM, provider=membership.provider_id)
    # Lock the target, the actor and the successor (in id order: no deadlock) and check the actor again
    # as it is now: two admins deactivating each other at once must not both succeed.
    pks = {membership.pk, acting.pk} | ({successor.pk} if successor is not None else set())
    locked = {m.pk: m for m in lock(Membership.objects.select_related("user", "provider").filter(pk__in=pks))}
    require(Actor.member(locked[acting.pk]), Action.MANAGE_TEAM, provider=membership.provider_id)
    membership = locked[membership.pk]
    if membership.role == Role.OWNER:
        raise InvalidTransition(_("The owner cannot be changed or deactivated; transfer ownership first."))
    if membership.pk == acting.pk:
        raise InvalidTransition(_("You cannot change your own membership; ask the owner or another admin."))
    return membership, locked.get(successor.pk) if successor is not None else None


@transaction.atomic
def membership_change_role(*, actor: Actor, membership: Membership, role: str) -> Membership:
    """Give an active, non-owner member another role (never owner: that is `ownership_transfer`). A role
    that may not keep what the member holds (`providers.handover`) is refused until it is handed over."""
    if role not in ASSIGNABLE_ROLES:
        raise ApplicationError(_("To make someone the owner, transfer ownership to them."))
    membership, _successor = _lock_manageable(membership, actor)
    if not membership.is_active:
        raise InvalidTransition(_("This member is deactivated; reactivate them first."))
    if membership.role == role:
        return membership
    before = membership.role
    membership.role = role
    # A role that may not hold what the member holds (a viewer looking after merchants): hand over first.
    if (held := handover.holdings_of(membership)) and not handover.may_keep(membership):
        raise ApplicationError(
            _("%(member)s still looks after %(holdings)s, which a member with this role cannot: hand them over first.")
            % {"member": membership.user, "holdings": join_names(label for label, _count in held)},
            code="hand_over_first",
        )
    membership.save(update_fields=["role"])
    audit_record(
        action=AuditAction.MEMBERSHIP_CHANGE_ROLE,
        obj=membership,
        actor=actor,
        provider=membership.provider,
        before={"role": before},
        after={"role": role},
    )
    _emit(MEMBER_ROLE_CHANGED, membership, role_before=before, role=role)
    _notify(
        membership,
        verb=AuditAction.MEMBERSHIP_CHANGE_ROLE,
        url=reverse("portal:team"),
        title=Text(
            gettext_lazy("Your role in %(provider)s is now %(role)s"),
            provider=membership.provider.name,
            role=Role(membership.role).label,
        ),
    )
    return membership


@transaction.atomic
def membership_deactivate(
    *, actor: Actor, membership: Membership, reason: str = "", successor: Membership | None = None
) -> Membership:
    """Deactivate a non-owner member: they lose access to the provider at once, their live
    verification codes are revoked (a merchant checking one sees it is no longer valid) and the
    invitations they sent are withdrawn. What they hold in the apps above (the merchants they look
    after: `providers.handover`) goes to `successor`, an active member of the same provider, in the
    same transaction; without a successor they may take over nothing changes (`successor_required`)."""
    membership, successor = _lock_manageable(membership, actor, successor)
    if not membership.is_active:
        raise InvalidTransition(_("This member is already deactivated."))
    held = handover.holdings_of(membership)
    if held and not handover.may_take_over(membership, successor):
        raise ApplicationError(
            _("%(member)s looks after %(holdings)s: choose an active member of the team to take over.")
            % {"member": membership.user, "holdings": ", ".join(label for label, _count in held)},
            code="successor_required",
            details={"holdings": [{"label": label, "count": count} for label, count in held]},
        )
    now = timezone.now()
    membership.is_active, membership.deactivated_at = False, now
    membership.save(update_fields=["is_active", "deactivated_at"])
    revoked = VerificationCode.objects.unrevoked().filter(membership=membership).update(revoked_at=now)
    # Invitations they sent go too: nobody joins on the word of someone no longer on the team.
    withdrawn = (
        Invitation.objects.outstanding()
        .filter(provider=membership.provider, invited_by=membership.user)
        .update(revoked_at=now)
    )
    handed_over = {}
    if held:  # each app audits what it handed over
        handover.hand_over(membership, successor, actor)
        handed_over = {"handed_over_to": successor.pk}
    audit_record(
        action=AuditAction.MEMBERSHIP_DEACTIVATE,
        obj=membership,
        actor=actor,
        provider=membership.provider,
        before={"is_active": True},
        after={"is_active": False, "codes_revoked": revoked, "invitations_withdrawn": withdrawn, **handed_over},
        reason=reason,
    )
    _emit(MEMBER_LEFT, membership, role=membership.role, reason=reason)
    _notify(
        membership,
        verb=AuditAction.MEMBERSHIP_DEACTIVATE,
        body=reason,
        title=Text(gettext_lazy("Your access to %(provider)s has been deactivated"), provider=membership.provider.name),
    )
    return membership


@transaction.atomic
def membership_reactivate(*, actor: Actor, membership: Membership) -> Membership:
    """Give a deactivated member access again, with the role they had."""
    membership, _successor = _lock_manageable(membership, actor)
    if membership.is_active:
        raise InvalidTransition(_("This member is already active."))
    membership.is_active, membership.deactivated_at = True, None
    membership.save(update_fields=["is_active", "deactivated_at"])
    audit_record(
        action=AuditAction.MEMBERSHIP_REACTIVATE,
        obj=membership,
        actor=actor,
        provider=membership.provider,
        before={"is_active": False},
        after={"is_active": True},
    )
    _emit(MEMBER_JOINED, membership, role=membership.role, via="reactivation")
    _notify(
        membership,
        verb=AuditAction.MEMBERSHIP_REACTIVATE,
        url=reverse("portal:team"),
        title=Text(gettext_lazy("Your access to %(provider)s has been restored"), provider=membership.provider.name),
    )
    return membership


@transaction.atomic
def ownership_transfer(*, actor: Actor, provider: Provider, to_membership: Membership) -> Membership:
    """Make `to_membership` (an active member) the owner; the old owner (`actor`) becomes an admin.

    All memberships of the provider are locked in id order, so concurrent transfers (and any other
    all-member lock) queue up instead of deadlocking; the loser then finds it is no longer the owner."""
    acting = require(actor, Action.TRANSFER_OWNERSHIP, provider=provider)
    members = {m.pk: m for m in lock(Membership.objects.select_related("user", "provider").filter(provider=provider))}
    owner, target = members.get(acting.pk), members.get(to_membership.pk)
    if owner is None or not owner.is_active or owner.role != Role.OWNER:
        raise PermissionDeniedError(MESSAGES[Action.TRANSFER_OWNERSHIP])
    if target is None or not target.is_active:
        raise InvalidTransition(_("Ownership can only go to an active member of the team."))
    if target.pk == owner.pk:
        raise InvalidTransition(_("You are already the owner."))
    before = target.role
    # Demote before promoting: the database allows one active owner per provider at every moment.
    owner.role = Role.ADMIN
    owner.save(update_fields=["role"])
    target.role = Role.OWNER
    target.save(update_fields=["role"])
    audit_record(
        action=AuditAction.PROVIDER_TRANSFER_OWNERSHIP,
        obj=provider,
        actor=actor,
        provider=provider,
        before={"owner": owner.pk, "new_owner_role": before},
        after={"owner": target.pk},
    )
    _emit(MEMBER_ROLE_CHANGED, owner, role_before=Role.OWNER, role=Role.ADMIN)
    _emit(MEMBER_ROLE_CHANGED, target, role_before=before, role=Role.OWNER)
    _notify(
        target,
        verb=AuditAction.PROVIDER_TRANSFER_OWNERSHIP,
        url=reverse("portal:team"),
        title=Text(gettext_lazy("You are now the owner of %(provider)s"), provider=provider.name),
        body=Text(gettext_lazy("%(user)s transferred the ownership to you and stays on as an admin."), user=owner.user),
    )
    return target
