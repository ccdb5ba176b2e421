"""Isolation cases of the contracts domain's rfqs routes (merged into tests/tenancy/test_isolation.py); the
shapes are those of tests/tenancy/cases/requests.py. Each own object is made in the state in which the probed
action succeeds, so that the probe of the own object proves the route works for its owner.

A need is the merchant's row; on the provider's side "another provider's need" is one only another provider
may answer: each is made in a city and track of its own, served by that provider alone (`seen_by`).

`make_rfq()`, `make_proposal()`, `new_market()` and `serve()` are also the rfqs tests' way to put rows in
place without the services' rules."""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from contracts.choices import ProposalStatus, RfqStatus
from contracts.models import Proposal, Rfq
from linke.tenancy import all_providers
from providers.choices import CooperationMode, ServiceArea, ServiceLevel
from providers.models import ProviderStanding
from reference.models import Category, Region, ServiceCity, Track

from ...factories import MerchantFactory, ProviderFactory, StoreFactory

_numbers = itertools.count(1)


def new_market(*, requires_certification: bool = True):
    """A new service city and track (with one sub-category of its own): (city, track, category)."""
    n = next(_numbers)
    region = Region.objects.create(code=f"99{n:04d}", name=f"需求市{n}", level=2)
    city = ServiceCity.objects.create(
        region=region, name=f"需求市{n}", name_en=f"Need City {n}", name_pinyin=f"xuqiushi{n}"
    )
    category = Category.objects.create(slug=f"need-category-{n}", name=f"需求品类{n}", name_en=f"Need category {n}")
    track = Track.objects.create(
        slug=f"need-track-{n}",
        name=f"需求赛道{n}",
        name_en=f"Need track {n}",
        full_operation_requires_certification=requires_certification,
    )
    track.categories.set([category])
    return city, track, category


def serve(provider, *, cities=(), tracks=(), certified=()):
    """`provider` serves these cities and tracks in both cooperation modes and is certified in `certified`
    (added to what it has)."""
    with all_providers():
        if set(provider.cooperation_modes) != set(CooperationMode.values):
            provider.cooperation_modes = list(CooperationMode.values)
            provider.save(update_fields=["cooperation_modes"])
        provider.service_cities.add(*cities)
        provider.tracks.add(*tracks)
        ProviderStanding.objects.get_or_create(provider=provider)[0].certified_tracks.add(*certified)


def make_rfq(
    merchant,
    *,
    city,
    track,
    category=None,
    stores=None,
    mode=CooperationMode.SPECIALIZED,
    status=RfqStatus.OPEN,
    deadline=None,
    **fields,
):
    """A need of `merchant` for `stores` (default: a new store in `city`, of `category` or the track's first
    sub-category), written directly; its title is unique (a marker that shows the need)."""
    if stores is None:
        category = category or track.categories.first()
        stores = [StoreFactory(merchant=merchant, city=city, category=category)]
    number = next(_numbers)
    fields.setdefault("title", f"需求{number}号：门店短视频")
    fields.setdefault("description", f"每月8条团购短视频（需求{number}号）")
    fields.setdefault("budget_min", Decimal("3000.00"))
    fields.setdefault("budget_max", Decimal("8000.00"))
    with all_providers():
        rfq = Rfq.objects.create(
            merchant=merchant,
            city=city,
            track=track,
            mode=mode,
            status=status,
            deadline=deadline or timezone.now() + timedelta(days=7),
            posted_by=merchant.owner,
            **fields,
        )
        Rfq.stores.through.objects.bulk_create([Rfq.stores.through(rfq=rfq, store=store) for store in stores])
    return rfq


def make_proposal(provider, rfq, *, status=ProposalStatus.SUBMITTED, price="5000.00", **fields):
    """`provider`'s proposal for `rfq`, written directly (no eligibility check)."""
    full = rfq.mode == CooperationMode.FULL_OPERATION
    fields.setdefault("timeline_days", 180 if full else 30)
    fields.setdefault("scope", f"{provider.name}的方案：脚本、拍摄与剪辑")
    fields.setdefault("deliverables", "8条短视频、月度数据报告")
    if full:
        fields.setdefault("monthly_gmv_target", Decimal("100000.00"))
        fields.setdefault("videos_per_month", 8)
    else:
        fields.setdefault("service_area", ServiceArea.SHORT_VIDEO)
        fields.setdefault("service_level", ServiceLevel.VALUE_ADDED)
    with all_providers():
        return Proposal.objects.create(
            rfq=rfq,
            provider=provider,
            merchant_id=rfq.merchant_id,
            price=Decimal(price),
            status=status,
            submitted_by=rfq.merchant.owner,
            **fields,
        )


# --- provider routes -----------------------------------------------------------------------------


def _open_need_for(provider) -> Rfq:
    city, track, _category = new_market()
    serve(provider, cities=[city], tracks=[track])
    rfq = make_rfq(MerchantFactory(), city=city, track=track)
    rfq.seen_by = provider.pk
    return rfq


def need(membership):
    """An open need only `membership`'s provider may answer."""
    return _open_need_for(membership.provider)


def proposal(membership):
    """A submitted proposal of `membership`'s provider for an open need."""
    return make_proposal(membership.provider, _open_need_for(membership.provider))


def title(rfq):
    return rfq.title


def proposal_scope(proposal):
    return proposal.scope


PROPOSE = {
    "price": "6800.00",
    "timeline_days": "30",
    "scope": "两家门店每月8条团购短视频，含脚本与剪辑。",
    "deliverables": "8条短视频、月度数据报告",
    "service_area": ServiceArea.SHORT_VIDEO,
    "service_level": ServiceLevel.VALUE_ADDED,
}

PROVIDER_ROUTES = {
    "portal:rfq_view": (need, title, ("get",)),
    "portal:rfq_propose": (need, title, (("post", PROPOSE),)),
    "portal:proposal_withdraw": (proposal, proposal_scope, ("post",)),
    "api:need-detail": (need, title, ("get",)),
    "api:need-propose": (need, title, (("post", PROPOSE),)),
    "api:rfq-proposal-detail": (proposal, proposal_scope, ("get",)),
    "api:rfq-proposal-withdraw": (proposal, proposal_scope, ("post",)),
}


def _seen_by(rfq):
    return rfq.seen_by


# --- merchant routes -----------------------------------------------------------------------------

_proposals_made: list[int] = []


def posted(merchant):
    """An open need of `merchant` with one submitted proposal of an eligible provider in good standing."""
    city, track, _category = new_market()
    rfq = make_rfq(merchant, city=city, track=track)
    bidder = ProviderFactory()
    serve(bidder, cities=[city], tracks=[track])
    _proposals_made.append(make_proposal(bidder, rfq).pk)
    return rfq


class OwnProposal:
    """The `proposal` field of an accept probe, read when the request is sent: the proposal of the first need
    of the probe's pair, the client's own (test_isolation makes `own, foreign = make(merchant),
    make(other_merchant)`). The foreign need answers 404 before the field is read."""

    def __str__(self):
        return str(_proposals_made[-2])


ACCEPT = {"proposal": OwnProposal()}

MERCHANT_ROUTES = {
    "merchant:rfq_detail": (posted, title, ("get",)),
    "merchant:rfq_accept": (posted, title, (("post", ACCEPT),)),
    "merchant:rfq_cancel": (posted, title, ("post",)),
    "api:merchant-need-detail": (posted, title, ("get",)),
    "api:merchant-need-accept": (posted, title, (("post", ACCEPT),)),
    "api:merchant-need-cancel": (posted, title, ("post",)),
}
NOT_OWNED_ROUTES = {}
OWNER_OF = {
    route: _seen_by for route in ("portal:rfq_view", "portal:rfq_propose", "api:need-detail", "api:need-propose")
}
