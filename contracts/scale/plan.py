"""Which contracts the scale data set holds: for which store, with which provider, when, in which state.

Shape (shares of `Sizes.contracts`): 30 % full operation, 70 % specialized; 10 % of each kind never ran
(3 % awaiting the merchant's signature, 4 % rejected, 3 % cancelled: a withdrawn proposal, or for full
operation a third of them cancelled by the merchant in the 7-day cooling-off after signing). The others
ran or will run, dated over the last three years, and take their state from their dates: ended ones are
completed, expired or terminated (early: the end date moved, the signed terms keep the original), those
running today active, those starting later signed.

Full operation never overlaps on a store, by construction: every store is in at most one *chain* of
full-operation contracts (one store, or 2–3 stores of the same merchant), whose contracts follow one
another (a renewal by the same provider the next day, or another provider after a gap); so the exclusion
constraint (signed or active, one per store and day) holds, and every GMV record has at most one contract
to be attributed to. One chain in eight starts with an upgrade from a specialized contract of the same
provider that ended just before. Specialized contracts go to any store (a few to 2–3 of the merchant's).

Providers: an active provider serving the store's city and track (for full operation: offering it, and
certified in the track where the track requires it), drawn with weights growing with its tier; where no
provider qualifies (small data sets), one from the whole country offering that kind of contract.

Days are counted from `Calendar.base` (an ordinal offset), moments in seconds from its midnight in China
(UTC+8 all year: a fixed offset, which psycopg dumps faster than a zone)."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from merchants.models import Merchant
from merchants.models import Store as StoreModel
from merchants.scale.generator import Weighted
from providers.choices import ProviderStatus, Role, Tier
from providers.models import Membership, Provider, ProviderStanding
from reference.models import Track

from ..choices import ContractKind, ContractOrigin, ContractStatus, Side, StandardKind
from . import vocabulary as words

CHINA = timezone(timedelta(hours=8))
DAY = 24 * 3600
HISTORY_DAYS = 3 * 365
FULL_OPERATION_SHARE = 0.3
NEVER_RAN = ((ContractStatus.PROPOSED, 3), (ContractStatus.REJECTED, 4), (ContractStatus.CANCELLED, 3))
NEVER_RAN_SHARE = sum(weight for _status, weight in NEVER_RAN) / 100
# Terms in days and how common they are.
FULL_OPERATION_TERMS = ((91, 35), (182, 35), (365, 25), (730, 5))
SPECIALIZED_TERMS = ((14, 15), (30, 40), (60, 30), (90, 15))
CHAIN_LENGTHS = ((1, 55), (2, 30), (3, 15))
RENEWAL_SHARE = 0.75  # the next contract of a chain is the same provider's
# Of the first contracts of chains and the specialized ones: signed, starting within the next 30 days
# (the others start on a day of the last three years after their merchant joined).
FUTURE_SHARE = 0.03
FULL_OPERATION_STORES_SHARE, SPECIALIZED_STORES_SHARE = 0.08, 0.05  # for 2–3 stores of the merchant
UPGRADE_SHARE = 0.12
ENDED = {
    ContractKind.FULL_OPERATION: Weighted(
        [ContractStatus.COMPLETED, ContractStatus.EXPIRED, ContractStatus.TERMINATED], (70, 20, 10)
    ),
    ContractKind.SPECIALIZED: Weighted(
        [ContractStatus.COMPLETED, ContractStatus.EXPIRED, ContractStatus.TERMINATED], (85, 10, 5)
    ),
}
RUNNING_TERMINATED_SHARE = 0.04  # of the contracts that would run today: terminated already
NOTICE_SHARE = 0.04  # of the active full-operation contracts: notice of termination given
COOLING_OFF_CANCEL_SHARE = 1 / 3  # of the cancelled full-operation contracts: signed first
TIER_WEIGHTS = {Tier.L1: 1, Tier.L2: 2, Tier.L3: 4, Tier.L4: 7, Tier.L5: 12}
# Full operation: the fee model, the standards besides the monthly GMV target and their targets.
EXTRA_STANDARDS = Weighted(
    [StandardKind.SHORT_VIDEOS, StandardKind.LIVESTREAM_HOURS, StandardKind.RESPONSE_HOURS], (60, 25, 15)
)
VIDEO_TARGETS = Weighted((2, 3, 4, 6, 8), (35, 30, 20, 10, 5))
LIVESTREAM_TARGETS = (10, 20, 30, 40)
RESPONSE_TARGETS = (2, 4, 12, 24)
SIGNED_STATUSES = {
    ContractStatus.SIGNED,
    ContractStatus.ACTIVE,
    ContractStatus.COMPLETED,
    ContractStatus.EXPIRED,
    ContractStatus.TERMINATED,
}
RAN_STATUSES = {ContractStatus.ACTIVE, ContractStatus.COMPLETED, ContractStatus.EXPIRED, ContractStatus.TERMINATED}


def between(rng, low: int, high: int) -> int:
    """A whole number from `low` to `high`, as `randint` draws it (to within 2⁻⁵³) at a fifth of its cost:
    tens of millions of draws make a run."""
    return low + int(rng.random() * (high - low + 1))


def one_of(rng, items):
    return items[int(rng.random() * len(items))]


@dataclass(frozen=True, slots=True)
class Store:
    id: int
    merchant_id: int
    city_id: int
    track_id: int | None
    joined: int  # the day its merchant joined the platform (the store's own row may be newer)
    ticket: int  # average ticket in fen (80 yuan where the store gives none)
    name: str
    address: str


@dataclass(slots=True)
class Contract:
    """One planned contract. Days and moments as in the module's docstring; None where not reached."""

    id: int
    kind: str
    state: str  # a `ContractStatus` (the model's field, named apart: this is a plan, not a row)
    provider: object  # merchants.scale.generator.PlannedProvider
    merchant_id: int
    stores: list  # positions in `Plan.stores`
    start: int
    end: int  # the last day it runs (a terminated one's moved end)
    terms_end: int  # the end date as signed
    created: int = 0
    proposed: int | None = None
    signed: int | None = None
    ended: int | None = None
    origin: str = ContractOrigin.SCRATCH
    upgraded_from: int | None = None
    ended_by: str = ""
    reason: str = ""
    notice: tuple | None = None  # (given at, by, reason, requested end day, agreed at or None)
    monthly_fee: int | None = None  # fen
    commission_bp: int | None = None
    standards: list = field(default_factory=list)  # [(kind, target)]
    deliverables: int = 0  # how many it gets (`rows.allocate`)


class Calendar:
    """Days and moments of one run: `today`, `now` (seconds) and their conversions."""

    def __init__(self, now: datetime):
        local = now.astimezone(CHINA)
        self.base = local.date().toordinal() - HISTORY_DAYS - 400
        self.base_moment = datetime.combine(date.fromordinal(self.base), datetime.min.time(), tzinfo=CHINA)
        self.today = local.date().toordinal() - self.base
        self.now = int((local - self.base_moment).total_seconds())
        self.history_start = self.today - HISTORY_DAYS
        self.dates = [date.fromordinal(self.base + day) for day in range(self.today + 800)]

    def moment(self, seconds: int) -> datetime:
        return self.base_moment + timedelta(seconds=seconds)

    def moment_or_none(self, seconds: int | None) -> datetime | None:
        return None if seconds is None else self.base_moment + timedelta(seconds=seconds)


class Plan:
    """The contracts of a run (`make`, numbered from `first_id` in order), for the generator's stores and
    providers. Reads the stores, merchants, staff and provider modes it needs (one query each)."""

    def __init__(self, generator, cursor, calendar: Calendar, first_id: int):
        self.generator, self.calendar = generator, calendar
        self.rng = generator.rng("contracts")
        self.read(cursor)
        self.pickers: dict = {}
        self.contracts: list[Contract] = []
        self.next_id = first_id

    # --- What the merchants' step wrote ---------------------------------------------------------
    def read(self, cursor) -> None:
        ids, calendar = self.generator.ids, self.calendar
        track_of = {kind.id: kind.track_id for kind in self.generator.kinds}
        cursor.execute(
            "SELECT store.id, store.merchant_id, store.city_id, store.category_id, "
            "(merchant.created_at AT TIME ZONE 'Asia/Shanghai')::date - %s::date, "
            "coalesce((store.average_ticket * 100)::bigint, 8000), store.name, store.address "
            "FROM merchants_store store JOIN merchants_merchant merchant ON merchant.id = store.merchant_id "
            "WHERE store.id >= %s ORDER BY store.id",
            [date.fromordinal(calendar.base), ids[StoreModel]],
        )
        self.stores = [
            Store(store_id, merchant_id, city_id, track_of.get(category), joined, ticket, name, address)
            for store_id, merchant_id, city_id, category, joined, ticket, name, address in cursor.fetchall()
        ]
        self.stores_of = {}  # merchant id → positions of its stores
        for position, store in enumerate(self.stores):
            self.stores_of.setdefault(store.merchant_id, []).append(position)
        cursor.execute(
            "SELECT id, owner_id, contact_name, name, credit_code FROM merchants_merchant WHERE id >= %s ORDER BY id",
            [ids[Merchant]],
        )
        # id → (owner id, contact, name, credit code)
        self.merchants = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT member.provider_id, member.user_id, member.role, account.display_name "
            "FROM providers_membership member JOIN linke_user account ON account.id = member.user_id "
            "WHERE member.id >= %s AND member.is_active ORDER BY member.id",
            [ids[Membership]],
        )
        self.sellers, self.workers, self.managers = {}, {}, {}  # provider id → [(user id, name)]
        for provider_id, user_id, role, name in cursor.fetchall():
            if role in (Role.OWNER, Role.BD):
                self.sellers.setdefault(provider_id, []).append((user_id, name))
            if role in (Role.OWNER, Role.ADMIN, Role.OPERATOR):
                self.workers.setdefault(provider_id, []).append((user_id, name))
            if role in (Role.OWNER, Role.ADMIN):
                self.managers.setdefault(provider_id, []).append((user_id, name))
        for sellers in self.sellers.values():
            if len(sellers) > 1:
                sellers.pop(0)  # the owner proposes only where there is no bd (as it claims leads)
        cursor.execute(
            "SELECT id, cooperation_modes, name, credit_code FROM providers_provider WHERE id >= %s", [ids[Provider]]
        )
        modes, self.provider_names = {}, {}  # id → (name, credit code)
        for provider_id, provider_modes, name, credit_code in cursor.fetchall():
            modes[provider_id], self.provider_names[provider_id] = provider_modes, (name, credit_code)
        certified_table = ProviderStanding.certified_tracks.through._meta.db_table
        cursor.execute(f"SELECT providerstanding_id, track_id FROM {certified_table}")  # noqa: S608
        certified = set(cursor.fetchall())
        requires = dict(Track.objects.values_list("id", "full_operation_requires_certification"))

        def offers(plan, kind, track_id):
            if kind not in modes[plan.id]:
                return False
            return (
                kind != ContractKind.FULL_OPERATION
                or not requires.get(track_id, True)
                or (plan.id, track_id) in certified
            )

        self.offers = offers
        active = [plan for plan in self.generator.providers if plan.status == ProviderStatus.ACTIVE]
        self.serving = {}  # (city id, track id) → active providers serving both
        for plan in active:
            for city_id in plan.city_ids:
                for track_id in plan.track_ids:
                    self.serving.setdefault((city_id, track_id), []).append(plan)
        self.national = {}
        for kind in ContractKind.values:
            candidates = [plan for plan in active if kind in modes[plan.id]] or active or self.generator.providers
            self.national[kind] = Weighted(candidates, [TIER_WEIGHTS[plan.tier] for plan in candidates])

    def provider_for(self, kind: str, store: Store):
        key = (kind, store.city_id, store.track_id)
        picker = self.pickers.get(key)
        if picker is None:
            plans = [p for p in self.serving.get(key[1:], ()) if self.offers(p, kind, store.track_id)]
            picker = Weighted(plans, [TIER_WEIGHTS[p.tier] for p in plans]) if plans else self.national[kind]
            self.pickers[key] = picker
        return picker.pick(self.rng)

    # --- Planning ------------------------------------------------------------------------------
    def make(self) -> list[Contract]:
        sizes = self.generator.sizes
        full = round(sizes.contracts * FULL_OPERATION_SHARE)
        specialized = sizes.contracts - full
        full_never_ran, specialized_never_ran = round(full * NEVER_RAN_SHARE), round(specialized * NEVER_RAN_SHARE)
        self.specialized_left = specialized - specialized_never_ran  # upgrades are some of them
        left = self.plan_chains(full - full_never_ran)
        for _ in range(full_never_ran + left):  # chains may run out of stores: those never ran
            self.plan_never_ran(ContractKind.FULL_OPERATION)
        for _ in range(specialized_never_ran):
            self.plan_never_ran(ContractKind.SPECIALIZED)
        for _ in range(self.specialized_left):
            self.plan_specialized()
        return self.contracts

    def add(self, kind, state, provider, stores, start, end, terms_end=None) -> Contract:
        store = self.stores[stores[0]]
        contract = Contract(
            self.next_id, kind, state, provider, store.merchant_id, stores, start, end, terms_end or end
        )
        self.next_id += 1
        if kind == ContractKind.FULL_OPERATION:
            self.fee_and_standards(contract, store)
        self.contracts.append(contract)
        return contract

    def more_stores(self, position: int, share: float, taken: bytearray | None = None) -> list[int]:
        """The store and, for `share` of them, 1–2 more of its merchant's (not `taken`)."""
        stores = [position]
        if self.rng.random() < share:
            others = [p for p in self.stores_of[self.stores[position].merchant_id] if p != position]
            if taken is not None:
                others = [p for p in others if not taken[p]]
            stores += self.rng.sample(others, min(len(others), between(self.rng, 1, 2)))
        return stores

    def dated(self, contract: Contract) -> None:
        """State and moments of a contract that ran or will run, from its dates."""
        rng, calendar, today = self.rng, self.calendar, self.calendar.today
        start, end = contract.start, contract.terms_end
        if end < today or (start < today <= end and rng.random() < RUNNING_TERMINATED_SHARE):
            contract.state = ENDED[contract.kind].pick(rng)
            if end >= today:
                contract.state = ContractStatus.TERMINATED
            if contract.state == ContractStatus.TERMINATED:
                contract.end = between(rng, start, min(end, today) - 1) if min(end, today) > start else start
        elif start <= today:
            contract.state = ContractStatus.ACTIVE
        else:
            contract.state = ContractStatus.SIGNED
        start_moment = start * DAY
        contract.signed = min(start_moment - between(rng, 3600, 10 * DAY), calendar.now - between(rng, 600, 3 * DAY))
        contract.proposed = contract.signed - between(rng, DAY // 2, 5 * DAY)
        contract.created = contract.proposed - between(rng, 0, 2 * DAY)
        if contract.state == ContractStatus.TERMINATED:
            by = one_of(rng, (Side.MERCHANT, Side.PROVIDER))
            reason = one_of(rng, words.TERMINATION_REASONS)
            given = max(start_moment + 3600, (contract.end - 30) * DAY + between(rng, 8 * 3600, 20 * 3600))
            agreed = given + between(rng, 3600, 2 * DAY) if contract.end - given // DAY < 30 else None
            contract.notice = (given, by, reason, contract.end, agreed)
            contract.ended_by, contract.reason = by, reason
        elif (
            contract.state == ContractStatus.ACTIVE
            and contract.kind == ContractKind.FULL_OPERATION
            and end - today > 30
            and rng.random() < NOTICE_SHARE
        ):
            given = max(start_moment + 3600, calendar.now - between(rng, DAY, 20 * DAY))
            by = one_of(rng, (Side.MERCHANT, Side.PROVIDER))
            contract.notice = (given, by, one_of(rng, words.NOTICE_REASONS), given // DAY + 30, None)
        if contract.state in (ContractStatus.COMPLETED, ContractStatus.EXPIRED, ContractStatus.TERMINATED):
            contract.ended = min((contract.end + 1) * DAY + between(rng, 60, 900), calendar.now)
            if not contract.ended_by:
                contract.ended_by = Side.PLATFORM

    def plan_chains(self, count: int) -> int:
        """`count` full-operation contracts that ran or will run, in chains; returns how many found no store."""
        rng, calendar = self.rng, self.calendar
        order = list(range(len(self.stores)))
        rng.shuffle(order)
        taken = bytearray(len(self.stores))
        last_start = calendar.today + 30
        for position in order:
            if count <= 0:
                break
            if taken[position]:
                continue
            stores = self.more_stores(position, FULL_OPERATION_STORES_SHARE, taken)
            for p in stores:
                taken[p] = 1
            store = self.stores[position]
            earliest = max(calendar.history_start, store.joined)
            provider = self.provider_for(ContractKind.FULL_OPERATION, store)
            start = self.first_day(earliest)
            for number in range(min(CHAIN_LENGTHS_PICK.pick(rng), count)):
                if start > last_start:
                    break
                term = FULL_OPERATION_TERMS_PICK.pick(rng)
                contract = self.add(ContractKind.FULL_OPERATION, "", provider, stores, start, start + term - 1)
                self.dated(contract)
                if number == 0 and self.specialized_left and rng.random() < UPGRADE_SHARE:
                    self.plan_upgrade(contract, earliest)
                count -= 1
                if rng.random() < RENEWAL_SHARE:
                    start = contract.end + 1
                else:
                    provider = self.provider_for(ContractKind.FULL_OPERATION, store)
                    start = contract.end + between(rng, 1, 60)
        return count

    def first_day(self, earliest: int) -> int:
        today = self.calendar.today
        if earliest >= today or self.rng.random() < FUTURE_SHARE:
            return between(self.rng, today + 1, today + 30)
        return between(self.rng, earliest, today)

    def plan_upgrade(self, contract: Contract, earliest: int) -> None:
        """Make `contract` the upgrade of a specialized contract of the same provider that ended before it."""
        end = contract.start - between(self.rng, 1, 10)
        start = end - between(self.rng, 30, 90)
        track_id = self.stores[contract.stores[0]].track_id
        if start < earliest or not self.offers(contract.provider, ContractKind.SPECIALIZED, track_id):
            return
        previous = self.add(ContractKind.SPECIALIZED, "", contract.provider, contract.stores[:1], start, end)
        self.dated(previous)
        contract.origin, contract.upgraded_from = ContractOrigin.UPGRADE, previous.id
        self.specialized_left -= 1

    def plan_specialized(self) -> None:
        rng, calendar = self.rng, self.calendar
        position = int(rng.random() * len(self.stores))
        store = self.stores[position]
        start = self.first_day(max(calendar.history_start, store.joined))
        term = SPECIALIZED_TERMS_PICK.pick(rng)
        provider = self.provider_for(ContractKind.SPECIALIZED, store)
        stores = self.more_stores(position, SPECIALIZED_STORES_SHARE)
        self.dated(self.add(ContractKind.SPECIALIZED, "", provider, stores, start, start + term - 1))

    def plan_never_ran(self, kind: str) -> None:
        """A proposal awaiting the merchant's signature, rejected, or cancelled (withdrawn, or cancelled in
        the cooling-off after signing)."""
        rng, calendar = self.rng, self.calendar
        position = int(rng.random() * len(self.stores))
        store = self.stores[position]
        state = NEVER_RAN_PICK.pick(rng)
        terms = FULL_OPERATION_TERMS_PICK if kind == ContractKind.FULL_OPERATION else SPECIALIZED_TERMS_PICK
        if state == ContractStatus.PROPOSED:
            proposed = calendar.now - between(rng, 600, 14 * DAY)
        else:
            first = max(calendar.history_start, store.joined + 1)
            proposed = min(between(rng, first * DAY, max(first * DAY, calendar.now - 3 * DAY)), calendar.now - 3600)
        start = proposed // DAY + between(rng, 3, 30)
        if state == ContractStatus.PROPOSED:
            start = max(start, calendar.today + 1)  # awaiting the signature: not started yet
        stores = self.more_stores(position, SPECIALIZED_STORES_SHARE)
        contract = self.add(kind, state, self.provider_for(kind, store), stores, start, start + terms.pick(rng) - 1)
        contract.proposed, contract.created = proposed, proposed - between(rng, 0, 2 * DAY)
        if state == ContractStatus.REJECTED:
            contract.ended = min(proposed + between(rng, 2 * 3600, 5 * DAY), calendar.now)
            contract.ended_by, contract.reason = Side.MERCHANT, one_of(rng, words.REJECTION_REASONS)
        elif state == ContractStatus.CANCELLED:
            contract.reason = one_of(rng, words.CANCELLATION_REASONS)
            if kind == ContractKind.FULL_OPERATION and rng.random() < COOLING_OFF_CANCEL_SHARE:
                contract.signed = min(proposed + between(rng, DAY // 2, 3 * DAY), calendar.now - 2 * 3600)
                contract.ended = min(contract.signed + between(rng, 3600, 7 * DAY - 3600), calendar.now)
                contract.ended_by = Side.MERCHANT
            else:
                contract.ended = min(proposed + between(rng, 3600, 10 * DAY), calendar.now)
                contract.ended_by = Side.PROVIDER

    def fee_and_standards(self, contract: Contract, store: Store) -> None:
        """Full operation: a fixed monthly fee and/or a commission, and 2–3 delivery standards (a monthly
        GMV target, and short videos, livestream hours or a response time)."""
        rng = self.rng
        draw = rng.random()
        if draw < 0.75:
            contract.monthly_fee = int(round(3000 * 10 ** rng.random(), -2)) * 100  # ¥3,000–¥30,000, whole hundreds
        if draw >= 0.45:
            contract.commission_bp = 50 * between(rng, 6, 30)
        gmv_target = max(10_000, int(round(store.ticket / 100 * between(rng, 200, 2000), -3)))
        contract.standards = [(StandardKind.MONTHLY_GMV, gmv_target)]
        extras = [EXTRA_STANDARDS.pick(rng)]
        if rng.random() < 0.4:
            extras.append(one_of(rng, [kind for kind in EXTRA_STANDARDS.items if kind != extras[0]]))
        for kind in extras:
            if kind == StandardKind.SHORT_VIDEOS:
                target = VIDEO_TARGETS.pick(rng)
            elif kind == StandardKind.LIVESTREAM_HOURS:
                target = one_of(rng, LIVESTREAM_TARGETS)
            else:
                target = one_of(rng, RESPONSE_TARGETS)
            contract.standards.append((kind, target))


def _pick(pairs) -> Weighted:
    return Weighted([value for value, _weight in pairs], [weight for _value, weight in pairs])


FULL_OPERATION_TERMS_PICK = _pick(FULL_OPERATION_TERMS)
SPECIALIZED_TERMS_PICK = _pick(SPECIALIZED_TERMS)
CHAIN_LENGTHS_PICK = _pick(CHAIN_LENGTHS)
NEVER_RAN_PICK = _pick(NEVER_RAN)
