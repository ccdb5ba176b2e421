"""Shared fixtures and helpers of the lead pool tests (no tests here): a pool of 福州 leads of the 餐饮 track
that `provider` and `other_provider` both serve."""

from datetime import timedelta

import pytest
from django.utils import timezone

from linke.actors import Actor
from linke.tenancy import all_providers
from merchants.models import LeadClaim
from merchants.services.leads import lead_claim
from providers.models import ProviderStanding
from providers.tenancy import provider_scope

from ..factories import ProviderFactory
from ..factories.merchants import LeadFactory


def serve(provider, city, track):
    """`provider` serves `city` in `track` (its pool)."""
    provider.service_cities.add(city)
    provider.tracks.add(track)
    return provider


@pytest.fixture
def pool(provider, other_provider, cities, tracks, categories):
    """Both providers serve 福州 dining; `pool.lead(...)` makes a 福州 hotpot lead (or of `city`/`category`)."""
    serve(provider, cities[0], tracks[0])
    serve(other_provider, cities[0], tracks[0])

    class Pool:
        fuzhou, beijing = cities
        hotpot, bbq, nails = categories["hotpot"], categories["bbq"], categories["nails"]

        @staticmethod
        def lead(city=None, category=None, **kwargs):
            return LeadFactory(city=city or cities[0], category=category or categories["hotpot"], **kwargs)

    return Pool


@pytest.fixture
def third_provider(pool, cities, tracks):
    return serve(ProviderFactory(name="伽马服务商"), cities[0], tracks[0])


def claim(membership, lead) -> LeadClaim:
    with provider_scope(membership.provider_id):
        return lead_claim(actor=Actor.member(membership), lead=lead)


def set_standing(provider, **values):
    ProviderStanding.objects.filter(provider=provider).update(**values)


def claims_of(lead) -> list[tuple]:
    with all_providers():
        return list(LeadClaim.objects.filter(lead=lead).order_by("pk").values_list("provider__name", "status"))


def make_due(claim_row, *, days_ago=1):
    """Backdate a claim so that its protection ended `days_ago` days ago."""
    now = timezone.now()
    with all_providers():
        LeadClaim.objects.filter(pk=claim_row.pk).update(
            claimed_at=now - timedelta(days=days_ago + 15), expires_at=now - timedelta(days=days_ago)
        )
