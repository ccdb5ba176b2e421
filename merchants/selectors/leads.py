"""Reads of the lead pool (拓客资源): the public pool a provider sees, its private pool and claims, its
disputes, a merchant's own lead status and the evidence of a dispute for the operators.

A `Lead` is platform data (a plain manager); claims, their history and disputes are provider-scoped.
Where a read must see another provider's claim (who holds a lead, for "claimed until"; a merchant's own
holder; the operators' evidence) it goes through `all_providers()` narrowed to the one lead, and says why."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
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
    its tracks, not opted out. The base of the pool and of every route that names a lead (a lead outside
    it answers 404, as a missing one)."""
    return Lead.objects.filter(
        opted_out_at__isnull=True,
        city_id__in=_pool_cities(provider),
        category_id__in=_pool_categories(provider),
    )


def _active_claims_of_lead():
    # Whoever holds a lead, any provider: the pool reads only when its protection ends and whether the
    # holder is the viewer, never who it is (the bypass is narrowed to the outer lead).
    with all_providers():
        return LeadClaim.objects.filter(lead=OuterRef("pk"), status=ClaimStatus.ACTIVE)


def lead_pool(
    *, provider, city: int | None = None, category: int | None = None, availability: str = "", search: str = ""
) -> QuerySet[Lead]:
    """The public pool of `provider`, newest first, each lead with `held_until` (the end of an active
    claim's protection, None when free), `held_claim_id` and `held_by_us`. One query for a page.

    How PostgreSQL runs it on 300,000 leads: the provider's service cities (a handful of rows of the M2M
    table) drive a nested loop into the partial index `lead_pool` (city, created_at DESC, id DESC, only
    leads not opted out), one index range per city; the sub-categories of its tracks are a small hashed
    subplan filtered on each row; a top-N heapsort keeps the page (LIMIT 50). The claim columns are
    correlated subqueries on the unique partial index `lead_claim_one_holder`, run for the 50 rows shown
    only. A provider of 10 cities of ~1,000 leads each reads ~10,000 index entries; the count of the
    paginator reads the same ranges. The merchant-name search is a substring match over those ranges."""
    active = _active_claims_of_lead()
    leads = pool_leads(provider).annotate(
        held_until=Subquery(active.values("expires_at")[:1]),
        held_claim_id=Subquery(active.values("pk")[:1]),
        held_by_us=Exists(active.filter(provider_id=provider.pk)),
    )
    if city:
        leads = leads.filter(city_id=city)
    if category:
        leads = leads.filter(category_id=category)
    if availability == AVAILABLE:
        leads = leads.filter(held_until__isnull=True)
    elif availability == CLAIMED:
        leads = leads.filter(held_until__isnull=False)
    if search:
        leads = leads.filter(merchant_name__icontains=search)
    return leads.select_related("city", "category", "district").order_by("-created_at", "-id")


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


def claims_used_this_month(provider, now: datetime | None = None) -> int:
    """Claims members of `provider` made this calendar month (Asia/Shanghai), counted by their `claimed`
    history entries: a claim the operators gave after an upheld dispute starts with `reassigned` and does
    not use the quota. Inside the provider's scope."""
    return ClaimEvent.objects.filter(
        provider=provider, kind=ClaimEventKind.CLAIMED, created_at__gte=quota_month_start(now)
    ).count()


def lead_quota(provider) -> Quota:
    standing = ProviderStanding.objects.get(provider_id=provider.pk)
    return Quota(
        used=claims_used_this_month(provider), total=standing.lead_quota, protection_days=standing.protection_days
    )


# --- The private pool and claims -------------------------------------------------------------


def claims_visible_to(queryset: QuerySet[LeadClaim], *, membership) -> QuerySet[LeadClaim]:
    """The claims `membership` may see (inside its provider's scope): owner and admin see all; a bd sees
    the active claims whose lead is assigned to them (跟进人) and the ended claims they made."""
    queryset = queryset.select_related("lead__city", "lead__category", "claimed_by__user")
    if can(membership, Action.VIEW_ALL_ACCOUNTS):
        return queryset
    assigned = AccountAssignment.objects.filter(lead=OuterRef("lead"), member=membership, ended_at__isnull=True)
    return queryset.filter(
        Q(Exists(assigned), status=ClaimStatus.ACTIVE) | (~Q(status=ClaimStatus.ACTIVE) & Q(claimed_by=membership))
    )


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
        return self.lead is not None and self.lead.opted_out_at is None


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
