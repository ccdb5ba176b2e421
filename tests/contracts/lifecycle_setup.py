"""Rows and helpers the contract lifecycle's service tests share (no tests here): a provider serving 福州 in
the dining track with both cooperation modes and the dining certification, its members, a merchant with
two hotpot stores that sent it a cooperation request, terms of both kinds, and the actions as each side
calls them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from contracts.choices import ContractKind, ServiceArea, ServiceLevel, StandardKind
from contracts.models import Contract, ContractEvent, ContractStore, Deliverable
from contracts.services.contracts import contract_draft, contract_propose, contract_sign
from linke.actors import Actor
from linke.tenancy import all_providers
from merchants.services.requests import request_send
from merchants.tenancy import merchant_scope
from providers.choices import Role
from providers.models import Provider, ProviderStanding

from ..factories import StoreFactory

SPECIALIZED = ContractKind.SPECIALIZED
FULL = ContractKind.FULL_OPERATION


def today():
    return timezone.localdate()


def specialized_terms(*, start=None, days=30, **changes) -> dict:
    """A month of short videos: one item of 3 videos at ¥800.00, due two weeks in."""
    start = start or today() + timedelta(days=1)
    terms = {
        "title": "探店短视频专项",
        "scope": "拍摄并发布探店短视频",
        "start_date": start,
        "end_date": start + timedelta(days=days - 1),
        "items": [
            {
                "area": ServiceArea.SHORT_VIDEO,
                "level": ServiceLevel.BASIC,
                "title": "探店短视频",
                "unit_price": Decimal("800.00"),
                "quantity": 3,
                "due_date": start + timedelta(days=14),
            }
        ],
    }
    return terms | changes


def full_terms(*, start=None, days=180, **changes) -> dict:
    """Half a year of full operation: ¥5,000.00 a month plus 5.00 % of GMV, a GMV target and 4 videos."""
    start = start or today() + timedelta(days=1)
    terms = {
        "title": "门店代运营",
        "scope": "线上店铺全托管",
        "start_date": start,
        "end_date": start + timedelta(days=days - 1),
        "monthly_fee": Decimal("5000.00"),
        "commission_bp": 500,
        "standards": [
            {"kind": StandardKind.SHORT_VIDEOS, "target": Decimal("4")},
            {"kind": StandardKind.MONTHLY_GMV, "target": Decimal("100000")},
        ],
    }
    return terms | changes


def serve(provider, city, track, *, certified=True):
    """`provider` serves `city` in `track`, offers both kinds and (by default) is certified in `track`."""
    Provider.objects.filter(pk=provider.pk).update(cooperation_modes=[SPECIALIZED, FULL])
    provider.service_cities.add(city)
    provider.tracks.add(track)
    if certified:
        ProviderStanding.objects.get(provider=provider).certified_tracks.add(track)
    provider.refresh_from_db()
    return provider


def send_request(merchant, provider, stores, mode=SPECIALIZED):
    """`merchant` asks `provider` to cooperate for `stores` (in the merchant's channel)."""
    with merchant_scope(merchant):
        return request_send(
            actor=Actor.for_merchant(merchant, user=merchant.owner),
            provider=provider,
            stores=stores,
            mode=mode,
            message="想做探店短视频",
        )


@pytest.fixture
def world(provider, member, merchant, cities, tracks, categories):
    """`provider` (owner, admin, bd) serving 福州 dining; `merchant` with two hotpot stores in 福州 that sent
    it a cooperation request for the first."""
    serve(provider, cities[0], tracks[0])

    class World:
        owner = member(Role.OWNER)
        admin = member(Role.ADMIN)
        bd = member(Role.BD)
        operator = member(Role.OPERATOR)
        store = StoreFactory(
            merchant=merchant, name="老张火锅（五四路店）", city=cities[0], category=categories["hotpot"]
        )
        second_store = StoreFactory(
            merchant=merchant, name="老张火锅（东街店）", city=cities[0], category=categories["hotpot"]
        )
        request = send_request(merchant, provider, [store])

    World.provider, World.merchant, World.tracks, World.categories, World.cities = (
        provider,
        merchant,
        tracks,
        categories,
        cities,
    )
    return World


def as_member(membership) -> Actor:
    return Actor.member(membership)


def as_merchant(merchant) -> Actor:
    return Actor.for_merchant(merchant, user=merchant.owner)


def draft(world, *, kind=SPECIALIZED, terms=None, stores=None, by=None, **kwargs) -> Contract:
    terms = terms or (specialized_terms() if kind == SPECIALIZED else full_terms())
    return contract_draft(
        actor=as_member(by or world.bd),
        merchant=world.merchant,
        stores=stores or [world.store],
        kind=kind,
        terms=terms,
        **kwargs,
    )


def proposed(world, **kwargs) -> Contract:
    by = kwargs.get("by") or world.bd
    return contract_propose(actor=as_member(by), contract=draft(world, **kwargs))


def signed(world, **kwargs) -> Contract:
    contract = proposed(world, **kwargs)
    return contract_sign(actor=as_merchant(world.merchant), contract=contract, version=1, confirm_fees=True)


def fetch(contract) -> Contract:
    with all_providers():
        return Contract.objects.get(pk=contract.pk)


def timeline(contract) -> list[tuple[str, str]]:
    with all_providers():
        return list(ContractEvent.objects.filter(contract_id=contract.pk).order_by("pk").values_list("kind", "side"))


def holdings(contract) -> list[tuple]:
    """(store id, period lower, period upper, exclusive) of the contract's stores."""
    return [
        (row.store_id, row.period.lower, row.period.upper, row.exclusive)
        for row in ContractStore.objects.filter(contract_id=contract.pk).order_by("store_id")
    ]


def deliverables_of(contract) -> list[tuple]:
    with all_providers():
        return list(
            Deliverable.objects.filter(contract_id=contract.pk)
            .order_by("due_at", "sequence", "pk")
            .values_list("title", "sequence", "status")
        )
