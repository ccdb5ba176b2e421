"""Isolation cases of the merchants domain's requests routes (merged into tests/tenancy/test_isolation.py).

PROVIDER_ROUTES: route -> (make(membership) -> object of membership.provider, marker(obj), methods)
MERCHANT_ROUTES: route -> (make(merchant) -> object of that merchant, marker(obj), methods)
NOT_OWNED_ROUTES: route -> why nothing is owned there
OWNER_OF: route -> owner(obj), when the owner is not obj.provider_id (provider routes) / obj.merchant_id

`make_request()` is also the requests tests' way to put a request in place without the send rules."""

import itertools

from linke.tenancy import all_providers
from merchants.choices import RequestStatus
from merchants.models import CooperationRequest, CooperationRequestStore
from providers.choices import CooperationMode
from reference.models import Category, Region, ServiceCity

from ...factories import MerchantFactory, ProviderFactory, StoreFactory

_numbers = itertools.count(1)


def reference_rows():
    """A city and a sub-category for stores, whether or not the `cities`/`categories` fixtures made them."""
    region, _ = Region.objects.get_or_create(code="350100", defaults={"name": "福州市", "level": 2})
    city, _ = ServiceCity.objects.get_or_create(region=region, defaults={"name": "福州市", "name_pinyin": "fuzhoushi"})
    category, _ = Category.objects.get_or_create(slug="hotpot", defaults={"name": "火锅", "name_en": "Hotpot"})
    return city, category


def make_request(provider, merchant, *, stores=None, mode=CooperationMode.SPECIALIZED, **fields):
    """A request of `merchant` to `provider` for `stores` (default: a new store), written directly; its
    message is unique (a marker that shows the request)."""
    if stores is None:
        city, category = reference_rows()
        stores = [StoreFactory(merchant=merchant, city=city, category=category)]
    fields.setdefault("message", f"合作意向第{next(_numbers)}号：希望做团购")
    with all_providers():
        request = CooperationRequest.objects.create(
            provider=provider, merchant=merchant, mode=mode, sent_by=merchant.owner, **fields
        )
        is_open = request.status == RequestStatus.OPEN
        CooperationRequestStore.objects.bulk_create(
            [CooperationRequestStore(request=request, store=s, provider=provider, is_open=is_open) for s in stores]
        )
    return request


def received(membership):
    return make_request(membership.provider, MerchantFactory())


def sent(merchant):
    return make_request(ProviderFactory(), merchant)


def message(request):
    return request.message


DECLINE = {"reason": "暂不服务该城市"}

PROVIDER_ROUTES = {
    "portal:request_detail": (received, message, ("get",)),
    "portal:request_decline": (received, message, (("post", DECLINE),)),
    "api:request-detail": (received, message, ("get",)),
    "api:request-read": (received, message, ("post",)),
    "api:request-decline": (received, message, (("post", DECLINE),)),
}
MERCHANT_ROUTES = {
    "merchant:request_detail": (sent, message, ("get",)),
    "merchant:request_withdraw": (sent, message, ("post",)),
    "api:merchant-request-detail": (sent, message, ("get",)),
    "api:merchant-request-withdraw": (sent, message, ("post",)),
}
NOT_OWNED_ROUTES = {}
OWNER_OF = {}
