"""Every non-trivial read of the providers app, for views, the API, the admin and services alike."""

import math
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q, Value
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from linke.audit import action_label
from linke.http import MAX_ID
from linke.models import AuditEvent
from linke.tenancy import all_providers
from reference.models import Category, ServiceCity, Track, localized_name

from .choices import CooperationMode, DirectorySort, ProviderStatus, VerificationOutcome
from .models import (
    CaseStudy,
    DirectoryListing,
    Invitation,
    Membership,
    ProviderApplication,
    PublicReview,
    ServicePackage,
    VerificationCode,
)
from .permissions import Action, can
from .rules import VALID, code_is_well_formed, code_normalize, token_hash
from .tenancy import provider_scope


def membership_list(*, user) -> list[Membership]:
    """The active memberships of a user in providers that are not terminated, by provider name.
    Cross-tenant by design: this is how a channel learns which providers the user may act for."""
    if not user.is_authenticated:
        return []
    with all_providers():
        return list(
            Membership.objects.active()
            .filter(user=user)
            .exclude(provider__status=ProviderStatus.TERMINATED)
            .select_related("provider", "user")  # the actor names the user: no second read of it
            .order_by("provider__name")
        )


# --- 入驻申请 ------------------------------------------------------------------------------------
def application_get_open(*, user) -> ProviderApplication | None:
    """The user's application in progress (draft, submitted, changes requested), if any."""
    return ProviderApplication.objects.open().filter(applicant=user).first()


def application_list(*, user) -> list[ProviderApplication]:
    """The user's applications, newest first."""
    return list(
        ProviderApplication.objects.filter(applicant=user).select_related("provider").order_by("-created_at", "-pk")
    )


def application_timeline(*, application: ProviderApplication) -> list[dict]:
    """What happened to an application, oldest first, as the applicant and the operators read it:
    `at`, `label`, `reason`, `actor` (a user or None) and `by_operator`."""
    events = (
        AuditEvent.objects.filter(object_type=ProviderApplication._meta.label_lower, object_id=str(application.pk))
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    return [
        {
            "at": event.created_at,
            "label": action_label(event.action),
            "reason": event.reason,
            "actor": event.actor,
            "by_operator": event.actor_id is not None and event.actor_id != application.applicant_id,
        }
        for event in events
    ]


# --- Team ---------------------------------------------------------------------------------------
def invitation_get_by_token(token: str) -> Invitation | None:
    """The invitation a link's token belongs to. Across providers: the invitee is not (yet) in the
    provider's tenant, the token itself is the authorisation."""
    with all_providers():
        return Invitation.objects.select_related("provider", "invited_by").filter(token_hash=token_hash(token)).first()


def invitation_list_outstanding():
    """The current provider's invitations neither accepted nor withdrawn, newest first."""
    return Invitation.objects.outstanding().select_related("invited_by").order_by("-created_at", "-pk")


# --- 身份验真码 ------------------------------------------------------------------------------------
def verification_code_get_live(*, membership: Membership) -> VerificationCode | None:
    """The member's code that still verifies (not revoked, not expired), if any."""
    with provider_scope(membership.provider_id):
        return VerificationCode.objects.live().filter(membership=membership).first()


def verification_event_list(queryset, *, membership: Membership):
    """Who verified whom: owner/admin see every event of the provider, others those of their own codes."""
    queryset = queryset.select_related("membership__user", "code").order_by("-created_at", "-pk")
    if can(membership, Action.VIEW_ALL_VERIFICATIONS):
        return queryset
    return queryset.filter(membership=membership)


def verification_check(raw_code: str) -> tuple[str, VerificationCode | None]:
    """The outcome of a code as of now (`VALID` or a `VerificationOutcome`), and its row if it exists.
    Provider and member state are read at lookup time, so a suspension or deactivation takes effect on
    codes already shown. Across providers: the public check has no tenant."""
    code = code_normalize(raw_code)
    if not code_is_well_formed(code):
        return VerificationOutcome.UNKNOWN, None
    with all_providers():
        found = VerificationCode.objects.select_related("provider", "membership__user").filter(code=code).first()
    if found is None:
        return VerificationOutcome.UNKNOWN, None
    if found.provider.status == ProviderStatus.SUSPENDED:
        return VerificationOutcome.SUSPENDED, found
    member_in_good_standing = (
        can(found.membership, Action.USE_VERIFICATION_CODE)  # deactivated or moved to another role since?
        and found.membership.user.is_active
        and found.provider.status == ProviderStatus.ACTIVE
    )
    if not member_in_good_standing:
        return VerificationOutcome.REVOKED, found
    if found.revoked_at is not None:
        # Still on the team: revoked because they made a newer code, or by hand (an investigation).
        with all_providers():
            replaced = VerificationCode.objects.filter(
                membership=found.membership, created_at__gt=found.created_at
            ).exists()
        return (VerificationOutcome.REPLACED if replaced else VerificationOutcome.REVOKED), found
    if found.expires_at <= timezone.now():
        return VerificationOutcome.EXPIRED, found
    return VALID, found


# --- Public directory -----------------------------------------------------------------------------
# The reference rows the directory names and offers as filters (cities, tracks, categories) come from an
# in-process lookup: a directory page then costs its count, its featured rows and its page, and never a
# query per row or per select box. Operators' edits clear it (signals below); rows loaded in bulk by
# `load_reference_data` show within REFERENCE_TTL seconds.
REFERENCE_TTL = 300
PAGE_SIZE = 20
FEATURED_LIMIT = 3
MAX_SEARCH_WORDS = 5


@dataclass(frozen=True)
class Named:
    """A reference row as the directory shows it, in the reader's language."""

    id: int
    name: str
    name_en: str = ""
    parent_id: int | None = None
    search: str = ""  # pinyin and initials, for the city picker's filter

    def __str__(self):
        return localized_name(self)


@dataclass(frozen=True)
class DirectoryReference:
    cities: dict[int, Named]
    tracks: dict[int, Named]
    industries: dict[int, Named]
    categories: dict[int, Named]  # sub-categories, `parent_id` their industry
    # What is made from these rows and kept with them (the filter form's options per language, as HTML, and
    # the ids it accepts): it goes with them when the lookup is cleared or expires.
    derived: dict = field(default_factory=dict, compare=False, repr=False)

    def names(self, table: str, ids) -> list[Named]:
        rows = getattr(self, table)
        return [rows[pk] for pk in ids if pk in rows]

    def memo(self, key, make):
        """`make()`, made once for these rows (again after an edit of a city, track or category)."""
        try:
            return self.derived[key]
        except KeyError:
            value = self.derived[key] = make()
            return value


_reference_cache: dict = {}


def directory_reference() -> DirectoryReference:
    """Active service cities and tracks, and the category tree, from the in-process lookup."""
    cached = _reference_cache.get("value")
    if cached is not None and time.monotonic() - _reference_cache["at"] < REFERENCE_TTL:
        return cached
    categories = list(Category.objects.values_list("id", "name", "name_en", "parent_id"))
    value = DirectoryReference(
        cities={
            pk: Named(pk, name, name_en, search=f"{pinyin} {initials}")
            for pk, name, name_en, pinyin, initials in ServiceCity.objects.active().values_list(
                "id", "name", "name_en", "name_pinyin", "name_initials"
            )
        },
        tracks={
            pk: Named(pk, name, name_en) for pk, name, name_en in Track.objects.values_list("id", "name", "name_en")
        },
        industries={pk: Named(pk, name, name_en) for pk, name, name_en, parent in categories if parent is None},
        categories={
            pk: Named(pk, name, name_en, parent) for pk, name, name_en, parent in categories if parent is not None
        },
    )
    _reference_cache.update(value=value, at=time.monotonic())
    return value


def directory_reference_clear(**_kwargs) -> None:
    _reference_cache.clear()


for _model in (ServiceCity, Track, Category):
    post_save.connect(directory_reference_clear, sender=_model, dispatch_uid=f"directory-reference-{_model.__name__}")
    post_delete.connect(
        directory_reference_clear, sender=_model, dispatch_uid=f"directory-reference-d-{_model.__name__}"
    )
m2m_changed.connect(directory_reference_clear, sender=Track.categories.through, dispatch_uid="directory-reference-m2m")


SORT_ORDERS = {
    DirectorySort.RECOMMENDED: [F("recommended").desc(), "provider_id"],
    DirectorySort.RATING: [F("rating").desc(nulls_last=True), F("review_count").desc(), "provider_id"],
    DirectorySort.GMV: [F("gmv_served").desc(), "provider_id"],
    DirectorySort.NEWEST: [F("created_at").desc(), F("provider_id").desc()],
}


CARD_FIELDS = [  # what a directory card shows: the page reads nothing else
    "provider_id",
    "name",
    "excerpt",
    "city_ids",
    "track_ids",
    "certified_track_ids",
    "modes",
    "tier",
    "featured_slots",
    "recommended",
    "rating",
    "review_count",
    "gmv_served",
]


@dataclass(frozen=True)
class DirectoryFilters:
    """What a directory page asks for, already validated (ids of existing reference rows, known choices)."""

    q: str = ""
    city: int | None = None
    industry: int | None = None
    category: int | None = None
    track: int | None = None
    mode: str = ""
    area: str = ""
    tier: str = ""  # this tier or above
    rating: Decimal | None = None  # at least
    certified: bool = False  # certified in `track` when one is chosen, else in any track
    sort: str = DirectorySort.RECOMMENDED


def search_grams(word: str) -> list[str]:
    """What `linke_cjk_bigrams` must contain for `word` to occur: its character (one-character word) or its
    pairs of adjacent characters, lower case, as the SQL function makes them."""
    word = word.lower()
    return [word] if len(word) == 1 else sorted({word[i : i + 2] for i in range(len(word) - 1)})


def directory_search(q: str) -> Q:
    """Every word of `q` in the name, introduction or case-study titles; letters only also match the name's
    pinyin initials (`lx`). The bigram index finds the candidates. For a word of one or two characters
    that is the answer (the text has the pair iff it has the word); a longer word's pairs may all occur
    apart, so ILIKE confirms it."""
    words = q.split()[:MAX_SEARCH_WORDS]
    condition = Q()
    for word in words:
        condition &= Q(search_bigrams__contains=search_grams(word))
        if len(word) > 2:
            condition &= Q(search_text__icontains=word)
    compact = "".join(words).lower()
    if compact.isascii() and compact.isalpha():
        condition |= Q(name_initials__startswith=compact)
    return condition


def directory_queryset(filters: DirectoryFilters):
    """The listed providers matching `filters`, in the chosen order (featured slots aside)."""
    conditions = [Q(is_listed=True)]  # one filter() of them all: one clone of the query, not one per filter
    for name, value in (
        ("city_ids", filters.city),
        ("category_ids", filters.category or filters.industry),
        ("track_ids", filters.track),
        ("modes", filters.mode),
        ("areas", filters.area),
    ):
        if value:
            conditions.append(Q(**{f"{name}__contains": [value]}))
    if filters.category and filters.industry:
        conditions.append(Q(category_ids__contains=[filters.industry]))
    if filters.tier:
        conditions.append(Q(tier__gte=filters.tier))
    if filters.rating is not None:
        conditions.append(Q(rating__gte=filters.rating))
    if filters.certified:
        conditions.append(
            Q(certified_track_ids__contains=[filters.track]) if filters.track else ~Q(certified_track_ids=[])
        )
    if filters.q:
        conditions.append(directory_search(filters.q))
    return (
        DirectoryListing.objects.filter(*conditions)
        .only(*CARD_FIELDS)
        .order_by(*SORT_ORDERS[DirectorySort(filters.sort)])
    )


@dataclass
class DirectoryCard:
    """One provider on a directory page, with the names of its cities and tracks."""

    listing: DirectoryListing
    cities: list[Named]
    tracks: list[Named]
    certified_tracks: list[Named]
    featured: bool = False

    @property
    def modes(self) -> list[str]:
        return [CooperationMode(mode).label for mode in self.listing.modes if mode in CooperationMode.values]


@dataclass
class DirectoryPage:
    featured: list[DirectoryCard]  # shown first on page 1 (推荐位), left out of every page's list
    cards: list[DirectoryCard]
    count: int  # every matching provider, featured ones included
    number: int
    num_pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _cards(listings, reference: DirectoryReference, *, featured: bool = False) -> list[DirectoryCard]:
    return [
        DirectoryCard(
            listing=listing,
            cities=reference.names("cities", listing.city_ids),
            tracks=reference.names("tracks", listing.track_ids),
            certified_tracks=reference.names("tracks", listing.certified_track_ids),
            featured=featured,
        )
        for listing in listings
    ]


FEATURED_ORDER = [F("featured_slots").desc(), F("recommended").desc(), "provider_id"]


def _featured_key(listing):  # FEATURED_ORDER, in Python
    return -listing.featured_slots, -listing.recommended, listing.provider_id


def _recommended_key(listing):  # SORT_ORDERS[RECOMMENDED], in Python
    return -listing.recommended, listing.provider_id


def _first_recommended_page(queryset) -> tuple[list, list]:
    """The featured providers and the rest of page 1 of the recommended order, in one statement: (up to
    FEATURED_LIMIT featured) UNION ALL (the first PAGE_SIZE + FEATURED_LIMIT in recommended order), the
    featured ones then left out of the second part here. Each part is sorted again by its keys (UNION ALL
    promises no order)."""
    rows = list(
        queryset.filter(featured_slots__gt=0)
        .annotate(in_featured_part=Value(True))
        .order_by(*FEATURED_ORDER)[:FEATURED_LIMIT]
        .union(queryset.annotate(in_featured_part=Value(False))[: PAGE_SIZE + FEATURED_LIMIT], all=True)
    )
    featured = sorted((row for row in rows if row.in_featured_part), key=_featured_key)
    shown = {listing.provider_id for listing in featured}
    rest = (row for row in rows if not row.in_featured_part and row.provider_id not in shown)
    return featured, sorted(rest, key=_recommended_key)[:PAGE_SIZE]


def directory_page(filters: DirectoryFilters, page: int = 1) -> DirectoryPage:
    """One page of the directory in at most three queries: the count, the featured providers (sorted by
    recommendation only: up to FEATURED_LIMIT with featured slots, by slots then recommendation, shown
    on page 1 and never repeated in the list) and the page; page 1 of the recommended order, where every
    visitor starts, reads the featured providers and the page in one (two queries). A page past the end
    shows the last one."""
    reference = directory_reference()
    queryset = directory_queryset(filters)
    count = queryset.count()
    featured, listings, read = [], [], False
    recommended = count and filters.sort == DirectorySort.RECOMMENDED
    if recommended and (page <= 1 or count <= PAGE_SIZE):  # page 1, however many are featured
        (featured, listings), read = _first_recommended_page(queryset), True
    elif recommended:
        featured = list(queryset.filter(featured_slots__gt=0).order_by(*FEATURED_ORDER)[:FEATURED_LIMIT])
    num_pages = max(1, math.ceil((count - len(featured)) / PAGE_SIZE))
    number = min(max(1, page), num_pages)
    if count > len(featured) and not read:
        if featured:
            queryset = queryset.exclude(provider_id__in=[listing.provider_id for listing in featured])
        offset = (number - 1) * PAGE_SIZE
        listings = list(queryset[offset : offset + PAGE_SIZE])
    return DirectoryPage(
        featured=_cards(featured, reference, featured=True) if number == 1 else [],
        cards=_cards(listings, reference),
        count=count,
        number=number,
        num_pages=num_pages,
    )


# The profile shows this many reviews a page, newest first (`?reviews=<page>`).
PROFILE_REVIEWS = 10
MAX_REVIEW_PAGE = 10_000


@dataclass
class DirectoryProfile:
    card: DirectoryCard
    introduction: str
    case_studies: list
    packages: list
    reviews: list = field(default_factory=list)  # PublicReview, newest first
    reviews_page: int = 1
    more_reviews: bool = False  # an older page follows


def directory_profile_get(pk: int, *, reviews_page: int = 1) -> DirectoryProfile | None:
    """A listed provider's public profile (None for an unknown, suspended or terminated one), in four
    queries: the listing with its provider, the case studies, the listed service packages, and one page of
    its reviews (`PublicReview`, written by the contracts app; one row more than a page tells whether an
    older page follows, without counting)."""
    if not 0 < pk <= MAX_ID:
        return None
    listing = DirectoryListing.objects.filter(pk=pk, is_listed=True).select_related("provider").first()
    # The provider's own status too: a listing refresh lost after a suspension must not keep it public.
    if listing is None or listing.provider.status != ProviderStatus.ACTIVE:
        return None
    reference = directory_reference()
    with provider_scope(pk):
        case_studies = list(CaseStudy.objects.filter(provider_id=pk).order_by("position", "pk"))
        packages = list(ServicePackage.objects.filter(provider_id=pk, is_active=True).order_by("area", "price", "pk"))
    for study in case_studies:
        study.track_named = reference.tracks.get(study.track_id)  # the track's name without a join
    reviews_page = min(max(1, reviews_page), MAX_REVIEW_PAGE)
    offset = (reviews_page - 1) * PROFILE_REVIEWS
    reviews = list(PublicReview.objects.filter(provider_id=pk)[offset : offset + PROFILE_REVIEWS + 1])
    return DirectoryProfile(
        card=_cards([listing], reference)[0],
        introduction=listing.provider.introduction,
        case_studies=case_studies,
        packages=packages,
        reviews=reviews[:PROFILE_REVIEWS],
        reviews_page=reviews_page,
        more_reviews=len(reviews) > PROFILE_REVIEWS,
    )
