"""Pure rules of the providers app (no database): tokens, the shape of a 身份验真码, tier benefits."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from linke.validators import normalize_typed

from .choices import Tier

# Entropy: 31 symbols (no 0/O, 1/I/L) in 10 positions give 31^10 ≈ 8.2 × 10^14 codes,
# log2(31^10) = 10 × log2(31) ≈ 49.5 bits. Guessing is hopeless: a client gets at most 100 lookups an
# hour (876,000 a year). Even with 10,000 codes live at once (10x today's platform, every BD showing
# a code at the same minute), one guess hits *some* live code with p = 10^4 / 8.2 × 10^14 ≈ 1.2 × 10^-11,
# i.e. about 10^-5 hits per client per year, and a hit names a random staff member for at most
# 10 minutes, never one the guesser chose.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
CODE_VALIDITY = timedelta(minutes=10)
VALID = "valid"  # the outcome of a successful check (a failed one is a VerificationOutcome)


def token_hash(token: str) -> str:
    """What is stored of an invitation's token (the token itself travels only in the email)."""
    return hashlib.sha256(token.encode()).hexdigest()


def code_normalize(raw: str) -> str:
    """What a person typed → the stored form (full-width folded, upper case, spaces and hyphens gone)."""
    return normalize_typed(raw)


def code_is_well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(char in CODE_ALPHABET for char in code)


@dataclass(frozen=True)
class TierBenefits:
    """分层权益 of one tier (SPEC §6 defaults; the certification issue makes them editable)."""

    lead_quota: int  # lead claims per calendar month
    protection_days: int
    directory_boost: int
    featured_slots: int
    ad_credit: Decimal  # CNY per month


TIER_BENEFITS: dict[str, TierBenefits] = {
    Tier.L1: TierBenefits(10, 15, 0, 0, Decimal("0")),
    Tier.L2: TierBenefits(30, 30, 5, 0, Decimal("500")),
    Tier.L3: TierBenefits(60, 45, 10, 1, Decimal("2000")),
    Tier.L4: TierBenefits(120, 60, 20, 3, Decimal("5000")),
    Tier.L5: TierBenefits(300, 90, 30, 5, Decimal("10000")),
}
