"""跟进人 (account owners): which member of a provider looks after a merchant (a lead it holds or works with).

Exactly one active `AccountAssignment` per provider and lead (the partial unique index `account_one_owner`);
a change ends the active row and adds a new one, so the ended rows are the history. Every change emits
`account_owner.changed` for its merchant."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from linke.actors import Actor, ActorKind
from linke.audit import audit_record
from linke.errors import ApplicationError, ConflictError
from linke.events import emit, emit_many
from linke.locks import hold, lock
from linke.notifications import Text, notification_send
from providers.models import Membership
from providers.permissions import Action, can, require

from ..choices import AccountAuditAction
from ..events import ACCOUNT_OWNER_CHANGED
from ..models import AccountAssignment


def may_own_accounts(membership) -> bool:
    """Who may look after merchants: an active member whose role works them (claims leads, answers
    requests): owner, admin and bd; operators and viewers do not."""
    return can(membership, Action.CLAIM_LEADS)


def account_ensure(*, actor: Actor, provider, lead, member, why: str) -> AccountAssignment:
    """The provider's active account owner of `lead`; assigns `member` (an active Membership of `provider`)
    when there is none. Runs inside the caller's transaction and provider scope. Callers normally hold a
    lock on the lead; if two first assignments race anyway, the partial unique index `account_one_owner`
    lets one in and the other returns it. Emits `account_owner.changed` when it assigns."""
    active = AccountAssignment.objects.filter(provider=provider, lead=lead, ended_at__isnull=True)
    current = active.first()
    if current is not None:
        return current
    try:
        with transaction.atomic():  # a savepoint: losing the race must not break the caller's transaction
            assignment = AccountAssignment.objects.create(
                provider=provider,
                lead=lead,
                member=member,
                # who decided it: a member or an operator; a merchant's request assigns, but decides nothing
                assigned_by=actor.user if actor.kind in (ActorKind.MEMBER, ActorKind.OPERATOR) else None,
                assigned_at=timezone.now(),
            )
    except IntegrityError:
        return active.get()  # the winner's row: committed, since the index made us wait for it
    emit(
        ACCOUNT_OWNER_CHANGED,
        provider=provider,
        payload={"lead_id": lead.pk, "membership_id": member.pk, "previous_membership_id": None, "why": why},
    )
    return assignment


def _lock_account_owner(to_member: Membership) -> Membership:
    """`to_member` as it is now, kept so until the transaction ends (a deactivation waits), if it may own accounts."""
    try:
        to_member = hold(to_member)
    except Membership.DoesNotExist:  # another provider's member is not in scope: as good as missing
        to_member = None
    if to_member is None or not may_own_accounts(to_member):
        raise ApplicationError(
            _("Choose an active member of your team who works with merchants (owner, admin or BD)."),
            code="invalid_account_owner",
        )
    return to_member


def _move(*, actor: Actor, assignments: list[AccountAssignment], to_member: Membership, why: str, action):
    """End the locked active `assignments` and give their merchants to `to_member`, set-based (one update,
    one insert); one event per merchant, one audit record (`action`) and one notification of the new
    owner for them all. Returns the new assignments (none if all were theirs already)."""
    moving = [assignment for assignment in assignments if assignment.member_id != to_member.pk]
    if not moving:
        return []
    now = timezone.now()
    AccountAssignment.objects.filter(pk__in=[assignment.pk for assignment in moving]).update(ended_at=now)
    created = AccountAssignment.objects.bulk_create(
        AccountAssignment(
            provider_id=to_member.provider_id,
            lead_id=assignment.lead_id,
            member=to_member,
            assigned_by=actor.user,
            assigned_at=now,
        )
        for assignment in moving
    )
    provider = to_member.provider
    emit_many(
        ACCOUNT_OWNER_CHANGED,
        [
            (
                provider.pk,
                {
                    "lead_id": assignment.lead_id,
                    "membership_id": to_member.pk,
                    "previous_membership_id": assignment.member_id,
                    "why": why,
                },
            )
            for assignment in moving
        ],
    )
    audit_record(
        action=action,
        obj=to_member,
        actor=actor,
        provider=provider,
        before={"owners": sorted({assignment.member_id for assignment in moving})},
        after={"owner": to_member.pk, "count": len(created), "leads": sorted(a.lead_id for a in created)},
    )
    count = len(created)
    notification_send(
        recipient=to_member.user,
        provider=provider,
        verb=action,
        title=Text(
            ngettext_lazy("%(count)s merchant was assigned to you", "%(count)s merchants were assigned to you", count),
            count=count,
        ),
        body=Text(gettext_lazy("Assigned by %(user)s. You are now their account owner (跟进人)."), user=actor),
        url=reverse("portal:account_list") + f"?owner={to_member.pk}",
    )
    return created


@transaction.atomic
def account_reassign(*, actor: Actor, assignments, to_member: Membership) -> list[AccountAssignment]:
    """Give the merchants of `assignments` (active assignments of the actor's provider) to `to_member`,
    an active owner, admin or bd of the same provider. Owner and admins only. All or nothing: if one of
    them has changed meanwhile (reassigned, ended), nothing is moved (`assignment_changed`). Audited once
    with the count; the new owner is notified once (in-app and email). Returns the new assignments."""
    acting = require(actor, Action.ASSIGN_ACCOUNTS)
    # The actor and the new owner in one statement, in id order (as `membership_deactivate` locks its
    # rows): two admins reassigning to each other at once queue up instead of deadlocking.
    pks = {acting.pk, to_member.pk}
    locked = {m.pk: m for m in lock(Membership.objects.select_related("user", "provider").filter(pk__in=pks))}
    require(Actor.member(locked[acting.pk]), Action.ASSIGN_ACCOUNTS)  # the actor as they are now
    to_member = locked.get(to_member.pk)  # another provider's member is not in scope: as good as missing
    if to_member is None or not may_own_accounts(to_member):
        raise ApplicationError(
            _("Choose an active member of your team who works with merchants (owner, admin or BD)."),
            code="invalid_account_owner",
        )
    pks = {assignment.pk for assignment in assignments}
    locked = list(lock(AccountAssignment.objects.filter(pk__in=pks, provider_id=acting.provider_id)))
    if not pks or len(locked) != len(pks) or any(assignment.ended_at for assignment in locked):
        raise ConflictError(
            _("Some of these merchants were reassigned or ended meanwhile: reload the page and try again."),
            code="assignment_changed",
        )
    return _move(
        actor=actor, assignments=locked, to_member=to_member, why="reassigned", action=AccountAuditAction.REASSIGN
    )


def account_hand_over(*, actor: Actor, membership: Membership, successor: Membership) -> list[AccountAssignment]:
    """Give every merchant `membership` looks after to `successor` (why `member_left`): the merchants app's
    part of deactivating a member (`providers.handover`), run inside `membership_deactivate`'s transaction,
    which has checked the actor and locked both memberships."""
    successor = _lock_account_owner(successor)
    held = list(lock(AccountAssignment.objects.filter(member=membership, ended_at__isnull=True)))
    return _move(
        actor=actor, assignments=held, to_member=successor, why="member_left", action=AccountAuditAction.HAND_OVER
    )
