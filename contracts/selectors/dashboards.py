"""Reads of the dashboards: the figures of the cards that the contracts app puts on the portal home and the
merchant centre (`contracts.dashboards`). Each runs inside the channel's scope, so that a provider counts
its own contracts and a merchant its own; none grows with the rows it counts (one grouped query each)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..choices import ContractStatus, StatementStatus
from ..models import Contract, Deliverable, GmvRecord, Statement
from .deliverables import BOARD_VIEWS, QUEUE_VIEWS, deliverable_view_counts

# The dashboards' days and weeks are China's, whatever the server's time zone.
SHANGHAI = ZoneInfo("Asia/Shanghai")
GMV_DAYS = 30
LATEST_CONTRACTS = 5


def contract_counts() -> list[tuple[str, str, int]]:
    """(status, label, count) of the contracts in scope, in the order of the statuses, those with none left
    out: one grouped query."""
    counts = dict(Contract.objects.order_by().values_list("status").annotate(count=Count("pk")))
    return [(status, label, counts[status]) for status, label in ContractStatus.choices if counts.get(status)]


@dataclass(frozen=True)
class DueCounts:
    due_this_week: int
    overdue: int


def _board_counts(views: set[str], *, now=None) -> dict[str, int]:
    """The counts of some views of the deliverable board or the acceptance queue (the deliverables area's
    definitions, so that a card and the page it links to count the same rows): one query."""
    chosen = {view.key: view for view in (*BOARD_VIEWS, *QUEUE_VIEWS) if view.key in views}
    return deliverable_view_counts(Deliverable.objects.all(), list(chosen.values()), now=now)


def deliverable_due_counts(now: datetime | None = None) -> DueCounts:
    """Deliverables in scope still to deliver and due in the next 7 days, and overdue (due time passed)."""
    counts = _board_counts({"due_week", "overdue"}, now=now)
    return DueCounts(due_this_week=counts["due_week"], overdue=counts["overdue"])


def gmv_by_day(provider_id: int, *, today: date | None = None, days: int = GMV_DAYS) -> list[tuple[date, Decimal]]:
    """The GMV attributed to the provider on each of the last `days` days (today included, Asia/Shanghai
    days, refunds netted), zero on a day without orders: one grouped query over the provider's records."""
    today = today or timezone.now().astimezone(SHANGHAI).date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, time.min, tzinfo=SHANGHAI)
    end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=SHANGHAI)
    sums = dict(
        GmvRecord.objects.filter(provider_id=provider_id, ordered_at__gte=start, ordered_at__lt=end)
        .annotate(day=TruncDate("ordered_at", tzinfo=SHANGHAI))
        .order_by()
        .values_list("day")
        .annotate(total=Sum("amount"))
    )
    return [(day, sums.get(day, Decimal("0.00"))) for day in (first + timedelta(days=n) for n in range(days))]


def latest_contracts(limit: int = LATEST_CONTRACTS) -> list[Contract]:
    """The contracts in scope most recently drafted, with their provider (the merchant's card)."""
    return list(Contract.objects.select_related("provider").order_by("-created_at", "-pk")[:limit])


def deliverables_awaiting_acceptance_count() -> int:
    """Deliverables in scope submitted and not yet accepted or rejected (the acceptance queue's first view)."""
    return _board_counts({"awaiting"})["awaiting"]


def statements_to_confirm_count() -> int:
    """Statements in scope issued and not yet confirmed or disputed."""
    return Statement.objects.filter(status=StatementStatus.ISSUED).count()
