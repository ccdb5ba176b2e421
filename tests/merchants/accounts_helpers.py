"""Shared by the 跟进人 tests: merchants assigned the way the leads and requests services assign them."""

from datetime import timedelta

from django.utils import timezone

from linke.actors import Actor
from linke.tenancy import all_providers
from merchants.choices import ClaimStatus
from merchants.models import AccountAssignment, LeadClaim
from merchants.services.accounts import account_ensure
from providers.tenancy import provider_scope

from ..factories import LeadFactory


def assign(member, *, city, category, n=1, **lead_fields) -> list[AccountAssignment]:
    """`n` new leads looked after by `member` for its provider (as a claim or a request would make them)."""
    provider = member.provider
    with provider_scope(provider):
        return [
            account_ensure(
                actor=Actor.system(),
                provider=provider,
                lead=LeadFactory(city=city, category=category, **lead_fields),
                member=member,
                why="claimed",
            )
            for _ in range(n)
        ]


def hold(assignment, *, days=10) -> LeadClaim:
    """An active claim of the assignment's provider on its lead, protected for `days` more."""
    now = timezone.now()
    with provider_scope(assignment.provider_id):
        return LeadClaim.objects.create(
            provider_id=assignment.provider_id,
            lead_id=assignment.lead_id,
            claimed_by=assignment.member,
            status=ClaimStatus.ACTIVE,
            claimed_at=now,
            expires_at=now + timedelta(days=days),
        )


def owners(provider) -> list[tuple[int, int, bool]]:
    """(lead, member, active) of every assignment of `provider`, by lead then age: the whole state."""
    with all_providers():
        rows = AccountAssignment.objects.filter(provider=provider).order_by("lead_id", "assigned_at", "pk")
        return [(row.lead_id, row.member_id, row.ended_at is None) for row in rows]
