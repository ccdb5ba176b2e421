"""Reads of the merchant centre: the merchant's stores, what its forms offer, and its dashboard.

Everything but the reference lookups runs inside the merchant's scope (the merchant channel enters it)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from linke.tenancy import all_providers
from reference.models import Category, Region, RegionLevel, ServiceCity
from reference.selectors import service_city_choices

from ..choices import ClaimStatus
from ..models import CooperationRequest, Lead, LeadClaim, Store

DASHBOARD_REQUESTS = 5


def store_list(queryset=None):
    """The current merchant's stores (or those of `queryset`, the channel's), with what a list shows of
    their city, district and sub-category."""
    queryset = Store.objects.all() if queryset is None else queryset
    return queryset.select_related("city", "district", "category", "category__parent").order_by("name", "pk")


def store_city_choices(store: Store | None = None):
    """Active service cities, plus the store's own city if operators have since deactivated it."""
    chosen = ServiceCity.objects.filter(pk=store.city_id) if store is not None and store.city_id else None
    return service_city_choices(chosen=chosen)


def county_regions():
    """Every county-level region: the districts a store may name (which city's: see `district_problem`)."""
    return Region.objects.filter(level=RegionLevel.COUNTY)


def offered_city(value, queryset=None):
    """The service city a submitted value (an id, as text) names among `queryset` (all by default), or None."""
    try:
        pk = int(value or 0)
    except (TypeError, ValueError):
        return None
    queryset = ServiceCity.objects.all() if queryset is None else queryset
    return queryset.filter(pk=pk).first() if pk > 0 else None


def district_choices(city):
    """The districts of a service city: its county-level child regions, by code (none for the few
    prefecture cities without counties, such as 东莞市, whose stores name no district)."""
    if city is None:
        return Region.objects.none()
    return county_regions().filter(parent_id=city.region_id).order_by("code")


def district_problem(city, district) -> str | None:
    """What is wrong when `district` is not a district of `city` (the message for the district field), or
    None. A district is optional; without a city there is nothing to check it against."""
    if district is None or city is None or district.parent_id == city.region_id:
        return None
    return _("%(district)s is not a district of %(city)s: choose one of its districts.") % {
        "district": district,
        "city": city,
    }


def subcategory_choices():
    """Sub-categories (never an industry) grouped by industry, in the taxonomy's order."""
    return (
        Category.objects.filter(parent__isnull=False)
        .select_related("parent")
        .order_by("parent__position", "parent__slug", "position", "slug")
    )


# --- the dashboard ----------------------------------------------------------------------------------


@dataclass
class ProviderContact:
    """A provider the merchant is in touch with: it answered a request, or it holds the merchant as a lead."""

    name: str
    answered_at: datetime | None = None
    holds_until: datetime | None = None


@dataclass
class LeadStatus:
    lead: Lead | None
    holder_id: int | None = None  # the provider that holds the merchant as a lead now, if one does
    holder: str = ""
    held_until: datetime | None = None

    @property
    def in_pool(self) -> bool:
        return self.lead is not None and self.lead.opted_out_at is None and self.lead.withheld_at is None


@dataclass
class Dashboard:
    store_count: int
    request_counts: dict[str, int]
    recent_requests: list
    providers: list[ProviderContact] = field(default_factory=list)
    lead: LeadStatus = None

    @property
    def requests_total(self) -> int:
        return sum(self.request_counts.values())


def lead_status(merchant) -> LeadStatus:
    """The merchant's own lead (if it is one) and which provider holds it, until when.

    `LeadClaim` is provider-scoped: in the merchant's scope its manager is closed. Lifting the scope
    (`all_providers()`) is safe here because the query is narrowed to the active claim of this merchant's
    own lead (`lead__merchant=merchant`, one row at most by the `lead_claim_one_holder` index) and only
    the holder's name and the end of its protection leave this function: SPEC §4 lets a merchant see
    which provider holds it as a lead."""
    lead = Lead.objects.filter(merchant=merchant).select_related("city").first()
    if lead is None:
        return LeadStatus(lead=None)
    with all_providers():
        claim = (
            LeadClaim.objects.filter(lead=lead, status=ClaimStatus.ACTIVE)
            .select_related("provider")
            .only("expires_at", "provider_id", "provider__name")
            .first()
        )
    if claim is None:
        return LeadStatus(lead=lead)
    return LeadStatus(lead=lead, holder_id=claim.provider_id, holder=claim.provider.name, held_until=claim.expires_at)


def merchant_dashboard(merchant) -> Dashboard:
    """What /merchant/ shows, in a fixed number of queries whatever the merchant has."""
    requests = CooperationRequest.objects.all()
    counts = {row["status"]: row["n"] for row in requests.order_by().values("status").annotate(n=Count("pk"))}
    recent = list(requests.select_related("provider").order_by("-created_at", "-pk")[:DASHBOARD_REQUESTS])
    answered = (
        requests.filter(answered_at__isnull=False)
        .order_by()
        .values("provider_id", "provider__name")
        .annotate(last=Max("answered_at"))
    )
    contacts = {row["provider_id"]: ProviderContact(row["provider__name"], answered_at=row["last"]) for row in answered}
    status = lead_status(merchant)
    if status.holder_id:
        contacts.setdefault(status.holder_id, ProviderContact(status.holder)).holds_until = status.held_until
    return Dashboard(
        store_count=Store.objects.count(),
        request_counts=counts,
        recent_requests=recent,
        providers=sorted(contacts.values(), key=lambda contact: contact.name),
        lead=status,
    )
