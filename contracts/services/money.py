"""GMV records and settlement statements (SPEC §5, the money area of the contracts app).

**GMV records** come from the API (`gmv_record_batch`: a provider's owner, admins and operators, up to 1,000
records a call, each validated, with a result per record) and from the operators' file import
(`gmv_import_file`, `manage.py import_gmv`: platform data, any store). `order_no` is unique: the valid
records are written with `INSERT … ON CONFLICT (order_no) DO NOTHING`, so posting or importing the same
record twice changes nothing (the second time it is `unchanged`). A refund is a negative record linked to
its order (`refund_of`); the refunds of an order never exceed it (checked under a row lock on the order, so
two concurrent refunds of one order queue up).

**Attribution** (`ATTRIBUTION_JOIN`, the one rule, in SQL, used by both ways in): an order belongs to the
full-operation contract that covers its store on the order's calendar day in China — a contract that was
signed (signed, active, or since completed, terminated or expired: `exclusive` is off once a contract has
ended, so the status decides, not the exclusion flag), whose stores' `period` and whose dates
[start_date, end_date] contain that day. Commission stops on the end date: an order the day after is
unattributed. A refund belongs where its order belongs. Specialized contracts take no commission: the GMV
of a store with only specialized work is attributed to nobody (unattributed: seen by the merchant and the
operators, not by the provider), so no provider sees a store's sales without a full-operation contract.

**Statements** (结算单): one per full-operation contract and month (`statement_once_per_month`), issued for a
month once the contract's part of it is over — by the periodic `statements_issue_due` on the 1st for the
previous month (set-based), on demand from the portal (`statement_issue`, owner and admins), and as the
contract's final statement when it ends (`statement_issue_final`, `contracts.subscribers`). The amounts are
`rules.statement_amounts`: the fixed fee pro rata for the days covered, commission on attributed GMV minus
refunds, each rounded once, half up, to the fen. The merchant confirms (`statement_confirm`) or disputes
with a reason (`statement_dispute`); a disputed statement is reissued, recomputed (`statement_issue` again:
DISPUTED → ISSUED); the provider marks a confirmed one paid (`statement_mark_paid`). Every change writes a
timeline entry, an audit event (the set-based issue: the timeline entry and the event record each one) and
the domain event; the merchant hears of an issued statement from the subscriber of `statement.issued`, the
other moves notify the other side directly, after commit."""

import csv
import io
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.actors import Actor, ActorKind
from linke.audit import audit_record
from linke.errors import ApplicationError, ConflictError, PermissionDeniedError
from linke.events import emit, emit_many
from linke.http import MAX_ID
from linke.locks import lock, relock
from linke.notifications import Text, notification_send
from linke.tenancy import all_providers
from merchants.models import Store
from merchants.services.imports import CheckedFile, LeadFileError, Rejection, column_key, csv_text_decode
from merchants.services.imports import rejected_report as rejected_rows_report
from providers.models import Membership
from providers.permissions import Action, require
from providers.tenancy import provider_scope

from .. import rules
from ..choices import ContractEventKind, ContractKind, ContractStatus, GmvKind, MoneyAuditAction, Side, StatementStatus
from ..events import STATEMENT_CONFIRMED, STATEMENT_DISPUTED, STATEMENT_ISSUED, STATEMENT_PAID
from ..models import Contract, ContractEvent, ContractStore, GmvRecord, Statement
from ..transitions import STATEMENT_TRANSITIONS, assert_transition

logger = logging.getLogger(__name__)

LOCAL_ZONE = ZoneInfo(settings.TIME_ZONE)  # Asia/Shanghai: the calendar of orders and months
# A contract that was signed earns commission on its days, also after it ended (statements of past months,
# refunds); a proposal, a rejected or a cancelled one (the cooling-off: at no cost) never does.
ATTRIBUTING_STATUSES = (
    ContractStatus.SIGNED,
    ContractStatus.ACTIVE,
    ContractStatus.COMPLETED,
    ContractStatus.TERMINATED,
    ContractStatus.EXPIRED,
)
ENDED_STATUSES = (ContractStatus.COMPLETED, ContractStatus.TERMINATED, ContractStatus.EXPIRED)

MAX_BATCH = 1000
ORDER_NO_MAX = 64
MAX_AMOUNT = Decimal("999999999999.99")  # the column's 14 digits
CLOCK_SKEW = timedelta(minutes=5)  # a sender's clock a little ahead is not an order "in the future"
REASON_MAX_LENGTH = 1000
STATEMENT_BATCH = 500
COPY_CHUNK = 20_000  # progress is reported between COPY statements

GMV = GmvRecord._meta.db_table
CONTRACT = Contract._meta.db_table
CONTRACT_STORE = ContractStore._meta.db_table
STATEMENT = Statement._meta.db_table


# --- Attribution: the one rule, in SQL ------------------------------------------------------------


def _order_day(alias: str) -> str:
    return f"(({alias}.ordered_at AT TIME ZONE '{settings.TIME_ZONE}')::date)"


def attribution_join(alias: str) -> str:
    """`LEFT JOIN … attributed`: the contract (`attributed.contract_id`, `attributed.provider_id`) covering the
    order row `alias` (its `store_id`, `ordered_at`), or NULLs. A plain join on the store, so that the planner
    may hash a file's million rows against the contracts' stores, or probe the store index for an API batch.
    At most one row matches an order: a full-operation contract binds its stores exclusively while signed or
    active (the exclusion constraint) and keeps its real dates once ended (a termination moves the end date
    and the period). Should two ever match, callers keep the first in `ATTRIBUTION_ORDER` (the latest
    started)."""
    day = _order_day(alias)
    statuses = ", ".join(f"'{status}'" for status in ATTRIBUTING_STATUSES)
    return (
        "LEFT JOIN (SELECT held.store_id, held.period, contract.start_date, contract.end_date, "  # noqa: S608
        f"contract.id AS contract_id, contract.provider_id FROM {CONTRACT_STORE} held "
        f"JOIN {CONTRACT} contract ON contract.id = held.contract_id "
        f"WHERE contract.kind = '{ContractKind.FULL_OPERATION}' AND contract.status IN ({statuses})) attributed "
        f"ON attributed.store_id = {alias}.store_id AND attributed.period @> {day} "
        f"AND {day} BETWEEN attributed.start_date AND attributed.end_date"
    )


ATTRIBUTION_ORDER = "attributed.start_date DESC NULLS LAST, attributed.contract_id DESC NULLS LAST"


_COLUMNS = (
    "order_no, kind, refund_of_id, store_id, merchant_id, provider_id, contract_id, amount, ordered_at, created_at"
)


def _orders_insert(candidates: str, where: str = "") -> str:
    """INSERT the orders of the CTE `candidates` (order_no, store_id, merchant_id, amount, ordered_at, and the
    attribution's contract_id, provider_id); a repeated order_no is left as it is. Parameter: created_at."""
    return (
        f"INSERT INTO {GMV} ({_COLUMNS}) "  # noqa: S608 - our names
        f"SELECT order_no, '{GmvKind.ORDER}', NULL, store_id, merchant_id, provider_id, contract_id, amount, "
        f"ordered_at, %(now)s FROM {candidates} {where} "
        "ON CONFLICT (order_no) DO NOTHING RETURNING order_no, contract_id"
    )


def _refunds_insert(source: str, where: str = "") -> str:
    """INSERT the refunds of `source` (order_no, refund_of, amount, ordered_at) with their order's store,
    merchant and attribution. Parameter: created_at."""
    return (
        f"INSERT INTO {GMV} ({_COLUMNS}) "  # noqa: S608 - our names
        f"SELECT r.order_no, '{GmvKind.REFUND}', o.id, o.store_id, o.merchant_id, o.provider_id, o.contract_id, "
        f"r.amount, r.ordered_at, %(now)s FROM {source} JOIN {GMV} o ON o.order_no = r.refund_of "
        f"AND o.kind = '{GmvKind.ORDER}' {where} "
        "ON CONFLICT (order_no) DO NOTHING RETURNING order_no, contract_id"
    )


# --- Checking one record ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class GmvInput:
    """One valid record as given (its attribution is the database's)."""

    order_no: str
    kind: str
    store_id: int
    amount: Decimal
    ordered_at: datetime
    refund_of: str  # "" for an order


ORDER_NO_LABEL = gettext_lazy("order number")
REFUND_OF_LABEL = gettext_lazy("refunded order number")
KIND_WORDS = {"order": GmvKind.ORDER, "refund": GmvKind.REFUND, "订单": GmvKind.ORDER, "退款": GmvKind.REFUND}
LOCAL_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d")  # what Excel shows on a Chinese Windows


def _order_number(raw, code: str, label) -> str | Problem:
    # "Visible": printable (no control, format or separator characters) and not a space.
    if isinstance(raw, str) and 1 <= len(raw) <= ORDER_NO_MAX and raw.isprintable() and " " not in raw:
        return raw
    return Problem(
        code,
        _("The %(field)s must be 1 to 64 visible characters (letters, digits, punctuation; no spaces).")
        % {"field": label},
    )


def _store_id(raw) -> int | Problem:
    if isinstance(raw, str) and (text := raw.strip()).isascii() and text.isdigit():
        raw = int(text)
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw <= MAX_ID:
        return raw
    return Problem("store_invalid", _("The store must be given by its id (a whole number)."))


# The problems every bad row of a file may share: lazy, so that a valid row costs no translation.
AMOUNT_INVALID = Problem(
    "amount_invalid", gettext_lazy("The amount must be a number in CNY with at most 2 decimal places.")
)
ORDERED_AT_INVALID = Problem(
    "ordered_at_invalid",
    gettext_lazy("The order time must be an ISO 8601 date and time, e.g. 2026-01-05T12:30:00+08:00."),
)


def _amount(raw) -> Decimal | Problem:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = str(raw)  # a JSON number: its shortest decimal form
    if not isinstance(raw, str):
        return AMOUNT_INVALID
    text = raw.strip()
    if not text.isascii():
        text = text.replace("¥", "").replace("￥", "")
    try:
        amount = Decimal(text.replace(",", "") if "," in text else text)
    except InvalidOperation:
        return AMOUNT_INVALID
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        return AMOUNT_INVALID
    cents = amount.quantize(rules.CENT)
    return cents if cents == amount else AMOUNT_INVALID


def _ordered_at(raw, *, latest: datetime, from_file: bool) -> datetime | Problem:
    invalid = ORDERED_AT_INVALID
    if not isinstance(raw, str):
        return invalid
    text = raw.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
        for pattern in LOCAL_FORMATS if from_file else ():
            try:
                moment = datetime.strptime(text, pattern)  # noqa: DTZ007 - a local time, zoned below
                break
            except ValueError:
                continue
        if moment is None:
            return invalid
    if moment.utcoffset() is None:
        if not from_file:
            return Problem(
                "ordered_at_naive",
                _("The order time needs its UTC offset, e.g. 2026-01-05T12:30:00+08:00."),
            )
        moment = moment.replace(tzinfo=LOCAL_ZONE)  # a file's times are China's
    if moment > latest:
        return Problem("ordered_at_future", _("The order time is in the future."))
    return moment


def check_gmv_values(values: dict, *, now: datetime, from_file: bool = False) -> tuple[GmvInput | None, list[Problem]]:
    """One record's values (`order_no`, `kind`, `store`, `amount`, `ordered_at`, `refund_of`) checked: the
    record, or None and what is wrong with it. The API's values are JSON (`kind` "order" or "refund",
    `ordered_at` with its offset); a file's are text (`kind` may be 订单/退款 or blank — a refund when it
    names an order —, times without an offset are China's)."""
    problems: list[Problem] = []
    order_no = _order_number(values.get("order_no"), "order_no_invalid", ORDER_NO_LABEL)
    raw_kind = values.get("kind")
    refund_raw = values.get("refund_of")
    refund_raw = None if refund_raw in (None, "") else refund_raw
    if from_file and not raw_kind:
        kind = GmvKind.REFUND if refund_raw else GmvKind.ORDER
    elif isinstance(raw_kind, str) and (from_file or raw_kind in GmvKind.values):
        kind = KIND_WORDS.get(raw_kind.strip().lower())
    else:
        kind = None
    if kind is None:
        problems.append(Problem("kind_invalid", _("The kind must be “order” or “refund”.")))
    store = _store_id(values.get("store"))
    amount = _amount(values.get("amount"))
    ordered_at = _ordered_at(values.get("ordered_at"), latest=now + CLOCK_SKEW, from_file=from_file)
    refund_of = ""
    if kind == GmvKind.REFUND:
        if refund_raw is None:
            problems.append(Problem("refund_of_missing", _("A refund must name the order number it refunds.")))
        else:
            refund_of = _order_number(refund_raw, "refund_of_invalid", REFUND_OF_LABEL)
    elif kind == GmvKind.ORDER and refund_raw is not None:
        problems.append(Problem("refund_of_unexpected", _("Only a refund names an order it refunds.")))
    for value in (order_no, store, amount, ordered_at, refund_of):
        if type(value) is Problem:
            problems.append(value)
    if isinstance(amount, Decimal) and kind == GmvKind.ORDER and amount <= 0:
        problems.append(Problem("amount_sign", _("An order's amount must be more than 0.")))
    if isinstance(amount, Decimal) and kind == GmvKind.REFUND and amount >= 0:
        problems.append(Problem("amount_sign", _("A refund's amount must be negative (less than 0).")))
    if problems:
        return None, problems
    return GmvInput(order_no, kind, store, amount, ordered_at, refund_of), []


# --- Refunds: checked under a lock on their orders ---------------------------------------------------


def _check_refunds(refunds: dict[int, GmvInput], *, provider_id: int | None) -> tuple[dict[int, Problem], set[int]]:
    """Check refunds (by key: a record's index or a file's row) against their orders as recorded now, the
    orders locked (FOR UPDATE, in id order) until the caller's transaction ends, so that concurrent refunds
    of one order queue up and cannot exceed it together. Call inside the transaction that inserts them,
    after the orders of the same batch. Returns the problems by key, and the keys already recorded (a
    repeat: left as they are, not checked again). A provider may refund only its attributed orders."""
    if not refunds:
        return {}, set()
    with all_providers():  # records are platform data; each check below names whose they must be
        recorded = set(
            GmvRecord.objects.filter(order_no__in=[r.order_no for r in refunds.values()]).values_list(
                "order_no", flat=True
            )
        )
        pending = {key: r for key, r in refunds.items() if r.order_no not in recorded}
        orders = {
            order.order_no: order
            for order in lock(GmvRecord.objects.filter(order_no__in={r.refund_of for r in pending.values()}))
        }
        refunded = dict(
            GmvRecord.objects.filter(refund_of__in=[order.pk for order in orders.values()])
            .values("refund_of")
            .annotate(total=Sum("amount"))
            .values_list("refund_of", "total")
        )
    problems: dict[int, Problem] = {}
    for key, refund in sorted(pending.items()):
        order = orders.get(refund.refund_of)
        if (
            order is None
            or order.kind != GmvKind.ORDER
            or (provider_id is not None and order.provider_id != provider_id)
        ):
            problems[key] = Problem(
                "refund_order_unknown", _("No order %(order_no)s is recorded.") % {"order_no": refund.refund_of}
            )
        elif order.store_id != refund.store_id:
            problems[key] = Problem("refund_store_mismatch", _("The refund's store is not the order's store."))
        elif refund.ordered_at < order.ordered_at:
            problems[key] = Problem("refund_before_order", _("The refund is dated before its order."))
        else:
            total = -(refunded.get(order.pk) or Decimal(0)) - refund.amount
            if total > order.amount:
                problems[key] = Problem(
                    "refund_exceeds_order",
                    _("Refunds of order %(order_no)s would total %(total)s, more than the order's %(amount)s.")
                    % {"order_no": order.order_no, "total": f"¥{total:,.2f}", "amount": f"¥{order.amount:,.2f}"},
                )
            else:
                refunded[order.pk] = -total
    return problems, {key for key in refunds if key not in pending}


def _audit_records(actor: Actor, created: list[str], *, for_provider: bool, after: dict) -> None:
    """One audit event for a batch or file that created records (on its first record; a provider's batch is
    recorded in its trail)."""
    if not created:
        return
    with all_providers():
        first = GmvRecord.objects.select_related("provider").get(order_no=created[0])
    provider = first.provider if for_provider else None
    audit_record(action=MoneyAuditAction.GMV_IMPORT, obj=first, actor=actor, provider=provider, after=after)


# --- The API's batch ---------------------------------------------------------------------------------


def _recorder(actor: Actor) -> int | None:
    """The provider a batch records for (a member allowed to record GMV), or None for an operator (any store,
    unattributed records allowed). Raises PermissionDeniedError for anyone else."""
    if actor.is_operator:
        return None
    membership = require(actor, Action.RECORD_GMV)
    return membership.provider_id


def gmv_record_batch(*, actor: Actor, records: list) -> list[dict]:
    """Record up to `MAX_BATCH` GMV records (dicts: `order_no`, `kind`, `store`, `amount`, `ordered_at`,
    `refund_of` for a refund) and answer one result per record, in order: `{index, order_no, status:
    created|unchanged|rejected, code, message}`. Each record is checked (`check_gmv_values`; a repeated
    order_no within the batch is refused); a provider (owner, admins, operators) may name only a store that
    one of its full-operation contracts covers on the order's day (else `not_attributed`, whether the store
    exists or not), an operator any store. The valid orders are written with one INSERT … ON CONFLICT
    (order_no) DO NOTHING (an order_no already recorded is `unchanged`), then the refunds, checked against
    their orders under a row lock, with another: one transaction. One audit event when records were created.
    Raises ApplicationError (`batch_too_large`, `batch_empty`) for the batch as a whole, PermissionDeniedError."""
    provider_id = _recorder(actor)
    if not isinstance(records, list) or not records:
        raise ApplicationError(_("Send at least one record."), code="batch_empty")
    if len(records) > MAX_BATCH:
        raise ApplicationError(
            _("At most %(max)d records per call; this batch has %(count)d. Split it.")
            % {"max": MAX_BATCH, "count": len(records)},
            code="batch_too_large",
            details={"max": MAX_BATCH, "count": len(records)},
        )
    now = timezone.now()
    results: list[dict] = []
    valid: dict[int, GmvInput] = {}
    first_index: dict[str, int] = {}
    for index, values in enumerate(records):
        raw_no = values.get("order_no") if isinstance(values, dict) else None
        result = {"index": index, "order_no": raw_no if isinstance(raw_no, str) else None}
        results.append(result)
        if not isinstance(values, dict):
            problems = [Problem("invalid_record", _("A record must be an object with its fields."))]
        else:
            record, problems = check_gmv_values(values, now=now)
            if record is not None and record.order_no in first_index:
                problems = [
                    Problem(
                        "duplicate_order_no",
                        _("Same order number as record %(index)d of this batch.")
                        % {"index": first_index[record.order_no]},
                    )
                ]
            elif record is not None:
                first_index[record.order_no] = index
                valid[index] = record
        if problems:
            _reject(result, problems)
    with transaction.atomic():
        created = _insert_batch_orders(valid, results, provider_id=provider_id, now=now)
        created += _insert_batch_refunds(valid, results, provider_id=provider_id, now=now)
        counts = Counter(result["status"] for result in results)
        _audit_records(
            actor,
            created,
            for_provider=provider_id is not None,
            after={"created": counts["created"], "unchanged": counts["unchanged"], "rejected": counts["rejected"]},
        )
    return results


def _reject(result: dict, problems: list[Problem]) -> None:
    result.update(status="rejected", code=problems[0].code, message=" ".join(str(p.message) for p in problems))


def _done(result: dict, created: bool) -> None:
    if created:
        result.update(status="created", code="", message="")
    else:
        result.update(status="unchanged", code="already_recorded", message=_("This order number is already recorded."))


def _stores(store_ids: Iterable[int]) -> dict[int, int]:
    """Store id → merchant id of the stores that exist among `store_ids` (one query, whoever's: whose records
    a store may carry is decided by attribution)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, merchant_id FROM {Store._meta.db_table} WHERE id = ANY(%s::bigint[])",  # noqa: S608
            [sorted(set(store_ids))],
        )
        return dict(cursor.fetchall())


def _insert_batch_orders(valid: dict[int, GmvInput], results: list[dict], *, provider_id, now) -> list[str]:
    orders = {index: r for index, r in valid.items() if r.kind == GmvKind.ORDER}
    if not orders:
        return []
    merchants = _stores(r.store_id for r in orders.values())
    rows = []
    for index, r in orders.items():
        if r.store_id in merchants:
            rows.append(
                {
                    "n": index,
                    "order_no": r.order_no,
                    "store_id": r.store_id,
                    "merchant_id": merchants[r.store_id],
                    "amount": str(r.amount),
                    "ordered_at": r.ordered_at.isoformat(),
                }
            )
        elif provider_id is None:
            _reject(results[index], [Problem("unknown_store", _("There is no store with this id."))])
        else:
            _reject(results[index], [_not_attributed()])
    if not rows:
        return []
    sql = (
        "WITH candidate AS (SELECT DISTINCT ON (r.n) r.*, attributed.contract_id, attributed.provider_id "  # noqa: S608
        "FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(n integer, order_no text, store_id bigint, "
        f"merchant_id bigint, amount numeric, ordered_at timestamptz) {attribution_join('r')} "
        f"ORDER BY r.n, {ATTRIBUTION_ORDER}), "
        "inserted AS ("
        + _orders_insert("candidate", "WHERE %(provider)s::bigint IS NULL OR provider_id = %(provider)s::bigint")
        + ") SELECT candidate.n, candidate.provider_id, inserted.order_no IS NOT NULL "
        "FROM candidate LEFT JOIN inserted ON inserted.order_no = candidate.order_no ORDER BY candidate.n"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"rows": json.dumps(rows), "provider": provider_id, "now": now})
        answers = cursor.fetchall()
    created = []
    for index, attributed_to, inserted in answers:
        if provider_id is not None and attributed_to != provider_id:
            _reject(results[index], [_not_attributed()])
        else:
            _done(results[index], inserted)
            if inserted:
                created.append(orders[index].order_no)
    return created


def _not_attributed() -> Problem:
    return Problem(
        "not_attributed",
        _("This store is not under one of your full-operation contracts on the order's date: it cannot be yours."),
    )


def _insert_batch_refunds(valid: dict[int, GmvInput], results: list[dict], *, provider_id, now) -> list[str]:
    refunds = {index: r for index, r in valid.items() if r.kind == GmvKind.REFUND}
    problems, repeated = _check_refunds(refunds, provider_id=provider_id)
    for index, problem in problems.items():
        _reject(results[index], [problem])
    for index in repeated:
        _done(results[index], False)
    rows = [
        {
            "order_no": r.order_no,
            "refund_of": r.refund_of,
            "amount": str(r.amount),
            "ordered_at": r.ordered_at.isoformat(),
        }
        for index, r in refunds.items()
        if index not in problems and index not in repeated
    ]
    if not rows:
        return []
    source = (
        "jsonb_to_recordset(%(rows)s::jsonb) AS r(order_no text, refund_of text, amount numeric, "
        "ordered_at timestamptz)"
    )
    with connection.cursor() as cursor:
        cursor.execute(_refunds_insert(source), {"rows": json.dumps(rows), "now": now})
        created = {order_no for order_no, _contract in cursor.fetchall()}
    for index, r in refunds.items():
        if index not in problems and index not in repeated:
            _done(results[index], r.order_no in created)
    return [row["order_no"] for row in rows if row["order_no"] in created]


# --- The operators' file import ----------------------------------------------------------------------

# The columns of a GMV file and the headers accepted for each (compared by `column_key`).
FILE_COLUMNS: dict[str, tuple[str, ...]] = {
    "order_no": ("订单号", "订单编号", "order_no", "order number"),
    "store": ("门店ID", "门店id", "门店编号", "store_id", "store id", "store"),
    "amount": ("金额", "订单金额", "amount"),
    "ordered_at": ("下单时间", "时间", "ordered_at", "ordered at", "order time"),
    "kind": ("类型", "kind", "type"),
    "refund_of": ("原订单号", "refund_of", "refund of"),
}
FILE_REQUIRED = ("order_no", "store", "amount", "ordered_at")
FILE_HEADERS = {column_key(alias): name for name, aliases in FILE_COLUMNS.items() for alias in aliases}


class GmvFileError(ApplicationError):
    """The file as a whole cannot be imported (encoding, header row): nothing is read from it."""

    code = "gmv_file_invalid"


class Phase:
    CHECKING = "checking"
    WRITING = "writing"


PHASE_LABELS = {Phase.CHECKING: gettext_lazy("Checking rows"), Phase.WRITING: gettext_lazy("Writing records")}
Progress = Callable[[str, int, int], None]  # (phase, done, total)


def _no_progress(phase: str, done: int, total: int) -> None:
    pass


@dataclass
class GmvImportOutcome:
    encoding: str
    total: int = 0  # data rows (blank lines aside)
    valid: int = 0
    created: int = 0  # in a dry run: would be created
    unattributed: int = 0  # of those created: no contract covers them
    rejections: list[Rejection] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)  # code → rows rejected for it
    report: str = ""  # the rejected rows as CSV text (no BOM)

    @property
    def unchanged(self) -> int:
        return self.valid - self.created


def _file_columns(headers: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = FILE_HEADERS.get(column_key(header))
        if name is not None and name in columns:
            raise GmvFileError(_("The column “%(column)s” appears twice.") % {"column": header})
        if name is not None:
            columns[name] = index
    missing = [name for name in FILE_REQUIRED if name not in columns]
    if missing:
        raise GmvFileError(
            _(
                "Columns missing: %(columns)s. The header row needs 订单号 (order_no), 门店ID (store_id), 金额 "
                "(amount) and 下单时间 (ordered_at); 类型 (kind) and 原订单号 (refund_of) are optional."
            )
            % {"columns": ", ".join(missing)}
        )
    return columns


# The codec of each encoding `csv_text_decode` names.
CODECS = {"UTF-8 (BOM)": "utf-8-sig", "UTF-8": "utf-8", "GB18030": "gb18030"}


def _read_file(content: bytes) -> tuple[io.TextIOBase, str]:
    """The file's text as a stream, and its encoding, decided by content as for lead files. Streamed rather
    than held: a million rows are 50 MB of bytes, but four times that as one decoded string read through
    StringIO."""
    if not content.strip():
        raise GmvFileError(_("The file is empty."))
    try:
        _text, encoding = csv_text_decode(content)
    except LeadFileError as error:
        raise GmvFileError(
            _("The file is neither UTF-8 nor GB18030 text. Save it from Excel as “CSV UTF-8” or as CSV.")
        ) from error
    return io.TextIOWrapper(io.BytesIO(content), encoding=CODECS[encoding], newline=""), encoding


_TEMP_TABLE = (
    "CREATE TEMPORARY TABLE gmv_import_rows (row_number integer, order_no text, kind text, store_id bigint, "
    "merchant_id bigint, amount numeric(14, 2), ordered_at timestamptz, refund_of text) ON COMMIT DROP"
)
_TEMP_COLUMNS = "row_number, order_no, kind, store_id, merchant_id, amount, ordered_at, refund_of"


def gmv_import_file(
    content: bytes, *, actor: Actor | None = None, dry_run: bool = False, progress: Progress = _no_progress
) -> GmvImportOutcome:
    """Import a GMV file (CSV in UTF-8 with or without BOM, or GB18030, decided by content; Chinese or
    English headers: 订单号/order_no, 门店ID/store_id, 金额/amount, 下单时间/ordered_at, 类型/kind,
    原订单号/refund_of): platform data, any store, attributed by `attribution_join`, unattributed when no
    contract covers the order. In one transaction (nothing in a dry run): rows checked in Python (the
    stores they name loaded once each), COPY into a temporary table, one INSERT … SELECT with the
    attribution join … ON CONFLICT (order_no) DO NOTHING for the orders, then the refunds (checked against
    their orders under a row lock). Re-importing a file changes nothing (its rows are `unchanged`). Raises
    GmvFileError when the file as a whole cannot be read. One audit event (the system's unless `actor`)."""
    stream, encoding = _read_file(content)
    reader = csv.reader(stream)
    try:
        headers = [cell.strip() for cell in next(reader, [])]
    except csv.Error as error:
        raise GmvFileError(_("The CSV file cannot be read: %(error)s") % {"error": error}) from error
    if not any(headers):
        raise GmvFileError(_("The file has no header row."))
    columns = _file_columns(headers)
    outcome = GmvImportOutcome(encoding=encoding)
    estimate = max(content.count(b"\n") - 1, 1)
    now = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # A file's million rows are sorted and hashed once each: in memory rather than in temporary files.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(_TEMP_TABLE)
            refunds = _copy_rows(cursor, reader, columns, outcome, now=now, estimate=estimate, progress=progress)
            cursor.execute("ANALYZE gmv_import_rows")  # a temporary table has no statistics; the join needs some
            progress(Phase.WRITING, 0, 2)
            orders, orders_unattributed, first = _import_orders(cursor, now)
            problems, _repeated = _check_refunds(
                {row: record for row, (_cells, record) in refunds.items()}, provider_id=None
            )
            if problems:
                cursor.execute("DELETE FROM gmv_import_rows WHERE row_number = ANY(%s)", [sorted(problems)])
                for row, problem in problems.items():
                    _file_reject(outcome, row, refunds[row][0], [problem])
                outcome.valid -= len(problems)
            progress(Phase.WRITING, 1, 2)
            refunded, refunds_unattributed, first_refund = _import_refunds(cursor, now)
            cursor.execute("DROP TABLE gmv_import_rows")  # at once: the caller's transaction may go on
            progress(Phase.WRITING, 2, 2)
        outcome.created = orders + refunded
        outcome.unattributed = orders_unattributed + refunds_unattributed
        outcome.rejections.sort(key=lambda rejection: rejection.row)
        outcome.report = rejected_rows_report(CheckedFile(encoding, headers, rejections=outcome.rejections))
        _audit_records(
            actor or Actor.system(),
            [order_no for order_no in (first or first_refund,) if order_no],
            for_provider=False,
            after={"rows": outcome.total, "created": outcome.created, "unattributed": outcome.unattributed}
            | {"unchanged": outcome.unchanged, "rejected": len(outcome.rejections)},
        )
        if dry_run:
            transaction.set_rollback(True)
    return outcome


def _file_reject(outcome: GmvImportOutcome, row: int, cells, problems: list[Problem]) -> None:
    outcome.rejections.append(Rejection(row, cells or [], " ".join(str(p.message) for p in problems)))
    outcome.reasons[problems[0].code] += 1


def _copy_rows(cursor, reader, columns, outcome: GmvImportOutcome, *, now, estimate, progress) -> dict:
    """Check the rows and COPY the valid ones into `gmv_import_rows`, a chunk at a time; returns the valid
    refunds, row number → (cells, record), checked later against their orders."""
    merchants: dict[int, int | None] = {}  # store id → merchant id (None: no such store), each looked up once
    seen: dict[str, int] = {}  # order_no → its first row
    refunds: dict[int, tuple[list[str], GmvInput]] = {}
    chunk: list[tuple[int, list[str], GmvInput]] = []
    width = max(columns.values()) + 1

    def flush():
        unknown = {record.store_id for _row, _cells, record in chunk} - merchants.keys()
        if unknown:
            found = _stores(unknown)
            merchants.update({store_id: found.get(store_id) for store_id in unknown})
        with cursor.cursor.copy(f"COPY gmv_import_rows ({_TEMP_COLUMNS}) FROM STDIN") as copy:
            for row, cells, record in chunk:
                merchant = merchants[record.store_id]
                if merchant is None:
                    _file_reject(outcome, row, cells, [Problem("unknown_store", _("There is no store with this id."))])
                    continue
                outcome.valid += 1
                if record.kind == GmvKind.REFUND:
                    refunds[row] = (cells, record)
                copy.write_row(
                    (row, record.order_no, record.kind, record.store_id, merchant, record.amount)
                    + (record.ordered_at, record.refund_of or None)
                )
        chunk.clear()
        progress(Phase.CHECKING, outcome.total, max(estimate, outcome.total))

    try:
        for row, cells in enumerate(reader, start=2):
            if not any(cells):
                continue
            outcome.total += 1
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            values = {name: cells[index].strip() for name, index in columns.items()}
            record, problems = check_gmv_values(values, now=now, from_file=True)
            if record is not None:
                first = seen.setdefault(record.order_no, row)
                if first != row:
                    problems = [Problem("duplicate_order_no", _("Same order number as row %(row)d.") % {"row": first})]
            if problems:
                _file_reject(outcome, row, cells, problems)
            else:
                chunk.append((row, cells, record))
                if len(chunk) >= COPY_CHUNK:
                    flush()
    except csv.Error as error:
        raise GmvFileError(
            _("The CSV file cannot be read at line %(line)d: %(error)s") % {"line": reader.line_num, "error": error}
        ) from error
    flush()
    return refunds


def _counted(insert: str) -> str:
    """Counts of what `insert` (RETURNING order_no, contract_id) created, not its rows: created, of them
    unattributed, and one order number (for the audit event)."""
    return (
        f"WITH inserted AS ({insert}) SELECT count(*), count(*) FILTER (WHERE contract_id IS NULL), "  # noqa: S608
        "min(order_no) FROM inserted"
    )


def _import_orders(cursor, now) -> tuple[int, int, str | None]:
    # In file order, the latest started contract first should two ever match: ON CONFLICT keeps the first.
    candidates = (
        "(SELECT r.order_no, r.store_id, r.merchant_id, r.amount, r.ordered_at, attributed.contract_id, "  # noqa: S608
        f"attributed.provider_id FROM gmv_import_rows r {attribution_join('r')} "
        f"WHERE r.kind = '{GmvKind.ORDER}' ORDER BY r.row_number, {ATTRIBUTION_ORDER}) AS candidate"
    )
    cursor.execute(_counted(_orders_insert(candidates)), {"now": now})
    return cursor.fetchone()


def _import_refunds(cursor, now) -> tuple[int, int, str | None]:
    cursor.execute(_counted(_refunds_insert("gmv_import_rows r", f"WHERE r.kind = '{GmvKind.REFUND}'")), {"now": now})
    return cursor.fetchone()


# --- Statements: figures --------------------------------------------------------------------------


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_ZONE)


def statement_figures(contract: Contract, month: date) -> dict:
    """The figures of `contract`'s statement for `month` (its 1st) as they are now: days covered, the
    contract's commission in basis points and `rules.statement_amounts` over the attributed orders and
    refunds of the month (China's calendar)."""
    first, last = rules.month_start(month), rules.month_end(month)
    with all_providers():  # the records of a contract its caller may see, whichever side it is
        sums = GmvRecord.objects.filter(
            contract=contract, ordered_at__gte=local_midnight(first), ordered_at__lt=local_midnight(last + timedelta(1))
        ).aggregate(
            orders=Sum("amount", filter=Q(kind=GmvKind.ORDER), default=Decimal(0)),
            refunds=Sum("amount", filter=Q(kind=GmvKind.REFUND), default=Decimal(0)),
        )
    return _figures(contract.monthly_fee, contract.commission_bp, first, contract.start_date, contract.end_date, sums)


def _figures(monthly_fee, commission_bp, month: date, start: date, end: date, sums: dict) -> dict:
    days = rules.days_covered(month, start, end)
    amounts = rules.statement_amounts(
        monthly_fee=monthly_fee,
        commission_bp=commission_bp,
        days=days,
        days_in_month=rules.month_end(month).day,
        gmv=sums["orders"],
        refunds=-sums["refunds"],
    )
    return {"days_covered": days, "commission_bp": commission_bp or 0} | amounts


def statement_months(contract: Contract, *, today: date) -> list[date]:
    """The months (their 1st) a statement of `contract` may be issued for by `today`: a full-operation
    contract that was signed, each month it covers whose covered part is over (all of them once it ended)."""
    if contract.kind != ContractKind.FULL_OPERATION or contract.status not in ATTRIBUTING_STATUSES:
        return []
    ended = contract.status in ENDED_STATUSES
    months, month = [], rules.month_start(contract.start_date)
    while month <= contract.end_date:
        if ended or today > min(rules.month_end(month), contract.end_date):
            months.append(month)
        month = rules.month_end(month) + timedelta(days=1)
    return months


# --- Statements: who acts, the timeline, notifications ----------------------------------------------


def _require_issuer(actor: Actor, contract: Contract) -> None:
    if actor.kind == ActorKind.SYSTEM or actor.is_operator:
        return
    require(actor, Action.MANAGE_STATEMENTS, provider=contract.provider_id, fresh=True)


def _require_merchant(actor: Actor, statement: Statement) -> None:
    if actor.kind != ActorKind.MERCHANT or actor.merchant is None or actor.merchant.pk != statement.merchant_id:
        raise PermissionDeniedError(_("Only the merchant of the contract can confirm or dispute its statements."))


def _side(actor: Actor) -> str:
    if actor.kind == ActorKind.MERCHANT:
        return Side.MERCHANT
    return Side.PROVIDER if actor.kind in (ActorKind.MEMBER, ActorKind.API_KEY) else Side.PLATFORM


def _timeline(statement: Statement, kind: str, actor: Actor, *, note: str = "", at=None) -> None:
    ContractEvent.objects.create(
        provider_id=statement.provider_id,
        merchant_id=statement.merchant_id,
        contract_id=statement.contract_id,
        kind=kind,
        side=_side(actor),
        actor_name=str(actor.user) if actor.user is not None else "",
        note=note,
        created_at=at or timezone.now(),
    )


def month_label(period: date) -> str:
    return f"{period:%Y-%m}"


def _summary(statement: Statement) -> str:
    return f"{month_label(statement.period)} · ¥{statement.total:,.2f}"


def _payload(statement: Statement) -> dict:
    return {
        "statement_id": statement.pk,
        "contract_id": statement.contract_id,
        "merchant_id": statement.merchant_id,
        "period": month_label(statement.period),
        "total": str(statement.total),
    }


def _notify_managers(statement: Statement, *, verb, title, body) -> None:
    """The provider's owner and admins (who manage statements), after commit by email."""
    url = reverse("portal:statement_detail", kwargs={"pk": statement.pk})
    with provider_scope(statement.provider_id):
        users = [
            m.user
            for m in Membership.objects.managers().filter(provider_id=statement.provider_id).select_related("user")
        ]
    for user in users:
        notification_send(recipient=user, provider=statement.provider, verb=verb, title=title, body=body, url=url)


def statement_notify_issued(statement: Statement) -> None:
    """Tell the merchant a statement awaits it (the subscriber of `statement.issued`)."""
    notification_send(
        recipient=statement.merchant.owner,
        verb=MoneyAuditAction.STATEMENT_ISSUE,
        title=Text(
            gettext_lazy("Statement for %(month)s from %(provider)s"),
            month=month_label(statement.period),
            provider=statement.provider.name,
        ),
        body=Text(
            gettext_lazy("%(contract)s: %(total)s due. Please confirm it, or dispute it with a reason."),
            contract=statement.contract.title,
            total=f"¥{statement.total:,.2f}",
        ),
        url=reverse("merchant:statement_detail", kwargs={"pk": statement.pk}),
    )


# --- Statements: issuing -----------------------------------------------------------------------------


def statement_issue(*, contract: Contract, month: date, actor: Actor | None = None) -> Statement:
    """Issue `contract`'s statement for `month` (any day of it) with the figures as they are now, or reissue
    a disputed one, recomputed (DISPUTED → ISSUED). By the system, an operator, or the provider's owner and
    admins. Refused (ApplicationError `statement_not_covered`, `statement_not_due`) unless the contract covers
    the month and `statement_months` allows it (signed, the covered part over), and
    (ConflictError `statement_exists`) when it was issued and is not disputed. `is_final` when the contract
    has ended and the month holds its end date. Locks the contract, then the statement; a concurrent issue
    of the same month waits, then finds it (the unique constraint decides a race). Timeline entry, audit
    event, `statement.issued` (the merchant is notified by its subscriber)."""
    actor = actor or Actor.system()
    _require_issuer(actor, contract)
    month = rules.month_start(month)
    with transaction.atomic():
        contract = relock(contract, "provider")
        if not rules.days_covered(month, contract.start_date, contract.end_date):
            raise ApplicationError(
                _("The contract does not cover %(month)s.") % {"month": month_label(month)},
                code="statement_not_covered",
            )
        if month not in statement_months(contract, today=timezone.localdate()):
            raise ApplicationError(
                _("No statement can be issued for %(month)s yet: the contract's days of that month are not over.")
                % {"month": month_label(month)},
                code="statement_not_due",
            )
        existing = lock(Statement.objects.filter(contract=contract, period=month)).first()
        if existing is not None and existing.status != StatementStatus.DISPUTED:
            raise ConflictError(
                _("The statement for %(month)s has already been issued.") % {"month": month_label(month)},
                code="statement_exists",
            )
        return _write_statement(contract, month, existing, actor)


def _is_final(contract: Contract, month: date) -> bool:
    return contract.status in ENDED_STATUSES and rules.month_start(contract.end_date) == month


def _write_statement(contract: Contract, month: date, existing: Statement | None, actor: Actor) -> Statement:
    now = timezone.now()
    figures = statement_figures(contract, month)
    final = _is_final(contract, month)
    if existing is None:
        try:
            with transaction.atomic():
                statement = Statement.objects.create(
                    provider_id=contract.provider_id,
                    merchant_id=contract.merchant_id,
                    contract=contract,
                    period=month,
                    is_final=final,
                    issued_at=now,
                    **figures,
                )
        except IntegrityError as error:  # the periodic run issued it meanwhile
            raise ConflictError(
                _("The statement for %(month)s has already been issued.") % {"month": month_label(month)},
                code="statement_exists",
            ) from error
        before = {}
    else:
        statement = existing
        assert_transition(statement.status, StatementStatus.ISSUED, table=STATEMENT_TRANSITIONS)
        before = {"status": statement.status, "total": str(statement.total)}
        for name, value in figures.items():
            setattr(statement, name, value)
        statement.status, statement.issued_at, statement.is_final = StatementStatus.ISSUED, now, final
        statement.save(update_fields=[*figures, "status", "issued_at", "is_final"])
    _timeline(statement, ContractEventKind.STATEMENT_ISSUED, actor, note=_summary(statement), at=now)
    audit_record(
        action=MoneyAuditAction.STATEMENT_ISSUE,
        obj=statement,
        actor=actor,
        provider=contract.provider,
        before=before,
        after={"status": StatementStatus.ISSUED, "total": str(statement.total), "is_final": final},
    )
    emit(
        STATEMENT_ISSUED,
        provider=contract.provider,
        payload=_payload(statement) | {"is_final": final, "reissued": existing is not None},
    )
    return statement


def statement_issue_final(*, contract: Contract) -> Statement | None:
    """The final statement of a full-operation contract that has just ended (the subscriber of
    `contract.ended`): its last month, pro rata to the end date, `is_final`. A statement of that month
    already issued (the periodic run was first) is only marked final; a disputed one is reissued. None for
    a contract that ends without statements (specialized, rejected, cancelled). Idempotent."""
    if contract.kind != ContractKind.FULL_OPERATION:
        return None
    month = rules.month_start(contract.end_date)
    with transaction.atomic():
        contract = relock(contract, "provider")
        if contract.status not in ENDED_STATUSES:
            return None
        existing = lock(Statement.objects.filter(contract=contract, period=month)).first()
        if existing is None or existing.status == StatementStatus.DISPUTED:
            return _write_statement(contract, month, existing, Actor.system())
        if not existing.is_final:
            existing.is_final = True
            existing.save(update_fields=["is_final"])
        return existing


_DUE_SQL = (
    "WITH due AS (SELECT c.id, c.provider_id, c.merchant_id, c.status, c.start_date, c.end_date, "  # noqa: S608
    f"c.monthly_fee, c.commission_bp FROM {CONTRACT} c "
    f"WHERE c.kind = '{ContractKind.FULL_OPERATION}' AND c.status = ANY(%(statuses)s) "
    "AND c.start_date <= %(last)s AND c.end_date >= %(first)s AND c.id > %(after)s "
    f"AND NOT EXISTS (SELECT 1 FROM {STATEMENT} s WHERE s.contract_id = c.id AND s.period = %(first)s) "
    "ORDER BY c.id LIMIT %(batch)s) "
    "SELECT due.*, sums.orders, sums.refunds FROM due LEFT JOIN LATERAL (SELECT "
    f"COALESCE(SUM(g.amount) FILTER (WHERE g.kind = '{GmvKind.ORDER}'), 0) AS orders, "
    f"COALESCE(SUM(g.amount) FILTER (WHERE g.kind = '{GmvKind.REFUND}'), 0) AS refunds FROM {GMV} g "
    "WHERE g.contract_id = due.id AND g.ordered_at >= %(since)s AND g.ordered_at < %(until)s) sums ON true "
    "ORDER BY due.id"
)
_STATEMENT_INSERT = (
    f"INSERT INTO {STATEMENT} (provider_id, merchant_id, contract_id, period, days_covered, fixed_fee, gmv, "  # noqa: S608
    "refunds, commission_bp, commission, total, status, is_final, issued_at, dispute_reason) "
    "SELECT s.provider_id, s.merchant_id, s.contract_id, %(first)s, s.days_covered, s.fixed_fee, s.gmv, s.refunds, "
    "s.commission_bp, s.commission, s.total, %(issued)s, s.is_final, %(now)s, '' "
    "FROM jsonb_to_recordset(%(rows)s::jsonb) AS s(provider_id bigint, merchant_id bigint, contract_id bigint, "
    "days_covered integer, fixed_fee numeric, gmv numeric, refunds numeric, commission_bp integer, "
    "commission numeric, total numeric, is_final boolean) "
    "ON CONFLICT (contract_id, period) DO NOTHING "
    "RETURNING id, contract_id, provider_id, merchant_id, total, is_final"
)


def statements_issue_due(*, month: date | None = None, today: date | None = None) -> int:
    """Issue every statement of `month` (default: the previous month) not issued yet, set-based: per batch
    of `STATEMENT_BATCH` contracts one query reads the due contracts with their month's GMV sums, the
    amounts are `rules.statement_amounts` (as `statement_issue`), one INSERT … ON CONFLICT DO NOTHING writes
    them, one the timeline entries, one the events (whose subscriber notifies each merchant). Batches are
    separate transactions; a repeated or concurrent run issues nothing twice. Nothing for a month not over
    by `today`. Returns how many were issued."""
    today = today or timezone.localdate()
    first = rules.month_start(month or (rules.month_start(today) - timedelta(days=1)))
    last = rules.month_end(first)
    if last >= today:
        return 0
    params = {
        "statuses": list(ATTRIBUTING_STATUSES),
        "first": first,
        "last": last,
        "since": local_midnight(first),
        "until": local_midnight(last + timedelta(days=1)),
        "batch": STATEMENT_BATCH,
        "issued": StatementStatus.ISSUED,
    }
    issued, after = 0, 0
    while True:
        with transaction.atomic(), all_providers():  # a set-based job over every provider's contracts
            now = timezone.now()
            with connection.cursor() as cursor:
                cursor.execute(_DUE_SQL, params | {"after": after})
                due = cursor.fetchall()
                rows = []
                for pk, provider, merchant, status, start, end, fee, bp, orders, refunds in due:
                    figures = _figures(fee, bp, first, start, end, {"orders": orders, "refunds": refunds})
                    final = status in ENDED_STATUSES and rules.month_start(end) == first
                    rows.append(
                        {"provider_id": provider, "merchant_id": merchant, "contract_id": pk, "is_final": final}
                        | {name: str(value) if isinstance(value, Decimal) else value for name, value in figures.items()}
                    )
                written = []
                if rows:
                    cursor.execute(_STATEMENT_INSERT, params | {"rows": json.dumps(rows), "now": now})
                    written = cursor.fetchall()
            ContractEvent.objects.bulk_create(
                [
                    ContractEvent(
                        provider_id=provider,
                        merchant_id=merchant,
                        contract_id=contract,
                        kind=ContractEventKind.STATEMENT_ISSUED,
                        side=Side.PLATFORM,
                        note=f"{month_label(first)} · ¥{total:,.2f}",
                        created_at=now,
                    )
                    for _pk, contract, provider, merchant, total, _final in written
                ]
            )
            emit_many(
                STATEMENT_ISSUED,
                [
                    (
                        provider,
                        {
                            "statement_id": pk,
                            "contract_id": contract,
                            "merchant_id": merchant,
                            "period": month_label(first),
                            "total": str(total),
                            "is_final": final,
                            "reissued": False,
                        },
                    )
                    for pk, contract, provider, merchant, total, final in written
                ],
            )
        issued += len(written)
        if len(due) < STATEMENT_BATCH:
            return issued
        after = due[-1][0]


# --- Statements: the merchant's answer, the payment -------------------------------------------------


@transaction.atomic
def statement_confirm(*, actor: Actor, statement: Statement) -> Statement:
    """The merchant confirms an issued statement (ISSUED → CONFIRMED): timeline, audit, `statement.confirmed`,
    the provider's owner and admins notified."""
    _require_merchant(actor, statement)
    statement = relock(statement, "contract", "provider")
    assert_transition(statement.status, StatementStatus.CONFIRMED, table=STATEMENT_TRANSITIONS)
    now = timezone.now()
    statement.status, statement.confirmed_at = StatementStatus.CONFIRMED, now
    statement.save(update_fields=["status", "confirmed_at"])
    _timeline(statement, ContractEventKind.STATEMENT_CONFIRMED, actor, note=_summary(statement), at=now)
    audit_record(
        action=MoneyAuditAction.STATEMENT_CONFIRM,
        obj=statement,
        actor=actor,
        provider=statement.provider,
        before={"status": StatementStatus.ISSUED},
        after={"status": StatementStatus.CONFIRMED},
    )
    emit(STATEMENT_CONFIRMED, provider=statement.provider, payload=_payload(statement))
    _notify_managers(
        statement,
        verb=MoneyAuditAction.STATEMENT_CONFIRM,
        title=Text(
            gettext_lazy("%(merchant)s confirmed the statement for %(month)s"),
            merchant=statement.merchant.name,
            month=month_label(statement.period),
        ),
        body=Text(gettext_lazy("%(total)s is due: mark it paid once it is."), total=f"¥{statement.total:,.2f}"),
    )
    return statement


@transaction.atomic
def statement_dispute(*, actor: Actor, statement: Statement, reason: str) -> Statement:
    """The merchant disputes an issued statement with a reason (ISSUED → DISPUTED); the provider reissues it.
    Timeline (with the reason), audit, `statement.disputed`, the provider's owner and admins notified."""
    _require_merchant(actor, statement)
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ApplicationError(_("Say what is wrong with the statement."), code="reason_required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ApplicationError(
            _("The reason is longer than %(max)d characters.") % {"max": REASON_MAX_LENGTH}, code="reason_too_long"
        )
    statement = relock(statement, "contract", "provider")
    assert_transition(statement.status, StatementStatus.DISPUTED, table=STATEMENT_TRANSITIONS)
    now = timezone.now()
    statement.status, statement.dispute_reason, statement.disputed_at = StatementStatus.DISPUTED, reason, now
    statement.save(update_fields=["status", "dispute_reason", "disputed_at"])
    _timeline(statement, ContractEventKind.STATEMENT_DISPUTED, actor, note=reason, at=now)
    audit_record(
        action=MoneyAuditAction.STATEMENT_DISPUTE,
        obj=statement,
        actor=actor,
        provider=statement.provider,
        before={"status": StatementStatus.ISSUED},
        after={"status": StatementStatus.DISPUTED},
        reason=reason,
    )
    emit(STATEMENT_DISPUTED, provider=statement.provider, payload=_payload(statement) | {"reason": reason})
    _notify_managers(
        statement,
        verb=MoneyAuditAction.STATEMENT_DISPUTE,
        title=Text(
            gettext_lazy("%(merchant)s disputed the statement for %(month)s"),
            merchant=statement.merchant.name,
            month=month_label(statement.period),
        ),
        body=Text(gettext_lazy("Their reason: %(reason)s"), reason=reason),
    )
    return statement


@transaction.atomic
def statement_mark_paid(*, actor: Actor, statement: Statement) -> Statement:
    """The provider's owner or an admin marks a confirmed statement paid (CONFIRMED → PAID): timeline, audit,
    `statement.paid`, the merchant notified."""
    require(actor, Action.MANAGE_STATEMENTS, provider=statement.provider_id, fresh=True)
    statement = relock(statement, "contract", "provider", "merchant__owner")
    assert_transition(statement.status, StatementStatus.PAID, table=STATEMENT_TRANSITIONS)
    now = timezone.now()
    statement.status, statement.paid_at = StatementStatus.PAID, now
    statement.save(update_fields=["status", "paid_at"])
    _timeline(statement, ContractEventKind.STATEMENT_PAID, actor, note=_summary(statement), at=now)
    audit_record(
        action=MoneyAuditAction.STATEMENT_PAY,
        obj=statement,
        actor=actor,
        provider=statement.provider,
        before={"status": StatementStatus.CONFIRMED},
        after={"status": StatementStatus.PAID},
    )
    emit(STATEMENT_PAID, provider=statement.provider, payload=_payload(statement))
    notification_send(
        recipient=statement.merchant.owner,
        verb=MoneyAuditAction.STATEMENT_PAY,
        title=Text(
            gettext_lazy("%(provider)s recorded your payment for %(month)s"),
            provider=statement.provider.name,
            month=month_label(statement.period),
        ),
        body=Text(
            gettext_lazy("%(total)s, statement of %(contract)s."),
            total=f"¥{statement.total:,.2f}",
            contract=statement.contract.title,
        ),
        url=reverse("merchant:statement_detail", kwargs={"pk": statement.pk}),
    )
    return statement
