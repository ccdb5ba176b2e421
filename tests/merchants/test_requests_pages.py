"""Cooperation request pages: the merchant's send form, list, detail and withdrawal (/merchant/requests/),
the provider's inbox with its URL filters, unread state, decline and permissions (/portal/requests/), and
the inbox's and the merchant list's query counts at 1, 3 and 50 rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linke.tenancy import all_providers
from merchants.choices import RequestStatus
from merchants.models import CooperationRequest, CooperationRequestStore
from providers.choices import CooperationMode, ProviderStatus, Role
from providers.models import Provider

from ..conftest import client_for, client_for_user
from ..factories import MerchantFactory, ProviderFactory, StoreFactory, UserFactory
from ..query_counts import assert_query_baseline
from ..tenancy.cases.requests import make_request

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def pages_in_english(settings):
    """The pages are asserted in English (the msgids), whatever the default language's catalogue says."""
    settings.LANGUAGE_CODE = "en"


FULL = CooperationMode.FULL_OPERATION
SPECIALIZED = CooperationMode.SPECIALIZED


@pytest.fixture
def offering(provider):
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


def create_url(provider):
    return reverse("merchant:request_create") + f"?provider={provider.pk}"


def all_requests():
    with all_providers():
        return list(CooperationRequest.objects.values_list("merchant", "provider", "status"))


# --- the merchant sends ---------------------------------------------------------------------------


def test_the_send_page_offers_the_providers_modes_and_only_the_merchants_own_stores(
    merchant_client, offering, shop, other_merchant, cities, categories
):
    StoreFactory(merchant=other_merchant, name="别家美甲店", city=cities[0], category=categories["nails"])
    response = merchant_client.get(create_url(offering))
    assert response.status_code == 200
    body = response.content.decode()
    assert offering.name in body
    assert "老张火锅（五四路店）" in body and "别家美甲店" not in body
    assert [mode for mode, _label in response.context["form"].fields["mode"].choices] == [FULL]


def test_sending_from_the_page(merchant_client, merchant, offering, shop, member):
    member(Role.OWNER)
    response = merchant_client.post(
        create_url(offering), {"mode": FULL, "stores": [shop.pk], "message": "想做团购。"}, follow=True
    )
    assert all_requests() == [(merchant.pk, offering.pk, RequestStatus.OPEN)]
    assert response.redirect_chain[-1][0].startswith("/merchant/requests/")
    assert f"Your request was sent to {offering.name}" in response.content.decode()


def test_a_foreign_store_id_posted_is_invalid(merchant_client, offering, shop, other_merchant, cities, categories):
    theirs = StoreFactory(merchant=other_merchant, city=cities[0], category=categories["nails"])
    response = merchant_client.post(create_url(offering), {"mode": FULL, "stores": [theirs.pk], "message": "想做团购"})
    assert response.status_code == 200
    assert "stores" in response.context["form"].errors
    assert all_requests() == []


def test_a_second_open_request_for_the_store_gets_the_friendly_message(merchant_client, merchant, offering, shop):
    make_request(offering, merchant, stores=[shop], mode=FULL)
    response = merchant_client.post(create_url(offering), {"mode": FULL, "stores": [shop.pk], "message": "再问一次"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"You already have an open request to {offering.name} for 老张火锅（五四路店）: "
        "wait for its answer or withdraw it first."
    ]
    assert len(all_requests()) == 1


def test_a_suspended_provider_shows_why_and_no_form(merchant_client, offering, shop):
    Provider.objects.filter(pk=offering.pk).update(status=ProviderStatus.SUSPENDED)
    response = merchant_client.get(create_url(offering))
    assert response.status_code == 200
    assert f"{offering.name} cannot receive cooperation requests at the moment." in response.content.decode()
    assert b'name="message"' not in response.content
    posted = merchant_client.post(create_url(offering), {"mode": FULL, "stores": [shop.pk], "message": "试试"})
    assert "cannot receive cooperation requests" in str(posted.context["form"].non_field_errors())
    assert all_requests() == []


@pytest.mark.parametrize("query", ["", "?provider=", "?provider=abc", "?provider=99999999999999999999", "?provider=0"])
def test_an_unknown_provider_is_404(merchant_client, query):
    assert merchant_client.get(reverse("merchant:request_create") + query).status_code == 404


def test_a_visitor_logs_in_first_and_comes_back(client, offering):
    response = client.get(create_url(offering))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert f"provider%3D{offering.pk}" in response.url


def test_a_user_without_a_merchant_profile_is_sent_to_make_one(offering):
    response = client_for_user(UserFactory()).get(create_url(offering))
    assert response.status_code == 302
    assert response.url == reverse("merchant:home")


# --- the merchant's list, detail, withdrawal --------------------------------------------------------


def test_the_merchants_list_filters_by_status_and_provider(merchant_client, merchant, provider, other_provider):
    open_one = make_request(provider, merchant, message="开着的请求")
    declined = make_request(other_provider, merchant, status=RequestStatus.DECLINED, message="被拒的请求")
    make_request(provider, MerchantFactory(), message="别家商家的请求")
    url = reverse("merchant:request_list")

    def shown(query=""):
        return [r.pk for r in merchant_client.get(url + query).context["cooperation_requests"]]

    assert shown() == [declined.pk, open_one.pk]
    assert shown("?status=open") == [open_one.pk]
    assert shown(f"?provider={other_provider.pk}") == [declined.pk]
    assert shown(f"?status=open&provider={other_provider.pk}") == []
    assert "别家商家的请求" not in merchant_client.get(url).content.decode()


def test_the_merchant_sees_the_answer_and_withdraws_an_open_request(merchant_client, merchant, provider, shop):
    declined = make_request(
        provider, merchant, status=RequestStatus.DECLINED, decline_reason="暂不服务福州", message="旧的请求"
    )
    page = merchant_client.get(reverse("merchant:request_detail", kwargs={"pk": declined.pk}))
    assert "暂不服务福州" in page.content.decode()
    assert page.context["can_withdraw"] is False

    open_one = make_request(provider, merchant, stores=[shop])
    response = merchant_client.post(reverse("merchant:request_withdraw", kwargs={"pk": open_one.pk}), follow=True)
    assert f"Your request to {provider.name} was withdrawn." in response.content.decode()
    assert CooperationRequestStore.objects.get(request=open_one).is_open is False
    again = merchant_client.post(reverse("merchant:request_withdraw", kwargs={"pk": open_one.pk}), follow=True)
    assert [m.level_tag for m in again.context["messages"]] == ["error"]


# --- the provider's inbox -------------------------------------------------------------------------


@pytest.fixture
def inbox(provider, member):
    """Three requests: an unread full-operation one, a read specialized one, a declined one."""
    unread = make_request(provider, MerchantFactory(name="未读火锅店"), mode=FULL)
    read = make_request(provider, MerchantFactory(name="已读烧烤店"), mode=SPECIALIZED)
    with all_providers():
        CooperationRequest.objects.filter(pk=read.pk).update(read_at=read.created_at)
    declined = make_request(provider, MerchantFactory(name="已拒美甲店"), status=RequestStatus.DECLINED)
    make_request(ProviderFactory(), MerchantFactory(name="别家服务商的商家"))
    return {"unread": unread, "read": read, "declined": declined}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["declined", "read", "unread"]),
        ("?status=open", ["read", "unread"]),
        ("?status=declined", ["declined"]),
        ("?mode=full_operation", ["unread"]),
        ("?mode=specialized", ["declined", "read"]),
        ("?unread=on", ["declined", "unread"]),
        ("?unread=on&status=open&mode=full_operation", ["unread"]),
        ("?status=bogus", ["declined", "read", "unread"]),  # an unknown value filters nothing
    ],
)
def test_the_inbox_filters_stay_in_the_url(query, expected, inbox, member):
    response = client_for(member(Role.VIEWER)).get(reverse("portal:request_list") + query)
    assert response.status_code == 200
    assert [r.pk for r in response.context["cooperation_requests"]] == [inbox[name].pk for name in expected]
    assert "别家服务商的商家" not in response.content.decode()


def test_unread_requests_are_bold_with_a_badge_and_opening_one_marks_it_read(inbox, member):
    client = client_for(member(Role.VIEWER))
    page = client.get(reverse("portal:request_list"))
    assert page.context["unread_count"] == 1  # open and unread (the declined one needs nothing)
    body = page.content.decode()
    assert body.count('class="fw-bold"') == 1  # the open one; an answered request waits for nobody
    assert "1 unread" in body

    detail = client.get(reverse("portal:request_detail", kwargs={"pk": inbox["unread"].pk}))
    assert detail.status_code == 200
    with all_providers():
        assert CooperationRequest.objects.get(pk=inbox["unread"].pk).read_at is not None
    assert client.get(reverse("portal:request_list")).context["unread_count"] == 0


def test_the_detail_shows_the_merchants_contact_and_stores(provider, member, merchant, shop):
    request = make_request(provider, merchant, stores=[shop], message="请尽快联系我")
    body = client_for(member(Role.VIEWER)).get(reverse("portal:request_detail", kwargs={"pk": request.pk}))
    text = body.content.decode()
    for shown in (merchant.name, merchant.contact_name, merchant.contact_mobile.as_national, "请尽快联系我"):
        assert shown in text
    for shown in ("老张火锅（五四路店）", "Fuzhou", "鼓楼区", "鼓楼区五四路88号", "Hotpot"):
        assert shown in text


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.VIEWER])
def test_operators_and_viewers_read_but_cannot_decline(role, provider, member):
    request = make_request(provider, MerchantFactory())
    client = client_for(member(role))
    page = client.get(reverse("portal:request_detail", kwargs={"pk": request.pk}))
    assert page.context["can_decline"] is False
    assert reverse("portal:request_decline", kwargs={"pk": request.pk}) not in page.content.decode()
    refused = client.post(reverse("portal:request_decline", kwargs={"pk": request.pk}), {"reason": "不做"})
    assert refused.status_code == 403
    with all_providers():
        assert CooperationRequest.objects.get(pk=request.pk).status == RequestStatus.OPEN


def test_a_bd_declines_with_a_reason(provider, member):
    request = make_request(provider, MerchantFactory())
    client = client_for(member(Role.BD))
    decline_url = reverse("portal:request_decline", kwargs={"pk": request.pk})
    assert decline_url in client.get(reverse("portal:request_detail", kwargs={"pk": request.pk})).content.decode()

    missing = client.post(decline_url, {"reason": "  "})
    assert missing.status_code == 200
    assert "reason" in missing.context["decline_form"].errors
    with all_providers():
        assert CooperationRequest.objects.get(pk=request.pk).status == RequestStatus.OPEN

    done = client.post(decline_url, {"reason": "暂不服务该城市"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("portal:request_detail", kwargs={"pk": request.pk})
    with all_providers():
        declined = CooperationRequest.objects.get(pk=request.pk)
    assert (declined.status, declined.decline_reason) == (RequestStatus.DECLINED, "暂不服务该城市")
    assert done.context["decline_form"] is None


# --- query counts ---------------------------------------------------------------------------------


def assert_flat_at_50(key, fetch, add_rows):
    """The baseline at 1 and 3 rows, then the same count with a full page of 50 rows."""
    baseline = assert_query_baseline(key, fetch, add_rows, n=1)
    markers = add_rows(47)
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    assert len(response.context["cooperation_requests"]) == 50
    assert all(marker in response.content.decode() for marker in markers)
    assert len(captured) == baseline, f"{key}: {len(captured)} queries at 50 rows, {baseline} at 1"


def test_inbox_query_count_does_not_grow_with_rows(provider, member, cities, categories):
    def add_rows(k):
        names = []
        for _ in range(k):
            merchant = MerchantFactory()
            stores = [StoreFactory(merchant=merchant, city=cities[0], category=categories["hotpot"]) for _ in range(2)]
            make_request(provider, merchant, stores=stores)
            names += [merchant.name, stores[1].name]
        return names

    client = client_for(member(Role.BD))
    assert_flat_at_50("requests.inbox", lambda: client.get(reverse("portal:request_list")), add_rows)


def test_merchants_list_query_count_does_not_grow_with_rows(merchant, merchant_client, cities, categories):
    def add_rows(k):
        names = []
        for _ in range(k):
            provider = ProviderFactory()
            make_request(provider, merchant)
            names.append(provider.name)
        return names

    assert_flat_at_50("requests.sent", lambda: merchant_client.get(reverse("merchant:request_list")), add_rows)


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"mode": FULL, "stores": ["1"], "message": "想做\x00团购"}, 400),  # a NUL: the request is refused whole
        ({"mode": FULL, "stores": ["99999999999999999999"], "message": "想做团购"}, 200),  # not a choice
        ({"mode": "x", "stores": ["abc"], "message": "想做团购"}, 200),
    ],
)
def test_crafted_input_is_refused_and_nothing_is_sent(data, status, merchant_client, offering, shop):
    response = merchant_client.post(create_url(offering), data)
    assert response.status_code == status
    if status == 200:
        assert set(response.context["form"].errors) >= {"stores"}
    assert all_requests() == []


@pytest.mark.parametrize(
    ("query", "status"), [("?status=%00", 400), ("?mode=x&unread=maybe", 200), ("?page=99999999999999999999", 404)]
)
def test_crafted_inbox_filters_are_not_a_server_error(query, status, provider, member):
    response = client_for(member(Role.VIEWER)).get(reverse("portal:request_list") + query)
    assert response.status_code == status
