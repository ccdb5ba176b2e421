"""The state machines of the providers app: one table of allowed moves each, and nothing else
decides whether a move is allowed."""

from linke.errors import InvalidTransition

from .choices import ApplicationStatus as S
from .choices import ImpersonationReportStatus as R
from .choices import ProviderStatus as P

APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.CHANGES_REQUESTED, S.APPROVED, S.REJECTED},
    S.CHANGES_REQUESTED: {S.SUBMITTED},
    S.APPROVED: set(),
    S.REJECTED: set(),
}


# A provider is suspended by compliance or an operator, reinstated, or terminated for good.
PROVIDER_TRANSITIONS: dict[str, set[str]] = {
    P.ACTIVE: {P.SUSPENDED, P.TERMINATED},
    P.SUSPENDED: {P.ACTIVE, P.TERMINATED},
    P.TERMINATED: set(),
}

# The operators' queue of impersonation reports: open → investigating → closed, or closed at once (spam).
REPORT_TRANSITIONS: dict[str, set[str]] = {
    R.OPEN: {R.INVESTIGATING, R.CLOSED},
    R.INVESTIGATING: {R.CLOSED},
    R.CLOSED: set(),
}


def can_transition(current: str, target: str, *, table: dict[str, set[str]]) -> bool:
    return target in table[current]


def assert_transition(current: str, target: str, *, table: dict[str, set[str]]) -> None:
    """Raise `InvalidTransition` (409) unless `table` allows the move from `current` to `target`."""
    if not can_transition(current, target, table=table):
        raise InvalidTransition(details={"from": current, "to": target})


def is_editable(status: str) -> bool:
    """The applicant may edit the fields while drafting or after changes were requested."""
    return status in {S.DRAFT, S.CHANGES_REQUESTED}
