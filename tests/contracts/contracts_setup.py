"""Rows the contract lifecycle's page and API tests share: a provider offering both kinds, a merchant's store,
a full-operation track certification, and readers of the rows outside any scope."""

import pytest

from contracts.choices import ContractKind
from contracts.models import Contract, ContractEvent
from linke.tenancy import all_providers
from providers.models import Provider, ProviderStanding

from ..factories import StoreFactory

SPECIALIZED = ContractKind.SPECIALIZED
FULL = ContractKind.FULL_OPERATION


@pytest.fixture
def offering(provider, tracks):
    """`provider` offering both kinds and certified in the dining track (the full-operation gate)."""
    Provider.objects.filter(pk=provider.pk).update(cooperation_modes=[SPECIALIZED, FULL])
    with all_providers():
        ProviderStanding.objects.get(provider=provider).certified_tracks.add(tracks[0])
    provider.refresh_from_db()
    return provider


@pytest.fixture
def shop(merchant, cities, districts, categories):
    return StoreFactory(
        merchant=merchant,
        name="老张火锅（五四路店）",
        city=cities[0],
        district=districts[0],
        address="鼓楼区五四路88号",
        category=categories["hotpot"],
    )


@pytest.fixture
def second_shop(merchant, cities, categories):
    return StoreFactory(merchant=merchant, name="老张火锅（东街店）", city=cities[0], category=categories["bbq"])


def fetch(contract) -> Contract:
    with all_providers():
        return Contract.objects.get(pk=contract.pk)


def contracts_of(provider) -> list[tuple]:
    with all_providers():
        return list(
            Contract.objects.filter(provider=provider).order_by("pk").values_list("merchant_id", "kind", "status")
        )


def timeline_kinds(contract) -> list[str]:
    with all_providers():
        return list(ContractEvent.objects.filter(contract=contract).order_by("pk").values_list("kind", flat=True))


def store_ids(contract) -> list[int]:
    with all_providers():
        return sorted(fetch(contract).contract_stores.values_list("store_id", flat=True))
