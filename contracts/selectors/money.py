"""Reads of the contracts domain's money area: GMV records and statements for both sides' lists and pages,
the months a provider may still issue, a contract's final report and the money panel of its page.

The list readers take the channel's scoped queryset (`GmvRecord.objects.all()`, `Statement.objects.all()`
inside the provider's or the merchant's scope): a provider sees its attributed records and its statements,
a merchant all of its own records (attributed or not) and its statements."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from .. import rules
from ..choices import ContractKind, ContractStatus, DeliverableStatus, GmvKind, Side, StatementStatus
from ..models import Contract, Deliverable, GmvRecord, KpiResult, Statement
from ..services.money import ATTRIBUTING_STATUSES, ENDED_STATUSES, local_midnight, statement_months

GMV_WINDOW_DAYS = 30
DUE_SHOWN = 50


def gmv_list(queryset: QuerySet) -> QuerySet:
    """GMV records newest first, with their store and contract (a constant number of queries)."""
    return queryset.select_related("store", "contract", "refund_of").order_by("-ordered_at", "-pk")


def gmv_net_since(queryset: QuerySet, *, days: int = GMV_WINDOW_DAYS, now=None) -> dict:
    """Orders, refunds (negative) and their net over the last `days` days of `queryset` (one query)."""
    since = (now or timezone.now()) - timedelta(days=days)
    sums = queryset.filter(ordered_at__gte=since).aggregate(
        orders=Sum("amount", filter=Q(kind=GmvKind.ORDER), default=Decimal("0.00")),
        refunds=Sum("amount", filter=Q(kind=GmvKind.REFUND), default=Decimal("0.00")),
    )
    return sums | {"net": sums["orders"] + sums["refunds"], "days": days}


def month_range(month: date) -> tuple:
    """The moments [since, until) of `month` in China's calendar (a GMV filter)."""
    return local_midnight(rules.month_start(month)), local_midnight(rules.month_end(month) + timedelta(days=1))


def statement_list(queryset: QuerySet) -> QuerySet:
    """Statements, latest month first, with their contract and both parties."""
    return queryset.select_related("contract", "provider", "merchant").order_by("-period", "-pk")


def statement_detail(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("contract", "provider", "merchant")


def statements_to_issue(*, today: date | None = None, limit: int = DUE_SHOWN) -> list[tuple[Contract, date]]:
    """Inside a provider's scope: the (contract, month) pairs whose statement may be issued and has not been
    (missed by the monthly run, or the contract's final month), oldest first; two queries."""
    today = today or timezone.localdate()
    contracts = list(
        Contract.objects.filter(kind=ContractKind.FULL_OPERATION, status__in=ATTRIBUTING_STATUSES)
        .select_related("merchant")
        .order_by("start_date", "pk")
    )
    issued = set(Statement.objects.filter(contract__in=[c.pk for c in contracts]).values_list("contract_id", "period"))
    due = [
        (contract, month)
        for contract in contracts
        for month in statement_months(contract, today=today)
        if (contract.pk, month) not in issued
    ]
    return sorted(due, key=lambda pair: (pair[1], pair[0].pk))[:limit]


# --- the final report and the contract page's panel ----------------------------------------------


def contract_final_report(contract: Contract) -> dict:
    """What a contract's end leaves behind, for both sides (read in the caller's scope): deliverables done
    and outstanding (counts by status), KPI results met and missed, GMV attributed over the contract
    (orders, refunds, net), statements issued and paid and the amount still due (issued, not yet paid)."""
    by_status = dict(
        Deliverable.objects.filter(contract=contract).values_list("status").annotate(n=Count("pk")).order_by()
    )
    deliverables = [(status, label, by_status.get(status, 0)) for status, label in DeliverableStatus.choices]
    done = by_status.get(DeliverableStatus.ACCEPTED, 0)
    kpis = list(
        KpiResult.objects.filter(contract=contract).select_related("standard").order_by("period", "standard__kind")
    )
    gmv = GmvRecord.objects.filter(contract=contract).aggregate(
        orders=Sum("amount", filter=Q(kind=GmvKind.ORDER), default=Decimal("0.00")),
        refunds=Sum("amount", filter=Q(kind=GmvKind.REFUND), default=Decimal("0.00")),
        records=Count("pk"),
    )
    statements = Statement.objects.filter(contract=contract).aggregate(
        issued=Count("pk"),
        paid=Count("pk", filter=Q(status=StatementStatus.PAID)),
        billed=Sum("total", default=Decimal("0.00")),
        settled=Sum("total", filter=Q(status=StatementStatus.PAID), default=Decimal("0.00")),
    )
    return {
        "deliverables": deliverables,
        "deliverables_done": done,
        "deliverables_outstanding": sum(by_status.values()) - done,
        "kpis": kpis,
        "kpis_met": sum(1 for kpi in kpis if kpi.met),
        "kpis_missed": sum(1 for kpi in kpis if not kpi.met),
        "gmv_orders": gmv["orders"],
        "gmv_refunds": -gmv["refunds"],
        "gmv_net": gmv["orders"] + gmv["refunds"],
        "gmv_records": gmv["records"],
        "statements_issued": statements["issued"],
        "statements_paid": statements["paid"],
        "amount_billed": statements["billed"],
        "amount_paid": statements["settled"],
        "amount_due": statements["billed"] - statements["settled"],
    }


def shows_final_report(contract: Contract) -> bool:
    """Once a signed contract has ended (a cancellation in the cooling-off too) or a notice was given."""
    ended = contract.status in ENDED_STATUSES or (
        contract.status == ContractStatus.CANCELLED and contract.signed_at is not None
    )
    return ended or contract.notice_at is not None


def contract_detail_context(*, contract, side: str) -> dict:
    """What this area adds to a contract's detail page (`side`: "provider" or "merchant"), rendered by
    templates/contracts/money/_contract_panel.html: the contract's statements (full operation) and, once it
    has ended or a notice was given, its final report."""
    statements = []
    if contract.kind == ContractKind.FULL_OPERATION and contract.signed_at is not None:
        statements = list(Statement.objects.filter(contract=contract).order_by("-period", "-pk"))
    report = contract_final_report(contract) if shows_final_report(contract) else None
    namespace = "portal" if side == Side.PROVIDER else "merchant"
    return {
        "money_panel": {
            "shown": bool(statements) or report is not None,
            "statements": statements,
            "report": report,
            "is_final": contract.status in ENDED_STATUSES,
            "statement_url": f"{namespace}:statement_detail",
        }
    }
