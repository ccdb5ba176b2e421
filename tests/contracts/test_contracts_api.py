# ruff: noqa: F811  (the fixtures are imported from contracts_setup)
"""The API twins of the contract pages: the provider's `contracts/` (list, retrieve, create a draft, PATCH a
draft, propose, revise, cancel, notice, agree-notice, upgrade) and the merchant's `merchant/contracts/` (list,
retrieve, sign, reject, cancel, notice, agree-notice, return-to-pool), with the permission matrix, stable
error codes, crafted input answered 400, and constant query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from contracts.choices import ContractEventKind, ContractOrigin, ContractStatus, Side
from contracts.services.contracts import terms_fingerprint
from providers.choices import Role

from ..factories import MerchantFactory, ProviderFactory, StoreFactory
from ..factories.contracts import make_contract
from ..query_counts import assert_query_baseline
from ..tenancy.cases.requests import make_request
from .contracts_setup import FULL, SPECIALIZED, contracts_of, fetch, offering, second_shop, shop  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db]

today = timezone.localdate


def api_for(user) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_login(user)
    return api


@pytest.fixture
def bd_api(member):
    return api_for(member(Role.BD).user)


@pytest.fixture
def admin_api(member):
    return api_for(member(Role.ADMIN).user)


@pytest.fixture
def merchant_api(merchant):
    return api_for(merchant.owner)


@pytest.fixture
def asked(offering, merchant, shop):
    """The merchant sent the provider a cooperation request: the provider may propose to it."""
    return make_request(offering, merchant, stores=[shop])


def specialized_body(merchant, stores, **extra):
    end = today() + timedelta(days=29)
    body = {
        "merchant": merchant.pk,
        "kind": "specialized",
        "stores": [store.pk for store in stores],
        "title": "抖音短视频代拍",
        "start_date": today().isoformat(),
        "end_date": end.isoformat(),
        "items": [
            {
                "area": "short_video",
                "level": "basic",
                "title": "探店短视频",
                "unit_price": "800.00",
                "quantity": 4,
                "due_date": end.isoformat(),
            }
        ],
    }
    return body | extra


def full_terms(**extra):
    body = {
        "title": "门店代运营",
        "start_date": (today() + timedelta(days=1)).isoformat(),
        "end_date": (today() + timedelta(days=180)).isoformat(),
        "monthly_fee": "5000.00",
        "commission_bp": 550,
        "standards": [{"kind": "monthly_gmv", "target": "100000.00"}, {"kind": "short_videos", "target": "8"}],
    }
    return body | extra


def detail(name, contract):
    return reverse(name, kwargs={"pk": contract.pk})


# --- the provider's side --------------------------------------------------------------------------------


def test_drafting_a_specialized_contract(offering, merchant, shop, asked, bd_api):
    body = specialized_body(merchant, [shop], request=asked.pk)
    response = bd_api.post(reverse("api:contract-list"), body, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {key: body[key] for key in ("kind", "status", "origin", "version", "total_price", "request")} == {
        "kind": "specialized",
        "status": "draft",
        "origin": "request",
        "version": 1,
        "total_price": "3200.00",
        "request": asked.pk,
    }
    assert body["merchant"] == {"id": merchant.pk, "name": merchant.name}
    assert [store["name"] for store in body["stores"]] == ["老张火锅（五四路店）"]
    assert body["items"] == [
        {
            "area": "short_video",
            "level": "basic",
            "title": "探店短视频",
            "unit_price": "800.00",
            "quantity": 4,
            "due_date": (today() + timedelta(days=29)).isoformat(),
        }
    ]
    assert body["actions"] == ["edit", "propose", "cancel"]
    assert [entry["kind"] for entry in body["timeline"]] == [ContractEventKind.DRAFTED]


def test_drafting_full_operation_in_basis_points(offering, merchant, shop, asked, bd_api):
    body = full_terms() | {"merchant": merchant.pk, "kind": "full_operation", "stores": [shop.pk]}
    response = bd_api.post(reverse("api:contract-list"), body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["monthly_fee"], created["commission_bp"]) == ("5000.00", 550)
    assert created["standards"] == [
        {"kind": "monthly_gmv", "target": "100000.00"},
        {"kind": "short_videos", "target": "8.00"},
    ]


def test_a_merchant_the_provider_does_not_work_with_is_refused(offering, bd_api, cities, categories):
    stranger = MerchantFactory()
    store = StoreFactory(merchant=stranger, city=cities[0], category=categories["hotpot"])
    response = bd_api.post(reverse("api:contract-list"), specialized_body(stranger, [store]), format="json")
    assert response.status_code == 400
    assert response.json()["details"] == {
        "merchant": ["Choose a merchant you work with: a request, a held lead, a contract."]
    }
    assert contracts_of(offering) == []


def test_a_rule_of_the_service_gives_its_code_and_field(offering, merchant, shop, asked, bd_api):
    body = full_terms(end_date=(today() + timedelta(days=30)).isoformat())
    body |= {"merchant": merchant.pk, "kind": "full_operation", "stores": [shop.pk]}
    response = bd_api.post(reverse("api:contract-list"), body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "term_length",
        "message": "A full-operation contract runs for 90 days to 3 years: change the start or end date.",
        "details": {"field": "end_date"},
    }


@pytest.mark.parametrize(
    "change",
    [
        {"merchant": 99999999999999999999},
        {"merchant": "abc"},
        {"stores": ["abc"]},
        {"stores": [99999999999999999999]},
        {"stores": "1"},
        {"kind": "everything"},
        {"items": [{"area": "short_video"}]},
        {"items": "many"},
        {"commission_bp": 1.5, "kind": "full_operation"},
        {"monthly_fee": "NaN", "kind": "full_operation"},
        {"title": "标题\x00"},
        {"request": 99999999999999999999},
        {"lead_claim": -1},
        {"start_date": "2027-02-30"},
    ],
)
def test_crafted_input_is_a_400(offering, merchant, shop, asked, bd_api, change):
    response = bd_api.post(reverse("api:contract-list"), specialized_body(merchant, [shop]) | change, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] in {"invalid", "malformed_request"}
    assert contracts_of(offering) == []


def test_another_merchants_store_is_refused_by_the_service(offering, merchant, shop, asked, bd_api, other_merchant):
    theirs = StoreFactory(merchant=other_merchant, city=shop.city, category=shop.category)
    response = bd_api.post(reverse("api:contract-list"), specialized_body(merchant, [theirs]), format="json")
    assert (response.status_code, response.json()["code"]) == (400, "store_not_merchants")


@pytest.mark.parametrize("role", [Role.VIEWER, Role.OPERATOR])
def test_readers_read_but_cannot_draft(offering, merchant, shop, asked, member, role):
    api = api_for(member(role).user)
    make_contract(offering, merchant, stores=[shop])
    assert api.get(reverse("api:contract-list")).status_code == 200
    response = api.post(reverse("api:contract-list"), specialized_body(merchant, [shop]), format="json")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_patching_a_draft_keeps_what_is_not_given(offering, merchant, shop, bd_api):
    draft = make_contract(offering, merchant, stores=[shop], status=ContractStatus.DRAFT)
    response = bd_api.patch(detail("api:contract-detail", draft), {"title": "新标题"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["title"], len(response.json()["items"]), fetch(draft).title) == ("新标题", 1, "新标题")


def test_patching_a_proposal_is_refused(offering, merchant, shop, bd_api):
    proposal = make_contract(offering, merchant, stores=[shop], status=ContractStatus.PROPOSED)
    response = bd_api.patch(detail("api:contract-detail", proposal), {"title": "新标题"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "not_a_draft")


def test_propose_revise_and_withdraw(offering, merchant, shop, bd_api):
    draft = make_contract(offering, merchant, stores=[shop], status=ContractStatus.DRAFT)
    proposed = bd_api.post(detail("api:contract-propose", draft))
    assert (proposed.status_code, proposed.json()["status"], proposed.json()["actions"]) == (
        200,
        "proposed",
        ["revise", "cancel"],
    )
    revised = bd_api.post(detail("api:contract-revise", draft), {"scope": "加两条视频"}, format="json")
    assert (revised.json()["version"], revised.json()["scope"]) == (2, "加两条视频")
    missing = bd_api.post(detail("api:contract-cancel", draft), {}, format="json")
    assert (missing.status_code, missing.json()["code"]) == (400, "reason_required")
    cancelled = bd_api.post(detail("api:contract-cancel", draft), {"reason": "报价有误"}, format="json")
    assert (cancelled.json()["status"], cancelled.json()["reason"], cancelled.json()["ended_by"]) == (
        "cancelled",
        "报价有误",
        "provider",
    )


def test_notice_is_for_the_owner_and_admins(offering, merchant, shop, bd_api, admin_api):
    active = make_contract(
        offering, merchant, stores=[shop], status=ContractStatus.ACTIVE, end=today() + timedelta(days=90)
    )
    body = {"end_date": (today() + timedelta(days=40)).isoformat(), "reason": "经营调整"}
    refused = bd_api.post(detail("api:contract-notice", active), body, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    given = admin_api.post(detail("api:contract-notice", active), body, format="json")
    assert given.status_code == 200
    assert (given.json()["end_date"], given.json()["notice_by"]) == (body["end_date"], "provider")


def test_an_early_notice_of_the_merchant_is_agreed_by_an_admin(offering, merchant, shop, merchant_api, admin_api):
    active = make_contract(
        offering, merchant, stores=[shop], status=ContractStatus.ACTIVE, end=today() + timedelta(days=90)
    )
    early = (today() + timedelta(days=10)).isoformat()
    asked_early = merchant_api.post(
        detail("api:merchant-contract-notice", active), {"end_date": early, "reason": "门店转让"}, format="json"
    )
    assert (asked_early.json()["notice_end_date"], asked_early.json()["end_date"]) == (
        early,
        (today() + timedelta(days=90)).isoformat(),
    )
    assert "agree_notice" in admin_api.get(detail("api:contract-detail", active)).json()["actions"]
    agreed = admin_api.post(detail("api:contract-agree-notice", active))
    assert (agreed.status_code, agreed.json()["end_date"]) == (200, early)
    again = admin_api.post(detail("api:contract-agree-notice", active))
    assert (again.status_code, again.json()["code"]) == (409, "no_pending_notice")


def test_upgrade_drafts_a_linked_full_operation_contract(offering, merchant, shop, bd_api):
    old = make_contract(offering, merchant, stores=[shop], status=ContractStatus.ACTIVE)
    response = bd_api.post(detail("api:contract-upgrade", old), full_terms(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["status"], body["origin"], body["upgraded_from"]) == (
        "full_operation",
        "draft",
        ContractOrigin.UPGRADE,
        old.pk,
    )
    assert [store["id"] for store in body["stores"]] == [shop.pk]
    refused = bd_api.post(detail("api:contract-upgrade", fetch(old)), {"title": "x"}, format="json")
    assert refused.status_code == 400


def test_the_list_filters_and_runs_a_constant_number_of_queries(offering, member, cities, categories):
    api = api_for(member(Role.VIEWER).user)

    def add_rows(count):
        titles = []
        for _ in range(count):
            merchant = MerchantFactory()
            store = StoreFactory(merchant=merchant, city=cities[0], category=categories["hotpot"])
            titles.append(make_contract(offering, merchant, stores=[store]).title)
        return titles

    assert_query_baseline("api:contract-list", lambda: api.get(reverse("api:contract-list")), add_rows)
    assert api.get(reverse("api:contract-list") + "?status=draft").json()["count"] == 0
    assert api.get(reverse("api:contract-list") + "?status=active").json()["count"] == 9


# --- the merchant's side --------------------------------------------------------------------------------


def test_the_merchant_reads_only_its_own(offering, merchant, shop, merchant_api, other_merchant):
    mine = make_contract(offering, merchant, stores=[shop], status=ContractStatus.PROPOSED)
    other_store = StoreFactory(merchant=other_merchant, city=shop.city, category=shop.category)
    theirs = make_contract(offering, other_merchant, stores=[other_store])
    listed = merchant_api.get(reverse("api:merchant-contract-list")).json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert listed["results"][0]["actions"] == ["sign", "reject", "return_to_pool"]
    assert merchant_api.get(detail("api:merchant-contract-detail", theirs)).status_code == 404


def test_signing_records_the_fingerprint_of_the_signed_terms(offering, merchant, shop, merchant_api):
    proposal = make_contract(offering, merchant, stores=[shop], status=ContractStatus.PROPOSED)
    response = merchant_api.post(detail("api:merchant-contract-sign", proposal), {"version": 1}, format="json")
    assert response.status_code == 200, response.json()
    signed = fetch(proposal)
    assert response.json()["signed_fingerprint"] == signed.signed_fingerprint == terms_fingerprint(signed.signed_terms)
    assert response.json()["status"] == ContractStatus.ACTIVE


def test_a_stale_version_or_unconfirmed_fees_are_refused(offering, merchant, shop, merchant_api):
    proposal = make_contract(
        offering, merchant, stores=[shop], kind=FULL, status=ContractStatus.PROPOSED, start=today() + timedelta(days=1)
    )
    stale = merchant_api.post(detail("api:merchant-contract-sign", proposal), {"version": 2}, format="json")
    assert (stale.status_code, stale.json()["code"], stale.json()["details"]) == (
        409,
        "version_changed",
        {"version": 1},
    )
    unconfirmed = merchant_api.post(detail("api:merchant-contract-sign", proposal), {"version": 1}, format="json")
    assert (unconfirmed.status_code, unconfirmed.json()["code"]) == (400, "fees_not_confirmed")
    assert fetch(proposal).status == ContractStatus.PROPOSED
    confirmed = merchant_api.post(
        detail("api:merchant-contract-sign", proposal), {"version": 1, "confirm_fees": True}, format="json"
    )
    assert (confirmed.status_code, confirmed.json()["status"]) == (200, "signed")


@pytest.mark.parametrize(
    "body", [{"version": "x"}, {"version": 99999999999}, {"version": 1, "confirm_fees": "maybe"}, {}]
)
def test_crafted_sign_input_is_a_400(offering, merchant, shop, merchant_api, body):
    proposal = make_contract(offering, merchant, stores=[shop], status=ContractStatus.PROPOSED)
    response = merchant_api.post(detail("api:merchant-contract-sign", proposal), body, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_reject_needs_a_reason(offering, merchant, shop, merchant_api):
    proposal = make_contract(offering, merchant, stores=[shop], status=ContractStatus.PROPOSED)
    empty = merchant_api.post(detail("api:merchant-contract-reject", proposal), {"reason": ""}, format="json")
    assert (empty.status_code, list(empty.json()["details"])) == (400, ["reason"])
    rejected = merchant_api.post(detail("api:merchant-contract-reject", proposal), {"reason": "太贵"}, format="json")
    assert (rejected.json()["status"], rejected.json()["reason"], rejected.json()["ended_by"]) == (
        "rejected",
        "太贵",
        Side.MERCHANT,
    )


def test_cancel_in_the_cooling_off_and_not_for_specialized(offering, merchant, shop, second_shop, merchant_api):
    full = make_contract(
        offering, merchant, stores=[shop], kind=FULL, status=ContractStatus.SIGNED, start=today() + timedelta(days=3)
    )
    cancelled = merchant_api.post(detail("api:merchant-contract-cancel", full), {"reason": "改变计划"}, format="json")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    specialized = make_contract(offering, merchant, stores=[second_shop], status=ContractStatus.ACTIVE)
    refused = merchant_api.post(
        detail("api:merchant-contract-cancel", specialized), {"reason": "改变计划"}, format="json"
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "cooling_off_over")


def test_return_to_pool_takes_a_boolean(offering, merchant, shop, merchant_api):
    active = make_contract(offering, merchant, stores=[shop], status=ContractStatus.ACTIVE)
    agreed = merchant_api.post(detail("api:merchant-contract-return-to-pool", active), {"agree": True}, format="json")
    assert (agreed.status_code, agreed.json()["return_to_pool"]) == (200, True)
    crafted = merchant_api.post(detail("api:merchant-contract-return-to-pool", active), {"agree": [1]}, format="json")
    assert crafted.status_code == 400
    assert fetch(active).return_to_pool is True


def test_the_merchant_list_runs_a_constant_number_of_queries(merchant, shop, merchant_api):
    def add_rows(count):
        return [make_contract(ProviderFactory(), merchant, stores=[shop]).title for _ in range(count)]

    assert_query_baseline(
        "api:merchant-contract-list", lambda: merchant_api.get(reverse("api:merchant-contract-list")), add_rows
    )


def test_money_stays_decimal_in_the_answer(offering, merchant, shop, merchant_api):
    make_contract(
        offering,
        merchant,
        stores=[shop],
        kind=FULL,
        monthly_fee=Decimal("1234.50"),
        commission_bp=5,
        status=ContractStatus.PROPOSED,
    )
    row = merchant_api.get(reverse("api:merchant-contract-list")).json()["results"][0]
    assert (row["monthly_fee"], row["commission_bp"]) == ("1234.50", 5)
