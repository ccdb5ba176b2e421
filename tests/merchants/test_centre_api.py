"""API twins of the merchant centre: /api/v1/merchant/profile/, /api/v1/merchant/stores/ and the districts
of a city (/api/v1/reference/cities/<id>/districts/): answers, stable error codes, isolation, query counts."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from linke.models import AuditEvent
from merchants.models import Lead, Merchant, Store
from merchants.tenancy import merchant_scope
from providers.choices import Role
from reference.models import Region

from ..factories.merchants import StoreFactory
from ..query_counts import BASELINE, assert_query_baseline

pytestmark = pytest.mark.django_db
PROFILE, STORES = "/api/v1/merchant/profile/", "/api/v1/merchant/stores/"


def api_for(user=None):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def store_url(store):
    return reverse("api:merchant-store-detail", kwargs={"pk": store.pk})


def districts_url(city_pk):
    return reverse("api:reference-city-districts", kwargs={"pk": city_pk})


@pytest.fixture
def chaoyang(cities):
    return Region.objects.create(code="110105", name="朝阳区", level=3, parent=cities[1].region)


# --- profile ----------------------------------------------------------------------------------------


def test_a_user_creates_the_merchant_profile_once(user):
    api = api_for(user)
    assert api.get(PROFILE).json()["code"] == "no_merchant"
    response = api.post(
        PROFILE,
        {"name": "福州老张餐饮", "credit_code": "91350102ma2y0k123m", "contact_mobile": "13812345678"},
        format="json",
    )
    assert response.status_code == 201
    merchant = Merchant.objects.get(owner=user)
    assert response.json() == {
        "id": merchant.pk,
        "name": "福州老张餐饮",
        "credit_code": "91350102MA2Y0K123M",
        "contact_name": "",
        "contact_mobile": "+8613812345678",
        "created_at": response.json()["created_at"],
    }
    again = api.post(PROFILE, {"name": "第二个"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "merchant_exists")
    assert Merchant.objects.filter(owner=user).count() == 1
    assert AuditEvent.objects.filter(action="merchant.create").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "商家", "credit_code": "91350102MA2Y0K1230"}, "credit_code"),
        ({"name": "商家", "contact_mobile": "059187654321"}, "contact_mobile"),
        ({"name": ""}, "name"),
        ({}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "商家\u202e"}, "name"),
    ],
)
def test_bad_profile_input_is_400_with_the_field(user, payload, field):
    response = api_for(user).post(PROFILE, payload, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and field in response.json()["details"]
    assert not Merchant.objects.exists()


def test_the_merchant_reads_and_patches_its_profile(merchant):
    api = api_for(merchant.owner)
    assert api.get(PROFILE).json()["name"] == "演示餐饮有限公司"
    response = api.patch(PROFILE, {"contact_name": "李四"}, format="json")
    assert response.status_code == 200 and response.json()["contact_name"] == "李四"
    merchant.refresh_from_db()
    assert merchant.contact_name == "李四"
    bad = api.patch(PROFILE, {"contact_mobile": "12"}, format="json")
    assert (bad.status_code, list(bad.json()["details"])) == (400, ["contact_mobile"])
    assert AuditEvent.objects.filter(action="merchant.update").count() == 1


def test_the_profile_refuses_visitors_and_providers_without_a_merchant_account(member):
    assert api_for().get(PROFILE).json()["code"] == "not_authenticated"
    provider_member = api_for(member(Role.OWNER).user)
    for response in (provider_member.get(PROFILE), provider_member.patch(PROFILE, {"name": "x"}, format="json")):
        assert (response.status_code, response.json()["code"]) == (403, "no_merchant")
    assert provider_member.get(STORES).json()["code"] == "no_merchant"


# --- stores -----------------------------------------------------------------------------------------


def test_the_merchant_adds_reads_lists_and_patches_a_store(merchant, cities, districts, categories):
    api = api_for(merchant.owner)
    payload = {
        "name": "老张火锅(五四路店)",
        "city": cities[0].pk,
        "district": "350102",
        "address": "鼓楼区五四路88号",
        "category": "hotpot",
        "average_ticket": "88.00",
    }
    created = api.post(STORES, payload, format="json")
    assert created.status_code == 201
    store_id = created.json()["id"]
    expected = {
        "id": store_id,
        "name": "老张火锅(五四路店)",
        "city": cities[0].pk,
        "city_name": "福州市",
        "district": "350102",
        "district_name": "鼓楼区",
        "address": "鼓楼区五四路88号",
        "category": "hotpot",
        "category_name": "火锅",
        "average_ticket": "88.00",
        "created_at": created.json()["created_at"],
    }
    assert created.json() == expected
    assert Lead.objects.get(merchant=merchant).store_count == 1  # the merchant became a lead
    assert api.get(f"{STORES}{store_id}/").json() == expected
    assert api.get(STORES).json()["results"] == [expected]
    patched = api.patch(f"{STORES}{store_id}/", {"district": None, "average_ticket": "96.50"}, format="json")
    assert patched.status_code == 200
    assert (patched.json()["district"], patched.json()["district_name"], patched.json()["average_ticket"]) == (
        None,
        None,
        "96.50",
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"district": "110105"}, "district"),  # a district of 北京, the store is in 福州
        ({"city": 99999999999999999999}, "city"),
        ({"city": "abc"}, "city"),
        ({"category": "food"}, "category"),  # an industry, not a sub-category
        ({"average_ticket": "-0.01"}, "average_ticket"),
        ({"average_ticket": "NaN"}, "average_ticket"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_store_input_is_400_and_nothing_is_written(
    merchant, cities, districts, categories, chaoyang, payload, field
):
    base = {"name": "店", "city": cities[0].pk, "address": "某路1号", "category": "hotpot"}
    response = api_for(merchant.owner).post(STORES, {**base, **payload}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and list(response.json()["details"]) == [field]
    with merchant_scope(merchant):
        assert not Store.objects.exists()


def test_patching_the_city_alone_checks_the_district_it_keeps(merchant, cities, districts, categories):
    store = StoreFactory(merchant=merchant, city=cities[0], district=districts[0], category=categories["hotpot"])
    response = api_for(merchant.owner).patch(store_url(store), {"city": cities[1].pk}, format="json")
    assert response.status_code == 400
    assert response.json()["details"] == {
        "district": ["鼓楼区 is not a district of Beijing: choose one of its districts."]
    }
    store.refresh_from_db()
    assert store.city == cities[0]


def test_stores_cannot_be_replaced_or_deleted(merchant, cities, categories):
    store = StoreFactory(merchant=merchant, city=cities[0], category=categories["hotpot"])
    api = api_for(merchant.owner)
    assert api.put(store_url(store), {"name": "x"}, format="json").status_code == 405
    assert api.delete(store_url(store)).status_code == 405
    with merchant_scope(merchant):
        assert Store.objects.filter(pk=store.pk).exists()


def test_another_merchants_store_is_404(merchant, other_merchant, cities, categories):
    theirs = StoreFactory(merchant=other_merchant, city=cities[0], category=categories["hotpot"], name="别家的店")
    api = api_for(merchant.owner)
    for response in (api.get(store_url(theirs)), api.patch(store_url(theirs), {"name": "抢"}, format="json")):
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert api.get(STORES).json()["results"] == []
    assert api.get(f"{STORES}abc/").status_code == 404
    assert api.get(f"{STORES}99999999999999999999/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "别家的店"


def test_the_store_list_runs_the_same_queries_at_1_3_and_50_rows(merchant, cities, districts, categories):
    api = api_for(merchant.owner)
    made = []

    def add_rows(count):
        stores = [
            StoreFactory(merchant=merchant, city=cities[0], district=districts[0], category=categories["hotpot"])
            for _ in range(count)
        ]
        made.extend(stores)
        return [store.name for store in stores]

    expected = assert_query_baseline("api:merchant-store-list", lambda: api.get(STORES), add_rows, n=1)
    names = [store.name for store in made] + add_rows(50 - len(made))
    with CaptureQueriesContext(connection) as captured:
        results = api.get(STORES).json()["results"]
    assert sorted(row["name"] for row in results) == sorted(names)
    assert len(captured) == expected == json.loads(BASELINE.read_text())["api:merchant-store-list"]


# --- districts of a city ----------------------------------------------------------------------------


def test_the_districts_of_a_city(user, cities, districts, chaoyang):
    api = api_for(user)
    assert api.get(districts_url(cities[0].pk)).json() == [
        {"code": "350102", "name": "鼓楼区"},
        {"code": "350103", "name": "台江区"},
    ]
    assert api.get(districts_url(cities[1].pk)).json() == [{"code": "110105", "name": "朝阳区"}]
    for missing in (0, 99999999999999999999):
        response = api.get(districts_url(missing))
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert api_for().get(districts_url(cities[0].pk)).status_code == 403
