"""The state machines of the merchants app: one table of allowed moves each (the providers app's
`assert_transition` reads any table)."""

from providers.transitions import assert_transition, can_transition

from .choices import ClaimStatus as C
from .choices import DisputeStatus as D
from .choices import RequestStatus as R

__all__ = ["CLAIM_TRANSITIONS", "DISPUTE_TRANSITIONS", "REQUEST_TRANSITIONS", "assert_transition", "can_transition"]

# A cooperation request waits for the provider's answer (a contract proposal, or declined) or is withdrawn by
# the merchant.
REQUEST_TRANSITIONS: dict[str, set[str]] = {
    R.OPEN: {R.PROPOSED, R.DECLINED, R.WITHDRAWN},
    R.PROPOSED: set(),
    R.DECLINED: set(),
    R.WITHDRAWN: set(),
}

# A claim (报备) protects its lead while active, then ends one way, for good (a new claim is a new row).
CLAIM_TRANSITIONS: dict[str, set[str]] = {
    C.ACTIVE: {C.RELEASED, C.CONVERTED, C.OPTED_OUT, C.REASSIGNED},
    C.RELEASED: set(),
    C.CONVERTED: set(),
    C.OPTED_OUT: set(),
    C.REASSIGNED: set(),
}

# A dispute of a claim waits for the operators, who uphold it (the lead goes to the disputer) or dismiss it.
DISPUTE_TRANSITIONS: dict[str, set[str]] = {
    D.OPEN: {D.UPHELD, D.DISMISSED},
    D.UPHELD: set(),
    D.DISMISSED: set(),
}
