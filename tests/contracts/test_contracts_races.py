# ruff: noqa: F811  (the `world` fixture is imported from lifecycle_setup)
"""The exclusion constraint under real concurrency: two merchants' signatures of full-operation proposals for
the same store and overlapping dates, in two threads with their own connections released together. One
wins; the other gets `store_has_full_operation` with the winner's dates, and nothing of it changed. Adjacent
dates do not conflict."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from contracts.choices import ContractStatus
from contracts.models import ContractStore
from contracts.services.contracts import contract_draft, contract_propose, contract_sign
from linke.errors import ConflictError
from linke.models import DomainEvent
from providers.choices import Role

from ..factories import ProviderFactory
from .lifecycle_setup import FULL, as_member, as_merchant, fetch, full_terms, send_request, serve, today, world  # noqa: F401


def race(jobs):
    """Run each job in its own thread (its own database connection), all released at once."""
    barrier = threading.Barrier(len(jobs))
    outcomes = {}

    def run(name, job):
        try:
            barrier.wait(timeout=10)
            job()
            outcomes[name] = "signed"
        except ConflictError as error:
            outcomes[name] = (error.code, str(error.message))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in jobs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def proposal_by(world, member, terms):
    contract = contract_draft(
        actor=as_member(member), merchant=world.merchant, stores=[world.store], kind=FULL, terms=terms
    )
    return contract_propose(actor=as_member(member), contract=contract)


@pytest.fixture
def two_proposals(world, member, cities):
    """Full operation of the world's store by two providers, the second's dates overlapping the first's."""
    rival = serve(ProviderFactory(name="伽马服务商"), cities[0], world.tracks[0])
    rival_bd = member(Role.BD, provider=rival)
    send_request(world.merchant, rival, [world.store])
    start = today() + timedelta(days=10)
    first = proposal_by(world, world.bd, full_terms(start=start, days=180))
    second = proposal_by(world, rival_bd, full_terms(start=start + timedelta(days=30), days=180))
    return first, second


def sign(world, contract):
    return lambda: contract_sign(actor=as_merchant(world.merchant), contract=contract, version=1, confirm_fees=True)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_signatures_for_one_store_leave_one_full_operation_contract(world, two_proposals, english):
    first, second = two_proposals
    outcomes = race({"first": sign(world, first), "second": sign(world, second)})
    assert sorted(outcomes) == ["first", "second"]
    assert sorted(outcome == "signed" for outcome in outcomes.values()) == [False, True]
    winner, loser = (first, second) if outcomes["first"] == "signed" else (second, first)
    winner_row = fetch(winner)
    code, message = outcomes["second" if winner is first else "first"]
    assert code == "store_has_full_operation"
    assert message == (
        f"Store 老张火锅（五四路店） already has a full-operation contract from "
        f"{winner_row.start_date.isoformat()} to {winner_row.end_date.isoformat()}."
    )
    loser_row = fetch(loser)
    assert (loser_row.status, loser_row.signed_fingerprint, loser_row.signed_at) == (ContractStatus.PROPOSED, "", None)
    assert not ContractStore.objects.filter(contract=loser, exclusive=True).exists()
    assert ContractStore.objects.filter(contract=winner, exclusive=True).count() == 1
    assert list(DomainEvent.objects.filter(type="contract.signed").values_list("payload__contract_id", flat=True)) == [
        winner.pk
    ]


@pytest.mark.django_db
def test_the_python_check_gives_the_same_message_when_one_is_already_signed(world, two_proposals):
    first, second = two_proposals
    sign(world, first)()
    with pytest.raises(ConflictError) as refused:
        sign(world, second)()
    row = fetch(first)
    assert refused.value.code == "store_has_full_operation"
    assert refused.value.details == {
        "store": world.store.pk,
        "start_date": row.start_date.isoformat(),
        "end_date": row.end_date.isoformat(),
    }
    assert fetch(second).status == ContractStatus.PROPOSED


@pytest.mark.django_db
def test_adjacent_dates_do_not_conflict(world):
    start = today() + timedelta(days=1)
    first = proposal_by(world, world.bd, full_terms(start=start, days=90))
    sign(world, first)()
    after = proposal_by(world, world.bd, full_terms(start=fetch(first).end_date + timedelta(days=1), days=90))
    sign(world, after)()
    assert ContractStore.objects.filter(store=world.store, exclusive=True).count() == 2
    overlapping = full_terms(start=fetch(first).end_date, days=90)  # one day shared
    with pytest.raises(ConflictError) as refused:
        proposal_by(world, world.bd, overlapping)
    assert refused.value.code == "store_has_full_operation"
