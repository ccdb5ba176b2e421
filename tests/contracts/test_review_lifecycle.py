# ruff: noqa: F811  (the fixtures are imported from lifecycle_setup and rfqs_setup)
"""A review of the contract lifecycle and of posted needs, by attack: another owner's objects and the role
matrix on the API, ids smuggled through fields, mass assignment, `next`; two people pressing the same
button at once (real threads, their own connections); crafted input (far dates, odd digits, huge ids) that
must be a 400 or a form error, never a 500; the signed snapshot's fingerprint and its trigger; signing a
proposal whose start date has passed."""

import json
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from contracts.choices import ContractStatus, ProposalStatus, RfqStatus
from contracts.models import Contract, ContractEvent, ContractStore, Deliverable, Proposal, Rfq
from contracts.services.contracts import (
    contract_cancel,
    contract_give_notice,
    contract_revise,
    contract_sign,
    terms_fingerprint,
    validate_terms,
)
from linke.errors import ApplicationError
from linke.tenancy import all_providers
from merchants.models import LeadClaim
from providers.choices import Role

from ..conftest import client_for, client_for_user
from ..factories import LeadFactory, MembershipFactory, MerchantFactory, ProviderFactory, StoreFactory
from ..factories.contracts import make_contract
from ..tenancy.cases.requests import make_request
from ..tenancy.cases.rfqs import make_proposal, make_rfq
from ..tenancy.cases.rfqs import serve as serve_market
from .lifecycle_setup import (  # noqa: F401 - `world` is a fixture
    FULL,
    SPECIALIZED,
    as_member,
    as_merchant,
    draft,
    fetch,
    full_terms,
    proposed,
    send_request,
    signed,
    specialized_terms,
    today,
    world,
)
from .rfqs_setup import accept, market_fixture, shops_fixture, team_fixture  # noqa: F401 - fixtures

pytestmark = pytest.mark.usefixtures("english")


def api_for(user) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_login(user)
    return api


def post_json(api, url, body):
    """POST `body` as JSON written by hand (ASCII escapes), so that lone surrogates reach the parser."""
    return api.post(url, json.dumps(body), content_type="application/json")


def contract_url(name, contract):
    return reverse(name, kwargs={"pk": contract.pk})


def state(contract) -> tuple:
    row = fetch(contract)
    return (row.status, row.version, row.title, row.end_date, row.signed_fingerprint, row.notice_end_date)


def api_body(world, **changes) -> dict:
    terms = specialized_terms()
    item = terms["items"][0]
    return {
        "merchant": world.merchant.pk,
        "kind": "specialized",
        "stores": [world.store.pk],
        "title": terms["title"],
        "start_date": terms["start_date"].isoformat(),
        "end_date": terms["end_date"].isoformat(),
        "items": [item | {"unit_price": str(item["unit_price"]), "due_date": item["due_date"].isoformat()}],
    } | changes


def race(jobs: dict) -> dict:
    """Run each job in its own thread (its own database connection), released together; name → "done" or
    the `ApplicationError` code it raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes = {}

    def run(name, job):
        try:
            barrier.wait(timeout=10)
            job()
            outcomes[name] = "done"
        except ApplicationError as error:
            outcomes[name] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in jobs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


# --- 1. Tenancy and the permission matrix ----------------------------------------------------------------

MERCHANT_ACTIONS = [
    ("sign", {"version": 1, "confirm_fees": True}),
    ("reject", {"reason": "不合适"}),
    ("cancel", {"reason": "不合适"}),
    ("notice", {"end_date": "2099-01-01", "reason": "不合适"}),
    ("agree-notice", {}),
    ("return-to-pool", {"agree": True}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("verb", "body"), MERCHANT_ACTIONS)
def test_another_merchant_cannot_act_on_the_contract_through_the_api(world, verb, body):
    contract = proposed(world)
    stranger = MerchantFactory()
    before = state(contract)
    url = f"/api/v1/merchant/contracts/{contract.pk}/{verb}/"
    response = post_json(api_for(stranger.owner), url, body)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert state(contract) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("verb", "body"), [("sign", {"version": "1"}), ("reject", {"reason": "x"})])
def test_another_merchant_cannot_act_on_the_contract_through_the_pages(world, verb, body):
    contract = proposed(world)
    before = state(contract)
    response = client_for_user(MerchantFactory().owner).post(contract_url(f"merchant:contract_{verb}", contract), body)
    assert response.status_code == 404
    assert state(contract) == before


PROVIDER_WRITES = [
    ("post", "propose", {}),
    ("post", "revise", {"title": "改过的"}),
    ("post", "cancel", {"reason": "撤回"}),
    ("post", "upgrade", {}),
    ("patch", "", {"title": "改过的"}),
    ("post", "notice", {"end_date": "2099-01-01", "reason": "x"}),
    ("post", "agree-notice", {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.VIEWER, Role.OPERATOR])
@pytest.mark.parametrize(("method", "verb", "body"), PROVIDER_WRITES)
def test_readers_can_write_nothing_on_the_api(world, member, role, method, verb, body):
    contract = draft(world)
    before = state(contract)
    url = f"/api/v1/contracts/{contract.pk}/" + (f"{verb}/" if verb else "")
    api = api_for(member(role).user)
    response = getattr(api, method)(url, json.dumps(body), content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert state(contract) == before
    assert api.get(f"/api/v1/contracts/{contract.pk}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("verb", ["notice", "agree-notice"])
def test_a_bd_proposes_but_cannot_sign_off_an_ending(world, verb):
    contract = signed(world)
    before = state(contract)
    body = {"end_date": (today() + timedelta(days=20)).isoformat(), "reason": "不再合作"}
    response = post_json(api_for(world.bd.user), f"/api/v1/contracts/{contract.pk}/{verb}/", body)
    assert response.status_code == 403
    assert response.json()["message"] == "Only the owner and admins can terminate a contract or agree to end it."
    assert state(contract) == before


@pytest.mark.django_db
def test_another_providers_contract_is_404_on_every_provider_endpoint(world, other_provider, member):
    contract = proposed(world)
    before = state(contract)
    api = api_for(member(Role.OWNER, provider=other_provider).user)
    assert api.get(f"/api/v1/contracts/{contract.pk}/").status_code == 404
    for method, verb, body in PROVIDER_WRITES:
        url = f"/api/v1/contracts/{contract.pk}/" + (f"{verb}/" if verb else "")
        response = getattr(api, method)(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 404, (verb, response.content)
    assert state(contract) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/contracts/{2**70}/",
        f"/api/v1/contracts/{2**70}/propose/",
        f"/portal/contracts/{2**70}/",
        f"/portal/contracts/{2**70}/edit/",
        f"/api/v1/needs/{2**70}/",
        f"/portal/needs/{2**70}/",
    ],
)
def test_a_huge_id_in_a_provider_url_is_404(world, url):
    api = api_for(world.owner.user)
    response = api.post(url) if url.endswith(("propose/",)) else api.get(url)
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/merchant/contracts/{2**70}/",
        f"/api/v1/merchant/needs/{2**70}/",
        f"/merchant/contracts/{2**70}/sign/",
        f"/merchant/needs/{2**70}/",
    ],
)
def test_a_huge_id_in_a_merchant_url_is_404(world, url):
    assert api_for(world.merchant.owner).get(url).status_code == 404


@pytest.mark.django_db
def test_another_providers_request_or_claim_in_the_api_body_is_refused(world, other_provider):
    theirs = make_request(other_provider, world.merchant, stores=[world.store])
    response = post_json(api_for(world.bd.user), "/api/v1/contracts/", api_body(world, request=theirs.pk))
    assert response.json() == {
        "code": "invalid",
        "message": "The submitted data is not valid.",
        "details": {"request": ["No such cooperation request."]},
    }
    lead = LeadFactory(merchant=world.merchant, city=world.store.city, category=world.store.category)
    with all_providers():
        claim = LeadClaim.objects.create(
            provider=other_provider,
            lead=lead,
            claimed_by=MembershipFactory(provider=other_provider, role=Role.BD),
            claimed_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=30),
        )
    response = post_json(api_for(world.bd.user), "/api/v1/contracts/", api_body(world, lead_claim=claim.pk))
    assert response.json()["details"] == {"lead_claim": ["No such lead claim."]}
    with all_providers():
        assert not Contract.objects.filter(provider=world.provider).exists()


@pytest.mark.django_db
def test_the_request_of_another_merchant_is_a_mismatch(world, categories, cities):
    other = MerchantFactory()
    their_store = StoreFactory(merchant=other, city=cities[0], category=categories["hotpot"])
    send_request(other, world.provider, [their_store])
    body = api_body(world, merchant=other.pk, stores=[their_store.pk], request=world.request.pk)
    response = post_json(api_for(world.bd.user), "/api/v1/contracts/", body)
    assert (response.status_code, response.json()["code"]) == (400, "request_mismatch")


@pytest.mark.django_db
@pytest.mark.parametrize("verb", ["", "revise/"])
def test_another_merchants_store_cannot_be_swapped_into_a_draft_or_a_revision(world, other_merchant, verb):
    contract = draft(world) if not verb else proposed(world)
    theirs = StoreFactory(merchant=other_merchant, city=world.store.city, category=world.store.category)
    api, url = api_for(world.bd.user), f"/api/v1/contracts/{contract.pk}/{verb}"
    body = json.dumps({"stores": [theirs.pk]})
    response = (api.post if verb else api.patch)(url, body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "store_not_merchants")
    with all_providers():
        assert list(ContractStore.objects.filter(contract=contract).values_list("store_id", flat=True)) == [
            world.store.pk
        ]
    assert fetch(contract).version == 1


@pytest.mark.django_db
def test_the_api_ignores_status_signed_terms_and_the_provider_in_a_body(world, other_provider):
    smuggled = {
        "status": "signed",
        "signed_terms": {"title": "假的"},
        "signed_fingerprint": "0" * 64,
        "signed_at": "2020-01-01T00:00:00Z",
        "version": 7,
        "provider": other_provider.pk,
        "origin": "rfq",
        "return_to_pool": True,
    }
    created = post_json(api_for(world.bd.user), "/api/v1/contracts/", api_body(world) | smuggled)
    assert created.status_code == 201, created.content
    contract = fetch(Contract(pk=created.json()["id"]))
    patched = api_for(world.bd.user).patch(
        f"/api/v1/contracts/{contract.pk}/", json.dumps(smuggled | {"title": "改过的"}), content_type="application/json"
    )
    assert patched.status_code == 200
    row = fetch(contract)
    assert (row.status, row.signed_terms, row.signed_fingerprint, row.signed_at, row.version) == (
        ContractStatus.DRAFT,
        None,
        "",
        None,
        1,
    )
    assert (row.provider_id, row.origin, row.return_to_pool, row.title) == (
        world.provider.pk,
        "scratch",
        False,
        "改过的",
    )


@pytest.mark.django_db
def test_a_next_parameter_does_not_redirect_elsewhere(world):
    contract = proposed(world)
    response = client_for_user(world.merchant.owner).post(
        contract_url("merchant:contract_sign", contract) + "?next=https://evil.example/",
        {"version": "1", "next": "https://evil.example/"},
    )
    assert (response.status_code, response["Location"]) == (302, f"/merchant/contracts/{contract.pk}/")


# --- 2. Two people, one button ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_sign_and_revise_at_once_leave_one_consistent_outcome(world):
    contract = proposed(world)
    revised_terms = specialized_terms(title="改过的专项")
    outcomes = race(
        {
            "sign": lambda: contract_sign(actor=as_merchant(world.merchant), contract=contract, version=1),
            "revise": lambda: contract_revise(actor=as_member(world.bd), contract=contract, terms=revised_terms),
        }
    )
    row = fetch(contract)
    if outcomes["sign"] == "done":
        assert outcomes == {"sign": "done", "revise": "not_proposed"}
        assert (row.status, row.version, row.title) == (ContractStatus.SIGNED, 1, "探店短视频专项")
        assert (row.signed_terms["version"], row.signed_terms["title"]) == (1, "探店短视频专项")
        assert terms_fingerprint(row.signed_terms) == row.signed_fingerprint
        with all_providers():
            assert Deliverable.objects.filter(contract=contract).count() == 3
    else:
        assert outcomes == {"sign": "version_changed", "revise": "done"}
        assert (row.status, row.version, row.title, row.signed_fingerprint) == (
            ContractStatus.PROPOSED,
            2,
            "改过的专项",
            "",
        )
        with all_providers():
            assert not Deliverable.objects.filter(contract=contract).exists()


@pytest.mark.django_db(transaction=True)
def test_signing_twice_at_once_signs_once(world):
    contract = proposed(world)

    def sign():
        contract_sign(actor=as_merchant(world.merchant), contract=contract, version=1)

    assert sorted(race({"first": sign, "second": sign}).values()) == ["done", "invalid_transition"]
    with all_providers():
        assert Deliverable.objects.filter(contract=contract).count() == 3
        assert ContractEvent.objects.filter(contract=contract, kind="signed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_sign_and_withdraw_at_once_leave_one_outcome(world):
    contract = proposed(world)
    outcomes = race(
        {
            "sign": lambda: contract_sign(actor=as_merchant(world.merchant), contract=contract, version=1),
            "withdraw": lambda: contract_cancel(actor=as_member(world.bd), contract=contract, reason="撤回"),
        }
    )
    row = fetch(contract)
    if outcomes["sign"] == "done":
        assert (outcomes["withdraw"], row.status) == ("give_notice", ContractStatus.SIGNED)
    else:
        assert (outcomes, row.status, row.signed_fingerprint) == (
            {"sign": "invalid_transition", "withdraw": "done"},
            ContractStatus.CANCELLED,
            "",
        )


@pytest.mark.django_db(transaction=True)
def test_notices_from_both_sides_at_once_end_on_the_earlier_date(world):
    contract = signed(world, kind=FULL)
    earlier, later = today() + timedelta(days=40), today() + timedelta(days=50)
    outcomes = race(
        {
            "merchant": lambda: contract_give_notice(
                actor=as_merchant(world.merchant), contract=contract, end_date=later, reason="门店装修"
            ),
            "provider": lambda: contract_give_notice(
                actor=as_member(world.admin), contract=contract, end_date=earlier, reason="人手不足"
            ),
        }
    )
    assert outcomes["provider"] == "done"
    assert outcomes["merchant"] in {"done", "end_not_earlier"}
    row = fetch(contract)
    assert (row.end_date, row.notice_end_date, row.notice_by) == (earlier, earlier, "provider")
    assert [(store.period.lower, store.period.upper) for store in ContractStore.objects.filter(contract=contract)] == [
        (row.start_date, earlier + timedelta(days=1))
    ]


@pytest.mark.django_db(transaction=True)
def test_two_proposals_of_one_need_accepted_at_once_make_one_contract(merchant, market, shops, team, provider):
    city, track, _category = market
    need = make_rfq(merchant, city=city, track=track, stores=shops)
    rival = ProviderFactory(name="丙服务商")
    serve_market(rival, cities=[city], tracks=[track])
    ours, theirs = make_proposal(provider, need, price="6000.00"), make_proposal(rival, need, price="5000.00")
    outcomes = race({"ours": lambda: accept(merchant, need, ours), "theirs": lambda: accept(merchant, need, theirs)})
    assert sorted(outcomes.values()) == ["done", "invalid_transition"]
    winner, loser = (ours, theirs) if outcomes["ours"] == "done" else (theirs, ours)
    with all_providers():
        assert Rfq.objects.get(pk=need.pk).status == RfqStatus.AWARDED
        assert dict(Proposal.objects.filter(rfq=need).values_list("pk", "status")) == {
            winner.pk: ProposalStatus.ACCEPTED,
            loser.pk: ProposalStatus.CLOSED,
        }
        assert list(Contract.objects.filter(rfq_proposal__rfq=need).values_list("rfq_proposal_id", flat=True)) == [
            winner.pk
        ]


# --- 3. Crafted input ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_date": "9999-12-30", "end_date": "9999-12-31"}, "start_date"),
        ({"end_date": "9999-12-31"}, "end_date"),
        (
            {
                "kind": "full_operation",
                "start_date": "9999-01-01",
                "end_date": "9999-12-31",
                "monthly_fee": "100.00",
                "standards": [{"kind": "monthly_gmv", "target": "1.00"}],
            },
            "start_date",
        ),
    ],
)
def test_dates_far_ahead_are_a_400_not_a_500(world, changes, field):
    body = api_body(world, **changes)
    body["items"][0]["due_date"] = changes["end_date"]
    response = post_json(api_for(world.bd.user), "/api/v1/contracts/", body)
    horizon = today().replace(year=today().year + 10)
    assert response.status_code == 400
    assert response.json() == {
        "code": "date_too_far",
        "message": f"Choose dates up to {horizon.isoformat()} (at most 10 years ahead).",
        "details": {"field": field},
    }
    with all_providers():
        assert not Contract.objects.filter(provider=world.provider).exists()


@pytest.mark.django_db
def test_a_date_far_ahead_on_the_page_is_a_form_error(world):
    data = {
        "title": "抖音短视频代拍",
        "stores": [world.store.pk],
        "start_date": "9999-12-30",
        "end_date": "9999-12-31",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-area": "short_video",
        "items-0-level": "basic",
        "items-0-title": "探店短视频",
        "items-0-unit_price": "800.00",
        "items-0-quantity": "1",
        "items-0-due_date": "9999-12-31",
    }
    response = client_for(world.bd).post(reverse("portal:contract_create") + f"?request={world.request.pk}", data)
    assert response.status_code == 200
    assert "at most 10 years ahead" in response.content.decode()
    assert 'value="9999-12-30"' in response.content.decode()
    with all_providers():
        assert not Contract.objects.filter(provider=world.provider).exists()


@pytest.mark.parametrize("typed", ["²", "５５０", "1e3", "5.5", " ", "-1", "10001", True])
def test_only_a_whole_number_of_basis_points_is_a_commission(typed):
    terms = full_terms(commission_bp=typed, monthly_fee=None)
    with pytest.raises(ApplicationError) as refused:
        validate_terms(kind=FULL, terms=terms)
    assert (refused.value.code, refused.value.details) in [
        ("commission_range", {"field": "commission_bp"}),
        ("fee_required", {"field": "monthly_fee"}),  # " " is no commission at all
    ]


def test_a_decimal_commission_is_compared_before_it_is_converted():
    with pytest.raises(ApplicationError) as refused:
        validate_terms(kind=FULL, terms=full_terms(commission_bp=Decimal("1e999999999")))
    assert refused.value.code == "commission_range"
    assert validate_terms(kind=FULL, terms=full_terms(commission_bp=Decimal("550")))["commission_bp"] == 550


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"title": "\ud800" * 101}, "invalid"),
        ({"title": ["a"]}, "invalid"),
        ({"title": "标题\x00"}, "malformed_request"),
        ({"stores": list(range(1, 10_001))}, "invalid"),
        ({"items": [{"area": "short_video"}] * 10_000}, "invalid"),
        ({"kind": "full_operation", "monthly_fee": "1e309"}, "invalid"),
        ({"kind": "full_operation", "monthly_fee": "NaN"}, "invalid"),
        ({"kind": "full_operation", "monthly_fee": "-0.01"}, "invalid"),
        ({"kind": "full_operation", "monthly_fee": "1234567890123.00"}, "invalid"),
        ({"kind": "full_operation", "monthly_fee": "123456789012.00"}, "term_length"),  # 12 digits fit
        ({"kind": "full_operation", "commission_bp": 10_001}, "invalid"),
        ({"merchant": 2**70}, "invalid"),
        ({"start_date": "2026-02-30"}, "invalid"),
        (
            {"items": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]},
            "malformed_request",
        ),
    ],
)
def test_crafted_api_input_is_a_400_with_a_code(world, changes, code):
    response = post_json(api_for(world.bd.user), "/api/v1/contracts/", api_body(world, **changes))
    assert (response.status_code, response.json()["code"]) == (400, code)
    with all_providers():
        assert not Contract.objects.filter(provider=world.provider).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("commission", ["100.01 %", "NaN", "1e2", "-0.01", "5.555"])
def test_a_bad_commission_on_the_page_is_a_form_error(world, commission):
    data = {
        "title": "门店代运营",
        "stores": [world.store.pk],
        "start_date": (today() + timedelta(days=1)).isoformat(),
        "end_date": (today() + timedelta(days=180)).isoformat(),
        "monthly_fee": "5000.00",
        "commission": commission,
        "standards-monthly_gmv": "100000",
    }
    full_request = make_request(world.provider, world.merchant, stores=[world.second_store], mode=FULL)
    url = reverse("portal:contract_create") + f"?request={full_request.pk}"
    response = client_for(world.bd).post(url, data)
    assert response.status_code == 200
    assert "Enter a percentage from 0 to 100 with at most two decimals" in response.content.decode()
    with all_providers():
        assert not Contract.objects.filter(provider=world.provider).exists()


@pytest.mark.django_db
def test_the_fingerprint_recomputes_from_the_stored_terms_and_the_trigger_holds_against_sql(world):
    contract = signed(world, terms=specialized_terms(title="探店📹 “短视频”\u2028第一期", scope='含 \\ 与 " 号'))
    row = fetch(contract)
    assert terms_fingerprint(row.signed_terms) == row.signed_fingerprint
    assert row.signed_terms["title"] == "探店📹 “短视频”\u2028第一期"
    for statement in (
        "UPDATE contracts_contract SET signed_fingerprint = '', title = 'x' WHERE id = %s",
        'UPDATE contracts_contract SET signed_terms = signed_terms || \'{"total_price": "1.00"}\' WHERE id = %s',
        "UPDATE contracts_contract SET signed_at = signed_at - interval '1 day' WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [contract.pk])
    again = fetch(contract)
    assert (again.signed_terms, again.signed_fingerprint, again.signed_at) == (
        row.signed_terms,
        row.signed_fingerprint,
        row.signed_at,
    )


# --- 4. The lifecycle against SPEC §5 ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [SPECIALIZED, FULL])
def test_a_proposal_whose_start_date_passed_cannot_be_signed(world, kind):
    start = today() - timedelta(days=3)
    contract = make_contract(
        world.provider, world.merchant, stores=[world.store], kind=kind, status=ContractStatus.PROPOSED, start=start
    )
    before = state(contract)
    with pytest.raises(ApplicationError) as refused:
        contract_sign(actor=as_merchant(world.merchant), contract=contract, version=1, confirm_fees=True)
    assert (refused.value.code, str(refused.value.message), refused.value.details) == (
        "start_date_passed",
        f"This proposal was to start on {start.isoformat()}, which has passed: ask {world.provider.name} for a "
        "revised version with new dates.",
        {"start_date": start.isoformat()},
    )
    assert state(contract) == before
    with all_providers():
        assert not Deliverable.objects.filter(contract=contract).exists()
        assert not ContractStore.objects.filter(contract=contract, exclusive=True).exists()


@pytest.mark.django_db
def test_the_sign_page_says_why_a_stale_proposal_cannot_be_signed(world):
    contract = make_contract(
        world.provider,
        world.merchant,
        stores=[world.store],
        status=ContractStatus.PROPOSED,
        start=today() - timedelta(days=1),
    )
    response = client_for_user(world.merchant.owner).post(
        contract_url("merchant:contract_sign", contract), {"version": 1}
    )
    assert response.status_code == 200
    assert "which has passed: ask" in response.content.decode()
    assert fetch(contract).status == ContractStatus.PROPOSED


@pytest.mark.django_db
def test_a_proposal_signed_on_its_start_date_still_starts_at_once(world):
    contract = proposed(world, terms=specialized_terms(start=today()))
    assert contract_sign(actor=as_merchant(world.merchant), contract=contract, version=1).status == (
        ContractStatus.ACTIVE
    )
