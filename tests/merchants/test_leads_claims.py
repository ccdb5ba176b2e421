# ruff: noqa: F811  (the `pool` fixture is imported from test_leads_fixtures)
"""Claiming (报备) a lead: who may, the protection period of each tier, the monthly quota, refusals, and the
races (several providers for one lead; one provider for its last quota slot) on separate connections."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from linke.actors import Actor
from linke.errors import ConflictError, PermissionDeniedError
from linke.models import AuditEvent, DomainEvent
from linke.tenancy import all_providers
from merchants.choices import ClaimEventKind, ClaimStatus
from merchants.models import AccountAssignment, ClaimEvent, LeadClaim
from merchants.selectors.leads import claims_used_this_month, quota_month_start
from merchants.services.leads import LeadNotFound, lead_claim
from providers.choices import Role, Tier
from providers.rules import TIER_BENEFITS
from providers.services.status import provider_suspend
from providers.tenancy import provider_scope

from ..factories import ProviderFactory
from .test_leads_fixtures import claim, claims_of, pool, serve, set_standing  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_bd_claims_a_lead_for_the_protection_days_and_becomes_its_account_owner(pool, provider, member):
    bd = member(Role.BD)
    lead = pool.lead()
    before = timezone.now()
    made = claim(bd, lead)
    assert (made.status, made.provider_id, made.claimed_by_id) == (ClaimStatus.ACTIVE, provider.pk, bd.pk)
    assert made.expires_at - made.claimed_at == timedelta(days=15)  # L1
    assert made.claimed_at >= before
    with provider_scope(provider):
        assert list(ClaimEvent.objects.filter(claim=made).values_list("kind", "actor_name")) == [
            (ClaimEventKind.CLAIMED, str(bd.user))
        ]
        owner = AccountAssignment.objects.get(lead=lead, ended_at__isnull=True)
    assert owner.member_id == bd.pk
    assert AuditEvent.objects.filter(action="lead_claim.create", object_id=str(made.pk)).count() == 1
    event = DomainEvent.objects.get(type="lead.claimed")
    assert event.payload == {
        "claim_id": made.pk,
        "lead_id": lead.pk,
        "membership_id": bd.pk,
        "expires_at": made.expires_at.isoformat(),
    }
    assert list(DomainEvent.objects.filter(type="account_owner.changed").values_list("payload__why", flat=True)) == [
        "claimed"
    ]


@pytest.mark.parametrize(("tier", "days"), [(Tier.L1, 15), (Tier.L2, 30), (Tier.L3, 45), (Tier.L4, 60), (Tier.L5, 90)])
def test_the_protection_period_is_the_tiers(pool, provider, member, tier, days):
    benefits = TIER_BENEFITS[tier]
    set_standing(provider, tier=tier, lead_quota=benefits.lead_quota, protection_days=benefits.protection_days)
    made = claim(member(Role.BD), pool.lead())
    assert made.expires_at - made.claimed_at == timedelta(days=days)


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN, Role.BD])
def test_owner_admin_and_bd_may_claim(pool, member, role):
    assert claim(member(role), pool.lead()).status == ClaimStatus.ACTIVE


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.VIEWER])
def test_operator_and_viewer_may_not_claim(pool, member, role, english):
    lead = pool.lead()
    with pytest.raises(PermissionDeniedError, match="Only the owner, admins and BD staff can claim leads."):
        claim(member(role), lead)
    assert claims_of(lead) == []


def test_the_monthly_quota_is_counted_and_refused_when_used_up(pool, provider, member, english):
    set_standing(provider, lead_quota=2)
    bd = member(Role.BD)
    first, second, third = pool.lead(), pool.lead(), pool.lead()
    claim(bd, first)
    claim(bd, second)
    with pytest.raises(ConflictError) as refused:
        claim(bd, third)
    assert refused.value.code == "lead_quota_reached"
    assert str(refused.value.message) == "You have used all 2 claims of this month."
    assert refused.value.details == {"used": 2, "quota": 2}
    assert claims_of(third) == []
    with provider_scope(provider):
        assert claims_used_this_month(provider) == 2


def test_claims_of_last_month_do_not_count(pool, provider, member):
    set_standing(provider, lead_quota=1)
    bd = member(Role.BD)
    old = claim(bd, pool.lead())
    with all_providers():
        ClaimEvent.objects.filter(claim=old).update(created_at=quota_month_start() - timedelta(minutes=1))
    assert claim(bd, pool.lead()).status == ClaimStatus.ACTIVE


def test_the_month_starts_at_midnight_in_shanghai():
    start = quota_month_start(datetime(2026, 3, 31, 16, 30, tzinfo=UTC))  # 1 April 00:30 in 上海
    assert start.isoformat() == "2026-04-01T00:00:00+08:00"


def test_a_lead_held_by_another_provider_is_refused_without_naming_it(pool, member, other_provider, english):
    lead = pool.lead()
    held = claim(member(Role.BD, provider=other_provider), lead)
    with pytest.raises(ConflictError) as refused:
        claim(member(Role.BD), lead)
    until = timezone.localtime(held.expires_at).strftime("%Y-%m-%d %H:%M")
    assert refused.value.code == "lead_claimed"
    assert str(refused.value.message) == f"This lead is already claimed until {until}."
    assert other_provider.name not in str(refused.value.message)
    assert claims_of(lead) == [("贝塔服务商", ClaimStatus.ACTIVE)]


def test_a_suspended_provider_cannot_claim(pool, provider, member, operator, english):
    bd = member(Role.BD)
    provider_suspend(actor=Actor.operator(operator), provider=provider, reason="投诉核查中")
    lead = pool.lead()
    with pytest.raises(ConflictError) as refused:
        claim(bd, lead)
    assert refused.value.code == "provider_not_active"
    assert claims_of(lead) == []


def test_a_lead_outside_the_providers_cities_or_tracks_is_not_found(pool, member):
    bd = member(Role.BD)
    elsewhere, beauty = pool.lead(city=pool.beijing), pool.lead(category=pool.nails)
    for lead in (elsewhere, beauty):
        with pytest.raises(LeadNotFound):
            claim(bd, lead)
        assert claims_of(lead) == []


def test_an_opted_out_lead_cannot_be_claimed(pool, member):
    lead = pool.lead(opted_out_at=timezone.now())
    with pytest.raises(LeadNotFound):  # not in the pool any more
        claim(member(Role.BD), lead)
    assert claims_of(lead) == []


# --- Races ------------------------------------------------------------------------------------


def race(jobs):
    """Run each job in its own thread (its own database connection), all released at once."""
    barrier = threading.Barrier(len(jobs))
    outcomes = []

    def run(job):
        try:
            barrier.wait(timeout=10)
            job()
            outcomes.append("claimed")
        except ConflictError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_of_one_lead_by_four_providers_leave_one_holder(pool, member, cities, tracks):
    lead = pool.lead()
    bds = [member(Role.BD)]
    for name in ("贝塔二号", "伽马服务商", "德尔塔服务商"):
        bds.append(member(Role.BD, provider=serve(ProviderFactory(name=name), cities[0], tracks[0])))
    outcomes = race([lambda bd=bd: lead_claim(actor=Actor.member(bd), lead=lead) for bd in bds])
    assert outcomes == ["claimed", "lead_claimed", "lead_claimed", "lead_claimed"]
    with all_providers():
        assert LeadClaim.objects.filter(lead=lead, status=ClaimStatus.ACTIVE).count() == 1
        assert LeadClaim.objects.filter(lead=lead).count() == 1
        assert AccountAssignment.objects.filter(lead=lead).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_claims_racing_for_the_last_quota_slot_use_it_once(pool, provider, member):
    set_standing(provider, lead_quota=1)
    first_bd, second_bd = member(Role.BD), member(Role.BD)
    first, second = pool.lead(), pool.lead()
    outcomes = race(
        [
            lambda: lead_claim(actor=Actor.member(first_bd), lead=first),
            lambda: lead_claim(actor=Actor.member(second_bd), lead=second),
        ]
    )
    assert outcomes == ["claimed", "lead_quota_reached"]
    with all_providers():
        assert LeadClaim.objects.filter(provider=provider).count() == 1
