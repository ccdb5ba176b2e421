"""The demo's cooperation requests: one in each state, made through the services, and seeding twice adds nothing."""

import pytest

from linke.demo import Demo
from linke.tenancy import all_providers
from merchants.choices import RequestStatus
from merchants.demo import requests as demo_requests
from merchants.models import CooperationRequest
from providers.choices import CooperationMode, Role

from ..factories import MembershipFactory, MerchantFactory, ProviderFactory, StoreFactory

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_request_in_each_state_and_is_idempotent(cities, categories):
    demo = Demo()
    owner = demo.user("merchant@demo.test", "演示商家")
    merchant = MerchantFactory(owner=owner)
    for n in range(3):
        StoreFactory(merchant=merchant, city=cities[n % 2], category=categories["hotpot"], name=f"老张火锅{n}号店")
    alpha = ProviderFactory(name="阿尔法服务商", cooperation_modes=[CooperationMode.FULL_OPERATION])
    with all_providers():
        MembershipFactory(provider=alpha, role=Role.OWNER)
        bd = MembershipFactory(provider=alpha, role=Role.BD)

    with all_providers():
        demo_requests.seed(demo)
        demo_requests.seed(demo)
        made = list(CooperationRequest.objects.order_by("pk").values_list("status", "read_at", "answered_by"))

    assert [(status, read_at is not None, answered_by) for status, read_at, answered_by in made] == [
        (RequestStatus.DECLINED, True, bd.pk),
        (RequestStatus.WITHDRAWN, False, None),
        (RequestStatus.OPEN, True, None),
        (RequestStatus.OPEN, False, None),
    ]
    assert demo.notes == []


def test_the_demo_skips_quietly_without_the_merchant(db):
    demo = Demo()
    with all_providers():
        demo_requests.seed(demo)
    assert demo.notes == ["demo cooperation requests skipped: the demo merchant or 阿尔法服务商 is missing"]
