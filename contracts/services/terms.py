"""The terms of a contract: cleaning what a provider enters (`validate_terms`, a code and a field per
problem), reading a contract's terms back (`contract_terms`), the terms as signed (`signed_terms_of`) and
their SHA-256 fingerprint (`terms_fingerprint`). Pure but for the reads of a contract's rows; used by the
lifecycle services (`contracts.services.contracts`, which re-exports these names) and the RFQ area."""

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from linke.errors import ApplicationError

from .. import rules
from ..choices import ContractKind, ServiceArea, ServiceLevel, StandardKind
from ..models import Contract, ContractStore

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_ITEMS = 50
MAX_MONEY = Decimal("999999999999.99")  # 14 digits, 2 places (`models.MONEY`)
# How far ahead a contract's dates may lie. Without a horizon a date near 9999-12-31 breaks the date
# arithmetic (3 years on, the day after the end for the stores' period) and a page answers 500.
DATES_AHEAD_YEARS = 10


def local_today() -> date:
    """The calendar day in China (TIME_ZONE is Asia/Shanghai)."""
    return timezone.localdate()


# --- Terms ---------------------------------------------------------------------------------------------


def invalid(message, code: str, field: str, **details):
    return ApplicationError(message, code=code, details={"field": field, **details})


def _text(value, field: str, *, label, max_length: int, required: bool, code: str = "") -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise invalid(_("Enter text for %(field)s.") % {"field": label}, "invalid_value", field)
    value = value.strip()
    if "\x00" in value:
        raise invalid(_("Remove the special characters from %(field)s.") % {"field": label}, "invalid_value", field)
    if required and not value:
        raise invalid(_("Fill in %(field)s.") % {"field": label}, code or f"{field}_required", field)
    if len(value) > max_length:
        raise invalid(
            _("Shorten %(field)s to at most %(max)s characters.") % {"field": label, "max": max_length},
            "too_long",
            field,
        )
    return value


def parse_date(value, field: str, *, label) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, date):
        raise invalid(_("Give %(field)s as a date (YYYY-MM-DD).") % {"field": label}, "invalid_date", field)
    return value


def _decimal(value, field: str, *, label) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        value = object()  # refused below
    try:
        number = Decimal(str(value).strip()) if isinstance(value, str | int | float | Decimal) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0 or number > MAX_MONEY:
        raise invalid(
            _("Give %(field)s as an amount from 0 to %(max)s.") % {"field": label, "max": MAX_MONEY},
            "invalid_amount",
            field,
        )
    return rules.money(number)


def _integer(value, field: str, *, label, low: int, high: int, code: str) -> int | None:
    if value is None or value == "":
        return None
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and (text := value.strip()).isascii() and text.isdigit() and len(text) <= 9:
        number = int(text)  # ASCII digits only: "²".isdigit() is true, but int("²") fails
    elif isinstance(value, Decimal) and value.is_finite() and low <= value <= high and value == int(value):
        number = int(value)  # compared first: int(Decimal("1e999999999")) would build a billion digits
    if number is None or not low <= number <= high:
        raise invalid(
            _("Give %(field)s as a whole number from %(low)s to %(high)s.")
            % {"field": label, "low": low, "high": high},
            code,
            field,
        )
    return number


def _items(raw_items, *, start: date, end: date) -> list[dict]:
    if not isinstance(raw_items, list | tuple) or not raw_items:
        raise invalid(_("A specialized contract needs at least one service item."), "items_required", "items")
    if len(raw_items) > MAX_ITEMS:
        raise invalid(
            _("A contract may have at most %(max)s service items.") % {"max": MAX_ITEMS}, "too_many_items", "items"
        )
    items = []
    for position, raw in enumerate(raw_items):
        field = f"items.{position}"
        if not isinstance(raw, dict):
            raise invalid(_("Service item %(number)s is not valid.") % {"number": position + 1}, "invalid_item", field)
        if raw.get("area") not in ServiceArea.values:
            raise invalid(
                _("Choose the service area of item %(number)s.") % {"number": position + 1},
                "item_area_invalid",
                f"{field}.area",
            )
        if raw.get("level") not in ServiceLevel.values:
            raise invalid(
                _("Choose the service level of item %(number)s.") % {"number": position + 1},
                "item_level_invalid",
                f"{field}.level",
            )
        title = _text(
            raw.get("title"),
            f"{field}.title",
            label=_("the name of item %(number)s") % {"number": position + 1},
            max_length=100,
            required=True,
            code="item_title_required",
        )
        unit_price = _decimal(
            raw.get("unit_price"),
            f"{field}.unit_price",
            label=_("the price of item %(number)s") % {"number": position + 1},
        )
        if unit_price is None:
            raise invalid(
                _("Give the price of item %(number)s.") % {"number": position + 1},
                "item_price_required",
                f"{field}.unit_price",
            )
        quantity = _integer(
            raw.get("quantity", 1),
            f"{field}.quantity",
            label=_("the quantity of item %(number)s") % {"number": position + 1},
            low=1,
            high=100,
            code="item_quantity",
        )
        if quantity is None:
            raise invalid(
                _("Give the quantity of item %(number)s (1 to 100).") % {"number": position + 1},
                "item_quantity",
                f"{field}.quantity",
            )
        due = parse_date(
            raw.get("due_date"),
            f"{field}.due_date",
            label=_("the due date of item %(number)s") % {"number": position + 1},
        )
        if due > end:
            raise invalid(
                _("Item %(number)s is due on %(due)s, after the contract ends (%(end)s).")
                % {"number": position + 1, "due": due.isoformat(), "end": end.isoformat()},
                "item_due_after_end",
                f"{field}.due_date",
            )
        if due < start:
            raise invalid(
                _("Item %(number)s is due on %(due)s, before the contract starts (%(start)s).")
                % {"number": position + 1, "due": due.isoformat(), "start": start.isoformat()},
                "item_due_before_start",
                f"{field}.due_date",
            )
        items.append(
            {
                "area": raw["area"],
                "level": raw["level"],
                "title": title,
                "unit_price": unit_price,
                "quantity": quantity,
                "due_date": due,
            }
        )
    return items


def _standards(raw_standards) -> list[dict]:
    if not isinstance(raw_standards, list | tuple) or not raw_standards:
        raise invalid(
            _("A full-operation contract needs at least one delivery standard."), "standards_required", "standards"
        )
    standards, seen = [], set()
    for position, raw in enumerate(raw_standards):
        field = f"standards.{position}"
        kind = raw.get("kind") if isinstance(raw, dict) else None
        if kind not in StandardKind.values:
            raise invalid(
                _("Choose the kind of delivery standard %(number)s.") % {"number": position + 1},
                "standard_kind_invalid",
                f"{field}.kind",
            )
        label = StandardKind(kind).label
        if kind in seen:
            raise invalid(
                _("“%(standard)s” is given twice: keep one target per delivery standard.") % {"standard": label},
                "standard_duplicate",
                f"{field}.kind",
            )
        seen.add(kind)
        target = _decimal(
            raw.get("target"), f"{field}.target", label=_("the target of “%(standard)s”") % {"standard": label}
        )
        if target is None or target <= 0:
            raise invalid(
                _("Give “%(standard)s” a target above 0.") % {"standard": label}, "standard_target", f"{field}.target"
            )
        standards.append({"kind": kind, "target": target})
    return sorted(standards, key=lambda standard: standard["kind"])


def validate_terms(*, kind: str, terms: dict, new: bool = True) -> dict:
    """The terms of a contract of `kind`, cleaned: {title, scope, start_date, end_date, monthly_fee (Decimal
    or None), commission_bp (int or None), items: [{area, level, title, unit_price, quantity, due_date}],
    standards: [{kind, target}], total_price}. A specialized contract keeps only its items (1 to 50, quantity
    1 to 100, due within the term) and no fees; a full-operation one keeps only its fees (a monthly fee
    and/or a commission of 0 to 10,000 basis points, one of them above 0), its delivery standards (at least
    one, one per kind) and a term of 90 days to 3 years. No date lies more than `DATES_AHEAD_YEARS` ahead
    (`date_too_far`). `new`: a start date in the past is refused (a new
    draft or proposal, a revision). Raises `ApplicationError` with a code per problem and `details.field`."""
    if kind not in ContractKind.values:
        raise invalid(_("Choose a cooperation mode."), "kind_invalid", "kind")
    if not isinstance(terms, dict):
        raise invalid(_("The terms are not valid."), "invalid_terms", "terms")
    title = _text(terms.get("title"), "title", label=_("the title"), max_length=100, required=True)
    scope = _text(terms.get("scope"), "scope", label=_("the scope of work"), max_length=10_000, required=False)
    start = parse_date(terms.get("start_date"), "start_date", label=_("the start date"))
    end = parse_date(terms.get("end_date"), "end_date", label=_("the end date"))
    if end < start:
        raise invalid(_("The end date comes before the start date."), "dates_order", "end_date")
    horizon = rules.add_years(local_today(), DATES_AHEAD_YEARS)
    if end > horizon:
        raise invalid(
            _("Choose dates up to %(date)s (at most %(years)s years ahead).")
            % {"date": horizon.isoformat(), "years": DATES_AHEAD_YEARS},
            "date_too_far",
            "start_date" if start > horizon else "end_date",
        )
    if new and start < local_today():
        raise invalid(
            _("The start date %(start)s has passed: choose today or a later day.") % {"start": start.isoformat()},
            "start_in_past",
            "start_date",
        )
    cleaned = {
        "title": title,
        "scope": scope,
        "start_date": start,
        "end_date": end,
        "monthly_fee": None,
        "commission_bp": None,
        "items": [],
        "standards": [],
        "total_price": Decimal("0.00"),
    }
    if kind == ContractKind.SPECIALIZED:
        cleaned["items"] = _items(terms.get("items"), start=start, end=end)
        cleaned["total_price"] = rules.money(sum(item["unit_price"] * item["quantity"] for item in cleaned["items"]))
        if cleaned["total_price"] > MAX_MONEY:
            raise invalid(_("The items' total price is too large."), "invalid_amount", "items")
        return cleaned
    if not rules.full_operation_term_ok(start, end):
        raise invalid(
            _("A full-operation contract runs for %(min)s days to %(years)s years: change the start or end date.")
            % {"min": rules.FULL_OPERATION_MIN_DAYS, "years": rules.FULL_OPERATION_MAX_YEARS},
            "term_length",
            "end_date",
        )
    fee = _decimal(terms.get("monthly_fee"), "monthly_fee", label=_("the monthly fee"))
    commission = _integer(
        terms.get("commission_bp"),
        "commission_bp",
        label=_("the commission (basis points)"),
        low=0,
        high=10_000,
        code="commission_range",
    )
    if not (fee or commission):
        raise invalid(_("Give a fixed monthly fee, a commission on GMV, or both."), "fee_required", "monthly_fee")
    cleaned |= {"monthly_fee": fee, "commission_bp": commission, "standards": _standards(terms.get("standards"))}
    return cleaned


def contract_terms(contract: Contract) -> dict:
    """The terms of `contract` as `validate_terms` takes them (to check them again, or to prefill a form)."""
    return {
        "title": contract.title,
        "scope": contract.scope,
        "start_date": contract.start_date,
        "end_date": contract.end_date,
        "monthly_fee": contract.monthly_fee,
        "commission_bp": contract.commission_bp,
        "items": list(
            contract.items.order_by("position", "pk").values(
                "area", "level", "title", "unit_price", "quantity", "due_date"
            )
        ),
        "standards": list(contract.standards.order_by("kind").values("kind", "target")),
        "total_price": contract.total_price,
    }


# --- The signed terms ----------------------------------------------------------------------------------


def terms_fingerprint(terms: dict) -> str:
    """SHA-256 (hex) of `terms` in their canonical JSON: keys sorted, UTF-8, no spaces. Recomputed from
    `signed_terms` it must equal `signed_fingerprint`."""
    canonical = json.dumps(terms, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def money_text(value) -> str | None:
    return None if value is None else str(rules.money(value))


def signed_terms_of(contract: Contract) -> dict:
    """Every term of `contract` as the merchant signs it, JSON-ready: the parties (names, credit codes),
    the stores (names, addresses), the dates, fees, items, standards, price and version."""
    provider, merchant = contract.provider, contract.merchant
    stores = (
        ContractStore.objects.filter(contract=contract)
        .order_by("store_id")
        .values_list("store_id", "store__name", "store__address")
    )
    return {
        "contract": contract.pk,
        "version": contract.version,
        "kind": contract.kind,
        "title": contract.title,
        "scope": contract.scope,
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(),
        "monthly_fee": money_text(contract.monthly_fee),
        "commission_bp": contract.commission_bp,
        "total_price": money_text(contract.total_price),
        "provider": {"id": provider.pk, "name": provider.name, "credit_code": provider.credit_code or ""},
        "merchant": {"id": merchant.pk, "name": merchant.name, "credit_code": merchant.credit_code or ""},
        "stores": [{"id": pk, "name": name, "address": address} for pk, name, address in stores],
        "items": [
            {
                "area": item.area,
                "level": item.level,
                "title": item.title,
                "unit_price": money_text(item.unit_price),
                "quantity": item.quantity,
                "due_date": item.due_date.isoformat(),
            }
            for item in contract.items.order_by("position", "pk")
        ],
        "standards": [
            {"kind": standard.kind, "target": money_text(standard.target)}
            for standard in contract.standards.order_by("kind")
        ],
    }
