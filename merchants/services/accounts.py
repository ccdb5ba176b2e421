"""跟进人 (account owners): which member of a provider looks after a merchant (a lead it holds or works with)."""

from django.utils import timezone

from linke.actors import Actor
from linke.events import emit

from ..events import ACCOUNT_OWNER_CHANGED
from ..models import AccountAssignment


def account_ensure(*, actor: Actor, provider, lead, member, why: str) -> AccountAssignment:
    """The provider's active account owner of `lead`; assigns `member` (an active Membership of `provider`)
    when there is none. Runs inside the caller's transaction and provider scope, after the caller locked
    the lead: the partial unique index `account_one_owner` keeps it to one however callers race. Emits
    `account_owner.changed` when it assigns."""
    current = AccountAssignment.objects.filter(provider=provider, lead=lead, ended_at__isnull=True).first()
    if current is not None:
        return current
    assignment = AccountAssignment.objects.create(
        provider=provider,
        lead=lead,
        member=member,
        assigned_by=actor.user,
        assigned_at=timezone.now(),
    )
    emit(
        ACCOUNT_OWNER_CHANGED,
        provider=provider,
        payload={"lead_id": lead.pk, "membership_id": member.pk, "previous_membership_id": None, "why": why},
    )
    return assignment
