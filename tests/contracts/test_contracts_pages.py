# ruff: noqa: F811  (the fixtures are imported from contracts_setup)
"""Contract lifecycle pages, both sides: the lists with their URL filters and query counts, a new draft (from
scratch, a cooperation request, a held lead) with its items or fees and standards, editing and revising,
proposing, the detail page (terms, fingerprint, timeline, the buttons each role gets), signing with the fees
confirmed, rejecting, cancelling in the cooling-off, notice and agreement, the lead pool consent, upgrading."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from contracts.choices import ContractEventKind, ContractOrigin, ContractStatus, Side, StandardKind
from contracts.forms import percent_to_basis_points
from contracts.models import Contract, DeliveryStandard, ServiceItem
from contracts.services.contracts import signed_terms_of, terms_fingerprint
from linke.tenancy import all_providers
from merchants.choices import ClaimStatus
from merchants.models import LeadClaim
from providers.choices import Role

from ..conftest import client_for
from ..factories import LeadFactory, MerchantFactory, StoreFactory
from ..factories.contracts import make_contract
from ..query_counts import assert_query_baseline
from ..tenancy.cases.requests import make_request
from .contracts_setup import FULL, SPECIALIZED, contracts_of, fetch, offering, second_shop, shop, timeline_kinds  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

today = timezone.localdate


def detail_url(contract, namespace="portal"):
    return reverse(f"{namespace}:contract_detail", kwargs={"pk": contract.pk})


def url(name, contract):
    return reverse(name, kwargs={"pk": contract.pk})


@pytest.fixture
def bd(member):
    return member(Role.BD)


@pytest.fixture
def bd_client(bd):
    return client_for(bd)


@pytest.fixture
def admin_client(member):
    return client_for(member(Role.ADMIN))


def specialized_post(stores, **extra):
    start, end = today(), today() + timedelta(days=29)
    data = {
        "title": "抖音短视频代拍",
        "stores": [store.pk for store in stores],
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "scope": "每周两条探店视频",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "30",
        "items-0-area": "short_video",
        "items-0-level": "basic",
        "items-0-title": "探店短视频",
        "items-0-unit_price": "800.00",
        "items-0-quantity": "4",
        "items-0-due_date": end.isoformat(),
    }
    return data | extra


def full_post(stores, **extra):
    start, end = today(), today() + timedelta(days=179)
    data = {
        "title": "门店代运营",
        "stores": [store.pk for store in stores],
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "monthly_fee": "5000.00",
        "commission": "5.5 %",
        "standards-monthly_gmv": "100000",
        "standards-short_videos": "8",
    }
    return data | extra


# --- percentages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "basis_points"),
    [("5.5", 550), ("5.5 %", 550), ("5.50%", 550), ("12", 1200), ("0", 0), ("100", 10_000), (" 0.05 ", 5)],
)
def test_a_typed_percentage_becomes_basis_points(typed, basis_points):
    assert percent_to_basis_points(typed) == basis_points


@pytest.mark.parametrize("typed", ["5.555", "-1", "100.01", "1e3", "NaN", "五", "5,5", "", "%"])
def test_anything_else_is_not_a_percentage(typed):
    with pytest.raises(ValueError):
        percent_to_basis_points(typed)


# --- the lists ------------------------------------------------------------------------------------------


def test_the_provider_list_filters_by_status_kind_merchant_and_store(
    offering, merchant, shop, second_shop, member, other_provider
):
    client = client_for(member(Role.VIEWER))
    other = MerchantFactory(name="别家美甲有限公司")
    other_store = StoreFactory(merchant=other, name="美甲店", city=shop.city, category=shop.category)
    a = make_contract(offering, merchant, stores=[shop], status=ContractStatus.ACTIVE, title="专项甲")
    b = make_contract(
        offering, merchant, stores=[second_shop], kind=FULL, status=ContractStatus.PROPOSED, title="代运营乙"
    )
    c = make_contract(offering, other, stores=[other_store], status=ContractStatus.DRAFT, title="专项丙")
    make_contract(other_provider, merchant, stores=[shop], status=ContractStatus.ACTIVE, title="别家的合同")

    def titles(query=""):
        response = client.get(reverse("portal:contract_list") + query)
        assert response.status_code == 200
        return [contract.title for contract in response.context["contracts"]]

    assert titles() == [c.title, b.title, a.title]
    assert titles("?status=active") == [a.title]
    assert titles("?kind=full_operation") == [b.title]
    assert titles("?merchant=美甲") == [c.title]
    assert titles(f"?store={second_shop.pk}") == [b.title]
    assert titles(f"?store={shop.pk}&kind=specialized") == [a.title]
    # values that are not choices are ignored, never an error
    assert titles("?store=99999999999999999999&status=nope") == [c.title, b.title, a.title]
    body = client.get(reverse("portal:contract_list")).content.decode()
    assert "别家的合同" not in body
    assert "table-responsive" in body


def test_the_merchant_list_shows_its_own_contracts_with_a_provider_search(
    offering, merchant, shop, merchant_client, other_merchant, other_provider
):
    mine = make_contract(offering, merchant, stores=[shop], status=ContractStatus.PROPOSED)
    theirs = make_contract(other_provider, merchant, stores=[shop], status=ContractStatus.ACTIVE)
    other_store = StoreFactory(merchant=other_merchant, city=shop.city, category=shop.category)
    make_contract(offering, other_merchant, stores=[other_store], title="别家商户的合同")
    response = merchant_client.get(reverse("merchant:contract_list"))
    assert [c.pk for c in response.context["contracts"]] == [theirs.pk, mine.pk]
    assert "别家商户的合同" not in response.content.decode()
    searched = merchant_client.get(reverse("merchant:contract_list") + "?provider=阿尔法")
    assert [c.pk for c in searched.context["contracts"]] == [mine.pk]


def test_the_provider_list_runs_a_constant_number_of_queries(offering, member, cities, categories):
    client = client_for(member(Role.OWNER))

    def add_rows(count):
        titles = []
        for _ in range(count):
            merchant = MerchantFactory()
            store = StoreFactory(merchant=merchant, city=cities[0], category=categories["hotpot"])
            titles.append(make_contract(offering, merchant, stores=[store]).title)
        return titles

    assert_query_baseline("contracts.list", lambda: client.get(reverse("portal:contract_list")), add_rows)


def test_the_merchant_list_runs_a_constant_number_of_queries(merchant, merchant_client, shop):
    from ..factories import ProviderFactory

    def add_rows(count):
        return [make_contract(ProviderFactory(), merchant, stores=[shop]).title for _ in range(count)]

    assert_query_baseline(
        "contracts.list (merchant)", lambda: merchant_client.get(reverse("merchant:contract_list")), add_rows
    )


# --- a new draft ----------------------------------------------------------------------------------------


def test_step_one_offers_only_the_merchants_the_provider_works_with(offering, merchant, shop, bd_client, member):
    with_lead = MerchantFactory(name="线索商户")
    held = LeadFactory(merchant=with_lead, city=shop.city, category=shop.category)
    with all_providers():
        LeadClaim.objects.create(
            provider=offering,
            lead=held,
            claimed_by=member(Role.BD),
            claimed_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=30),
        )
    make_request(offering, merchant, stores=[shop])
    MerchantFactory(name="陌生商户")
    response = bd_client.get(reverse("portal:contract_create"))
    assert response.status_code == 200
    assert [m.name for m in response.context["form"].fields["merchant"].queryset] == sorted([merchant.name, "线索商户"])
    assert "陌生商户" not in response.content.decode()
    assert [mode for mode, _ in response.context["form"].fields["kind"].choices] == [SPECIALIZED, FULL]


def test_a_viewer_or_operator_cannot_draft(offering, member):
    for role in (Role.VIEWER, Role.OPERATOR):
        assert client_for(member(role)).get(reverse("portal:contract_create")).status_code == 403


def test_a_draft_from_a_cooperation_request_is_prefilled_and_saved(offering, merchant, shop, second_shop, bd_client):
    request = make_request(offering, merchant, stores=[shop])
    create = reverse("portal:contract_create") + f"?request={request.pk}"
    page = bd_client.get(create)
    assert page.status_code == 200
    assert page.context["terms_form"]["stores"].value() == [shop.pk]
    assert page.context["kind"] == SPECIALIZED
    response = bd_client.post(create, specialized_post([shop, second_shop]))
    assert contracts_of(offering) == [(merchant.pk, SPECIALIZED, ContractStatus.DRAFT)]
    with all_providers():
        contract = Contract.objects.get(provider=offering)
        items = list(ServiceItem.objects.filter(contract=contract).values_list("title", "unit_price", "quantity"))
    assert response.status_code == 302 and response["Location"] == detail_url(contract)
    assert (contract.origin, contract.request_id, contract.total_price) == (
        ContractOrigin.REQUEST,
        request.pk,
        Decimal("3200.00"),
    )
    assert items == [("探店短视频", Decimal("800.00"), 4)]
    assert timeline_kinds(contract) == [ContractEventKind.DRAFTED]


def test_a_full_operation_draft_converts_the_commission_to_basis_points(offering, merchant, shop, bd_client):
    make_request(offering, merchant, stores=[shop], mode=FULL)
    create = reverse("portal:contract_create") + f"?merchant={merchant.pk}&kind=full_operation"
    response = bd_client.post(create, full_post([shop]))
    assert response.status_code == 302
    with all_providers():
        contract = Contract.objects.get(provider=offering)
        standards = list(DeliveryStandard.objects.filter(contract=contract).values_list("kind", "target"))
    assert (contract.kind, contract.monthly_fee, contract.commission_bp) == (FULL, Decimal("5000.00"), 550)
    assert standards == [(StandardKind.MONTHLY_GMV, Decimal("100000.00")), (StandardKind.SHORT_VIDEOS, Decimal("8.00"))]


def test_a_bad_percentage_keeps_what_was_typed_and_saves_nothing(offering, merchant, shop, bd_client):
    make_request(offering, merchant, stores=[shop], mode=FULL)
    create = reverse("portal:contract_create") + f"?merchant={merchant.pk}&kind=full_operation"
    response = bd_client.post(create, full_post([shop], commission="五个点"))
    assert response.status_code == 200
    assert response.context["terms_form"].errors["commission"] == [
        "Enter a percentage from 0 to 100 with at most two decimals, e.g. 5.5 for 5.5 %."
    ]
    assert 'value="五个点"' in response.content.decode()
    assert contracts_of(offering) == []


def test_a_rule_of_the_service_is_shown_at_its_field(offering, merchant, shop, bd_client):
    make_request(offering, merchant, stores=[shop])
    create = reverse("portal:contract_create") + f"?merchant={merchant.pk}&kind=specialized"
    late = (today() + timedelta(days=60)).isoformat()
    response = bd_client.post(create, specialized_post([shop], **{"items-0-due_date": late}))
    assert response.status_code == 200
    end = (today() + timedelta(days=29)).isoformat()
    assert response.context["items_formset"].forms[0].errors["due_date"] == [
        f"Item 1 is due on {late}, after the contract ends ({end})."
    ]
    assert contracts_of(offering) == []


def test_a_full_operation_term_too_short_is_refused_at_the_end_date(offering, merchant, shop, bd_client):
    make_request(offering, merchant, stores=[shop], mode=FULL)
    create = reverse("portal:contract_create") + f"?merchant={merchant.pk}&kind=full_operation"
    short = (today() + timedelta(days=30)).isoformat()
    response = bd_client.post(create, full_post([shop], end_date=short))
    assert response.context["terms_form"].errors["end_date"] == [
        "A full-operation contract runs for 90 days to 3 years: change the start or end date."
    ]


def test_add_an_item_keeps_the_typed_rows_and_adds_one(offering, merchant, shop, bd_client):
    make_request(offering, merchant, stores=[shop])
    create = reverse("portal:contract_create") + f"?merchant={merchant.pk}&kind=specialized"
    response = bd_client.post(create, specialized_post([shop], add_row="1"))
    assert response.status_code == 200
    formset = response.context["items_formset"]
    assert len(formset.forms) == 2
    assert formset.forms[0]["title"].value() == "探店短视频"
    assert contracts_of(offering) == []


def test_a_foreign_store_is_not_a_choice(offering, merchant, shop, other_merchant, bd_client):
    make_request(offering, merchant, stores=[shop])
    theirs = StoreFactory(merchant=other_merchant, city=shop.city, category=shop.category)
    create = reverse("portal:contract_create") + f"?merchant={merchant.pk}&kind=specialized"
    response = bd_client.post(create, specialized_post([theirs]))
    assert "stores" in response.context["terms_form"].errors
    assert contracts_of(offering) == []


@pytest.mark.parametrize("query", ["?request=abc", "?request=0", "?request=99999999999999999999", "?lead_claim=x"])
def test_an_unknown_source_is_404(offering, bd_client, query):
    assert bd_client.get(reverse("portal:contract_create") + query).status_code == 404


def test_another_providers_request_is_404(offering, other_provider, merchant, shop, bd_client):
    theirs = make_request(other_provider, merchant, stores=[shop])
    assert bd_client.get(reverse("portal:contract_create") + f"?request={theirs.pk}").status_code == 404


def test_a_held_lead_without_a_merchant_account_says_so(offering, shop, bd, bd_client):
    lead = LeadFactory(city=shop.city, category=shop.category, merchant_name="未注册商户")
    with all_providers():
        claim = LeadClaim.objects.create(
            provider=offering,
            lead=lead,
            claimed_by=bd,
            claimed_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=30),
            status=ClaimStatus.ACTIVE,
        )
    response = bd_client.get(reverse("portal:contract_create") + f"?lead_claim={claim.pk}", follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:lead_claim_detail", kwargs={"pk": claim.pk})
    assert "未注册商户 has no merchant account on Linke yet" in response.content.decode()


def test_a_held_lead_of_a_merchant_starts_a_draft_for_it(offering, merchant, shop, bd, bd_client):
    lead = LeadFactory(city=shop.city, category=shop.category, merchant=merchant)
    with all_providers():
        claim = LeadClaim.objects.create(
            provider=offering,
            lead=lead,
            claimed_by=bd,
            claimed_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=30),
        )
    claim_page = bd_client.get(reverse("portal:lead_claim_detail", kwargs={"pk": claim.pk}))
    create = reverse("portal:contract_create") + f"?lead_claim={claim.pk}"
    assert create in claim_page.content.decode()
    page = bd_client.get(create)
    assert page.context["merchant"] == merchant
    assert bd_client.post(create, specialized_post([shop])).status_code == 302
    with all_providers():
        contract = Contract.objects.get(provider=offering)
    assert (contract.origin, contract.lead_claim_id) == (ContractOrigin.LEAD, claim.pk)


def test_the_request_page_links_to_a_proposal(offering, merchant, shop, bd_client, member):
    request = make_request(offering, merchant, stores=[shop])
    link = reverse("portal:contract_create") + f"?request={request.pk}"
    assert link in bd_client.get(reverse("portal:request_detail", kwargs={"pk": request.pk})).content.decode()
    viewer = client_for(member(Role.VIEWER))
    assert link not in viewer.get(reverse("portal:request_detail", kwargs={"pk": request.pk})).content.decode()


# --- detail, editing, proposing --------------------------------------------------------------------------


def test_the_buttons_follow_the_role_and_the_state(offering, merchant, shop, member):
    draft = make_contract(offering, merchant, stores=[shop], status=ContractStatus.DRAFT)
    active = make_contract(
        offering, merchant, stores=[shop], status=ContractStatus.ACTIVE, end=today() + timedelta(days=90)
    )

    def actions(role, contract):
        return client_for(member(role)).get(detail_url(contract)).context["actions"]

    assert actions(Role.VIEWER, draft) == frozenset()
    assert actions(Role.OPERATOR, draft) == frozenset()
    assert actions(Role.BD, draft) == {"edit", "propose", "cancel"}
    assert actions(Role.BD, active) == {"upgrade"}
    assert actions(Role.ADMIN, active) == {"notice", "upgrade"}
    body = client_for(member(Role.VIEWER)).get(detail_url(draft)).content.decode()
    assert "Your role can read this contract" in body


def test_editing_a_draft_and_proposing_it(offering, merchant, shop, bd_client):
    make_request(offering, merchant, stores=[shop])
    draft = make_contract(offering, merchant, stores=[shop], status=ContractStatus.DRAFT)
    edit = url("portal:contract_edit", draft)
    assert bd_client.get(edit).context["terms_form"]["title"].value() == draft.title
    response = bd_client.post(edit, specialized_post([shop], title="改过的标题"))
    assert response.status_code == 302
    assert (fetch(draft).title, fetch(draft).version, fetch(draft).status) == ("改过的标题", 1, ContractStatus.DRAFT)
    proposed = bd_client.post(url("portal:contract_propose", draft), follow=True)
    assert fetch(draft).status == ContractStatus.PROPOSED
    assert f"Proposed to {merchant.name}" in proposed.content.decode()
    assert timeline_kinds(draft) == [ContractEventKind.PROPOSED]


def test_revising_a_proposal_makes_a_new_version(offering, merchant, shop, bd_client):
    proposal = make_contract(offering, merchant, stores=[shop], status=ContractStatus.PROPOSED)
    response = bd_client.post(url("portal:contract_edit", proposal), specialized_post([shop]), follow=True)
    assert (fetch(proposal).version, fetch(proposal).status) == (2, ContractStatus.PROPOSED)
    assert "Version 2 proposed: the merchant signs this one." in response.content.decode()


def test_a_signed_contract_cannot_be_edited(offering, merchant, shop, bd_client):
    active = make_contract(offering, merchant, stores=[shop], status=ContractStatus.ACTIVE)
    response = bd_client.get(url("portal:contract_edit", active), follow=True)
    assert response.redirect_chain[-1][0] == detail_url(active)
    assert "This contract can no longer be changed." in response.content.decode()


def test_withdrawing_a_proposal_needs_a_reason(offering, merchant, shop, bd_client):
    proposal = make_contract(offering, merchant, stores=[shop], status=ContractStatus.PROPOSED)
    empty = bd_client.post(url("portal:contract_cancel", proposal), {"reason": ""})
    assert empty.status_code == 200 and "reason" in empty.context["form"].errors
    assert fetch(proposal).status == ContractStatus.PROPOSED
    bd_client.post(url("portal:contract_cancel", proposal), {"reason": "报价有误"})
    assert (fetch(proposal).status, fetch(proposal).reason, fetch(proposal).ended_by) == (
        ContractStatus.CANCELLED,
        "报价有误",
        Side.PROVIDER,
    )


# --- the merchant signs, rejects, cancels --------------------------------------------------------------


def test_the_sign_page_shows_the_fingerprint_that_signing_records(offering, merchant, shop, merchant_client):
    proposal = make_contract(offering, merchant, stores=[shop], status=ContractStatus.PROPOSED)
    with all_providers():
        expected = terms_fingerprint(signed_terms_of(fetch(proposal)))
    page = merchant_client.get(url("merchant:contract_sign", proposal))
    assert page.status_code == 200
    assert page.context["fingerprint"] == expected and expected in page.content.decode()
    response = merchant_client.post(url("merchant:contract_sign", proposal), {"version": "1"}, follow=True)
    signed = fetch(proposal)
    assert (signed.status, signed.signed_fingerprint, signed.signed_by_id) == (
        ContractStatus.ACTIVE,
        expected,
        merchant.owner.pk,
    )
    body = response.content.decode()
    assert expected in body and "Fingerprint of the signed terms (SHA-256)" in body
    assert f"Signed: {offering.name} was notified and the contract has started." in body


def test_full_operation_is_signed_only_with_the_fees_confirmed(offering, merchant, shop, merchant_client):
    proposal = make_contract(
        offering, merchant, stores=[shop], kind=FULL, status=ContractStatus.PROPOSED, start=today() + timedelta(days=1)
    )
    page = merchant_client.get(url("merchant:contract_sign", proposal))
    assert page.context["form"].fields["confirm_fees"].label == (
        "I confirm the fixed monthly fee of ¥5,000.00 and the commission of 5.00% of attributed GMV."
    )
    unconfirmed = merchant_client.post(url("merchant:contract_sign", proposal), {"version": "1"})
    assert unconfirmed.status_code == 200 and "confirm_fees" in unconfirmed.context["form"].errors
    assert fetch(proposal).status == ContractStatus.PROPOSED
    merchant_client.post(url("merchant:contract_sign", proposal), {"version": "1", "confirm_fees": "on"})
    assert fetch(proposal).status == ContractStatus.SIGNED


def test_signing_a_version_that_was_revised_meanwhile_is_refused(offering, merchant, shop, merchant_client):
    proposal = make_contract(offering, merchant, stores=[shop], status=ContractStatus.PROPOSED, version=2)
    response = merchant_client.post(url("merchant:contract_sign", proposal), {"version": "1"})
    assert response.context["form"].non_field_errors() == [
        "The provider changed the proposal since you opened it (now version 2): read it again."
    ]
    assert fetch(proposal).status == ContractStatus.PROPOSED


def test_rejecting_with_a_reason(offering, merchant, shop, merchant_client):
    proposal = make_contract(offering, merchant, stores=[shop], status=ContractStatus.PROPOSED)
    merchant_client.post(url("merchant:contract_reject", proposal), {"reason": "价格太高"})
    assert (fetch(proposal).status, fetch(proposal).reason) == (ContractStatus.REJECTED, "价格太高")
    body = merchant_client.get(detail_url(proposal, "merchant")).content.decode()
    assert "价格太高" in body


def test_cancelling_in_the_cooling_off_shows_the_last_moment(offering, merchant, shop, merchant_client):
    signed = make_contract(
        offering, merchant, stores=[shop], kind=FULL, status=ContractStatus.SIGNED, start=today() + timedelta(days=3)
    )
    until = timezone.localtime(fetch(signed).signed_at + timedelta(days=7)).strftime("%Y-%m-%d %H:%M")
    detail = merchant_client.get(detail_url(signed, "merchant"))
    assert "cancel" in detail.context["actions"]
    assert f"Cancel at no cost (until {until})" in detail.content.decode()
    page = merchant_client.get(url("merchant:contract_cancel", signed))
    assert f"until {until} (7 days after signing)" in page.content.decode()
    merchant_client.post(url("merchant:contract_cancel", signed), {"reason": "改变计划"})
    assert (fetch(signed).status, fetch(signed).ended_by) == (ContractStatus.CANCELLED, Side.MERCHANT)


def test_after_the_cooling_off_there_is_no_cancel_and_a_post_is_refused(offering, merchant, shop, merchant_client):
    signed = make_contract(offering, merchant, stores=[shop], kind=FULL, status=ContractStatus.ACTIVE)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert "cancel" not in merchant_client.get(detail_url(signed, "merchant")).context["actions"]
        response = merchant_client.post(url("merchant:contract_cancel", signed), {"reason": "改变计划"})
    assert response.status_code == 200
    assert "The 7-day cooling-off period ended on" in str(response.context["form"].non_field_errors())
    assert fetch(signed).status == ContractStatus.ACTIVE
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        page = merchant_client.get(url("merchant:contract_cancel", signed), follow=True)
    assert page.redirect_chain[-1][0] == detail_url(signed, "merchant")
    assert "This is not possible for this contract now." in page.content.decode()


# --- notice, agreement, the lead pool, upgrade -----------------------------------------------------------


def test_an_early_notice_waits_for_the_other_side_who_agrees(offering, merchant, shop, merchant_client, admin_client):
    active = make_contract(
        offering, merchant, stores=[shop], status=ContractStatus.ACTIVE, end=today() + timedelta(days=90)
    )
    early = today() + timedelta(days=10)
    merchant_client.post(url("merchant:contract_notice", active), {"end_date": early.isoformat(), "reason": "门店转让"})
    noticed = fetch(active)
    assert (noticed.notice_end_date, noticed.notice_by, noticed.end_date) == (
        early,
        Side.MERCHANT,
        today() + timedelta(days=90),
    )
    detail = admin_client.get(detail_url(active))
    assert "agree_notice" in detail.context["actions"]
    assert f"asks to end on {early.isoformat()}" in detail.content.decode()
    admin_client.post(url("portal:contract_notice_agree", active))
    assert fetch(active).end_date == early and fetch(active).notice_agreed_at is not None


def test_a_bd_cannot_give_notice(offering, merchant, shop, bd_client):
    active = make_contract(offering, merchant, stores=[shop], status=ContractStatus.ACTIVE)
    assert bd_client.get(url("portal:contract_notice", active)).status_code == 403


def test_the_merchant_says_whether_its_stores_return_to_the_pool(offering, merchant, shop, merchant_client):
    active = make_contract(offering, merchant, stores=[shop], status=ContractStatus.ACTIVE)
    merchant_client.post(url("merchant:contract_return_to_pool", active), {"agree": "yes"})
    assert fetch(active).return_to_pool is True
    merchant_client.post(url("merchant:contract_return_to_pool", active), {"agree": "no"})
    assert fetch(active).return_to_pool is False
    response = merchant_client.post(url("merchant:contract_return_to_pool", active), {"agree": "maybe"}, follow=True)
    assert "Choose yes or no." in response.content.decode()


def test_upgrading_a_specialized_contract_drafts_a_linked_full_operation(offering, merchant, shop, bd_client):
    old = make_contract(offering, merchant, stores=[shop], status=ContractStatus.ACTIVE)
    data = full_post([], commission="", start_date=(today() + timedelta(days=1)).isoformat())
    data["end_date"] = (today() + timedelta(days=120)).isoformat()
    del data["stores"]
    response = bd_client.post(url("portal:contract_upgrade", old), data)
    assert response.status_code == 302
    with all_providers():
        upgrade = Contract.objects.get(upgraded_from=old)
    assert (upgrade.kind, upgrade.status, upgrade.origin, upgrade.commission_bp) == (
        FULL,
        ContractStatus.DRAFT,
        ContractOrigin.UPGRADE,
        None,
    )
    assert response["Location"] == detail_url(upgrade)
    assert [line.store_id for line in upgrade.contract_stores.all()] == [shop.pk]
    assert upgrade.title in bd_client.get(detail_url(old)).content.decode()


def test_the_detail_page_shows_the_timeline_and_the_other_areas_panels(offering, merchant, shop, bd_client):
    proposal = make_contract(offering, merchant, stores=[shop], status=ContractStatus.PROPOSED)
    bd_client.post(url("portal:contract_edit", proposal), specialized_post([shop]))
    response = bd_client.get(detail_url(proposal))
    assert [entry.kind for entry in response.context["timeline"]] == [ContractEventKind.REVISED]
    assert "Version 2" in response.content.decode()
    assert response.context["panels"] == ["deliverables", "money", "reviews"]


def test_the_pages_write_money_the_same_way_in_chinese(offering, merchant, shop, merchant_client, member, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    proposal = make_contract(offering, merchant, stores=[shop], kind=FULL, status=ContractStatus.PROPOSED)
    for client, page in (
        (merchant_client, url("merchant:contract_sign", proposal)),
        (client_for(member(Role.OWNER)), detail_url(proposal)),
    ):
        response = client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200
        assert "¥5,000.00" in response.content.decode()
        assert "¥100,000.00" in response.content.decode()
