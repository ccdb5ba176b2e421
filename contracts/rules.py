"""Pure rules of the contracts domain (no database): terms, deadlines, money."""

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

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


SHANGHAI = ZoneInfo("Asia/Shanghai")


def end_of_day(day: date) -> datetime:
    """When something due on `day` is due: the day's last second in Asia/Shanghai (shown as that day)."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)


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


# --- reviews ---------------------------------------------------------------------------------------------
REVIEW_TEXT_MAX_LENGTH = 2000
# The public profile names a reviewer by the start of its name only (演示餐饮有限公司 → 演示餐饮…).
REVIEWER_NAME_SHOWN = 4
RATING_PLACES = Decimal("0.01")


def review_rating(points_total: int, review_count: int) -> Decimal | None:
    """A provider's rating: the mean of its reviews' three-point averages, to 2 places, half up; None
    without reviews. Every review weighs the same, so the mean of the averages is the sum of all points
    over 3 × count, in Decimal, rounded once (reviews (5, 4, 5) and (3, 3, 4): 24 / 6 = 4.00)."""
    if not review_count:
        return None
    return (Decimal(points_total) / (3 * review_count)).quantize(RATING_PLACES, rounding=ROUND_HALF_UP)


def reviewer_label(name: str) -> str:
    """How a public review names its merchant: the first characters and an ellipsis, never the whole name
    (a name of four characters or fewer keeps only its first)."""
    name = " ".join((name or "").split())
    shown = name[:REVIEWER_NAME_SHOWN] if len(name) > REVIEWER_NAME_SHOWN else name[:1]
    return f"{shown}…"


# --- settlement (the money area) ------------------------------------------------------------------
def month_start(day: date) -> date:
    """The first day of `day`'s month (a statement's `period`)."""
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def days_covered(month: date, start: date, end: date) -> int:
    """How many days of `month` the contract [start, end] (inclusive) covers: 0 when they do not meet."""
    first, last = max(month_start(month), start), min(month_end(month), end)
    return max((last - first).days + 1, 0)


def statement_amounts(*, monthly_fee, commission_bp, days, days_in_month, gmv, refunds) -> dict[str, Decimal]:
    """A statement's amounts (SPEC §5: fixed fee + commission on attributed GMV net of refunds), each rounded
    once with `money`: the fixed fee pro rata for the days covered (monthly fee × days ÷ days in the month),
    the commission on GMV − refunds (`refunds` as a positive amount), the total their sum (exact)."""
    fixed = money(Decimal(monthly_fee or 0) * days / days_in_month)
    gmv, refunds = money(gmv), money(refunds)
    owed = commission(gmv - refunds, commission_bp)
    return {"fixed_fee": fixed, "gmv": gmv, "refunds": refunds, "commission": owed, "total": fixed + owed}
