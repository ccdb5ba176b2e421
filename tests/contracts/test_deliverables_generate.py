"""Monthly deliverables of full-operation contracts, generated from their delivery standards."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from contracts.choices import ContractKind, ContractStatus, StandardKind
from contracts.models import Deliverable
from contracts.services.deliverables import monthly_deliverables_generate
from linke.tenancy import all_providers

from ..factories.contracts import make_contract
from .deliverables_setup import full_contract, store  # noqa: F401 - fixtures

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def day_end(year, month, day):
    """A deliverable due on that day is due at its last second, Asia/Shanghai."""
    return datetime(year, month, day, 23, 59, 59, tzinfo=SHANGHAI)


def rows(contract):
    with all_providers():
        return list(
            Deliverable.objects.filter(contract=contract)
            .order_by("standard__kind", "sequence", "due_at")
            .values_list("title", "due_at", "sequence", "period", "status")
        )


def test_generates_videos_through_the_month_and_one_livestream(provider, merchant, store, english):  # noqa: F811
    contract = make_contract(
        provider,
        merchant,
        stores=[store],
        kind=ContractKind.FULL_OPERATION,
        start=date(2027, 1, 1),
        end=date(2027, 6, 30),
        standards={
            StandardKind.MONTHLY_GMV: Decimal("100000"),
            StandardKind.SHORT_VIDEOS: Decimal("4"),
            StandardKind.LIVESTREAM_HOURS: Decimal("20.50"),
            StandardKind.RESPONSE_HOURS: Decimal("24"),
        },
    )
    assert monthly_deliverables_generate(month=date(2027, 1, 15)) == 5
    january = date(2027, 1, 1)
    assert [(title, due, seq) for title, due, seq, _period, _status in rows(contract)] == [
        ("Livestream · 20.5 hours · 2027-01", day_end(2027, 1, 31), 1),
        ("Short video 1/4 · 2027-01", day_end(2027, 1, 8), 1),  # day ⌈1·31/4⌉ = 8, due at its end
        ("Short video 2/4 · 2027-01", day_end(2027, 1, 16), 2),  # day 16
        ("Short video 3/4 · 2027-01", day_end(2027, 1, 24), 3),  # day 24
        ("Short video 4/4 · 2027-01", day_end(2027, 1, 31), 4),  # day 31
    ]
    assert {(period, status) for *_rest, period, status in rows(contract)} == {(january, "pending")}


def test_is_idempotent(full_contract):  # noqa: F811
    assert monthly_deliverables_generate(month=date(2027, 2, 1)) == 4
    assert monthly_deliverables_generate(month=date(2027, 2, 1)) == 0
    assert len(rows(full_contract)) == 4


def test_never_due_after_the_end_nor_before_the_start(provider, merchant, store, english):  # noqa: F811
    contract = make_contract(
        provider,
        merchant,
        stores=[store],
        kind=ContractKind.FULL_OPERATION,
        start=date(2027, 1, 21),
        end=date(2027, 4, 20),
        standards={StandardKind.SHORT_VIDEOS: Decimal("2")},
    )
    monthly_deliverables_generate(month=date(2027, 1, 1))
    monthly_deliverables_generate(month=date(2027, 4, 1))
    assert [(title, due) for title, due, *_rest in rows(contract)] == [
        ("Short video 1/2 · 2027-01", day_end(2027, 1, 26)),  # 11 days covered: day 21 + ⌈11/2⌉ − 1 = 26
        ("Short video 1/2 · 2027-04", day_end(2027, 4, 10)),  # 20 days covered: the 10th
        ("Short video 2/2 · 2027-01", day_end(2027, 1, 31)),
        ("Short video 2/2 · 2027-04", day_end(2027, 4, 20)),  # the contract's end date, not the 30th
    ]


def test_only_active_full_operation_contracts_covering_the_month(provider, merchant, store, other_merchant):  # noqa: F811
    signed = make_contract(
        provider,
        merchant,
        stores=[store],
        kind=ContractKind.FULL_OPERATION,
        status=ContractStatus.SIGNED,
        start=date(2027, 1, 1),
    )
    make_contract(provider, merchant, stores=[store], start=date(2027, 1, 1))  # specialized: service items
    assert monthly_deliverables_generate(month=date(2027, 1, 1)) == 0
    assert rows(signed) == []


def test_only_the_contracts_named(full_contract, provider, merchant, cities, categories):  # noqa: F811
    from ..factories import StoreFactory

    other = make_contract(
        provider,
        merchant,
        stores=[StoreFactory(merchant=merchant, city=cities[0], category=categories["hotpot"])],
        kind=ContractKind.FULL_OPERATION,
        start=date(2027, 1, 1),
    )
    assert monthly_deliverables_generate(month=date(2027, 3, 1), contract_ids=[other.pk]) == 4
    assert rows(full_contract) == []


def test_command_generates_the_month(full_contract, capsys):  # noqa: F811
    call_command("generate_deliverables", "--month", "2027-03")
    assert "4" in capsys.readouterr().out
    assert len(rows(full_contract)) == 4
