"""The state machines of the contracts app: one table of allowed moves each (the providers app's
`assert_transition` reads any table)."""

from providers.transitions import assert_transition, can_transition

from .choices import ContractStatus as C
from .choices import DeliverableStatus as D
from .choices import ProposalStatus as P
from .choices import RfqStatus as R
from .choices import StatementStatus as S

__all__ = [
    "CONTRACT_TRANSITIONS",
    "DELIVERABLE_TRANSITIONS",
    "PROPOSAL_TRANSITIONS",
    "RFQ_TRANSITIONS",
    "STATEMENT_TRANSITIONS",
    "assert_transition",
    "can_transition",
]

# SPEC §5. A draft is proposed (or dropped: cancelled); a proposal is signed, rejected by the merchant or
# withdrawn by the provider (cancelled); a signed contract starts on its start date; either ends.
# Beyond SPEC §5's arrows: a signed or active contract may be cancelled by the merchant within the 7-day
# cooling-off (at no cost), and a signed one may be terminated before it starts.
CONTRACT_TRANSITIONS: dict[str, set[str]] = {
    C.DRAFT: {C.PROPOSED, C.CANCELLED},
    C.PROPOSED: {C.SIGNED, C.REJECTED, C.CANCELLED},
    C.SIGNED: {C.ACTIVE, C.CANCELLED, C.TERMINATED},
    C.ACTIVE: {C.COMPLETED, C.TERMINATED, C.EXPIRED, C.CANCELLED},
    C.COMPLETED: set(),
    C.TERMINATED: set(),
    C.EXPIRED: set(),
    C.REJECTED: set(),
    C.CANCELLED: set(),
}

# A deliverable is submitted, then accepted (for good) or rejected with a reason and submitted again.
DELIVERABLE_TRANSITIONS: dict[str, set[str]] = {
    D.PENDING: {D.SUBMITTED},
    D.SUBMITTED: {D.ACCEPTED, D.REJECTED},
    D.REJECTED: {D.SUBMITTED},
    D.ACCEPTED: set(),
}

# A statement is confirmed or disputed by the merchant; a disputed one is reissued (recomputed) by the
# provider; the provider marks a confirmed one paid.
STATEMENT_TRANSITIONS: dict[str, set[str]] = {
    S.ISSUED: {S.CONFIRMED, S.DISPUTED},
    S.DISPUTED: {S.ISSUED},
    S.CONFIRMED: {S.PAID},
    S.PAID: set(),
}

# A posted need takes proposals until it is awarded, withdrawn by the merchant or closed at its deadline.
RFQ_TRANSITIONS: dict[str, set[str]] = {
    R.OPEN: {R.AWARDED, R.CANCELLED, R.CLOSED},
    R.AWARDED: set(),
    R.CANCELLED: set(),
    R.CLOSED: set(),
}

PROPOSAL_TRANSITIONS: dict[str, set[str]] = {
    P.SUBMITTED: {P.ACCEPTED, P.CLOSED, P.WITHDRAWN},
    P.ACCEPTED: set(),
    P.CLOSED: set(),
    P.WITHDRAWN: set(),
}
