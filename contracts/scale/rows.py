"""The rows of the planned contracts (`plan`), written with COPY through the merchants' generator.

Order of the tables: the service items and delivery standards before their contracts, because the
database refuses a new term of a signed contract (trigger `contracts_terms_of_signed_contract_frozen`,
which finds no contract yet); a signed contract is written with its signed terms and their fingerprint
(the frozen-terms trigger guards UPDATEs: nothing is updated afterwards). The tables' foreign keys are
added back once the step is done (`Generator.bulk_loading`), so rows may point at rows written later.

Recorded period: GMV records, the monthly deliverables of full operation and the statements cover the
current month and the `RECORDED_MONTHS` before it (the platform's records of monthly work start there;
older full-operation contracts have their terms, stores and timeline only). Deliverables of specialized
contracts follow their service items, whenever they ran.

Sizes are exact: `Sizes.contracts` contracts, `Sizes.deliverables` deliverables (full operation's
months first, the rest spread over the signed specialized contracts' service items, at least one each
while there are enough), `Sizes.gmv` GMV records of which 3 % refunds."""

import hashlib
import json
import time
from bisect import bisect_right
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from merchants.scale import vocabulary as merchant_words
from merchants.scale.generator import UniqueSequence, Weighted
from providers.models import ProviderStanding, PublicReview

from ..choices import (
    ContractEventKind,
    ContractKind,
    ContractStatus,
    DeliverableStatus,
    GmvKind,
    ServiceArea,
    ServiceLevel,
    Side,
    StandardKind,
    StatementStatus,
)
from ..models import (
    BINDING_STATUSES,
    Contract,
    ContractEvent,
    ContractStore,
    Deliverable,
    DeliveryStandard,
    GmvRecord,
    Review,
    ServiceItem,
    SlaBreach,
    Statement,
)
from ..rules import AUTO_ACCEPT_AFTER, AUTO_ACCEPT_NOTICE_BEFORE, SLA_GRACE, commission, money, reviewer_label
from . import vocabulary as words
from .plan import DAY, RAN_STATUSES, SIGNED_STATUSES, Calendar, Plan, between, one_of

RECORDED_MONTHS = 3
# Deliverables that ran late: of those due before now, per state of the contract, never delivered (an SLA
# breach recorded) and delivered late (a breach, then submitted); and of the open ones of active
# contracts, overdue with no breach recorded yet (what the next `check_slas` finds) about this share of
# all deliverables.
NEVER_DELIVERED = {
    ContractStatus.ACTIVE: 0.02,
    ContractStatus.COMPLETED: 0.01,
    ContractStatus.EXPIRED: 0.15,
    ContractStatus.TERMINATED: 0.1,
}
DELIVERED_LATE, OVERDUE_SHARE = 0.02, 0.01
# Of an active contract's deliverables not due yet: submitted early; of the submitted ones awaiting the
# merchant while still in their grace: rejected (to submit again); of the accepted: automatically, at 72 h.
EARLY_SHARE, REJECTED_SHARE, AUTO_ACCEPTED_SHARE = 0.05, 0.15, 0.2
ITEM_QUANTITY_MAX, ITEMS_MAX = 100, 3
ITEM_COUNTS = Weighted((1, 2, 3), (50, 35, 15))
UNIT_PRICES = {
    ServiceArea.LIVESTREAM: (800, 3000),
    ServiceArea.SHORT_VIDEO: (300, 1500),
    ServiceArea.STORE_OPS: (500, 2000),
}
LEVEL_FACTORS = {ServiceLevel.BASIC: 1, ServiceLevel.VALUE_ADDED: 2, ServiceLevel.CREATIVE: 4}
# GMV: orders at the stores under full operation (attributed), the rest at any store; refunds.
ATTRIBUTED_SHARE, REFUND_SHARE, FULL_REFUND_SHARE = 0.8, 0.03, 0.7
PARTY_SIZES = (1, 1, 2, 2, 2, 3, 4, 6)
REVIEW_SHARE, REPLY_SHARE, RETURN_TO_POOL_SHARE = 0.2, 0.45, 0.3
REVIEW_STARS = {
    ContractStatus.COMPLETED: Weighted((5, 4, 3), (55, 35, 10)),
    ContractStatus.EXPIRED: Weighted((4, 3, 2), (40, 40, 20)),
    ContractStatus.TERMINATED: Weighted((3, 2, 1), (40, 35, 25)),
}
VIDEO_LINK = '["https://www.douyin.com/video/{}"]'
# `services.terms.terms_fingerprint`'s JSON, with one encoder (`json.dumps` with options makes one a call).
CANONICAL_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
# Plain values for the loops that run per row (an enum member costs a descriptor call each time).
ACTIVE, SIGNED = ContractStatus.ACTIVE.value, ContractStatus.SIGNED.value
PENDING, SUBMITTED = DeliverableStatus.PENDING.value, DeliverableStatus.SUBMITTED.value
ACCEPTED, REJECTED = DeliverableStatus.ACCEPTED.value, DeliverableStatus.REJECTED.value
PENDING_OUTCOME = (PENDING, None, None, False, None, None, "")
ORDER, REFUND = GmvKind.ORDER.value, GmvKind.REFUND.value
GRACE, AUTO_AFTER = int(SLA_GRACE.total_seconds()), int(AUTO_ACCEPT_AFTER.total_seconds())
NOTICE_BEFORE = int(AUTO_ACCEPT_NOTICE_BEFORE.total_seconds())
AREAS, LEVELS = tuple(ServiceArea.values), tuple(ServiceLevel.values)

ITEM_COLUMNS = ["id", "provider_id", "merchant_id", "contract_id", "area", "level", "title", "unit_price",
                "quantity", "due_date", "position"]  # fmt: skip
STANDARD_COLUMNS = ["id", "provider_id", "merchant_id", "contract_id", "kind", "target"]
CONTRACT_COLUMNS = ["id", "provider_id", "merchant_id", "kind", "status", "origin", "version", "title", "scope",
                    "start_date", "end_date", "monthly_fee", "commission_bp", "total_price", "upgraded_from_id",
                    "created_by_id", "created_at", "proposed_at", "signed_at", "signed_by_id", "signed_terms",
                    "signed_fingerprint", "activated_at", "reason", "ended_by", "ended_at", "notice_end_date",
                    "notice_by", "notice_reason", "notice_at", "notice_agreed_at", "return_to_pool"]  # fmt: skip
CONTRACT_STORE_COLUMNS = ["id", "contract_id", "store_id", "period", "exclusive"]
EVENT_COLUMNS = ["id", "provider_id", "merchant_id", "contract_id", "kind", "side", "actor_name", "note", "created_at"]
DELIVERABLE_COLUMNS = ["id", "provider_id", "merchant_id", "contract_id", "service_item_id", "standard_id", "period",
                       "sequence", "title", "due_at", "status", "evidence_links", "evidence_file", "evidence_name",
                       "evidence_note", "reported_amount", "submitted_at", "submitted_by_id", "decided_at",
                       "decided_by_id", "rejection_reason", "auto_accepted", "auto_accept_notice_at", "breached_at",
                       "created_at"]  # fmt: skip
BREACH_COLUMNS = ["id", "provider_id", "merchant_id", "deliverable_id", "contract_id", "due_at", "recorded_at"]
GMV_COLUMNS = ["id", "order_no", "kind", "refund_of_id", "store_id", "merchant_id", "provider_id", "contract_id",
               "amount", "ordered_at", "created_at"]  # fmt: skip
STATEMENT_COLUMNS = ["id", "provider_id", "merchant_id", "contract_id", "period", "days_covered", "fixed_fee", "gmv",
                     "refunds", "commission_bp", "commission", "total", "status", "is_final", "issued_at",
                     "confirmed_at", "dispute_reason", "disputed_at", "paid_at"]  # fmt: skip
REVIEW_COLUMNS = ["id", "provider_id", "merchant_id", "contract_id", "professionalism", "communication", "results",
                  "text", "written_by_id", "created_at", "reply", "replied_by_id", "replied_at"]  # fmt: skip
PUBLIC_REVIEW_COLUMNS = ["id", "provider_id", "review_id", "merchant_label", "professionalism", "communication",
                         "results", "text", "reply", "replied_at", "created_at"]  # fmt: skip

# The providers' standing from the generated rows, in one statement: rating and count of the reviews
# (`rules.review_rating`: points over 3 × count, 2 places), GMV served (attributed, net of refunds).
STANDING_SQL = f"""
UPDATE {ProviderStanding._meta.db_table} AS standing
SET rating = figures.rating, review_count = figures.review_count, gmv_served = figures.gmv_served
FROM (
    SELECT provider.id AS provider_id, reviews.rating, coalesce(reviews.count, 0) AS review_count,
           coalesce(gmv.total, 0) AS gmv_served
    FROM providers_provider AS provider
    LEFT JOIN (
        SELECT provider_id, count(*) AS count,
               round(sum(professionalism + communication + results)::numeric / (3 * count(*)), 2) AS rating
        FROM {Review._meta.db_table} GROUP BY provider_id
    ) AS reviews ON reviews.provider_id = provider.id
    LEFT JOIN (
        SELECT provider_id, sum(amount) AS total FROM {GmvRecord._meta.db_table}
        WHERE provider_id IS NOT NULL GROUP BY provider_id
    ) AS gmv ON gmv.provider_id = provider.id
    WHERE provider.id >= %s
) AS figures
WHERE standing.provider_id = figures.provider_id
"""  # noqa: S608 - table names from the models


@dataclass(frozen=True)
class Month:
    first: int  # day
    last: int
    label: str  # 2026-11
    days: int


def spread(total: int, weights: list[int]) -> list[int]:
    """`total` split in proportion to `weights` (whole numbers that add up to `total` exactly)."""
    whole, running, previous, shares = sum(weights), 0, 0, []
    for weight in weights:
        running += weight
        current = total * running // whole
        shares.append(current - previous)
        previous = current
    return shares


def fen(amount: int) -> str:
    """An amount in fen as CNY text with two places (exact: no float)."""
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    return f"{sign}{amount // 100}.{amount % 100:02d}"


class Rows:
    """One run of the contracts step: plans the contracts, then writes every table."""

    def __init__(self, generator, cursor):
        self.generator, self.cursor = generator, cursor
        self.rng = generator.rng("contract rows")
        self.ids = generator.ids
        started = time.perf_counter()
        self.calendar = calendar = Calendar(generator.now)
        self.plan = Plan(generator, cursor, calendar, self.ids[Contract])
        self.contracts = self.plan.make()
        self.stores, self.merchants = self.plan.stores, self.plan.merchants
        self.months = []
        year, month = calendar.dates[calendar.today].year, calendar.dates[calendar.today].month
        for back in range(RECORDED_MONTHS, -1, -1):
            number = year * 12 + month - 1 - back
            first = calendar.dates[calendar.today].replace(year=number // 12, month=number % 12 + 1, day=1)
            following = (first + timedelta(days=32)).replace(day=1)
            first_day = first.toordinal() - calendar.base
            days = (following - first).days
            self.months.append(Month(first_day, first_day + days - 1, f"{first:%Y-%m}", days))
        self.month_firsts = [month.first for month in self.months]
        self.allocate()
        generator.timings["contracts planned"] = (0, time.perf_counter() - started)

    def run(self) -> None:
        self.write_terms()
        self.write_contracts()
        self.write_deliverables()
        self.write_gmv()
        self.write_statements()
        self.write_reviews()
        started = time.perf_counter()
        self.cursor.execute(STANDING_SQL, [self.generator.providers[0].id])
        self.generator.timings["standings from contracts"] = (0, time.perf_counter() - started)

    # --- Deliverables per contract -------------------------------------------------------------
    def recorded(self, contract) -> list[tuple[Month, int, int]]:
        """The recorded months a full-operation contract ran in, with the first and last day it covers."""
        if contract.kind != ContractKind.FULL_OPERATION or contract.state not in RAN_STATUSES:
            return []
        covered = []
        for month in self.months:
            first, last = max(month.first, contract.start), min(month.last, contract.end)
            if first <= last:
                covered.append((month, first, last))
        return covered

    @staticmethod
    def units_per_month(contract) -> int:
        return sum(
            target if kind == StandardKind.SHORT_VIDEOS else 1
            for kind, target in contract.standards
            if kind in (StandardKind.SHORT_VIDEOS, StandardKind.LIVESTREAM_HOURS)
        )

    def allocate(self) -> None:
        """How many deliverables each contract gets (`Contract.deliverables`), `Sizes.deliverables` in all,
        and the chance that an open one of an active contract is overdue without a breach yet."""
        wanted, today, rng = self.generator.sizes.deliverables, self.calendar.today, self.rng
        full = [(c, len(self.recorded(c)) * self.units_per_month(c)) for c in self.contracts]
        full = [(contract, units) for contract, units in full if units]
        natural = sum(units for _contract, units in full)
        kept = spread(min(natural, wanted), [units for _contract, units in full]) if natural else []
        for (contract, _units), count in zip(full, kept, strict=True):
            contract.deliverables = count  # the latest months when there is not room for all
        specialized = [c for c in self.contracts if c.kind == ContractKind.SPECIALIZED and c.state in SIGNED_STATUSES]
        left = wanted - min(natural, wanted)
        if left >= len(specialized):
            weights = [(c.end - c.start + 1) * between(rng, 1, 4) for c in specialized]
            counts = [1 + extra for extra in spread(left - len(specialized), weights)] if specialized else []
        else:
            counts = [1] * left + [0] * (len(specialized) - left)
        for contract, count in zip(specialized, counts, strict=True):
            # At most 3 items of 100, and no more items than days.
            contract.deliverables = min(count, ITEM_QUANTITY_MAX * min(ITEMS_MAX, contract.end - contract.start + 1))
        # Expected open deliverables of active contracts due before yesterday, to draw the overdue ones.
        candidates = 0.0
        for contract in self.contracts:
            if contract.state == ContractStatus.ACTIVE and contract.deliverables:
                covered = self.recorded(contract)
                first = covered[0][1] if covered else contract.start
                last = covered[-1][2] if covered else contract.end
                candidates += contract.deliverables * max(0, today - 1 - first) / (last - first + 1)
        self.overdue_chance = min(0.5, OVERDUE_SHARE * wanted / candidates) if candidates else 0.0

    # --- Terms: service items, delivery standards ----------------------------------------------
    def write_terms(self) -> None:
        """The service items (with how many deliverables each) and the delivery standards, numbered here
        and kept (`items`, `standard_ids`) for the deliverables."""
        rng, items, standards = self.rng, [], []
        item_id, standard_id = self.ids[ServiceItem], self.ids[DeliveryStandard]
        self.items = {}  # contract id → [(item id, area, level, title, unit price, quantity, due day)]
        self.standard_ids = {}  # contract id → [standard id per `Contract.standards`]
        dates = self.calendar.dates
        for contract in self.contracts:
            provider_id, merchant_id, contract_id = contract.provider.id, contract.merchant_id, contract.id
            if contract.kind == ContractKind.FULL_OPERATION:
                numbered = []
                for kind, target in contract.standards:
                    standards.append((standard_id, provider_id, merchant_id, contract_id, kind, target))
                    numbered.append(standard_id)
                    standard_id += 1
                self.standard_ids[contract_id] = numbered
                continue
            span = contract.end - contract.start + 1
            total = contract.deliverables or between(rng, 1, 4)
            if total > ITEM_QUANTITY_MAX:  # as many items as it takes, of even quantities
                count = -(-total // ITEM_QUANTITY_MAX)
                cuts = [total * position // count for position in range(count + 1)]
            else:
                count = min(ITEM_COUNTS.pick(rng), total, span)
                cuts = [0, *sorted(rng.sample(range(1, total), count - 1)), total]
            planned = []
            for position in range(count):
                area, level = one_of(rng, AREAS), one_of(rng, LEVELS)
                name, _factor = merchant_words.PACKAGE_LEVELS[level]
                title = f"{one_of(rng, merchant_words.PACKAGE_NAMES[area])}·{name}"
                low, high = UNIT_PRICES[area]
                price = 100 * between(rng, low // 100, high // 100) * LEVEL_FACTORS[level] * 100
                quantity = cuts[position + 1] - cuts[position]
                due = contract.start + (position + 1) * span // count - 1  # the items' dates spread over the term
                planned.append((item_id, area, level, title, price, quantity, due))
                items.append((item_id, provider_id, merchant_id, contract_id, area, level, title, fen(price), quantity,
                              dates[due], position))  # fmt: skip
                item_id += 1
            self.items[contract_id] = planned
        copy = self.generator.copy
        copy(self.cursor, ServiceItem, items, label="service items", total=len(items), columns=ITEM_COLUMNS)
        copy(
            self.cursor,
            DeliveryStandard,
            standards,
            label="delivery standards",
            total=len(standards),
            columns=STANDARD_COLUMNS,
        )

    # --- Contracts, their stores and timeline --------------------------------------------------
    def terms(self, contract, title: str, scope: str, total_price: int) -> str:
        """The terms as signed, as `services.terms.signed_terms_of` snapshots them, in the canonical JSON of
        `terms_fingerprint` (so that the fingerprint recomputed from `signed_terms` is the one written)."""
        provider_name, provider_code = self.plan.provider_names[contract.provider.id]
        _owner, _contact, merchant_name, merchant_code = self.merchants[contract.merchant_id]
        stores = sorted((self.stores[position] for position in contract.stores), key=lambda store: store.id)
        document = {
            "contract": contract.id,
            "version": 1,
            "kind": contract.kind,
            "title": title,
            "scope": scope,
            "start_date": self.calendar.dates[contract.start].isoformat(),
            "end_date": self.calendar.dates[contract.terms_end].isoformat(),
            "monthly_fee": None if contract.monthly_fee is None else fen(contract.monthly_fee),
            "commission_bp": contract.commission_bp,
            "total_price": fen(total_price),
            "provider": {"id": contract.provider.id, "name": provider_name, "credit_code": provider_code or ""},
            "merchant": {"id": contract.merchant_id, "name": merchant_name, "credit_code": merchant_code or ""},
            "stores": [{"id": store.id, "name": store.name, "address": store.address} for store in stores],
            "items": [
                {
                    "area": area,
                    "level": level,
                    "title": item_title,
                    "unit_price": fen(price),
                    "quantity": quantity,
                    "due_date": self.calendar.dates[due].isoformat(),
                }
                for _id, area, level, item_title, price, quantity, due in self.items.get(contract.id, ())
            ],  # fmt: skip
            "standards": [{"kind": kind, "target": fen(target * 100)} for kind, target in sorted(contract.standards)],
        }
        return CANONICAL_JSON(document)

    def write_contracts(self) -> None:
        rng, calendar, moment, dates = self.rng, self.calendar, self.calendar.moment, self.calendar.dates
        events, links = [], []

        def rows():
            for contract in self.contracts:
                store = self.stores[contract.stores[0]]
                owner_id, contact, _name, _code = self.merchants[contract.merchant_id]
                seller_id, seller = one_of(rng, self.plan.sellers[contract.provider.id])
                full = contract.kind == ContractKind.FULL_OPERATION
                if full:
                    days = contract.terms_end - contract.start + 1
                    term = words.TERM_NAMES.get(days, f"{days}天")
                    title = f"{store.name}·{one_of(rng, words.FULL_OPERATION_TITLES)}（{term}）"
                    scope, total_price = one_of(rng, words.FULL_OPERATION_SCOPES), 0
                else:
                    items = self.items[contract.id]
                    title = f"{store.name}·{one_of(rng, words.SPECIALIZED_TITLES[items[0][1]])}"
                    scope = one_of(rng, words.SPECIALIZED_SCOPES)
                    total_price = sum(price * quantity for _i, _a, _l, _t, price, quantity, _d in items)
                title = title[:100]
                signed = contract.signed is not None
                terms = self.terms(contract, title, scope, total_price) if signed else None
                fingerprint = hashlib.sha256(terms.encode()).hexdigest() if signed else ""
                notice = contract.notice
                ran = contract.state in RAN_STATUSES
                yield (
                    contract.id,
                    contract.provider.id,
                    contract.merchant_id,
                    contract.kind,
                    contract.state,
                    contract.origin,
                    1,
                    title,
                    scope,
                    dates[contract.start],
                    dates[contract.end],
                    None if contract.monthly_fee is None else fen(contract.monthly_fee),
                    contract.commission_bp,
                    fen(total_price),
                    contract.upgraded_from,
                    seller_id,
                    moment(contract.created),
                    moment(contract.proposed),
                    moment(contract.signed) if signed else None,
                    owner_id if signed else None,
                    terms,
                    fingerprint,
                    moment(min(contract.start * DAY + between(rng, 60, 600), calendar.now)) if ran else None,
                    contract.reason,
                    contract.ended_by,
                    moment(contract.ended) if contract.ended is not None else None,
                    dates[notice[3]] if notice else None,
                    notice[1] if notice else "",
                    notice[2] if notice else "",
                    moment(notice[0]) if notice else None,
                    moment(notice[4]) if notice and notice[4] else None,
                    contract.ended is not None and ran and rng.random() < RETURN_TO_POOL_SHARE,
                )
                exclusive = full and contract.state in BINDING_STATUSES
                period = f"[{dates[contract.start]},{dates[contract.end]}]"
                for position in contract.stores:
                    links.append((contract.id, self.stores[position].id, period, exclusive))
                names = {Side.PROVIDER: seller, Side.MERCHANT: contact, Side.PLATFORM: ""}
                line = (contract.provider.id, contract.merchant_id, contract.id)
                events.append((*line, ContractEventKind.PROPOSED, Side.PROVIDER, seller, "", moment(contract.proposed)))
                if signed:
                    # The lifecycle's signing line names the fingerprint (`services.contracts.contract_sign`).
                    signing = (ContractEventKind.SIGNED, Side.MERCHANT, contact, fingerprint, moment(contract.signed))
                    events.append((*line, *signing))
                if notice and contract.state == ContractStatus.ACTIVE:
                    kind, at, note = ContractEventKind.NOTICE_GIVEN, notice[0], notice[2]
                    events.append((*line, kind, notice[1], names[notice[1]], note, moment(at)))
                if contract.state == ContractStatus.REJECTED:
                    kind = ContractEventKind.REJECTED
                elif contract.state == ContractStatus.CANCELLED:
                    kind = ContractEventKind.CANCELLED
                elif contract.state == ContractStatus.TERMINATED:
                    kind = ContractEventKind.ENDED
                else:
                    continue
                by = contract.ended_by
                events.append((*line, kind, by, names[by], contract.reason, moment(contract.ended)))

        self.generator.copy(
            self.cursor, Contract, rows(), label="contracts", total=len(self.contracts), columns=CONTRACT_COLUMNS
        )
        self.generator.copy_numbered(
            self.cursor, ContractStore, links, "contract stores", columns=CONTRACT_STORE_COLUMNS
        )
        self.generator.copy_numbered(self.cursor, ContractEvent, events, "contract timeline", columns=EVENT_COLUMNS)

    # --- Deliverables and breaches -------------------------------------------------------------
    def write_deliverables(self) -> None:
        breaches = []
        self.first_deliverable = self.ids[Deliverable]
        rows = self.deliverable_rows(breaches)
        total = self.generator.sizes.deliverables
        self.generator.copy(
            self.cursor, Deliverable, rows, label="deliverables", total=total, columns=DELIVERABLE_COLUMNS
        )
        self.generator.copy_numbered(self.cursor, SlaBreach, breaches, "SLA breaches", columns=BREACH_COLUMNS)
        self.items = self.standard_ids = None  # not needed any more: memory for the GMV records

    def deliverable_rows(self, breaches: list):
        """Each contract's deliverables as the services make them: specialized, one per unit of each item,
        due at the end of the item's due date (`services.contracts`, at signing); full operation, from its
        standards per recorded month (`services.deliverables.monthly_deliverables_generate`: short videos
        1..N due through the month, livestream hours one due at the month's end), the latest when trimmed."""
        deliverable_id, moment, dates = self.first_deliverable, self.calendar.moment, self.calendar.dates
        for contract in self.contracts:
            if not contract.deliverables:
                continue
            provider_id, merchant_id, contract_id = contract.provider.id, contract.merchant_id, contract.id
            owner_id = self.merchants[merchant_id][0]
            workers = self.plan.workers.get(provider_id) or self.plan.sellers[provider_id]
            units = []  # (item id, standard id, period, sequence, title, due moment, created moment, hours)
            if contract.kind == ContractKind.SPECIALIZED:
                created = contract.signed
                for item_id, _area, _level, title, _price, quantity, due in self.items[contract_id]:
                    due_moment = (due + 1) * DAY - 1  # the end of its due date (`services.terms.end_of_day`)
                    for sequence in range(1, quantity + 1):
                        title_of_unit = f"{title} {sequence}/{quantity}"
                        units.append((item_id, None, None, sequence, title_of_unit, due_moment, created, None))
            else:
                standard_ids = self.standard_ids[contract_id]
                for month, first, last in self.recorded(contract):
                    created = min(first * DAY + 300, self.calendar.now)
                    days = last - first + 1
                    for standard_id, (kind, target) in zip(standard_ids, contract.standards, strict=True):
                        if kind == StandardKind.SHORT_VIDEOS:
                            for sequence in range(1, target + 1):
                                day = first + -(-sequence * days // target) - 1
                                units.append((None, standard_id, dates[month.first], sequence,
                                              f"短视频 {sequence}/{target} · {month.label}", (day + 1) * DAY,
                                              created, None))  # fmt: skip
                        elif kind == StandardKind.LIVESTREAM_HOURS:
                            units.append((None, standard_id, dates[month.first], 1,
                                          f"直播 · {target} 小时 · {month.label}", (last + 1) * DAY, created,
                                          target))  # fmt: skip
                units = units[len(units) - contract.deliverables :]
            for item_id, standard_id, period, sequence, title, due, created, hours in units:
                outcome = self.outcome(contract.state, due, created)
                status, submitted, decided, auto, notice, breached, rejection = outcome
                if submitted is None:
                    links, worker_id, amount = "[]", None, None
                else:
                    links = VIDEO_LINK.format(7_300_000_000_000_000_000 + int(self.rng.random() * 10**17))
                    worker_id = one_of(self.rng, workers)[0]
                    amount = None if hours is None else f"{hours * (0.8 + 0.45 * self.rng.random()):.1f}"
                yield (
                    deliverable_id,
                    provider_id,
                    merchant_id,
                    contract_id,
                    item_id,
                    standard_id,
                    period,
                    sequence,
                    title,
                    moment(due),
                    status,
                    links,
                    "",
                    "",
                    "",
                    amount,
                    None if submitted is None else moment(submitted),
                    worker_id,
                    None if decided is None else moment(decided),
                    owner_id if decided is not None and not auto else None,
                    rejection,
                    auto,
                    None if notice is None else moment(notice),
                    None if breached is None else moment(breached),
                    moment(created),
                )
                if breached is not None:
                    breaches.append(
                        (provider_id, merchant_id, deliverable_id, contract_id, moment(due), moment(breached))
                    )
                deliverable_id += 1

    def outcome(self, contract_status: str, due: int, created: int) -> tuple:
        """(status, submitted, decided, auto-accepted, auto-acceptance notice, breached, rejection reason) of
        a deliverable due at `due` of a contract in `contract_status`; moments in seconds or None."""
        rng, now = self.rng, self.calendar.now
        grace, auto_after, notice_before = GRACE, AUTO_AFTER, NOTICE_BEFORE
        pending = PENDING_OUTCOME
        if contract_status == SIGNED:
            return pending
        breached = None
        if due > now:
            if contract_status != ACTIVE or rng.random() >= EARLY_SHARE:
                return pending
            submitted = max(created + 600, now - between(rng, 600, 5 * DAY))
        elif due + grace > now:  # due, within the grace: delivered or about to be
            if rng.random() < 0.3:
                return pending
            submitted = max(created + 600, due - between(rng, 600, 4 * DAY))
        else:
            draw = rng.random()
            overdue = self.overdue_chance if contract_status == ACTIVE else 0.0
            never = NEVER_DELIVERED[contract_status]
            if draw < overdue:
                return pending  # what the next SLA check finds
            breached = due + grace + between(rng, 60, 3000)
            if draw < overdue + never:
                return (PENDING, None, None, False, None, breached, "")
            if draw < overdue + never + DELIVERED_LATE and breached + 3600 < now:
                submitted = between(rng, breached + 600, min(breached + 5 * DAY, now))
            else:
                breached = None
                submitted = max(created + 600, due - between(rng, 600, 4 * DAY))
        submitted = min(submitted, now - 60)
        if submitted + auto_after <= now:
            if rng.random() < AUTO_ACCEPTED_SHARE:
                notice = submitted + auto_after - notice_before
                return (ACCEPTED, submitted, submitted + auto_after, True, notice, breached, "")
            decided = submitted + between(rng, 1800, auto_after - 3600)
            return (ACCEPTED, submitted, decided, False, None, breached, "")
        if due + grace > now and rng.random() < REJECTED_SHARE:
            decided = between(rng, submitted + 60, now)
            reason = one_of(rng, words.DELIVERABLE_REJECTIONS)
            return (REJECTED, submitted, decided, False, None, breached, reason)
        notice_at = submitted + auto_after - notice_before
        return (SUBMITTED, submitted, None, False, notice_at if notice_at <= now else None,
                breached, "")  # fmt: skip

    # --- GMV records ---------------------------------------------------------------------------
    def write_gmv(self) -> None:
        """Orders over the recorded months: `ATTRIBUTED_SHARE` at the stores while under full operation
        (attributed to that contract and its provider), the rest at any store and time (attributed too where
        that store was under full operation then); `REFUND_SHARE` of the records are refunds, each of one
        order, at the same store, within a week, attributed as its order. Sums per contract and month are
        kept for the statements."""
        rng, calendar = self.rng, self.calendar
        first_day = self.months[0].first
        intervals, weights = [], []
        self.running = []  # (contract, first day, last day) in the recorded months
        covering = {}  # store position → [(first day, last day, contract)]
        for contract in self.contracts:
            if contract.kind != ContractKind.FULL_OPERATION or contract.state not in RAN_STATUSES:
                continue
            first, last = max(contract.start, first_day), min(contract.end, calendar.today)
            if first > last:
                continue
            self.running.append((contract, first, last))
            volume = between(rng, 1, 5)
            for position in contract.stores:
                intervals.append((position, contract, first, last))
                weights.append((last - first + 1) * volume)
                covering.setdefault(position, []).append((first, last, contract))
        wanted = self.generator.sizes.gmv
        refunds = min(round(wanted * REFUND_SHARE), wanted // 2)
        orders = wanted - refunds
        attributed = round(orders * ATTRIBUTED_SHARE) if intervals else 0
        counts = spread(attributed, weights) if intervals else []
        self.sums = {}  # contract id * 8 + month index → [orders, refunds] in fen
        rows = self.gmv_rows(intervals, counts, orders - attributed, orders, refunds, covering)
        self.generator.copy(self.cursor, GmvRecord, rows, label="GMV records", total=wanted, columns=GMV_COLUMNS)

    def gmv_rows(self, intervals, counts, unattributed, orders, refunds, covering):
        rng, moment, calendar, stores = self.rng, self.calendar.moment, self.calendar, self.stores
        random, parties = rng.random, len(PARTY_SIZES)
        numbers = UniqueSequence(rng, 10**16, (2, 5))
        now, first_moment = calendar.now, self.months[0].first * DAY
        month_firsts, sums = self.month_firsts, self.sums
        record_id, number = self.ids[GmvRecord], 0

        def at_random_stores():
            for _ in range(unattributed):
                position = int(random() * len(stores))
                second = first_moment + int(random() * (now - first_moment))
                day = second // DAY
                for first, last, contract in covering.get(position, ()):
                    if first <= day <= last:
                        yield position, contract, second
                        break
                else:
                    yield position, None, second

        def under_contract():
            for (position, contract, first, last), count in zip(intervals, counts, strict=True):
                low = first * DAY
                span = min((last + 1) * DAY, now) - low
                for _ in range(count):
                    yield position, contract, low + int(random() * span)

        for source in (under_contract(), at_random_stores()):
            for position, contract, second in source:
                store = stores[position]
                party = PARTY_SIZES[int(random() * parties)]
                amount = max(100, int(store.ticket * party * (0.7 + 0.6 * random())))
                at = moment(second)
                provider_id = contract_id = None
                if contract is not None:
                    provider_id, contract_id = contract.provider.id, contract.id
                    key = contract_id * 8 + bisect_right(month_firsts, second // DAY) - 1
                    sums.setdefault(key, [0, 0])[0] += amount
                order_no = f"DY{numbers.next():016d}"
                yield (record_id, order_no, ORDER, None, store.id, store.merchant_id, provider_id,
                       contract_id, fen(amount), at, at)  # fmt: skip
                record_id += 1
                number += 1
                if number * refunds // orders == (number - 1) * refunds // orders:
                    continue
                refunded = amount if random() < FULL_REFUND_SHARE else max(1, int(amount * (0.2 + 0.6 * random())))
                later = min(second + 3600 + int(random() * 6 * DAY), now)
                if contract is not None:
                    key = contract_id * 8 + bisect_right(month_firsts, later // DAY) - 1
                    sums.setdefault(key, [0, 0])[1] += refunded
                refund_at = moment(later)
                yield (record_id, f"{order_no}R", REFUND, record_id - 1, store.id, store.merchant_id,
                       provider_id, contract_id, fen(-refunded), refund_at, refund_at)  # fmt: skip
                record_id += 1

    # --- Statements ----------------------------------------------------------------------------
    def write_statements(self) -> None:
        """One per full-operation contract and ended recorded month it ran in (and the final one of a
        contract that ended this month): fixed fee pro rata for the days covered, commission on the
        month's attributed GMV net of refunds (`rules.commission`), each amount rounded once. Older ones
        paid, last month's mostly awaiting the merchant, a few disputed."""
        rng, calendar, dates = self.rng, self.calendar, self.calendar.dates
        moment, maybe = calendar.moment, calendar.moment_or_none
        current = len(self.months) - 1
        rows = []
        for contract, _first, _last in self.running:
            for index, month in enumerate(self.months):
                first, last = max(month.first, contract.start), min(month.last, contract.end)
                final = contract.ended is not None and month.first <= contract.end <= month.last
                if first > last or (index == current and not final):
                    continue
                gmv, refunded = self.sums.get(contract.id * 8 + index, (0, 0))
                fee = Decimal(contract.monthly_fee or 0) / 100
                fixed_fee = money(fee * (last - first + 1) / month.days)
                gmv, refunded = Decimal(gmv) / 100, Decimal(refunded) / 100
                share = commission(gmv - refunded, contract.commission_bp)
                issued = contract.ended if final else min((month.last + 1) * DAY + 7200, calendar.now)
                confirmed = disputed = paid = None
                reason, age, draw = "", current - index, rng.random()
                if draw < 0.05:
                    status, disputed = StatementStatus.DISPUTED, min(issued + between(rng, 3600, 5 * DAY), calendar.now)
                    reason = one_of(rng, words.DISPUTE_REASONS)
                elif age <= 1 and draw < 0.6:
                    status = StatementStatus.ISSUED
                else:
                    status = StatementStatus.PAID if age > 1 and draw < 0.95 else StatementStatus.CONFIRMED
                    confirmed = min(issued + between(rng, 3600, 5 * DAY), calendar.now)
                    if status == StatementStatus.PAID:
                        paid = min(confirmed + between(rng, DAY, 10 * DAY), calendar.now)
                rows.append((
                    contract.provider.id, contract.merchant_id, contract.id, dates[month.first], last - first + 1,
                    fixed_fee, money(gmv), money(refunded), contract.commission_bp or 0, share,
                    money(fixed_fee + share), status, final, moment(issued), maybe(confirmed), reason, maybe(disputed),
                    maybe(paid),
                ))  # fmt: skip
        self.generator.copy_numbered(self.cursor, Statement, rows, "statements", columns=STATEMENT_COLUMNS)

    # --- Reviews -------------------------------------------------------------------------------
    def write_reviews(self) -> None:
        """`REVIEW_SHARE` of the ended contracts reviewed by the merchant's owner within ten days of the end,
        stars by how it ended, text from a small vocabulary; `REPLY_SHARE` answered by the provider's owner
        or an admin. Each with its public copy on the profile (`providers.PublicReview`)."""
        rng, moment, now = self.rng, self.calendar.moment, self.calendar.now
        reviews, public = [], []
        review_id = self.ids[Review]
        for contract in self.contracts:
            stars = REVIEW_STARS.get(contract.state)
            if stars is None or rng.random() >= REVIEW_SHARE:
                continue
            written = contract.ended + between(rng, 3600, 10 * DAY)
            if written >= now:
                continue
            base = stars.pick(rng)
            points = [min(5, max(1, base + one_of(rng, (-1, 0, 0, 0, 1)))) for _ in range(3)]
            text = one_of(rng, words.REVIEW_OPENINGS[base]) + one_of(rng, words.REVIEW_DETAILS[base])
            text += one_of(rng, words.REVIEW_CLOSINGS)
            owner_id, _contact, merchant_name, _code = self.merchants[contract.merchant_id]
            reply, replier, replied = "", None, None
            if rng.random() < REPLY_SHARE:
                replied = min(written + between(rng, 3600, 5 * DAY), now)
                reply, replier = one_of(rng, words.REPLIES), one_of(rng, self.plan.managers[contract.provider.id])[0]
            replied_at = self.calendar.moment_or_none(replied)
            reviews.append((review_id, contract.provider.id, contract.merchant_id, contract.id, *points, text,
                            owner_id, moment(written), reply, replier, replied_at))  # fmt: skip
            public.append((contract.provider.id, review_id, reviewer_label(merchant_name), *points, text, reply,
                           replied_at, moment(written)))  # fmt: skip
            review_id += 1
        self.generator.copy(self.cursor, Review, reviews, label="reviews", total=len(reviews), columns=REVIEW_COLUMNS)
        self.generator.copy_numbered(self.cursor, PublicReview, public, "public reviews", columns=PUBLIC_REVIEW_COLUMNS)


MODELS = [
    ServiceItem,
    DeliveryStandard,
    Contract,
    ContractStore,
    ContractEvent,
    Deliverable,
    SlaBreach,
    GmvRecord,
    Statement,
    Review,
    PublicReview,
]
