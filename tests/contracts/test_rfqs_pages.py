"""Posted needs in the browser, both sides: the merchant's list, posting form (what was typed is kept),
side-by-side comparison, accepting and withdrawing; the provider's feed (filters in the URL, whether it
proposed, constant query count), a need's page (404 for a provider that may not answer it), proposing and
withdrawing; crafted input."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts.choices import ContractStatus, ProposalStatus, RfqStatus
from contracts.models import Contract, Proposal, Rfq
from linke.tenancy import all_providers
from providers.choices import ProviderStatus, Role, Tier
from providers.models import Provider, ProviderStanding

from ..conftest import client_for, client_for_user
from ..factories import MerchantFactory, ProviderFactory, StoreFactory
from ..factories.providers import CaseStudyFactory
from ..query_counts import assert_query_baseline
from ..tenancy.cases.rfqs import make_proposal, make_rfq, new_market, serve
from .rfqs_setup import FULL, market_fixture, shops_fixture, team_fixture  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def pages_in_english(settings):
    settings.LANGUAGE_CODE = "en"


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- the merchant's side ----------------------------------------------------------------------------


def test_the_merchant_menu_links_my_needs_and_the_list_shows_them(merchant, merchant_client, market, shops):
    need = make_rfq(merchant, city=market[0], track=market[1], stores=shops, title="两家店的团购短视频")
    make_proposal(ProviderFactory(), need)
    make_proposal(ProviderFactory(), need, status=ProposalStatus.WITHDRAWN)
    make_rfq(MerchantFactory(), city=market[0], track=market[1], title="别人的需求")
    response = merchant_client.get(reverse("merchant:rfq_list"))
    body = response.content.decode()
    assert f'href="{reverse("merchant:rfq_list")}"' in body
    assert "两家店的团购短视频" in body and "别人的需求" not in body
    assert [(row.title, row.proposal_count) for row in response.context["needs"]] == [("两家店的团购短视频", 1)]
    filtered = merchant_client.get(reverse("merchant:rfq_list"), {"status": RfqStatus.CLOSED})
    assert list(filtered.context["needs"]) == []


def test_the_posting_form_offers_only_own_stores_and_posts(merchant, merchant_client, market, shops, other_merchant):
    city, track, category = market
    theirs = StoreFactory(merchant=other_merchant, city=city, category=category, name="别家门店")
    page = merchant_client.get(reverse("merchant:rfq_create"))
    assert "老张火锅（五四路店）" in page.content.decode() and "别家门店" not in page.content.decode()
    deadline = timezone.localtime() + timedelta(days=5)
    data = {
        "title": "两家火锅店的抖音短视频",
        "track": track.pk,
        "city": city.pk,
        "stores": [shops[0].pk, shops[1].pk],
        "mode": "specialized",
        "budget_min": "3000",
        "budget_max": "8000.50",
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "description": "每月8条团购短视频",
    }
    refused = merchant_client.post(reverse("merchant:rfq_create"), data | {"stores": [theirs.pk]})
    assert refused.status_code == 200 and "stores" in refused.context["form"].errors
    response = merchant_client.post(reverse("merchant:rfq_create"), data)
    with all_providers():
        need = Rfq.objects.get()
    assert response.status_code == 302 and response.url == reverse("merchant:rfq_detail", kwargs={"pk": need.pk})
    assert (need.title, need.budget_max, need.merchant_id) == (
        "两家火锅店的抖音短视频",
        Decimal("8000.50"),
        merchant.pk,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"budget_min": "9000"}, "budget_max", "The budget range goes from an amount to a larger one (or the same)."),
        ({"deadline": "2020-01-01T10:00"}, "deadline", "The deadline must be in the future."),
        ({"stores": "elsewhere"}, "stores", "Every store of a need is in its city (Need City"),
        ({"budget_min": "abc"}, "budget_min", "Enter a number."),
        ({"stores": "99999999999999999999"}, "stores", "Select a valid choice."),
    ],
)
def test_a_refused_need_keeps_what_was_typed_and_says_why_at_the_field(
    changes, field, message, merchant, merchant_client, market, shops, cities
):
    city, track, category = market
    elsewhere = StoreFactory(merchant=merchant, city=cities[1], category=category)
    data = {
        "title": "保留我输入的标题",
        "track": track.pk,
        "city": city.pk,
        "stores": [shops[0].pk],
        "mode": "specialized",
        "budget_min": "3000",
        "budget_max": "8000",
        "deadline": (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "description": "描述",
    }
    if changes.get("stores") == "elsewhere":
        changes = {"stores": [shops[0].pk, elsewhere.pk]}
    response = merchant_client.post(reverse("merchant:rfq_create"), data | changes)
    assert response.status_code == 200
    assert any(error.startswith(message) for error in response.context["form"].errors[field])
    assert 'value="保留我输入的标题"' in response.content.decode()
    with all_providers():
        assert Rfq.objects.count() == 0


def test_a_nul_character_is_a_400(merchant_client):
    assert merchant_client.post(reverse("merchant:rfq_create"), {"title": "a\x00b"}).status_code == 400
    assert merchant_client.get(reverse("merchant:rfq_list"), {"status": "\x00"}).status_code == 400


@pytest.fixture
def compared(merchant, market, shops):
    """A need with two proposals: a rated L3 provider with four case studies (¥6,800) and a suspended one
    without reviews (¥5,000)."""
    city, track, _category = market
    need = make_rfq(merchant, city=city, track=track, stores=shops, title="对比页的需求")
    rated, suspended = ProviderFactory(name="甲级服务商"), ProviderFactory(name="停业服务商")
    ProviderStanding.objects.filter(provider=rated).update(tier=Tier.L3, rating=Decimal("4.60"), review_count=12)
    Provider.objects.filter(pk=suspended.pk).update(status=ProviderStatus.SUSPENDED)
    for position, title in enumerate(["火锅直播案例", "烧烤短视频案例", "茶饮团购案例", "第四个案例"]):
        CaseStudyFactory(provider=rated, title=title, position=position)
    return {
        "need": need,
        "rated": make_proposal(rated, need, price="6800.00", scope="甲级的方案范围"),
        "suspended": make_proposal(suspended, need, price="5000.00"),
    }


def test_the_comparison_shows_price_scope_standing_and_case_studies_side_by_side(compared, merchant_client):
    response = merchant_client.get(reverse("merchant:rfq_detail", kwargs={"pk": compared["need"].pk}))
    body = response.content.decode()
    columns = response.context["compared"]
    assert [column.provider.name for column in columns] == ["停业服务商", "甲级服务商"]  # cheapest first
    assert [column.in_good_standing for column in columns] == [False, True]
    assert [study.title for study in columns[1].case_studies] == ["火锅直播案例", "烧烤短视频案例", "茶饮团购案例"]
    for text in ("¥6,800.00", "¥5,000.00", "甲级的方案范围", "4.6", "(12 reviews)", "L3 Preferred", "In good standing"):
        assert text in body, text
    assert "Suspended" in body and "第四个案例" not in body
    profile = reverse("directory_profile", kwargs={"pk": compared["rated"].provider_id})
    assert f'href="{profile}">火锅直播案例</a>' in body
    assert body.count('name="proposal"') == 2


def test_the_comparison_runs_the_same_queries_whatever_the_number_of_proposals(merchant, merchant_client, market):
    need = make_rfq(merchant, city=market[0], track=market[1])

    def add_rows(k):
        names = []
        for _ in range(k):
            bidder = ProviderFactory()
            CaseStudyFactory(provider=bidder, title=f"{bidder.name}的案例")
            make_proposal(bidder, need)
            names += [bidder.name, f"{bidder.name}的案例"]
        return names

    assert_query_baseline(
        "rfqs.merchant_detail",
        lambda: merchant_client.get(reverse("merchant:rfq_detail", kwargs={"pk": need.pk})),
        add_rows,
    )


def test_the_merchant_list_runs_the_same_queries_whatever_the_number_of_needs(merchant, merchant_client, market):
    def add_rows(k):
        titles = []
        for _ in range(k):
            need = make_rfq(merchant, city=market[0], track=market[1])
            make_proposal(ProviderFactory(), need)
            titles.append(need.title)
        return titles

    assert_query_baseline("rfqs.merchant_list", lambda: merchant_client.get(reverse("merchant:rfq_list")), add_rows)


def test_accepting_on_the_page_leads_to_the_contract_to_sign(compared, merchant_client, market):
    serve(compared["rated"].provider, cities=[market[0]], tracks=[market[1]])
    url = reverse("merchant:rfq_accept", kwargs={"pk": compared["need"].pk})
    response = merchant_client.post(url, {"proposal": compared["rated"].pk})
    with all_providers():
        contract = Contract.objects.get()
    assert contract.status == ContractStatus.PROPOSED
    assert response.status_code == 302 and response.url == reverse(
        "merchant:contract_detail", kwargs={"pk": contract.pk}
    )
    page = merchant_client.get(reverse("merchant:rfq_detail", kwargs={"pk": compared["need"].pk}))
    assert f'href="{response.url}"' in page.content.decode()
    assert 'name="proposal"' not in page.content.decode()


@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999999999999999"])
def test_accepting_a_crafted_proposal_id_changes_nothing(value, compared, merchant_client):
    url = reverse("merchant:rfq_accept", kwargs={"pk": compared["need"].pk})
    response = merchant_client.post(url, {"proposal": value}, follow=True)
    assert messages_of(response) == ["Choose one of the proposals for this need."]
    with all_providers():
        assert Rfq.objects.get(pk=compared["need"].pk).status == RfqStatus.OPEN
        assert Contract.objects.count() == 0


def test_a_suspended_providers_proposal_is_refused_with_a_message(compared, merchant_client):
    url = reverse("merchant:rfq_accept", kwargs={"pk": compared["need"].pk})
    response = merchant_client.post(url, {"proposal": compared["suspended"].pk}, follow=True)
    assert messages_of(response) == ["停业服务商 cannot receive contracts at the moment: choose another proposal."]


def test_withdrawing_the_need_on_its_page(compared, merchant_client):
    url = reverse("merchant:rfq_cancel", kwargs={"pk": compared["need"].pk})
    response = merchant_client.post(url, follow=True)
    assert messages_of(response) == ["Your need was withdrawn; the providers who proposed were told."]
    again = merchant_client.post(url, follow=True)
    assert messages_of(again) == ["This action is not possible in the current state."]


def test_a_provider_member_is_not_a_merchant_here(team, market):
    client = client_for(team[Role.OWNER])
    assert client.get(reverse("merchant:rfq_list")).status_code == 302


# --- the provider's side ----------------------------------------------------------------------------


@pytest.fixture
def feed(merchant, market, team, provider):
    """Needs in the provider's market: one specialized it proposed for, one full operation (not certified:
    not in the feed), one specialized to answer; one in another market."""
    city, track, _category = market
    proposed = make_rfq(merchant, city=city, track=track, title="已投标的需求")
    make_proposal(provider, proposed)
    full = make_rfq(merchant, city=city, track=track, mode=FULL, title="代运营需求")
    fresh = make_rfq(MerchantFactory(name="新商家"), city=city, track=track, title="待投标的需求")
    other_city, other_track, _other = new_market()
    elsewhere = make_rfq(merchant, city=other_city, track=other_track, title="别的城市的需求")
    return {"proposed": proposed, "full": full, "fresh": fresh, "elsewhere": elsewhere}


def titles(response):
    return [need.title for need in response.context["needs"]]


def test_the_feed_shows_what_the_provider_may_answer_and_whether_it_proposed(feed, team):
    client = client_for(team[Role.BD])
    response = client.get(reverse("portal:rfq_feed"))
    body = response.content.decode()
    assert f'href="{reverse("portal:rfq_feed")}"' in body  # the menu links it
    assert sorted(titles(response)) == ["已投标的需求", "待投标的需求"]
    shown = {need.title: need.my_proposal_status for need in response.context["needs"]}
    assert shown == {"已投标的需求": ProposalStatus.SUBMITTED, "待投标的需求": None}
    assert titles(client.get(reverse("portal:rfq_feed"), {"proposed": "no"})) == ["待投标的需求"]
    assert titles(client.get(reverse("portal:rfq_feed"), {"proposed": "yes"})) == ["已投标的需求"]
    assert titles(client.get(reverse("portal:rfq_feed"), {"mode": "full_operation"})) == []


def test_certification_brings_full_operation_into_the_feed(feed, team, provider, market):
    serve(provider, certified=[market[1]])
    response = client_for(team[Role.BD]).get(reverse("portal:rfq_feed"), {"mode": "full_operation"})
    assert titles(response) == ["代运营需求"]


def test_a_suspended_provider_sees_an_empty_feed(feed, team, provider):
    Provider.objects.filter(pk=provider.pk).update(status=ProviderStatus.SUSPENDED)
    assert titles(client_for(team[Role.BD]).get(reverse("portal:rfq_feed"))) == []


@pytest.mark.parametrize(
    ("query", "status"),
    [("?city=abc&track=99999999999999999999&proposed=maybe&mode=x", 200), ("?city=%00", 400), ("?page=99999", 404)],
)
def test_crafted_feed_filters_are_answered_calmly(query, status, feed, team):
    assert client_for(team[Role.BD]).get(reverse("portal:rfq_feed") + query).status_code == status


def test_the_feed_offers_only_the_providers_cities_and_tracks(feed, team, market):
    form = client_for(team[Role.BD]).get(reverse("portal:rfq_feed")).context["filter_form"]
    assert [city.pk for city in form.fields["city"].queryset] == [market[0].pk]
    assert [track.pk for track in form.fields["track"].queryset] == [market[1].pk]


def test_the_feed_runs_the_same_queries_whatever_the_number_of_needs(team, market):
    city, track, category = market

    def add_rows(k):
        markers = []
        for _ in range(k):
            merchant = MerchantFactory()
            stores = [StoreFactory(merchant=merchant, city=city, category=category) for _ in range(2)]
            need = make_rfq(merchant, city=city, track=track, stores=stores)
            make_proposal(team[Role.BD].provider, need)
            markers += [need.title, merchant.name, stores[1].name]
        return markers

    client = client_for(team[Role.BD])
    assert_query_baseline("rfqs.feed", lambda: client.get(reverse("portal:rfq_feed")), add_rows)


def test_a_need_the_provider_may_not_answer_is_not_found(feed, team):
    client = client_for(team[Role.BD])
    for name in ("elsewhere", "full"):
        url = reverse("portal:rfq_view", kwargs={"pk": feed[name].pk})
        assert client.get(url).status_code == 404
        assert client.post(reverse("portal:rfq_propose", kwargs={"pk": feed[name].pk}), PROPOSAL).status_code == 404
    assert client.get(reverse("portal:rfq_view", kwargs={"pk": 99999999999999999999})).status_code == 404


def test_a_need_it_proposed_for_stays_visible_after_it_closes(feed, team):
    with all_providers():
        Rfq.objects.filter(pk=feed["proposed"].pk).update(status=RfqStatus.CLOSED)
        Proposal.objects.filter(rfq=feed["proposed"]).update(status=ProposalStatus.CLOSED)
    response = client_for(team[Role.BD]).get(reverse("portal:rfq_view", kwargs={"pk": feed["proposed"].pk}))
    assert response.status_code == 200
    assert "The merchant did not choose this proposal." in response.content.decode()


PROPOSAL = {
    "price": "6800.00",
    "timeline_days": "30",
    "scope": "两家门店每月8条团购短视频",
    "deliverables": "8条短视频",
    "service_area": "short_video",
    "service_level": "value_added",
}


def test_proposing_on_the_page(feed, team, merchant):
    client = client_for(team[Role.BD])
    page = client.get(reverse("portal:rfq_view", kwargs={"pk": feed["fresh"].pk}))
    assert page.context["can_propose"] and "monthly_gmv_target" not in page.context["form"].fields
    url = reverse("portal:rfq_propose", kwargs={"pk": feed["fresh"].pk})
    response = client.post(url, PROPOSAL, follow=True)
    assert messages_of(response) == ["Your proposal was sent: the merchant compares the proposals and will decide."]
    assert response.context["proposal"].price == Decimal("6800.00")
    again = client.post(url, PROPOSAL, follow=True)
    assert messages_of(again) == ["You have already submitted a proposal for this need."]


def test_a_full_operation_proposal_out_of_term_keeps_what_was_typed(feed, team, provider, market):
    serve(provider, certified=[market[1]])
    client = client_for(team[Role.BD])
    url = reverse("portal:rfq_propose", kwargs={"pk": feed["full"].pk})
    data = PROPOSAL | {"timeline_days": "60", "scope": "保留的范围", "monthly_gmv_target": "100000"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["timeline_days"] == [
        "Full operation runs 90 to 1095 days (90 days to 3 years)."
    ]
    assert "保留的范围" in response.content.decode()
    missing = client.post(url, data | {"timeline_days": "120", "monthly_gmv_target": ""})
    assert missing.context["form"].errors["monthly_gmv_target"] == [
        "Full operation needs delivery standards: a monthly GMV target, short videos per month or both."
    ]
    with all_providers():
        assert Proposal.objects.filter(rfq=feed["full"]).count() == 0


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.VIEWER])
def test_members_who_do_not_answer_needs_see_no_form_and_are_refused(role, feed, team):
    client = client_for(team[role])
    page = client.get(reverse("portal:rfq_view", kwargs={"pk": feed["fresh"].pk}))
    assert page.status_code == 200 and page.context["form"] is None
    assert "Only the owner, admins and BD staff can submit proposals" in page.content.decode()
    response = client.post(reverse("portal:rfq_propose", kwargs={"pk": feed["fresh"].pk}), PROPOSAL)
    assert response.status_code == 403


def test_withdrawing_a_proposal_on_the_page(feed, team):
    client = client_for(team[Role.BD])
    with all_providers():
        ours = Proposal.objects.get(rfq=feed["proposed"])
    response = client.post(reverse("portal:proposal_withdraw", kwargs={"pk": ours.pk}), follow=True)
    assert messages_of(response) == ["Your proposal was withdrawn; the merchant was told."]
    assert response.context["proposal"].status == ProposalStatus.WITHDRAWN
    assert response.context["form"] is None  # once: no second proposal


def test_our_proposals_lists_them_all_with_a_status_filter(feed, team):
    client = client_for(team[Role.BD])
    response = client.get(reverse("portal:rfq_proposals"))
    assert [p.rfq.title for p in response.context["proposals"]] == ["已投标的需求"]
    assert list(client.get(reverse("portal:rfq_proposals"), {"status": "accepted"}).context["proposals"]) == []
    assert client.get(reverse("portal:rfq_proposals"), {"status": "nonsense"}).status_code == 200


def test_a_merchant_without_provider_membership_has_no_feed(merchant):
    response = client_for_user(merchant.owner).get(reverse("portal:rfq_feed"))
    assert response.status_code == 302


def test_the_feed_lists_stores_in_one_query(team, market):
    city, track, category = market
    merchant = MerchantFactory()
    stores = [StoreFactory(merchant=merchant, city=city, category=category) for _ in range(3)]
    make_rfq(merchant, city=city, track=track, stores=stores)
    client = client_for(team[Role.BD])
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("portal:rfq_feed"))
    store_queries = [q["sql"] for q in captured if 'FROM "merchants_store"' in q["sql"]]
    assert len(store_queries) == 1
