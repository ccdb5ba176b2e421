"""Isolation cases of the merchants domain's leads routes (merged into tests/tenancy/test_isolation.py).

PROVIDER_ROUTES: route -> (make(membership) -> object of membership.provider, marker(obj), methods)
MERCHANT_ROUTES: route -> (make(merchant) -> object of that merchant, marker(obj), methods)
NOT_OWNED_ROUTES: route -> why nothing is owned there
OWNER_OF: route -> owner(obj), when the owner is not obj.provider_id (provider routes) / obj.merchant_id

A `Lead` is shared platform data: a route that names a lead "belongs" to the providers whose pool the lead is in
(their service city and track). Each provider here gets a city of its own, so another provider's lead is one
outside the client's pool, which must answer 404 like a missing one. A dispute names another provider's claim
of a lead in the client's pool: the foreign probe is such a claim of a lead outside it."""

from datetime import timedelta

from linke.tenancy import all_providers
from merchants.models import LeadClaim, LeadDispute
from providers.choices import Role
from providers.models import Membership
from reference.models import Category, Region, ServiceCity, Track

from ...factories import MembershipFactory, ProviderFactory
from ...factories.merchants import LeadFactory


def _pool_of(provider):
    """The provider's own city and track (made once), so that its leads are in no other provider's pool."""
    city = provider.service_cities.first()
    if city is None:
        region = Region.objects.create(code=f"9{provider.pk:05d}", name=f"测试市{provider.pk}", level=2)
        city = ServiceCity.objects.create(region=region, name=region.name, name_pinyin=f"ceshi{provider.pk}")
        track = Track.objects.create(slug=f"track-{provider.pk}", name=f"赛道{provider.pk}", name_en="Track")
        category = Category.objects.create(slug=f"category-{provider.pk}", name=f"品类{provider.pk}")
        track.categories.add(category)
        provider.service_cities.add(city)
        provider.tracks.add(track)
    track = provider.tracks.first()
    return city, track.categories.first()


def lead_of(membership):
    city, category = _pool_of(membership.provider)
    return LeadFactory(city=city, category=category, merchant_name=f"线索-{membership.user.email}")


def claim_of(membership):
    """An active claim of the membership's provider."""
    lead = lead_of(membership)
    with all_providers():
        bd = Membership.objects.filter(provider=membership.provider, role=Role.BD).first() or membership
        return LeadClaim.objects.create(
            provider=membership.provider,
            lead=lead,
            claimed_by=bd,
            claimed_at=lead.created_at,
            expires_at=lead.created_at + timedelta(days=15),
        )


def dispute_of(membership):
    claim = claim_of(membership)
    with all_providers():
        return LeadDispute.objects.create(
            provider=membership.provider, claim=claim, reason=f"争议-{membership.user.email}", raised_by=membership
        )


def claim_by_a_third_provider(membership):
    """A third provider's active claim of a lead in the membership's provider's pool: disputable by it."""
    lead = lead_of(membership)
    with all_providers():
        holder = MembershipFactory(provider=ProviderFactory(), role=Role.BD)
        return LeadClaim.objects.create(
            provider=holder.provider,
            lead=lead,
            claimed_by=holder,
            claimed_at=lead.created_at,
            expires_at=lead.created_at + timedelta(days=15),
        )


def lead_name(obj):
    if isinstance(obj, LeadDispute):
        return obj.claim.lead.merchant_name
    return obj.lead.merchant_name if isinstance(obj, LeadClaim) else obj.merchant_name


def pool_city(obj):
    """Whose pool a lead (or a claim's lead) is in: its city, one per provider here."""
    return obj.city_id if hasattr(obj, "city_id") else obj.lead.city_id


PROVIDER_ROUTES = {
    "portal:lead_claim": (lead_of, lead_name, ("post",)),
    "portal:lead_claim_detail": (claim_of, lead_name, ("get",)),
    "portal:lead_claim_dispute": (claim_by_a_third_provider, lead_name, ("get", ("post", {"reason": "先拜访"}))),
    "api:lead-detail": (lead_of, lead_name, ("get",)),
    "api:lead-claim": (lead_of, lead_name, ("post",)),
    "api:claim-detail": (claim_of, lead_name, ("get",)),
    "api:claim-dispute": (claim_by_a_third_provider, lead_name, (("post", {"reason": "先拜访"}),)),
    "api:dispute-detail": (dispute_of, lead_name, ("get",)),
}
MERCHANT_ROUTES = {}
NOT_OWNED_ROUTES = {}
OWNER_OF = {
    "portal:lead_claim": pool_city,
    "api:lead-detail": pool_city,
    "api:lead-claim": pool_city,
    "portal:lead_claim_dispute": pool_city,
    "api:claim-dispute": pool_city,
}
