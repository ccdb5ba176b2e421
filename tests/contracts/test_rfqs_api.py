"""The API twins of posted needs: the merchant's `merchant/needs/` (list, post, read with the proposals side
by side, accept, withdraw) and the provider's `needs/` (feed, one need, propose) and `proposals/` (list,
withdraw); errors are JSON with stable codes, lists run a constant number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.choices import ContractStatus, ProposalStatus, RfqStatus
from contracts.models import Contract, Proposal, Rfq
from linke.tenancy import all_providers
from providers.choices import Role, Tier
from providers.models import ProviderStanding

from ..conftest import client_for
from ..factories import MerchantFactory, ProviderFactory, StoreFactory
from ..factories.providers import CaseStudyFactory
from ..query_counts import assert_query_baseline
from ..tenancy.cases.rfqs import make_proposal, make_rfq, serve
from .rfqs_setup import FULL, market_fixture, shops_fixture, team_fixture  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def need_body(market, shops, **changes):
    city, track, _category = market
    return {
        "title": "两家火锅店的抖音短视频",
        "track": track.pk,
        "city": city.pk,
        "stores": [shop.pk for shop in shops],
        "mode": "specialized",
        "budget_min": "3000.00",
        "budget_max": "8000.00",
        "deadline": (timezone.now() + timedelta(days=10)).isoformat(),
        "description": "每月8条团购短视频",
    } | changes


PROPOSAL = {
    "price": "6800.00",
    "scope": "两家门店每月8条团购短视频",
    "deliverables": "8条短视频",
    "timeline_days": 30,
    "service_area": "short_video",
    "service_level": "value_added",
}


# --- the merchant's side ----------------------------------------------------------------------------


def test_a_merchant_posts_a_need_and_reads_it(merchant_client, merchant, market, shops):
    response = merchant_client.post(
        reverse("api:merchant-need-list"), need_body(market, shops), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    with all_providers():
        need = Rfq.objects.get(pk=body["id"])
    assert body["status"] == RfqStatus.OPEN and body["budget_max"] == "8000.00" and body["proposals"] == []
    assert [store["name"] for store in body["stores"]] == ["老张火锅（五四路店）", "老张火锅（台江店）"]
    assert body["track"] == {"id": market[1].pk, "name": market[1].name}
    listed = merchant_client.get(reverse("api:merchant-need-list")).json()
    assert [(row["id"], row["proposal_count"]) for row in listed["results"]] == [(need.pk, 0)]


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"budget_min": "9000.00"}, 400, "budget_range"),
        ({"deadline": "2020-01-01T00:00:00+08:00"}, 400, "deadline_past"),
        ({"mode": "both"}, 400, "invalid"),
        ({"stores": [99999999999999999999]}, 400, "invalid"),
        ({"stores": "1"}, 400, "invalid"),
        ({"track": 999999}, 400, "invalid"),
        ({"budget_max": "NaN"}, 400, "invalid"),
        ({"title": "a\x00b"}, 400, "malformed_request"),
    ],
)
def test_a_bad_need_is_a_400_with_a_stable_code(changes, status, code, merchant_client, market, shops):
    response = merchant_client.post(
        reverse("api:merchant-need-list"), need_body(market, shops, **changes), content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (status, code)
    with all_providers():
        assert Rfq.objects.count() == 0


def test_another_merchants_store_is_refused(merchant_client, other_merchant, market, shops):
    theirs = StoreFactory(merchant=other_merchant, city=market[0], category=market[2])
    body = need_body(market, shops, stores=[shops[0].pk, theirs.pk])
    response = merchant_client.post(reverse("api:merchant-need-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["details"] == {"stores": ["You can only post needs for your own stores."]}


@pytest.fixture
def bids(merchant, market, shops):
    city, track, _category = market
    need = make_rfq(merchant, city=city, track=track, stores=shops)
    rated, plain = ProviderFactory(name="甲级服务商"), ProviderFactory(name="乙服务商")
    for bidder in (rated, plain):
        serve(bidder, cities=[city], tracks=[track])
    ProviderStanding.objects.filter(provider=rated).update(tier=Tier.L3, rating=Decimal("4.60"), review_count=12)
    study = CaseStudyFactory(provider=rated, title="火锅直播案例")
    return {
        "need": need,
        "rated": make_proposal(rated, need, price="6800.00"),
        "plain": make_proposal(plain, need, price="5000.00"),
        "study": study,
    }


def test_the_need_is_read_with_its_proposals_side_by_side(bids, merchant_client):
    body = merchant_client.get(reverse("api:merchant-need-detail", kwargs={"pk": bids["need"].pk})).json()
    assert [(p["price"], p["provider"]["name"]) for p in body["proposals"]] == [
        ("5000.00", "乙服务商"),
        ("6800.00", "甲级服务商"),
    ]
    rated = body["proposals"][1]
    assert rated["provider"] == {
        "id": bids["rated"].provider_id,
        "name": "甲级服务商",
        "rating": "4.60",
        "review_count": 12,
        "tier": "L3",
        "in_good_standing": True,
        "case_studies": [{"id": bids["study"].pk, "title": "火锅直播案例"}],
    }
    assert (rated["status"], rated["timeline_days"], rated["contract_id"]) == (ProposalStatus.SUBMITTED, 30, None)


def test_accepting_answers_with_the_contract_to_sign(bids, merchant_client):
    url = reverse("api:merchant-need-accept", kwargs={"pk": bids["need"].pk})
    response = merchant_client.post(url, {"proposal": bids["rated"].pk}, content_type="application/json")
    assert response.status_code == 200, response.json()
    body = response.json()
    with all_providers():
        contract = Contract.objects.get()
    assert contract.status == ContractStatus.PROPOSED
    assert body["contract_id"] == contract.pk
    assert body["need"]["status"] == RfqStatus.AWARDED
    assert [(p["status"], p["contract_id"]) for p in body["need"]["proposals"]] == [
        (ProposalStatus.CLOSED, None),
        (ProposalStatus.ACCEPTED, contract.pk),
    ]
    again = merchant_client.post(url, {"proposal": bids["plain"].pk}, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [({}, 400, "invalid"), ({"proposal": "abc"}, 400, "invalid"), ({"proposal": 2**63}, 400, "invalid")],
)
def test_a_crafted_acceptance_changes_nothing(body, status, code, bids, merchant_client):
    url = reverse("api:merchant-need-accept", kwargs={"pk": bids["need"].pk})
    response = merchant_client.post(url, body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (status, code)
    with all_providers():
        assert Rfq.objects.get(pk=bids["need"].pk).status == RfqStatus.OPEN


def test_a_proposal_of_another_need_is_not_one_of_its_proposals(bids, merchant, merchant_client, market):
    other = make_rfq(merchant, city=market[0], track=market[1])
    url = reverse("api:merchant-need-accept", kwargs={"pk": other.pk})
    response = merchant_client.post(url, {"proposal": bids["rated"].pk}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "proposal_not_found")


def test_withdrawing_a_need(bids, merchant_client):
    url = reverse("api:merchant-need-cancel", kwargs={"pk": bids["need"].pk})
    body = merchant_client.post(url).json()
    assert body["status"] == RfqStatus.CANCELLED
    assert {p["status"] for p in body["proposals"]} == {ProposalStatus.CLOSED}
    assert merchant_client.post(url).json()["code"] == "invalid_transition"


def test_a_provider_member_is_not_a_merchant_on_the_merchant_api(team):
    response = client_for(team[Role.OWNER]).get(reverse("api:merchant-need-list"))
    assert (response.status_code, response.json()["code"]) == (403, "no_merchant")


def test_the_merchants_list_runs_the_same_queries_whatever_the_number_of_needs(merchant, merchant_client, market):
    def add_rows(k):
        titles = []
        for _ in range(k):
            need = make_rfq(merchant, city=market[0], track=market[1])
            make_proposal(ProviderFactory(), need)
            titles.append(need.title)
        return titles

    assert_query_baseline(
        "api:merchant-need-list", lambda: merchant_client.get(reverse("api:merchant-need-list")), add_rows
    )


# --- the provider's side ----------------------------------------------------------------------------


@pytest.fixture
def open_needs(merchant, market, team):
    city, track, _category = market
    return {
        "specialized": make_rfq(merchant, city=city, track=track, title="短视频需求"),
        "full": make_rfq(merchant, city=city, track=track, mode=FULL, title="代运营需求"),
    }


def test_the_feed_and_one_need(open_needs, team):
    client = client_for(team[Role.BD])
    feed = client.get(reverse("api:need-list")).json()
    assert [row["title"] for row in feed["results"]] == ["短视频需求"]  # full operation: not certified
    row = feed["results"][0]
    assert (row["my_proposal_id"], row["my_proposal_status"], row["merchant"]["name"]) == (
        None,
        None,
        "演示餐饮有限公司",
    )
    assert client.get(reverse("api:need-list"), {"proposed": "yes"}).json()["results"] == []
    detail = client.get(reverse("api:need-detail", kwargs={"pk": open_needs["specialized"].pk}))
    assert detail.status_code == 200 and detail.json()["description"] == open_needs["specialized"].description
    hidden = client.get(reverse("api:need-detail", kwargs={"pk": open_needs["full"].pk}))
    assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")


def test_proposing_once(open_needs, team, merchant):
    client = client_for(team[Role.BD])
    url = reverse("api:need-propose", kwargs={"pk": open_needs["specialized"].pk})
    response = client.post(url, PROPOSAL, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["rfq"], body["price"], body["status"], body["service_area"]) == (
        open_needs["specialized"].pk,
        "6800.00",
        ProposalStatus.SUBMITTED,
        "short_video",
    )
    again = client.post(url, PROPOSAL, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "proposal_exists")
    mine = client.get(reverse("api:rfq-proposal-list")).json()["results"]
    assert [row["id"] for row in mine] == [body["id"]]


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"timeline_days": 60}, 400, "timeline_out_of_range"),
        ({"monthly_gmv_target": None, "videos_per_month": None}, 400, "standards_required"),
        ({"timeline_days": "x"}, 400, "invalid"),
        ({"price": "-1"}, 400, "invalid"),
        ({"price": "1" * 20}, 400, "invalid"),
        ({"scope": "\x00"}, 400, "malformed_request"),
    ],
)
def test_a_bad_full_operation_proposal_is_a_400_with_a_stable_code(
    changes, status, code, open_needs, team, provider, market
):
    serve(provider, certified=[market[1]])
    body = PROPOSAL | {"timeline_days": 180, "monthly_gmv_target": "100000.00", "videos_per_month": 8} | changes
    url = reverse("api:need-propose", kwargs={"pk": open_needs["full"].pk})
    response = client_for(team[Role.BD]).post(url, body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (status, code)
    with all_providers():
        assert Proposal.objects.count() == 0


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.VIEWER])
def test_members_who_do_not_answer_needs_are_refused_a_403(role, open_needs, team):
    url = reverse("api:need-propose", kwargs={"pk": open_needs["specialized"].pk})
    response = client_for(team[role]).post(url, PROPOSAL, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_withdrawing_a_proposal(open_needs, team, provider):
    proposal = make_proposal(provider, open_needs["specialized"])
    client = client_for(team[Role.BD])
    url = reverse("api:rfq-proposal-withdraw", kwargs={"pk": proposal.pk})
    assert client.post(url).json()["status"] == ProposalStatus.WITHDRAWN
    assert client.post(url).json()["code"] == "invalid_transition"
    assert client.post(reverse("api:rfq-proposal-withdraw", kwargs={"pk": 2**63})).status_code == 404


def test_the_feed_runs_the_same_queries_whatever_the_number_of_needs(team, market):
    city, track, category = market

    def add_rows(k):
        titles = []
        for _ in range(k):
            merchant = MerchantFactory()
            stores = [StoreFactory(merchant=merchant, city=city, category=category) for _ in range(2)]
            need = make_rfq(merchant, city=city, track=track, stores=stores)
            make_proposal(team[Role.BD].provider, need)
            titles += [need.title, stores[1].name]
        return titles

    client = client_for(team[Role.BD])
    assert_query_baseline("api:need-list", lambda: client.get(reverse("api:need-list")), add_rows)
