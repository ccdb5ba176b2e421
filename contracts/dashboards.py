"""The contracts app's cards on the two home pages, registered from `ContractsConfig.ready()` into the
registries of the layers below (`providers.dashboard.portal_panels`, `merchants.dashboard.merchant_panels`):
those pages may not import contracts (CONVENTIONS §1).

Portal home: contracts by state, deliverables due this week and overdue, GMV over the last 30 days (an
ECharts line; the figures travel as JSON through `json_script`, the chart script is static: no inline
script). Merchant centre: its contracts (by state, the latest), deliverables awaiting its acceptance,
statements to confirm. Links to pages other areas build fall back to none until those pages exist."""

from decimal import Decimal

from django.urls import NoReverseMatch, reverse

from .selectors.dashboards import (
    contract_counts,
    deliverable_due_counts,
    deliverables_awaiting_acceptance_count,
    gmv_by_day,
    latest_contracts,
    statements_to_confirm_count,
)

GMV_SCRIPTS = ("vendor/echarts/echarts.min.js", "js/gmv-chart.js")


def optional_url(name: str, query: str = "") -> str:
    """The URL of a page of another area (with `query`), or "" until it exists."""
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return ""


def _states(namespace: str) -> list[dict]:
    base = optional_url(f"{namespace}:contract_list")
    return [
        {"status": status, "label": label, "count": count, "url": f"{base}?status={status}" if base else ""}
        for status, label, count in contract_counts()
    ]


def provider_contracts_card(request) -> dict:
    return {"states": _states("portal"), "list_url": optional_url("portal:contract_list")}


def provider_deliverables_card(request) -> dict:
    counts = deliverable_due_counts()
    return {
        "due_this_week": counts.due_this_week,
        "overdue": counts.overdue,
        # the board's own views (`?view=`, contracts.deliverable_forms.BoardFilter)
        "week_url": optional_url("portal:deliverable_board", "?view=due_week"),
        "overdue_url": optional_url("portal:deliverable_board", "?view=overdue"),
    }


def provider_gmv_card(request) -> dict:
    days = gmv_by_day(request.provider.pk)
    total = sum((amount for _day, amount in days), Decimal("0.00"))
    return {
        "total": total,
        "chart": {"days": [day.isoformat() for day, _ in days], "amounts": [str(amount) for _, amount in days]},
    }


def merchant_contracts_card(request) -> dict:
    return {
        "states": _states("merchant"),
        "latest": latest_contracts(),
        "list_url": optional_url("merchant:contract_list"),
    }


def merchant_tasks_card(request) -> dict:
    return {
        "awaiting_acceptance": deliverables_awaiting_acceptance_count(),
        "acceptance_url": optional_url("merchant:acceptance_queue"),
        "statements_to_confirm": statements_to_confirm_count(),
        "statements_url": optional_url("merchant:statement_list", "?status=issued"),
    }


def register() -> None:
    """Put the cards on the home pages (idempotent: a registry replaces a card of the same name)."""
    from merchants.dashboard import merchant_panels
    from providers.dashboard import portal_panels

    portal_panels.register(
        "contracts.states", template="contracts/dashboards/_portal_contracts.html", context=provider_contracts_card
    )
    portal_panels.register(
        "contracts.deliverables",
        template="contracts/dashboards/_portal_deliverables.html",
        context=provider_deliverables_card,
        order=110,
    )
    portal_panels.register(
        "contracts.gmv",
        template="contracts/dashboards/_portal_gmv.html",
        context=provider_gmv_card,
        scripts=GMV_SCRIPTS,
        order=120,
    )
    merchant_panels.register(
        "contracts.contracts", template="contracts/dashboards/_merchant_contracts.html", context=merchant_contracts_card
    )
    merchant_panels.register(
        "contracts.tasks", template="contracts/dashboards/_merchant_tasks.html", context=merchant_tasks_card, order=110
    )
