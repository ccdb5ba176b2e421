# ruff: noqa: F811  (the `world` fixture is imported from lifecycle_setup)
"""The contract state machine, against a literal table written here (not the one under test): every
(from, to) pair is allowed or refused as listed, and every service moves a contract only from the statuses
listed for it (a refusal changes nothing)."""

from datetime import timedelta

import pytest

from contracts.choices import ContractStatus as S
from contracts.services.contracts import (
    contract_cancel,
    contract_give_notice,
    contract_propose,
    contract_reject,
    contract_sign,
    contracts_activate_due,
    contracts_end_due,
)
from contracts.transitions import CONTRACT_TRANSITIONS, assert_transition, can_transition
from linke.errors import ApplicationError, InvalidTransition

from ..factories.contracts import make_contract
from .lifecycle_setup import FULL, as_member, as_merchant, fetch, today, world  # noqa: F401

ALLOWED = {
    ("draft", "proposed"),
    ("draft", "cancelled"),
    ("proposed", "signed"),
    ("proposed", "rejected"),
    ("proposed", "cancelled"),
    ("signed", "active"),
    ("signed", "cancelled"),
    ("signed", "terminated"),
    ("active", "completed"),
    ("active", "terminated"),
    ("active", "expired"),
    ("active", "cancelled"),
}
STATUSES = [
    "draft",
    "proposed",
    "signed",
    "active",
    "completed",
    "terminated",
    "expired",
    "rejected",
    "cancelled",
]


def test_the_statuses_are_these():
    assert sorted(S.values) == sorted(STATUSES)
    assert sorted(CONTRACT_TRANSITIONS) == sorted(STATUSES)


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("target", STATUSES)
def test_each_move_is_allowed_or_refused_as_listed(current, target):
    allowed = (current, target) in ALLOWED
    assert can_transition(current, target, table=CONTRACT_TRANSITIONS) is allowed
    if allowed:
        assert_transition(current, target, table=CONTRACT_TRANSITIONS)
    else:
        with pytest.raises(InvalidTransition) as refused:
            assert_transition(current, target, table=CONTRACT_TRANSITIONS)
        assert refused.value.details == {"from": current, "to": target}


# Each service and the statuses it moves a full-operation contract from (to the status in the name);
# every other status is refused and changes nothing.
SERVICE_FROM = {
    "propose (proposed)": {"draft"},
    "sign (signed)": {"proposed"},
    "reject (rejected)": {"proposed"},
    "provider cancels (cancelled)": {"draft", "proposed"},
    "merchant cancels in the cooling-off (cancelled)": {"signed", "active"},
    "give notice (end date moved)": {"signed", "active"},
    "activate by date (active)": {"signed"},
    "end by date (completed)": {"active"},
}


def _run(verb, world, contract):
    merchant, owner = as_merchant(world.merchant), as_member(world.owner)
    if verb.startswith("propose"):
        return contract_propose(actor=owner, contract=contract).status
    if verb.startswith("sign"):
        return contract_sign(actor=merchant, contract=contract, version=1, confirm_fees=True).status
    if verb.startswith("reject"):
        return contract_reject(actor=merchant, contract=contract, reason="不合适").status
    if verb.startswith("provider cancels"):
        return contract_cancel(actor=owner, contract=contract, reason="撤回").status
    if verb.startswith("merchant cancels"):
        return contract_cancel(actor=merchant, contract=contract, reason="冷静期内取消").status
    if verb.startswith("give notice"):
        end = today() + timedelta(days=40)
        return (
            "end date moved"
            if contract_give_notice(actor=owner, contract=contract, end_date=end, reason="调整").end_date == end
            else "unchanged"
        )
    if verb.startswith("activate"):
        contracts_activate_due()
        return fetch(contract).status
    contracts_end_due(today=today() + timedelta(days=200))
    return fetch(contract).status


@pytest.mark.django_db
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("verb", list(SERVICE_FROM))
def test_each_service_moves_only_from_its_statuses(world, verb, status):
    contract = make_contract(
        world.provider,
        world.merchant,
        stores=[world.store],
        kind=FULL,
        status=status,
        start=today(),
        end=today() + timedelta(days=179),
    )
    before = fetch(contract)
    target = verb[verb.index("(") + 1 : -1]
    if status in SERVICE_FROM[verb]:
        outcome = _run(verb, world, contract)
        assert outcome == (S.ACTIVE if target == "signed" else target)  # signed on its start date: it starts
    else:
        try:
            outcome = _run(verb, world, contract)
        except ApplicationError:
            outcome = None
        after = fetch(contract)
        assert outcome in (None, status, "unchanged")
        assert (after.status, after.end_date, after.signed_fingerprint) == (
            before.status,
            before.end_date,
            before.signed_fingerprint,
        )
