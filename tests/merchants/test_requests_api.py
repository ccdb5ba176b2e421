"""The API twins of cooperation requests: the merchant's `merchant/requests/` (list, send, retrieve, withdraw)
and the provider's `requests/` (list with filters, retrieve that writes nothing, read, decline), with the
same permission matrix and stable error codes."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from linke.tenancy import all_providers
from merchants.choices import RequestStatus
from merchants.models import CooperationRequest
from merchants.rules import REQUESTS_PER_DAY
from providers.choices import CooperationMode, ProviderStatus, Role
from providers.models import Provider

from ..factories import MerchantFactory, StoreFactory, UserFactory
from ..tenancy.cases.requests import make_request

pytestmark = [pytest.mark.django_db]

FULL = CooperationMode.FULL_OPERATION


def api_for(user) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_login(user)
    return api


@pytest.fixture
def offering(provider, member):
    member(Role.OWNER)
    Provider.objects.filter(pk=provider.pk).update(cooperation_modes=[FULL])
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


def count_requests():
    with all_providers():
        return CooperationRequest.objects.count()


def send(api, provider, stores, extra=None):
    body = {"provider": provider.pk, "mode": FULL, "stores": [s.pk for s in stores], "message": "想做团购"}
    body |= extra or {}
    return api.post(reverse("api:merchant-request-list"), body, format="json")


# --- the merchant's side --------------------------------------------------------------------------


def test_send_then_list_and_retrieve(merchant, offering, shop):
    api = api_for(merchant.owner)
    response = send(api, offering, [shop])
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {key: body[key] for key in ("mode", "status", "message", "decline_reason", "answered_at")} == {
        "mode": "full_operation",
        "status": "open",
        "message": "想做团购",
        "decline_reason": "",
        "answered_at": None,
    }
    assert body["provider"] == {"id": offering.pk, "name": offering.name}
    assert body["stores"] == [
        {
            "id": shop.pk,
            "name": "老张火锅（五四路店）",
            "city": "Fuzhou",
            "district": "鼓楼区",
            "address": "鼓楼区五四路88号",
            "category": "Hotpot",
        }
    ]
    listed = api.get(reverse("api:merchant-request-list")).json()
    assert [r["id"] for r in listed["results"]] == [body["id"]]
    assert api.get(reverse("api:merchant-request-detail", kwargs={"pk": body["id"]})).json() == body


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ("foreign_store", 400, "invalid"),
        ("unknown_provider", 400, "invalid"),
        ("suspended", 409, "provider_not_active"),
        ("mode_not_offered", 400, "mode_not_offered"),
        ("duplicate", 409, "request_open_exists"),
        ("daily_limit", 429, "request_daily_limit"),
    ],
)
def test_send_refusals_have_stable_codes(change, status, code, merchant, offering, shop, other_merchant, cities):
    api = api_for(merchant.owner)
    stores, extra = [shop], {}
    if change == "foreign_store":
        stores = [StoreFactory(merchant=other_merchant, city=cities[0], category=shop.category)]
    elif change == "unknown_provider":
        extra = {"provider": 2**62}
    elif change == "suspended":
        Provider.objects.filter(pk=offering.pk).update(status=ProviderStatus.SUSPENDED)
    elif change == "mode_not_offered":
        extra = {"mode": CooperationMode.SPECIALIZED}
    elif change == "duplicate":
        make_request(offering, merchant, stores=[shop], mode=FULL)
    elif change == "daily_limit":
        for _ in range(REQUESTS_PER_DAY):
            make_request(offering, merchant, status=RequestStatus.WITHDRAWN)
    before = count_requests()
    response = send(api, offering, stores, extra)
    assert (response.status_code, response.json()["code"]) == (status, code), response.json()
    assert count_requests() == before
    if change == "daily_limit":
        assert response.json()["details"]["limit"] == REQUESTS_PER_DAY


@pytest.mark.parametrize(
    "body",
    [
        {"provider": "x\x00", "mode": FULL, "stores": [1], "message": "a"},
        {"provider": 10**30, "mode": FULL, "stores": [1], "message": "a"},
        {"provider": 1, "mode": FULL, "stores": [10**30], "message": "a"},
        {"provider": 1, "mode": FULL, "stores": [], "message": "a"},
        {"provider": 1, "mode": "bogus", "stores": [1], "message": "a"},
    ],
)
def test_crafted_send_input_is_a_400(body, merchant, offering, shop):
    response = api_for(merchant.owner).post(reverse("api:merchant-request-list"), body, format="json")
    assert response.status_code == 400
    assert count_requests() == 0


def test_a_user_without_a_merchant_profile_is_refused(offering):
    response = api_for(UserFactory()).get(reverse("api:merchant-request-list"))
    assert (response.status_code, response.json()["code"]) == (403, "no_merchant")


def test_withdraw_then_again_is_a_conflict(merchant, offering, shop):
    request = make_request(offering, merchant, stores=[shop])
    api = api_for(merchant.owner)
    url = reverse("api:merchant-request-withdraw", kwargs={"pk": request.pk})
    assert api.post(url).json()["status"] == "withdrawn"
    again = api.post(url)
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")


def test_the_merchant_list_filters(merchant, provider, other_provider):
    open_one = make_request(provider, merchant)
    declined = make_request(other_provider, merchant, status=RequestStatus.DECLINED)
    make_request(provider, MerchantFactory())
    api = api_for(merchant.owner)

    def ids(query):
        return [r["id"] for r in api.get(reverse("api:merchant-request-list") + query).json()["results"]]

    assert ids("") == [declined.pk, open_one.pk]
    assert ids("?status=declined") == [declined.pk]
    assert ids(f"?provider={provider.pk}") == [open_one.pk]
    assert api.get(reverse("api:merchant-request-list") + "?status=bogus").status_code == 400


# --- the provider's side --------------------------------------------------------------------------


def test_the_inbox_filters_and_a_get_writes_nothing(provider, member, other_provider):
    unread = make_request(provider, MerchantFactory(), mode=FULL)
    read = make_request(provider, MerchantFactory(), mode=CooperationMode.SPECIALIZED)
    with all_providers():
        CooperationRequest.objects.filter(pk=read.pk).update(read_at=read.created_at)
    make_request(other_provider, MerchantFactory())
    api = api_for(member(Role.VIEWER).user)

    def ids(query):
        return [r["id"] for r in api.get(reverse("api:request-list") + query).json()["results"]]

    assert ids("") == [read.pk, unread.pk]
    assert ids("?unread=true") == [unread.pk]
    assert ids("?mode=specialized") == [read.pk]
    assert ids("?status=declined") == []
    detail = api.get(reverse("api:request-detail", kwargs={"pk": unread.pk})).json()
    assert detail["read_at"] is None
    assert detail["merchant"]["contact_name"] == "张三"
    with all_providers():
        assert CooperationRequest.objects.get(pk=unread.pk).read_at is None
    marked = api.post(reverse("api:request-read", kwargs={"pk": unread.pk}))
    assert marked.status_code == 200 and marked.json()["read_at"] is not None


@pytest.mark.parametrize(("role", "status"), [(Role.BD, 200), (Role.OPERATOR, 403), (Role.VIEWER, 403)])
def test_decline_follows_the_permission_matrix(role, status, provider, member):
    request = make_request(provider, MerchantFactory())
    response = api_for(member(role).user).post(
        reverse("api:request-decline", kwargs={"pk": request.pk}), {"reason": "暂不服务该城市"}, format="json"
    )
    assert response.status_code == status
    with all_providers():
        request.refresh_from_db()
    if status == 200:
        assert (response.json()["status"], response.json()["decline_reason"]) == ("declined", "暂不服务该城市")
        assert request.status == RequestStatus.DECLINED
    else:
        assert response.json()["code"] == "permission_denied"
        assert (request.status, request.decline_reason) == (RequestStatus.OPEN, "")


def test_decline_needs_a_reason(provider, member):
    request = make_request(provider, MerchantFactory())
    response = api_for(member(Role.BD).user).post(
        reverse("api:request-decline", kwargs={"pk": request.pk}), {"reason": "   "}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "reason" in response.json()["details"]
    with all_providers():
        assert CooperationRequest.objects.get(pk=request.pk).status == RequestStatus.OPEN
