# ruff: noqa: F811  (the `world` fixture is imported from lifecycle_setup)
"""Starting and ending contracts by date (`contracts_activate_due`, `contracts_end_due` and their tasks):
set-based (the number of queries does not grow with the contracts), idempotent, and what each end is."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.choices import ContractEventKind, ContractStatus, DeliverableStatus, Side
from contracts.models import Contract, ContractEvent, ContractStore
from contracts.services import contracts as lifecycle
from contracts.services.contracts import contracts_activate_due, contracts_end_due
from contracts.tasks import contracts_activate_due_task, contracts_end_due_task
from linke.models import DomainEvent
from linke.tenancy import all_providers

from ..factories import StoreFactory
from ..factories.contracts import make_contract, make_deliverable
from .lifecycle_setup import FULL, SPECIALIZED, fetch, today, world  # noqa: F401

pytestmark = pytest.mark.django_db


def stores(world, count):
    return [
        StoreFactory(merchant=world.merchant, city=world.cities[0], category=world.categories["hotpot"])
        for _ in range(count)
    ]


def signed_contracts(world, count, *, start):
    """`count` signed contracts starting on `start`, half full operation (each its own store)."""
    return [
        make_contract(
            world.provider,
            world.merchant,
            stores=[store],
            kind=FULL if number % 2 else SPECIALIZED,
            status=ContractStatus.SIGNED,
            start=start,
            end=start + timedelta(days=179),
        )
        for number, store in enumerate(stores(world, count))
    ]


def queries_of(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured), result


def test_signed_contracts_start_on_their_start_date_in_a_constant_number_of_queries(world):
    few = signed_contracts(world, 2, start=today())
    later = signed_contracts(world, 1, start=today() + timedelta(days=1))
    few_queries, started = queries_of(contracts_activate_due)
    assert started == 2
    many = signed_contracts(world, 6, start=today())
    many_queries, started = queries_of(contracts_activate_due)
    assert (started, many_queries) == (6, few_queries)
    assert {fetch(contract).status for contract in few + many} == {ContractStatus.ACTIVE}
    assert fetch(later[0]).status == ContractStatus.SIGNED
    with all_providers():
        assert ContractEvent.objects.filter(kind=ContractEventKind.ACTIVATED, side=Side.PLATFORM).count() == 8
        activated = fetch(few[0])
        assert activated.activated_at is not None
    payloads = sorted(
        DomainEvent.objects.filter(type="contract.activated").values_list("payload__contract_id", flat=True)
    )
    assert payloads == sorted(contract.pk for contract in few + many)


def test_activation_is_idempotent(world):
    signed_contracts(world, 3, start=today() - timedelta(days=2))
    assert contracts_activate_due() == 3
    assert contracts_activate_due() == 0
    assert DomainEvent.objects.filter(type="contract.activated").count() == 3
    with all_providers():
        assert ContractEvent.objects.filter(kind=ContractEventKind.ACTIVATED).count() == 3


def test_activation_goes_in_batches(world, monkeypatch):
    monkeypatch.setattr(lifecycle, "BATCH", 2)
    signed_contracts(world, 5, start=today())
    assert contracts_activate_due() == 5
    with all_providers():
        assert Contract.objects.filter(status=ContractStatus.ACTIVE).count() == 5


def test_full_operation_gets_this_months_deliverables_when_it_starts(world):
    contract = make_contract(
        world.provider, world.merchant, stores=[world.store], kind=FULL, status=ContractStatus.SIGNED, start=today()
    )
    contracts_activate_due()
    with all_providers():
        assert contract.deliverables.filter(period=today().replace(day=1)).exists()


def active(world, *, end, kind=SPECIALIZED, **fields):
    start = end - timedelta(days=179 if kind == FULL else 29)
    return make_contract(
        world.provider,
        world.merchant,
        stores=stores(world, 1),
        kind=kind,
        status=ContractStatus.ACTIVE,
        start=start,
        end=end,
        **fields,
    )


def test_ending_completes_expires_or_terminates(world):
    yesterday = today() - timedelta(days=1)
    done = active(world, end=yesterday)
    make_deliverable(done, status=DeliverableStatus.ACCEPTED)
    late = active(world, end=yesterday, kind=FULL)
    make_deliverable(late, status=DeliverableStatus.SUBMITTED)
    noticed = active(world, end=yesterday, kind=FULL)
    with all_providers():
        Contract.objects.filter(pk=noticed.pk).update(
            notice_end_date=yesterday, notice_at=noticed.signed_at, notice_by=Side.MERCHANT, notice_reason="停业"
        )
    running = active(world, end=today())
    assert contracts_end_due() == 3
    assert [(fetch(c).status, fetch(c).ended_by, fetch(c).reason) for c in (done, late, noticed, running)] == [
        (ContractStatus.COMPLETED, Side.PLATFORM, ""),
        (ContractStatus.EXPIRED, Side.PLATFORM, ""),
        (ContractStatus.TERMINATED, Side.MERCHANT, "停业"),
        (ContractStatus.ACTIVE, "", ""),
    ]
    assert not ContractStore.objects.filter(contract__in=[late, noticed], exclusive=True).exists()
    assert ContractStore.objects.filter(contract=running).count() == 1
    ended = {
        row["contract_id"]: (row["status"], row["ended_by"], row["return_to_pool"])
        for row in DomainEvent.objects.filter(type="contract.ended").values_list("payload", flat=True)
    }
    assert ended == {
        done.pk: ("completed", "platform", False),
        late.pk: ("expired", "platform", False),
        noticed.pk: ("terminated", "merchant", False),
    }
    with all_providers():
        notes = list(
            ContractEvent.objects.filter(kind=ContractEventKind.ENDED)
            .order_by("contract_id")
            .values_list("note", flat=True)
        )
    assert len(notes) == 3
    assert contracts_end_due() == 0  # idempotent


def test_ending_takes_a_constant_number_of_queries(world):
    yesterday = today() - timedelta(days=1)
    for _ in range(2):
        active(world, end=yesterday, return_to_pool=True)
    few_queries, ended = queries_of(contracts_end_due)
    assert ended == 2
    for _ in range(6):
        active(world, end=yesterday, return_to_pool=True)
    many_queries, ended = queries_of(contracts_end_due)
    assert (ended, many_queries) == (6, few_queries)


def test_the_tasks_call_the_services(world):
    signed_contracts(world, 1, start=today())
    assert contracts_activate_due_task.delay().get() == 1
    active(world, end=today() - timedelta(days=1))
    assert contracts_end_due_task.delay().get() == 1


def test_the_beat_schedule_runs_both_daily_and_hourly_with_an_expiry(settings):
    entries = {
        name: entry
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] in ("contracts.tasks.contracts_activate_due_task", "contracts.tasks.contracts_end_due_task")
    }
    assert sorted(entries) == [
        "activate-due-contracts",
        "activate-due-contracts-hourly",
        "end-due-contracts",
        "end-due-contracts-hourly",
    ]
    assert all(entry["options"]["expires"] > 0 for entry in entries.values())
    daily = entries["activate-due-contracts"]["schedule"]
    assert (daily.hour, daily.minute) == ({0}, {5})
