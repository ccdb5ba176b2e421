"""Rows and calls the rfqs tests share: a market (a city and a track of its own) that `provider` serves, a team
in every role, the merchant's stores there, and the services called the way their channels call them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from contracts.services import rfqs as services
from linke.actors import Actor
from linke.models import User
from merchants.tenancy import merchant_scope
from providers.choices import CooperationMode, Role, ServiceArea, ServiceLevel
from providers.tenancy import provider_scope

from ..factories import StoreFactory
from ..tenancy.cases.rfqs import new_market, serve

SPECIALIZED = CooperationMode.SPECIALIZED
FULL = CooperationMode.FULL_OPERATION


@pytest.fixture(name="market")
def market_fixture(db):
    """(city, track, category): a service city and a track that requires certification for full operation."""
    return new_market()


@pytest.fixture(name="team")
def team_fixture(provider, member, market):
    """`provider` serves the market; one member in every role, all reading English."""
    city, track, _category = market
    serve(provider, cities=[city], tracks=[track])
    team = {role: member(role) for role in Role}
    User.objects.filter(pk__in=[m.user_id for m in team.values()]).update(language="en")
    return team


@pytest.fixture(name="shops")
def shops_fixture(merchant, market):
    """Two stores of `merchant` in the market's city; the merchant's owner reads English."""
    city, _track, category = market
    User.objects.filter(pk=merchant.owner_id).update(language="en")
    merchant.owner.refresh_from_db()
    return [
        StoreFactory(merchant=merchant, name=name, city=city, category=category)
        for name in ("老张火锅（五四路店）", "老张火锅（台江店）")
    ]


def merchant_actor(merchant):
    return Actor.for_merchant(merchant, user=merchant.owner)


def post(merchant, market, stores, **fields):
    """`rfq_create` in the merchant's scope, with a valid need unless `fields` say otherwise."""
    city, track, _category = market
    values = {
        "title": "两家火锅店的抖音短视频",
        "track": track,
        "city": city,
        "stores": stores,
        "mode": SPECIALIZED,
        "budget_min": Decimal("3000.00"),
        "budget_max": Decimal("8000.00"),
        "deadline": timezone.now() + timedelta(days=10),
        "description": "每月8条团购短视频，下月开始。",
    } | fields
    with merchant_scope(merchant):
        return services.rfq_create(actor=merchant_actor(merchant), **values)


SPECIALIZED_PROPOSAL = {
    "price": Decimal("6800.00"),
    "scope": "两家门店每月8条团购短视频，含脚本与剪辑。",
    "deliverables": "8条短视频、月度数据报告",
    "timeline_days": 30,
    "service_area": ServiceArea.SHORT_VIDEO,
    "service_level": ServiceLevel.VALUE_ADDED,
}
FULL_PROPOSAL = {
    "price": Decimal("12000.00"),
    "scope": "抖音店铺代运营：直播、短视频、团购上新。",
    "deliverables": "每月8条短视频、20小时直播、月报",
    "timeline_days": 180,
    "monthly_gmv_target": Decimal("150000.00"),
    "videos_per_month": 8,
}


def propose(membership, rfq, **fields):
    """`rfq_propose` in the member's provider scope (the portal's way)."""
    values = (FULL_PROPOSAL if rfq.mode == FULL else SPECIALIZED_PROPOSAL) | fields
    with provider_scope(membership.provider):
        return services.rfq_propose(actor=Actor.member(membership), rfq=rfq, **values)


def accept(merchant, rfq, proposal):
    with merchant_scope(merchant):
        return services.rfq_accept(actor=merchant_actor(merchant), rfq=rfq, proposal=proposal)


def cancel(merchant, rfq):
    with merchant_scope(merchant):
        return services.rfq_cancel(actor=merchant_actor(merchant), rfq=rfq)


def withdraw(membership, proposal):
    with provider_scope(membership.provider):
        return services.proposal_withdraw(actor=Actor.member(membership), proposal=proposal)
