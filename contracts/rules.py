"""Pure rules of the contracts domain (no database): terms, deadlines, money."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

# 代运营 term (SPEC §5): 90 days to 3 years, both ends included.
FULL_OPERATION_MIN_DAYS = 90
FULL_OPERATION_MAX_YEARS = 3
# A merchant may cancel a signed full-operation contract at no cost within this long after signing.
COOLING_OFF = timedelta(days=7)
# Termination takes effect this long after the notice unless both sides agree to an earlier date.
NOTICE = timedelta(days=30)
# A submitted deliverable not answered this long is accepted automatically; the merchant is told this
# long before.
AUTO_ACCEPT_AFTER = timedelta(hours=72)
AUTO_ACCEPT_NOTICE_BEFORE = timedelta(hours=24)
# A deliverable not submitted this long after its due time is an SLA breach; this many breaches on one
# contract within the window escalate to compliance.
SLA_GRACE = timedelta(hours=24)
ESCALATION_BREACHES = 3
ESCALATION_WINDOW = timedelta(days=30)
# Commission is stored in basis points: 10,000 bp = 100 %.
BASIS_POINTS = Decimal(10_000)
CENT = Decimal("0.01")


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def full_operation_term_ok(start: date, end: date) -> bool:
    """Whether [start, end] (inclusive) is 90 days to 3 years long."""
    days = (end - start).days + 1
    return days >= FULL_OPERATION_MIN_DAYS and end < add_years(start, FULL_OPERATION_MAX_YEARS)


def money(value) -> Decimal:
    """The one rounding rule: CNY to the fen, half up, applied once to each amount shown."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def commission(net_gmv: Decimal, commission_bp: int | None) -> Decimal:
    """Commission on `net_gmv` (orders minus refunds) at `commission_bp` basis points, rounded once."""
    if not commission_bp:
        return Decimal("0.00")
    return money(Decimal(net_gmv) * commission_bp / BASIS_POINTS)
