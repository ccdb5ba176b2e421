"""The onboarding application's state machine: the only table of allowed moves."""

from linke.errors import InvalidTransition

from .choices import ApplicationStatus as S

APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.CHANGES_REQUESTED, S.APPROVED, S.REJECTED},
    S.CHANGES_REQUESTED: {S.SUBMITTED},
    S.APPROVED: set(),
    S.REJECTED: set(),
}


# An applicant has at most one of these at a time (database constraint `application_one_open_per_applicant`).
OPEN_STATUSES = (S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED)


def can_transition(current: str, target: str) -> bool:
    return target in APPLICATION_TRANSITIONS[current]


def assert_transition(current: str, target: str) -> None:
    if not can_transition(current, target):
        raise InvalidTransition(details={"from": current, "to": target})


def is_editable(status: str) -> bool:
    """The applicant may edit the fields while drafting or after changes were requested."""
    return status in {S.DRAFT, S.CHANGES_REQUESTED}
