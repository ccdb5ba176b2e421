"""The state machines of posted needs and proposals, against literal tables (not the tables under test):
every allowed move passes, every other pair raises."""

import itertools

import pytest

from contracts.choices import ProposalStatus, RfqStatus
from contracts.transitions import PROPOSAL_TRANSITIONS, RFQ_TRANSITIONS, assert_transition, can_transition
from linke.errors import InvalidTransition

RFQ_ALLOWED = {("open", "awarded"), ("open", "cancelled"), ("open", "closed")}
PROPOSAL_ALLOWED = {("submitted", "accepted"), ("submitted", "closed"), ("submitted", "withdrawn")}

CASES = [
    (RFQ_TRANSITIONS, RfqStatus, RFQ_ALLOWED),
    (PROPOSAL_TRANSITIONS, ProposalStatus, PROPOSAL_ALLOWED),
]


def test_the_statuses_are_the_expected_ones():
    assert sorted(RfqStatus.values) == ["awarded", "cancelled", "closed", "open"]
    assert sorted(ProposalStatus.values) == ["accepted", "closed", "submitted", "withdrawn"]
    assert set(RFQ_TRANSITIONS) == set(RfqStatus.values)
    assert set(PROPOSAL_TRANSITIONS) == set(ProposalStatus.values)


@pytest.mark.parametrize(
    ("table", "pair", "allowed"),
    [
        (table, pair, pair in allowed)
        for table, statuses, allowed in CASES
        for pair in itertools.product(statuses.values, repeat=2)
    ],
    ids=lambda value: "-".join(value) if isinstance(value, tuple) else None,
)
def test_each_move_is_allowed_exactly_when_the_literal_table_says_so(table, pair, allowed):
    source, target = pair
    assert can_transition(source, target, table=table) is allowed
    if allowed:
        assert_transition(source, target, table=table)
    else:
        with pytest.raises(InvalidTransition):
            assert_transition(source, target, table=table)
