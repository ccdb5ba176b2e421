# ruff: noqa: F811  (the `pool` fixture is imported from test_leads_fixtures)
"""Releasing claims whose protection ran out: set-based (one UPDATE for any number of claims), with their
history, account owners and events; the 30-day block of the same provider; the task and the command."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linke.errors import ConflictError
from linke.models import DomainEvent
from linke.tenancy import all_providers
from merchants import tasks
from merchants.choices import ClaimEventKind, ClaimStatus
from merchants.models import AccountAssignment, ClaimEvent, LeadClaim
from merchants.services import leads as lead_services
from merchants.services.leads import leads_release_expired
from providers.choices import Role

from .test_leads_fixtures import claim, claims_of, make_due, pool, set_standing  # noqa: F401

pytestmark = pytest.mark.django_db


def statements(captured, verb, table):
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith(verb) and table in q["sql"][:80].replace('"', "").split()
    ]


def test_one_update_releases_every_due_claim_with_its_history_owner_and_event(pool, provider, member):
    set_standing(provider, lead_quota=100)
    bd = member(Role.BD)
    due = [claim(bd, pool.lead()) for _ in range(30)]
    running = claim(bd, pool.lead())
    for row in due:
        make_due(row)
    with CaptureQueriesContext(connection) as captured:
        assert leads_release_expired() == 30
    assert len(statements(captured, "UPDATE", "merchants_leadclaim")) == 1
    assert len(statements(captured, "INSERT", "merchants_claimevent")) == 1
    assert len(statements(captured, "UPDATE", "merchants_accountassignment")) == 1
    assert len(statements(captured, "INSERT", "linke_domainevent")) == 2  # lead.released, account_owner.changed
    assert [q["sql"].split()[0] for q in captured.captured_queries] == [
        "SAVEPOINT",
        "UPDATE",
        "INSERT",
        "UPDATE",
        "INSERT",
        "INSERT",
        "RELEASE",
    ]
    with all_providers():
        statuses = dict(LeadClaim.objects.filter(provider=provider).values_list("pk", "status"))
        assert statuses == {**{row.pk: ClaimStatus.RELEASED for row in due}, running.pk: ClaimStatus.ACTIVE}
        assert LeadClaim.objects.filter(status=ClaimStatus.RELEASED, ended_at__isnull=True).count() == 0
        released_entries = ClaimEvent.objects.filter(kind=ClaimEventKind.RELEASED)
        assert sorted(released_entries.values_list("claim_id", flat=True)) == sorted(row.pk for row in due)
        assert AccountAssignment.objects.filter(ended_at__isnull=True).values_list("lead_id", flat=True).get() == (
            running.lead_id
        )
    events = DomainEvent.objects.filter(type="lead.released")
    assert sorted(e.payload["claim_id"] for e in events) == sorted(row.pk for row in due)
    assert {e.payload["why"] for e in events} == {"expired"}
    assert {e.provider_id for e in events} == {provider.pk}
    assert DomainEvent.objects.filter(type="account_owner.changed", payload__why="released").count() == 30


def test_the_events_of_a_release_carry_their_payloads_as_emit_writes_them(pool, provider, member):
    bd = member(Role.BD)
    due = claim(bd, pool.lead())
    make_due(due)
    assert leads_release_expired() == 1
    released = DomainEvent.objects.get(type="lead.released")
    owner = DomainEvent.objects.get(type="account_owner.changed", payload__why="released")
    assert (released.version, released.provider_id, released.payload) == (
        1,
        provider.pk,
        {"claim_id": due.pk, "lead_id": due.lead_id, "why": "expired"},
    )
    assert (owner.provider_id, owner.payload) == (
        provider.pk,
        {"lead_id": due.lead_id, "membership_id": None, "previous_membership_id": bd.pk, "why": "released"},
    )
    with all_providers():
        entry = ClaimEvent.objects.get(claim=due, kind=ClaimEventKind.RELEASED)
    assert (entry.provider_id, entry.actor_name) == (provider.pk, "")


def test_batches_release_everything_in_several_short_transactions(pool, provider, member, monkeypatch):
    monkeypatch.setattr(lead_services, "RELEASE_BATCH", 10)
    set_standing(provider, lead_quota=100)
    bd = member(Role.BD)
    for row in [claim(bd, pool.lead()) for _ in range(25)]:
        make_due(row)
    with CaptureQueriesContext(connection) as captured:
        assert leads_release_expired() == 25
    assert len(statements(captured, "UPDATE", "merchants_leadclaim")) == 3
    with all_providers():
        assert LeadClaim.objects.filter(status=ClaimStatus.ACTIVE).count() == 0


def test_nothing_due_releases_nothing(pool, member):
    claim(member(Role.BD), pool.lead())
    assert leads_release_expired() == 0
    assert DomainEvent.objects.filter(type="lead.released").count() == 0


def test_the_same_provider_is_blocked_for_30_days_and_may_claim_again_after(pool, provider, member, other_provider):
    bd = member(Role.BD)
    lead = pool.lead()
    make_due(claim(bd, lead))
    leads_release_expired()
    with all_providers():
        ended = LeadClaim.objects.get(lead=lead).ended_at
    with pytest.raises(ConflictError) as refused:
        claim(bd, lead)
    assert refused.value.code == "lead_blocked"
    assert refused.value.details == {"blocked_until": (ended + timedelta(days=30)).isoformat()}
    assert claims_of(lead) == [("阿尔法服务商", ClaimStatus.RELEASED)]
    # 31 days later the block is over
    with all_providers():
        LeadClaim.objects.filter(lead=lead).update(ended_at=timezone.now() - timedelta(days=31))
    assert claim(bd, lead).status == ClaimStatus.ACTIVE


def test_another_provider_may_claim_a_released_lead_at_once(pool, member, other_provider):
    lead = pool.lead()
    make_due(claim(member(Role.BD), lead))
    leads_release_expired()
    claim(member(Role.BD, provider=other_provider), lead)
    assert claims_of(lead) == [("阿尔法服务商", ClaimStatus.RELEASED), ("贝塔服务商", ClaimStatus.ACTIVE)]


def test_a_claim_whose_protection_ran_out_is_released_when_someone_claims_the_lead(pool, member, other_provider):
    """Between two runs of the task a run-out claim does not keep the lead from others."""
    lead = pool.lead()
    make_due(claim(member(Role.BD), lead))
    claim(member(Role.BD, provider=other_provider), lead)
    assert claims_of(lead) == [("阿尔法服务商", ClaimStatus.RELEASED), ("贝塔服务商", ClaimStatus.ACTIVE)]


def test_the_task_and_the_command_release(pool, member):
    bd = member(Role.BD)
    first, second = claim(bd, pool.lead()), claim(bd, pool.lead())
    make_due(first)
    assert tasks.release_expired_leads_task.delay().get() == 1
    make_due(second)
    call_command("release_expired_leads", stdout=(out := __import__("io").StringIO()))
    assert out.getvalue().strip() == "released 1 expired lead claims"
    with all_providers():
        assert LeadClaim.objects.filter(status=ClaimStatus.RELEASED).count() == 2


def test_the_beat_schedule_runs_the_release_with_an_expiry(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["release-expired-leads"]
    assert entry["task"] == "merchants.tasks.release_expired_leads_task"
    assert entry["schedule"] == timedelta(minutes=10)
    assert 0 < entry["options"]["expires"] < 600
