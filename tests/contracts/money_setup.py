"""Rows the money tests share: a store under a full-operation contract of `provider`, the actors, and a
GMV record as the API takes it."""

from datetime import date

import pytest

from contracts.choices import ContractStatus
from linke.actors import Actor
from providers.choices import Role

from ..tenancy.cases.money import full_contract, local, make_store

# The full-operation contract of the tests: 2026-06-01 to 2026-11-27 (180 days), ¥5,000 a month and 500 bp.
START, END = date(2026, 6, 1), date(2026, 11, 27)


@pytest.fixture
def store(merchant):
    return make_store(merchant, name="鼓楼旗舰店")


@pytest.fixture
def contract(provider, merchant, store):
    return full_contract(provider, merchant, stores=[store], start=START, end=END, status=ContractStatus.ACTIVE)


@pytest.fixture
def owner(member):
    return member(Role.OWNER)


@pytest.fixture
def owner_actor(owner):
    return Actor.member(owner)


@pytest.fixture
def operator_actor(operator):
    return Actor.operator(operator)


def order(order_no, store, amount, when, **extra) -> dict:
    """A record of a batch: an order of `amount` (a string) at `when` (a datetime)."""
    return {
        "order_no": order_no,
        "kind": "order",
        "store": store.pk,
        "amount": amount,
        "ordered_at": when.isoformat(),
    } | extra


def refund(order_no, of, store, amount, when) -> dict:
    return order(order_no, store, amount, when, kind="refund", refund_of=of)


def at(day: date, hour: int = 12, minute: int = 0):
    return local(day, hour, minute)


def statuses(results) -> list[tuple]:
    """(order_no, status, code) of each result, in order."""
    return [(r["order_no"], r["status"], r["code"]) for r in results]
