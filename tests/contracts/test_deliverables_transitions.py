"""The deliverable state machine against a literal table (not the table under test)."""

import itertools

import pytest

from contracts.choices import DeliverableStatus
from contracts.transitions import DELIVERABLE_TRANSITIONS, assert_transition
from linke.errors import InvalidTransition

ALLOWED = {
    ("pending", "submitted"),
    ("submitted", "accepted"),
    ("submitted", "rejected"),
    ("rejected", "submitted"),
}
STATUSES = ["pending", "submitted", "accepted", "rejected"]


def test_the_statuses_are_these():
    assert sorted(DeliverableStatus.values) == sorted(STATUSES)


@pytest.mark.parametrize(("source", "target"), list(itertools.product(STATUSES, STATUSES)))
def test_each_move_is_allowed_exactly_when_the_table_says(source, target):
    if (source, target) in ALLOWED:
        assert_transition(source, target, table=DELIVERABLE_TRANSITIONS)
    else:
        with pytest.raises(InvalidTransition):
            assert_transition(source, target, table=DELIVERABLE_TRANSITIONS)
