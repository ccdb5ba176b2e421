"""Stores in the merchant centre: list, add, edit, the district of the city (htmx refresh and its no-JS
fallback), isolation between merchants and channels, the lead a merchant becomes, and query counts."""

import json
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linke.actors import Actor
from linke.errors import ApplicationError, PermissionDeniedError
from linke.models import AuditEvent
from merchants.choices import LeadSource
from merchants.models import Lead, Store
from merchants.services.centre import merchant_update, store_create, store_update
from merchants.tenancy import merchant_scope
from providers.choices import Role
from reference.models import Region

from ..conftest import client_for_user
from ..factories import MerchantFactory
from ..factories.merchants import LeadFactory, StoreFactory
from ..query_counts import BASELINE, assert_query_baseline

pytestmark = pytest.mark.django_db
LIST, CREATE = reverse("merchant:store_list"), reverse("merchant:store_create")


def client_of(user):
    client = client_for_user(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def edit_url(store):
    return reverse("merchant:store_edit", kwargs={"pk": store.pk})


def as_merchant(merchant):
    return Actor.for_merchant(merchant, user=merchant.owner)


@pytest.fixture
def fuzhou(cities):
    return cities[0]


@pytest.fixture
def beijing(cities):
    return cities[1]


@pytest.fixture
def chaoyang(beijing):
    return Region.objects.create(code="110105", name="朝阳区", level=3, parent=beijing.region)


def form_data(city, category, district=None, **changes):
    return {
        "name": "老张火锅(五四路店)",
        "city": city.pk,
        "district": district.pk if district else "",
        "address": "鼓楼区五四路88号",
        "category": category.pk,
        "average_ticket": "88.50",
        **changes,
    }


def stores_of(merchant):
    with merchant_scope(merchant):
        return list(Store.objects.order_by("pk").values_list("name", "city_id", "district_id", "average_ticket"))


# --- add and edit -----------------------------------------------------------------------------------


def test_the_form_offers_the_sub_categories_grouped_by_industry(merchant, categories, fuzhou):
    body = client_of(merchant.owner).get(CREATE).content.decode()
    assert '<optgroup label="Food">' in body and '<optgroup label="Beauty">' in body
    assert f'<option value="{categories["hotpot"].pk}">Hotpot</option>' in body
    assert ">Food</option>" not in body  # an industry is not a sub-category
    assert 'hx-get="/merchant/stores/districts/"' in body and 'hx-target="#id_district"' in body


def test_the_merchant_adds_a_store(merchant, categories, districts, fuzhou):
    gulou = districts[0]
    response = client_of(merchant.owner).post(CREATE, form_data(fuzhou, categories["hotpot"], gulou))
    assert response.status_code == 302 and response.url == LIST
    assert stores_of(merchant) == [("老张火锅(五四路店)", fuzhou.pk, "350102", Decimal("88.50"))]
    event = AuditEvent.objects.get(action="store.create")
    assert event.after == {
        "name": "老张火锅(五四路店)",
        "city": fuzhou.pk,
        "district": "350102",
        "address": "鼓楼区五四路88号",
        "category": categories["hotpot"].pk,
        "average_ticket": "88.50",
    }
    listing = client_of(merchant.owner).get(LIST).content.decode()
    assert "老张火锅(五四路店)" in listing and "鼓楼区" in listing and "¥88.50" in listing


def test_district_and_average_ticket_are_optional(merchant, categories, fuzhou):
    data = form_data(fuzhou, categories["hotpot"], average_ticket="")
    assert client_of(merchant.owner).post(CREATE, data).status_code == 302
    assert stores_of(merchant) == [("老张火锅(五四路店)", fuzhou.pk, None, None)]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"average_ticket": "-1"}, "average_ticket", "Ensure this value is greater than or equal to 0."),
        ({"average_ticket": "12345678901"}, "average_ticket", "Ensure that there are no more than 10 digits in total."),
        ({"average_ticket": "abc"}, "average_ticket", "Enter a number."),
        ({"name": ""}, "name", "This field is required."),
        ({"city": "99999999999999999999"}, "city", "Select a valid choice."),
        ({"category": "0"}, "category", "Select a valid choice."),
    ],
)
def test_bad_store_input_is_refused_and_kept(merchant, categories, fuzhou, changes, field, message):
    response = client_of(merchant.owner).post(CREATE, {**form_data(fuzhou, categories["hotpot"]), **changes})
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert 'value="鼓楼区五四路88号"' in response.content.decode()
    assert stores_of(merchant) == []


def test_an_industry_is_not_a_sub_category(merchant, categories, fuzhou):
    industry = categories["hotpot"].parent
    response = client_of(merchant.owner).post(CREATE, form_data(fuzhou, industry))
    assert response.status_code == 200 and "category" in response.context["form"].errors
    assert stores_of(merchant) == []


def test_a_district_of_another_city_is_refused_and_the_new_citys_districts_are_offered(
    merchant, categories, districts, beijing, chaoyang
):
    """Without JavaScript the city changed to 北京 but the 福州 district list was sent: the page says so and
    now offers 北京's districts, with everything else kept."""
    gulou = districts[0]
    response = client_of(merchant.owner).post(CREATE, form_data(beijing, categories["hotpot"], gulou))
    assert response.status_code == 200
    assert response.context["form"].errors["district"] == [
        "鼓楼区 is not a district of Beijing: choose one of its districts."
    ]
    body = response.content.decode()
    assert '<option value="110105">朝阳区</option>' in body and '<option value="350102"' not in body
    assert stores_of(merchant) == []
    with pytest.raises(ApplicationError) as refused:
        store_create(
            actor=as_merchant(merchant),
            merchant=merchant,
            data={
                "name": "店",
                "city": beijing,
                "district": gulou,
                "address": "某路1号",
                "category": categories["bbq"],
            },
        )
    assert refused.value.code == "district_not_in_city"
    assert stores_of(merchant) == []


def test_the_district_options_follow_the_city(merchant, districts, beijing, chaoyang, fuzhou):
    client = client_of(merchant.owner)
    url = reverse("merchant:store_districts")
    fuzhou_options = client.get(url, {"city": fuzhou.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert fuzhou_options.split("\n")[:3] == [
        '<option value="">(no district)</option>',
        '<option value="350102">鼓楼区</option>',
        '<option value="350103">台江区</option>',
    ]
    assert "朝阳区" in client.get(url, {"city": beijing.pk}).content.decode()
    for nonsense in ("", "abc", "-3", "99999999999999999999"):
        assert client.get(url, {"city": nonsense}).content.decode().strip() == (
            '<option value="">Choose the city first</option>'
        )


def test_the_merchant_edits_its_store_and_only_the_change_is_audited(merchant, categories, districts, fuzhou):
    store = StoreFactory(merchant=merchant, city=fuzhou, district=districts[0], category=categories["hotpot"])
    client = client_of(merchant.owner)
    page = client.get(edit_url(store)).content.decode()
    assert f'value="{store.address}"' in page and '<option value="350102" selected>鼓楼区</option>' in page
    data = form_data(fuzhou, categories["hotpot"], districts[1], name=store.name, address=store.address)
    data["average_ticket"] = ""
    response = client.post(edit_url(store), data)
    assert response.status_code == 302
    assert stores_of(merchant) == [(store.name, fuzhou.pk, "350103", None)]
    event = AuditEvent.objects.get(action="store.update")
    assert (event.before, event.after) == ({"district": "350102"}, {"district": "350103"})


def test_a_store_keeps_its_city_after_operators_deactivate_it(merchant, categories, fuzhou):
    store = StoreFactory(merchant=merchant, city=fuzhou, category=categories["hotpot"])
    fuzhou.is_active = False
    fuzhou.save(update_fields=["is_active"])
    client = client_of(merchant.owner)
    response = client.post(edit_url(store), form_data(fuzhou, categories["hotpot"], name="改了名的店"))
    assert response.status_code == 302
    assert stores_of(merchant)[0][:2] == ("改了名的店", fuzhou.pk)
    response = client.post(CREATE, form_data(fuzhou, categories["hotpot"]))  # but no new store there
    assert "city" in response.context["form"].errors


def test_only_the_merchant_writes_its_stores(merchant, other_merchant, member, categories, fuzhou):
    store = StoreFactory(merchant=merchant, city=fuzhou, category=categories["hotpot"])
    data = {"name": "X", "city": fuzhou, "address": "某路1号", "category": categories["hotpot"]}
    for actor in (as_merchant(other_merchant), Actor.for_user(merchant.owner), Actor.member(member(Role.OWNER))):
        with pytest.raises(PermissionDeniedError):
            store_create(actor=actor, merchant=merchant, data=data)
        with pytest.raises(PermissionDeniedError):
            store_update(actor=actor, store=store, data={"name": "X"})
    assert stores_of(merchant) == [(store.name, fuzhou.pk, None, None)]


def test_another_merchants_store_is_not_found(merchant, other_merchant, categories, fuzhou):
    theirs = StoreFactory(merchant=other_merchant, city=fuzhou, category=categories["hotpot"], name="别家的店")
    client = client_of(merchant.owner)
    assert client.get(edit_url(theirs)).status_code == 404
    assert client.post(edit_url(theirs), form_data(fuzhou, categories["hotpot"], name="抢来的店")).status_code == 404
    assert "别家的店" not in client.get(LIST).content.decode()
    assert stores_of(other_merchant)[0][0] == "别家的店"


def test_store_pages_need_a_merchant_account(user):
    client = client_of(user)
    for url in (LIST, CREATE, reverse("merchant:store_districts")):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, "/merchant/")


def test_a_provider_member_who_is_a_merchant_sees_only_merchant_rows_here(member, provider, categories, fuzhou):
    owner = member(Role.OWNER)
    merchant = MerchantFactory(owner=owner.user, name="老板自己的商家")
    StoreFactory(merchant=merchant, city=fuzhou, category=categories["hotpot"], name="我自己的店")
    StoreFactory(merchant=MerchantFactory(), city=fuzhou, category=categories["hotpot"], name="客户的店")
    response = client_of(owner.user).get(LIST)
    body = response.content.decode()
    assert "我自己的店" in body and "客户的店" not in body and provider.name not in body
    assert response.context["request"].actor.kind == "merchant"
    home = client_of(owner.user).get("/merchant/").content.decode()
    assert "老板自己的商家" in home and provider.name not in home


# --- the merchant's lead ----------------------------------------------------------------------------


def add_store(merchant, city, category, **data):
    return store_create(
        actor=as_merchant(merchant),
        merchant=merchant,
        data={"name": "门店", "city": city, "address": "鼓楼区五四路88号", "category": category, **data},
    )


def test_the_first_store_makes_the_merchant_a_lead_and_later_ones_count(merchant, categories, districts, fuzhou):
    add_store(merchant, fuzhou, categories["hotpot"], district=districts[0], address="鼓楼区 五四路８８号")
    lead = Lead.objects.get(merchant=merchant)
    assert (
        lead.source,
        lead.merchant_name,
        lead.contact_name,
        lead.mobile,
        lead.city,
        lead.district,
        lead.address,
        lead.address_key,
        lead.category,
        lead.store_count,
    ) == (
        LeadSource.SIGNUP,
        "演示餐饮有限公司",
        "张三",
        merchant.contact_mobile,
        fuzhou,
        districts[0],
        "鼓楼区 五四路８８号",
        "鼓楼区五四路88号",
        categories["hotpot"],
        1,
    )
    assert AuditEvent.objects.filter(action="lead.signup", object_id=str(lead.pk)).count() == 1
    add_store(merchant, fuzhou, categories["bbq"], address="台江区工业路1号")
    add_store(merchant, fuzhou, categories["bbq"], address="台江区工业路2号")
    lead.refresh_from_db()
    assert (Lead.objects.count(), lead.store_count, lead.category) == (1, 3, categories["hotpot"])


def test_an_imported_lead_with_the_same_mobile_and_address_is_neither_linked_nor_doubled(merchant, categories, fuzhou):
    """A typed mobile proves nothing: linking would show a stranger who holds that lead and let them end
    the claim by opting out."""
    imported = LeadFactory(
        city=fuzhou,
        category=categories["bbq"],
        mobile=merchant.contact_mobile,
        address="鼓楼区五四路88号",
        address_key="鼓楼区五四路88号",
        store_count=4,
    )
    other = LeadFactory(city=fuzhou, category=categories["bbq"])
    add_store(merchant, fuzhou, categories["hotpot"], address="鼓楼区五四路 88 号")
    imported.refresh_from_db()
    assert (imported.merchant, imported.source, imported.store_count) == (None, LeadSource.IMPORT, 4)
    assert Lead.objects.count() == 2 and Lead.objects.get(pk=other.pk).merchant is None


def test_an_imported_lead_of_another_merchant_account_is_left_alone(merchant, categories, fuzhou):
    namesake = MerchantFactory(contact_mobile=merchant.contact_mobile)
    taken = LeadFactory(
        city=fuzhou,
        category=categories["bbq"],
        mobile=merchant.contact_mobile,
        address_key="鼓楼区五四路88号",
        merchant=namesake,
    )
    add_store(merchant, fuzhou, categories["hotpot"])
    assert list(Lead.objects.values_list("pk", "merchant")) == [(taken.pk, namesake.pk)]


def test_without_a_contact_mobile_no_lead_until_one_is_given(categories, fuzhou, english):
    merchant = MerchantFactory(contact_mobile="")
    add_store(merchant, fuzhou, categories["hotpot"])
    add_store(merchant, fuzhou, categories["hotpot"], address="鼓楼区五四路99号")
    assert not Lead.objects.exists()
    body = client_of(merchant.owner).get(LIST).content.decode()
    assert "Your profile has no contact mobile, so providers cannot find you in the lead pool." in body
    merchant_update(actor=as_merchant(merchant), merchant=merchant, data={"contact_mobile": "+8613700001111"})
    lead = Lead.objects.get(merchant=merchant)
    assert (lead.address, lead.store_count, str(lead.mobile)) == ("鼓楼区五四路88号", 2, "+8613700001111")


@pytest.mark.django_db(transaction=True)
def test_stores_added_at_the_same_moment_make_one_lead_that_counts_them_all(categories, fuzhou):
    merchant = MerchantFactory()
    barrier, errors = threading.Barrier(3), []

    def add(number):
        try:
            barrier.wait()
            add_store(merchant, fuzhou, categories["hotpot"], name=f"店{number}", address=f"五四路{number}号")
        except Exception as error:  # noqa: BLE001 - any failure is the test's finding
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(number,)) for number in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(Lead.objects.values_list("merchant", "store_count")) == [(merchant.pk, 3)]


# --- query counts -----------------------------------------------------------------------------------


def test_the_store_list_runs_the_same_queries_at_1_3_and_50_rows(merchant, categories, districts, fuzhou):
    client = client_of(merchant.owner)
    made = []

    def add_rows(count):
        names = []
        for _ in range(count):
            store = StoreFactory(merchant=merchant, city=fuzhou, district=districts[0], category=categories["hotpot"])
            made.append(store)
            names.append(store.name)
        return names

    fetch = lambda: client.get(LIST)  # noqa: E731
    expected = assert_query_baseline("merchant:store_list", fetch, add_rows, n=1)
    names = [store.name for store in made] + add_rows(50 - len(made))
    with CaptureQueriesContext(connection) as captured:
        body = fetch().content.decode()
    assert [name for name in names if name not in body] == []
    assert len(captured) == expected == json.loads(BASELINE.read_text())["merchant:store_list"]
