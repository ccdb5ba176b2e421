"""Reads of the lead pool (拓客资源): the public pool a provider sees, its private pool and claims, its
disputes, a merchant's own lead status and the evidence of a dispute for the operators.

A `Lead` is platform data (a plain manager); claims, their history and disputes are provider-scoped.
Where a read must see another provider's claim (who holds a lead, for "claimed until"; a merchant's own
holder; the operators' evidence) it goes through `all_providers()` narrowed to the one lead, and says why."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Exists, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from linke.tenancy import all_providers
from providers.models import Provider, ProviderStanding
from providers.permissions import Action, can
from reference.models import Category, ServiceCity, Track

from ..choices import ClaimEventKind, ClaimStatus
from ..models import AccountAssignment, ClaimEvent, CooperationRequest, Lead, LeadClaim, LeadDispute, Visit

# The quota counts claims per calendar month in China's time, whatever the server's time zone.
QUOTA_TIME_ZONE = ZoneInfo("Asia/Shanghai")
AVAILABLE, CLAIMED = "available", "claimed"


def mask_mobile(mobile) -> str:
    """`13812345678` → `138****5678`: what the public pool shows of a contact mobile."""
    digits = str(getattr(mobile, "national_number", "") or mobile or "")
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 8 else "****"


def full_mobile(mobile) -> str:
    digits = getattr(mobile, "national_number", None)
    return str(digits) if digits else str(mobile or "")


# --- The public pool --------------------------------------------------------------------------


def _pool_cities(provider):
    return Provider.service_cities.through.objects.filter(provider_id=provider.pk).values("servicecity_id")


def _pool_categories(provider):
    tracks = Provider.tracks.through.objects.filter(provider_id=provider.pk).values("track_id")
    return Track.categories.through.objects.filter(track_id__in=tracks).values("category_id")


def pool_leads(provider) -> QuerySet[Lead]:
    """Every lead `provider` may see and claim: in one of its service cities, of a sub-category of one of
    its tracks, not opted out, not withheld (under contract). The base of the pool and of every route that
    names a lead (a lead outside it answers 404, as a missing one)."""
    return Lead.objects.filter(
        opted_out_at__isnull=True,
        withheld_at__isnull=True,
        city_id__in=_pool_cities(provider),
        category_id__in=_pool_categories(provider),
    )


def _active_claims_of_lead():
    # Whoever holds a lead, any provider: the pool reads only when its protection ends and whether the
    # holder is the viewer, never who it is (the bypass is narrowed to the outer lead). At most one row
    # (`lead_claim_one_holder`): no ordering, one probe of that unique partial index per lead.
    with all_providers():
        return LeadClaim.objects.filter(lead=OuterRef("pk"), status=ClaimStatus.ACTIVE).order_by()


def _pool_filtered(leads, *, city, category, availability, search) -> QuerySet[Lead]:
    if city:
        leads = leads.filter(city_id=city)
    if category:
        leads = leads.filter(category_id=category)
    # "Available" is "no active claim" (an active claim always has an end): an anti-join on the holder index.
    if availability == AVAILABLE:
        leads = leads.filter(~Exists(_active_claims_of_lead()))
    elif availability == CLAIMED:
        leads = leads.filter(Exists(_active_claims_of_lead()))
    if search:
        leads = leads.filter(merchant_name__icontains=search)
    return leads


def _with_holder(leads, provider) -> QuerySet[Lead]:
    """`held_until` (the end of an active claim's protection, None when free), `held_claim_id` and
    `held_by_us`: correlated subqueries, run for the rows shown only."""
    active = _active_claims_of_lead()
    return leads.annotate(
        held_until=Subquery(active.values("expires_at")[:1]),
        held_claim_id=Subquery(active.values("pk")[:1]),
        held_by_us=Exists(active.filter(provider_id=provider.pk)),
    )


def lead_pool(
    *, provider, city: int | None = None, category: int | None = None, availability: str = "", search: str = ""
) -> QuerySet[Lead]:
    """The public pool of `provider` as a queryset (the API's list), newest first, each lead with
    `held_until`, `held_claim_id` and `held_by_us` (`_with_holder`). The pool page reads the same rows
    through `lead_pool_listing`, which plans better."""
    leads = _pool_filtered(pool_leads(provider), city=city, category=category, availability=availability, search=search)
    return _with_holder(leads, provider).select_related("city", "category", "district").order_by("-created_at", "-id")


_COUNT = Func(template="COUNT(*)", output_field=IntegerField())  # a subquery's count, without a GROUP BY


class LeadPoolListing:
    """The public pool as the pool page reads it: a page of rows with the size of the pool, in one
    statement (`page()`, what the page's paginator asks), or, as Django's `Paginator` asks, `count()`
    and a slice.

    The provider's cities and sub-categories come as ids (the filters read them anyway), so each query
    names one table and plans in a fraction of a millisecond (the subqueries of `pool_leads` made a join
    of seven relations that took ~8 ms to plan). How PostgreSQL runs it on 300,000 leads, for a provider
    of 10 cities and 7 sub-categories (~1,100 leads):

    * the size: an index-only scan of the partial index `lead_pool` (city, category, created_at DESC,
      id DESC; leads not opted out), one range per (city, sub-category) pair: ~0.3 ms; ~5,000 entries
      for the broadest provider of the data set. Exact: it is cheap.
    * the page: its ids from the same ranges (index-only, a top-N sort of the pairs' entries), then only
      those 50 leads by primary key, with their district and the holder subqueries (one probe of
      `lead_claim_one_holder` each); the city and sub-category objects are the filters', not joined.
      The merchant-name search and the availability filter are checked on the pool's rows (the search
      reads the table). A deep page reads offset + 50 entries."""

    model = Lead

    def __init__(self, leads: QuerySet[Lead], *, provider, cities: dict, categories: dict):
        self._leads, self._provider, self._cities, self._categories = leads, provider, cities, categories

    def count(self) -> int:
        return self._leads.count()

    def page(self, start: int, stop: int) -> tuple[list[Lead], int | None]:
        """The leads [start:stop], newest first, and the size of the pool (None when there are none)."""
        if stop <= start:
            return [], None
        ids = self._leads.order_by("-created_at", "-id").values("pk")[start:stop]
        size = self._leads.order_by().annotate(n=_COUNT).values("n")
        shown = _with_holder(Lead.objects.filter(pk__in=ids), self._provider).annotate(pool_size=Subquery(size))
        rows = list(shown.select_related("district").order_by("-created_at", "-id"))
        for lead in rows:
            lead.city, lead.category = self._cities[lead.city_id], self._categories[lead.category_id]
        return rows, rows[0].pool_size if rows else None

    def __getitem__(self, page: slice) -> list[Lead]:
        if not isinstance(page, slice) or page.stop is None or page.step is not None:
            raise TypeError("the pool listing is read a page (a bounded slice) at a time")
        return self.page(page.start or 0, page.stop)[0]


def lead_pool_listing(
    *,
    provider,
    cities: list[ServiceCity],
    categories: list[Category],
    city: int | None = None,
    category: int | None = None,
    availability: str = "",
    search: str = "",
) -> LeadPoolListing:
    """The rows of `lead_pool` for the pool page (`LeadPoolListing`): `cities` and `categories` are the
    provider's (`lead_pool_filters`), read once for the filters and the page."""
    leads = Lead.objects.filter(
        opted_out_at__isnull=True,
        withheld_at__isnull=True,
        city_id__in=[row.pk for row in cities],
        category_id__in=[row.pk for row in categories],
    )
    leads = _pool_filtered(leads, city=city, category=category, availability=availability, search=search)
    return LeadPoolListing(
        leads,
        provider=provider,
        cities={row.pk: row for row in cities},
        categories={row.pk: row for row in categories},
    )


def lead_pool_filters(provider) -> dict:
    """The choices of the pool's filters: the provider's cities and its tracks' sub-categories."""
    return {
        "cities": list(ServiceCity.objects.filter(pk__in=_pool_cities(provider)).order_by("name")),
        "categories": list(Category.objects.filter(pk__in=_pool_categories(provider)).order_by("name")),
    }


@dataclass(frozen=True)
class Quota:
    used: int
    total: int
    protection_days: int

    @property
    def left(self) -> int:
        return max(self.total - self.used, 0)


def quota_month_start(now: datetime | None = None) -> datetime:
    local = (now or timezone.now()).astimezone(QUOTA_TIME_ZONE)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _claimed_this_month(provider, now: datetime | None = None) -> QuerySet[ClaimEvent]:
    # The partial index `claim_event_quota` (provider, created_at; `claimed` entries only): an
    # index-only range of this month's claims, however long the provider's history.
    return ClaimEvent.objects.filter(
        provider=provider, kind=ClaimEventKind.CLAIMED, created_at__gte=quota_month_start(now)
    )


def claims_used_this_month(provider, now: datetime | None = None) -> int:
    """Claims members of `provider` made this calendar month (Asia/Shanghai), counted by their `claimed`
    history entries: a claim the operators gave after an upheld dispute starts with `reassigned` and does
    not use the quota. Inside the provider's scope."""
    return _claimed_this_month(provider, now).count()


def lead_quota(provider) -> Quota:
    """The provider's quota and protection days with this month's claims, in one query."""
    used = _claimed_this_month(provider).order_by().annotate(n=_COUNT).values("n")
    standing = ProviderStanding.objects.annotate(used=Subquery(used)).get(provider_id=provider.pk)
    return Quota(used=standing.used, total=standing.lead_quota, protection_days=standing.protection_days)


# --- The private pool and claims -------------------------------------------------------------


def claims_visible_to(queryset: QuerySet[LeadClaim], *, membership) -> QuerySet[LeadClaim]:
    """The claims `membership` may see (inside its provider's scope): owner and admin see all; a bd sees
    the active claims whose lead is assigned to them (跟进人) and the claims they made (a merchant who had
    sent a request already has the owner as its account owner: the bd who claims it still sees the claim)."""
    queryset = queryset.select_related("lead__city", "lead__category", "claimed_by__user")
    if can(membership, Action.VIEW_ALL_ACCOUNTS):
        return queryset
    assigned = AccountAssignment.objects.filter(lead=OuterRef("lead"), member=membership, ended_at__isnull=True)
    return queryset.filter(Q(Exists(assigned), status=ClaimStatus.ACTIVE) | Q(claimed_by=membership))


def private_pool(queryset: QuerySet[LeadClaim], *, membership) -> QuerySet[LeadClaim]:
    """The leads the provider holds now, the soonest to run out first."""
    return (
        claims_visible_to(queryset, membership=membership)
        .filter(status=ClaimStatus.ACTIVE)
        .order_by("expires_at", "pk")
    )


def claim_history(claim) -> list[ClaimEvent]:
    return list(ClaimEvent.objects.filter(claim=claim).order_by("created_at", "pk"))


def claim_get_disputable(*, provider, pk) -> LeadClaim:
    """Another provider's active claim of a lead in `provider`'s pool, or 404 (also for its own claims, an
    ended claim or a lead it does not serve). Read across providers on purpose: a dispute is of someone
    else's claim; the caller learns the lead and the end of the protection, never the holder."""
    with all_providers():
        claim = (
            LeadClaim.objects.filter(pk=pk, status=ClaimStatus.ACTIVE, lead__in=pool_leads(provider))
            .exclude(provider_id=provider.pk)
            .select_related("lead")
            .first()
        )
    if claim is None:
        raise Http404
    return claim


def dispute_list(queryset: QuerySet[LeadDispute]) -> QuerySet[LeadDispute]:
    """The disputes the current provider raised (its scope), newest first, with the disputed lead (read
    through the join: the holder is not shown)."""
    return queryset.select_related("claim__lead", "raised_by__user").order_by("-created_at", "-pk")


# --- The merchant's side ----------------------------------------------------------------------


@dataclass(frozen=True)
class MerchantLeadStatus:
    lead: Lead | None
    holder_name: str = ""
    held_until: datetime | None = None

    @property
    def in_pool(self) -> bool:
        return self.lead is not None and self.lead.opted_out_at is None and self.lead.withheld_at is None


def merchant_lead_status(merchant) -> MerchantLeadStatus:
    """Whether `merchant` is in the lead pool and which provider holds it until when. The claim is a
    provider's row: the merchant channel reads it through `all_providers()` narrowed to its own lead, as
    the merchant may know who holds it (other providers may not)."""
    lead = Lead.objects.filter(merchant=merchant).first()
    if lead is None:
        return MerchantLeadStatus(lead=None)
    with all_providers():
        claim = LeadClaim.objects.filter(lead=lead, status=ClaimStatus.ACTIVE).select_related("provider").first()
    if claim is None:
        return MerchantLeadStatus(lead=lead)
    return MerchantLeadStatus(lead=lead, holder_name=claim.provider.name, held_until=claim.expires_at)


# --- The operators' evidence ----------------------------------------------------------------


def dispute_evidence(dispute) -> dict:
    """What the operators weigh (inside the admin, across providers): every claim of the lead, the verified
    visits at its merchant and the merchant's cooperation requests (none without a merchant account)."""
    lead = dispute.claim.lead
    with all_providers():
        claims = list(
            LeadClaim.objects.filter(lead=lead)
            .select_related("provider", "claimed_by__user")
            .order_by("claimed_at", "pk")
        )
        visits, requests = [], []
        if lead.merchant_id:
            visits = list(
                Visit.objects.filter(merchant_id=lead.merchant_id)
                .select_related("provider", "membership__user")
                .order_by("verified_at", "pk")
            )
            requests = list(
                CooperationRequest.objects.filter(merchant_id=lead.merchant_id)
                .select_related("provider")
                .order_by("created_at", "pk")
            )
    return {"lead": lead, "claims": claims, "visits": visits, "requests": requests}
