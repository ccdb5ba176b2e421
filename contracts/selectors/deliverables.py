"""Reads of the contracts domain's deliverables area: the provider's board, the merchant's acceptance queue,
a deliverable's page, and the panel of a contract's page (its deliverables and its KPI results by month).
Each takes the channel's scoped queryset (another owner's rows are not in it) or reads inside its scope."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import DeliverableStatus, StandardKind
from ..models import Deliverable, KpiResult
from ..rules import AUTO_ACCEPT_AFTER
from ..transitions import DELIVERABLE_TRANSITIONS, can_transition

TO_DELIVER = (DeliverableStatus.PENDING, DeliverableStatus.REJECTED)
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class BoardView:
    key: str
    label: str
    empty: str


# The provider's board: each view a filter of the provider's deliverables (`?view=`), due ones first.
BOARD_VIEWS = (
    BoardView("due_week", _("Due this week"), _("Nothing is due in the next 7 days.")),
    BoardView("overdue", _("Overdue"), _("Nothing is overdue.")),
    BoardView("awaiting", _("Awaiting acceptance"), _("Nothing awaits the merchants' acceptance.")),
    BoardView("rejected", _("Rejected, to redo"), _("No deliverable was rejected.")),
    BoardView("all", _("All"), _("No deliverables yet.")),
)
# The merchant's queue (`?show=`): what awaits its acceptance first.
QUEUE_VIEWS = (
    BoardView("awaiting", _("Awaiting your acceptance"), _("Nothing awaits your acceptance.")),
    BoardView("rejected", _("Rejected, being redone"), _("You have rejected nothing that is still being redone.")),
    BoardView("accepted", _("Accepted"), _("Nothing accepted yet.")),
    BoardView("to_deliver", _("Still to deliver"), _("Nothing is still to deliver.")),
    BoardView("all", _("All"), _("No deliverables yet.")),
)


def _view_filters(now) -> dict[str, Q]:
    return {
        "due_week": Q(status__in=TO_DELIVER, due_at__gte=now, due_at__lt=now + WEEK),
        "overdue": Q(status__in=TO_DELIVER, due_at__lt=now),
        "awaiting": Q(status=DeliverableStatus.SUBMITTED),
        "rejected": Q(status=DeliverableStatus.REJECTED),
        "accepted": Q(status=DeliverableStatus.ACCEPTED),
        "to_deliver": Q(status__in=TO_DELIVER),
        "all": Q(),
    }


def deliverable_view_counts(queryset: QuerySet, views=BOARD_VIEWS, *, now=None) -> dict[str, int]:
    """How many deliverables each view shows, in one query."""
    filters = _view_filters(now or timezone.now())
    return queryset.aggregate(**{view.key: Count("pk", filter=filters[view.key]) for view in views})


def deliverable_view(queryset: QuerySet, view: str, *, now=None) -> QuerySet:
    """The deliverables of one view (an unknown view: all of them), with what a list row shows (and
    `auto_accept_at`, when a submitted one is accepted automatically); those awaiting acceptance oldest
    submission first, the others soonest due first."""
    queryset = queryset.filter(_view_filters(now or timezone.now()).get(view, Q()))
    ordering = ("submitted_at", "pk") if view == "awaiting" else ("due_at", "pk")
    auto_accept_at = ExpressionWrapper(F("submitted_at") + Value(AUTO_ACCEPT_AFTER), output_field=DateTimeField())
    return (
        queryset.select_related("contract", "merchant", "provider")
        .annotate(auto_accept_at=auto_accept_at)
        .order_by(*ordering)
    )


def deliverable_detail(queryset: QuerySet) -> QuerySet:
    """What a deliverable's page shows (both sides)."""
    return queryset.select_related(
        "contract", "merchant", "provider", "standard", "service_item", "submitted_by", "decided_by"
    )


def deliverable_actions(deliverable: Deliverable, *, side: str) -> dict[str, bool]:
    """Which actions the side may take now (the transitions allow; roles and contract state are the
    services' to check, and the pages say why a refused one is refused)."""
    status = deliverable.status
    if side == "provider":
        return {"submit": can_transition(status, DeliverableStatus.SUBMITTED, table=DELIVERABLE_TRANSITIONS)}
    return {
        "accept": can_transition(status, DeliverableStatus.ACCEPTED, table=DELIVERABLE_TRANSITIONS),
        "reject": can_transition(status, DeliverableStatus.REJECTED, table=DELIVERABLE_TRANSITIONS),
    }


def is_livestream(deliverable: Deliverable) -> bool:
    return deliverable.standard_id is not None and deliverable.standard.kind == StandardKind.LIVESTREAM_HOURS


def kpi_results(queryset: QuerySet) -> QuerySet:
    """KPI results, newest month first, with their standard and contract."""
    return queryset.select_related("standard", "contract").order_by("-period", "standard__kind", "pk")


@dataclass(frozen=True)
class KpiMonth:
    period: object
    results: list

    @property
    def met_count(self) -> int:
        return sum(1 for result in self.results if result.met)


def contract_detail_context(*, contract, side: str) -> dict:
    """What this area adds to a contract's detail page (`side`: "provider" or "merchant"), rendered by
    templates/contracts/deliverables/_contract_panel.html: the contract's deliverables (due order) and
    its KPI results grouped by month (newest first). Two queries."""
    deliverables = list(Deliverable.objects.filter(contract=contract).order_by("due_at", "pk"))
    months: dict = {}
    for result in kpi_results(KpiResult.objects.filter(contract=contract)):
        months.setdefault(result.period, []).append(result)
    return {
        "contract_deliverables": deliverables,
        "contract_deliverables_done": sum(1 for d in deliverables if d.status == DeliverableStatus.ACCEPTED),
        "contract_kpi_months": [KpiMonth(period, results) for period, results in months.items()],
        "deliverable_url_name": "portal:deliverable_detail" if side == "provider" else "merchant:deliverable_detail",
    }
