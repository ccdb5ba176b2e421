"""The money pages and their API twins: statement lists and pages of both sides (print version included),
issuing, confirming, disputing, reissuing and marking paid through them, the provider's GMV page, the
contract page's money panel and final report, query counts that do not grow with the rows."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.choices import ContractStatus, DeliverableStatus, StatementStatus
from contracts.models import KpiResult, Statement
from contracts.selectors.money import contract_final_report
from linke.tenancy import all_providers
from providers.choices import Role
from providers.tenancy import provider_scope

from ..conftest import client_for, client_for_user
from ..factories import MerchantFactory
from ..factories.contracts import make_deliverable
from ..query_counts import assert_query_baseline
from ..tenancy.cases.money import full_contract, local, make_gmv, make_statement, make_store
from . import money_setup
from .money_setup import START

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# money_setup's fixtures, assigned rather than imported: a test's parameter of the same name is no redefinition.
contract, owner, store = money_setup.contract, money_setup.owner, money_setup.store


def status_of(statement) -> str:
    with all_providers():
        return Statement.objects.get(pk=statement.pk).status


def detail(namespace, statement, page="statement_detail"):
    return reverse(f"{namespace}:{page}", kwargs={"pk": statement.pk})


# --- the provider's pages -------------------------------------------------------------------------------


def test_the_provider_lists_its_statements_and_the_months_to_issue(owner, contract, other_provider):
    make_statement(contract, period=date(2026, 6, 1), total=Decimal("5065.00"))
    foreign = make_statement(full_contract(other_provider, MerchantFactory()), total=Decimal("7777.77"))
    response = client_for(owner).get(reverse("portal:statement_list"))
    body = response.content.decode()
    assert "¥5,065.00" in body and "¥7,777.77" not in body and foreign.contract.title not in body
    # June is issued; July to November are over and not: five buttons, oldest first.
    assert [(c.pk, label) for c, _month, label in response.context["due"]] == [
        (contract.pk, "2026-07"),
        (contract.pk, "2026-08"),
        (contract.pk, "2026-09"),
        (contract.pk, "2026-10"),
        (contract.pk, "2026-11"),
    ]
    assert f'action="{reverse("portal:statement_issue")}"' in body
    assert f'href="{reverse("portal:statement_list")}"' in body and f'href="{reverse("portal:gmv_list")}"' in body


def test_a_viewer_sees_the_statements_but_no_months_to_issue(member, contract):
    make_statement(contract, period=date(2026, 6, 1))
    response = client_for(member(Role.VIEWER)).get(reverse("portal:statement_list"))
    assert response.context["due"] == []
    assert reverse("portal:statement_issue") not in response.content.decode()


def test_the_list_filters_stay_in_the_url(owner, contract):
    make_statement(contract, period=date(2026, 6, 1), total=Decimal("1111.11"))
    make_statement(contract, period=date(2026, 7, 1), status=StatementStatus.PAID, total=Decimal("2222.22"))
    client = client_for(owner)
    paid = client.get(reverse("portal:statement_list"), {"status": "paid"}).content.decode()
    june = client.get(reverse("portal:statement_list"), {"month": "2026-06"}).content.decode()
    assert "¥2,222.22" in paid and "¥1,111.11" not in paid
    assert "¥1,111.11" in june and "¥2,222.22" not in june
    nonsense = client.get(reverse("portal:statement_list"), {"month": "2026-13", "contract": "x" * 30})
    assert nonsense.status_code == 200


def test_the_owner_issues_a_month_from_the_list(owner, contract, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(
            reverse("portal:statement_issue"), {"contract": contract.pk, "month": "2026-07"}
        )
    with all_providers():
        statement = Statement.objects.get(contract=contract)
    assert response.status_code == 302 and response["Location"] == detail("portal", statement)
    assert (statement.period, statement.total) == (date(2026, 7, 1), Decimal("5000.00"))


def test_issuing_another_providers_contract_is_refused(owner, other_provider):
    theirs = full_contract(other_provider, MerchantFactory())
    response = client_for(owner).post(reverse("portal:statement_issue"), {"contract": theirs.pk, "month": "2026-07"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:statement_list")
    with all_providers():
        assert Statement.objects.count() == 0


@pytest.mark.parametrize("role", [Role.BD, Role.VIEWER])
def test_only_the_owner_and_admins_may_issue_or_mark_paid(member, contract, role):
    confirmed = make_statement(contract, period=date(2026, 6, 1), status=StatementStatus.CONFIRMED)
    client = client_for(member(role))
    assert (
        client.post(reverse("portal:statement_issue"), {"contract": contract.pk, "month": "2026-07"}).status_code == 403
    )
    assert client.post(detail("portal", confirmed, "statement_mark_paid")).status_code == 403
    assert status_of(confirmed) == StatementStatus.CONFIRMED


def test_the_statement_page_is_a_document_of_both_parties(owner, contract, merchant):
    merchant.credit_code = "91350100MA2XXXXX0X"
    statement = make_statement(
        contract,
        period=date(2026, 6, 1),
        days_covered=30,
        fixed_fee=Decimal("5000.00"),
        gmv=Decimal("1334.56"),
        refunds=Decimal("34.56"),
        commission=Decimal("65.00"),
        total=Decimal("5065.00"),
    )
    client = client_for(owner)
    body = client.get(detail("portal", statement)).content.decode()
    for text in (
        contract.provider.name,
        contract.provider.credit_code,
        merchant.name,
        contract.signed_fingerprint,
        "¥5,000.00",
        "¥1,334.56",
        "−¥34.56",
        "¥65.00",
        "¥5,065.00",
        "rounded once, half up, to the fen",
    ):
        assert text in body, text
    printed = client.get(detail("portal", statement, "statement_print"))
    page = printed.content.decode()
    assert printed.status_code == 200
    assert "linke-navbar" not in page and "@media print" not in page  # the rules live in statement.css
    assert "css/statement.css" in page and contract.signed_fingerprint in page and "¥5,065.00" in page
    assert 'nonce="' in page


def test_the_owner_reissues_a_disputed_statement_and_marks_a_confirmed_one_paid(owner, contract, store):
    disputed = make_statement(contract, period=date(2026, 7, 1), status=StatementStatus.DISPUTED, dispute_reason="漏单")
    make_gmv(store, amount="2000.00", ordered_at=local(date(2026, 7, 9)), contract=contract)
    client = client_for(owner)
    assert client.post(detail("portal", disputed, "statement_reissue")).status_code == 302
    with all_providers():
        reissued = Statement.objects.get(pk=disputed.pk)
    assert (reissued.status, reissued.total) == (StatementStatus.ISSUED, Decimal("5100.00"))
    confirmed = make_statement(contract, period=date(2026, 8, 1), status=StatementStatus.CONFIRMED)
    assert client.post(detail("portal", confirmed, "statement_mark_paid")).status_code == 302
    assert status_of(confirmed) == StatementStatus.PAID
    # Paying twice is refused with a message, not an error page.
    response = client.post(detail("portal", confirmed, "statement_mark_paid"), follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"


# --- the merchant's pages -------------------------------------------------------------------------------


def test_the_merchant_confirms_from_the_page(merchant_client, contract):
    statement = make_statement(contract, period=date(2026, 6, 1))
    page = merchant_client.get(detail("merchant", statement)).content.decode()
    assert detail("merchant", statement, "statement_confirm") in page
    assert merchant_client.post(detail("merchant", statement, "statement_confirm")).status_code == 302
    assert status_of(statement) == StatementStatus.CONFIRMED
    assert (
        detail("merchant", statement, "statement_confirm")
        not in merchant_client.get(detail("merchant", statement)).content.decode()
    )


def test_a_dispute_without_a_reason_shows_the_form_again(merchant_client, contract):
    statement = make_statement(contract, period=date(2026, 6, 1))
    response = merchant_client.post(detail("merchant", statement, "statement_dispute"), {"reason": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    too_long = "多" * 1001
    response = merchant_client.post(detail("merchant", statement, "statement_dispute"), {"reason": too_long})
    assert response.status_code == 200 and too_long in response.content.decode()  # what was typed is kept
    assert status_of(statement) == StatementStatus.ISSUED
    response = merchant_client.post(detail("merchant", statement, "statement_dispute"), {"reason": "六月退款未扣"})
    assert response.status_code == 302 and status_of(statement) == StatementStatus.DISPUTED


def test_the_merchant_lists_its_own_statements(merchant_client, contract, other_merchant, provider):
    make_statement(contract, period=date(2026, 6, 1), total=Decimal("5065.00"))
    make_statement(full_contract(provider, other_merchant), total=Decimal("8888.88"))
    body = merchant_client.get(reverse("merchant:statement_list")).content.decode()
    assert "¥5,065.00" in body and "¥8,888.88" not in body
    assert f'href="{reverse("merchant:statement_list")}"' in body


# --- GMV -------------------------------------------------------------------------------------------------


def test_the_gmv_page_lists_the_attributed_records_and_the_last_30_days(owner, contract, store, other_provider):
    now = timezone.now()
    recent = make_gmv(
        store, amount="300.00", ordered_at=now - timedelta(days=2), contract=contract, order_no="RECENT-1"
    )
    make_gmv(
        store,
        amount="-50.00",
        ordered_at=now - timedelta(days=1),
        contract=contract,
        order_no="RECENT-R",
        refund_of=recent,
    )
    make_gmv(store, amount="1000.00", ordered_at=local(START), contract=contract, order_no="OLD-1")
    make_gmv(store, amount="77.00", ordered_at=now - timedelta(days=1), order_no="NOBODYS-1")
    theirs = make_store(MerchantFactory())
    make_gmv(
        theirs,
        amount="88.00",
        ordered_at=now - timedelta(days=1),
        contract=full_contract(other_provider, theirs.merchant, stores=[theirs]),
        order_no="THEIRS-1",
    )
    client = client_for(owner)
    response = client.get(reverse("portal:gmv_list"))
    body = response.content.decode()
    assert response.context["recent"] == {
        "orders": Decimal("300.00"),
        "refunds": Decimal("-50.00"),
        "net": Decimal("250.00"),
        "days": 30,
    }
    assert "¥250.00" in body and "RECENT-1" in body and "OLD-1" in body
    assert "NOBODYS-1" not in body and "THEIRS-1" not in body
    june = client.get(reverse("portal:gmv_list"), {"month": "2026-06"}).content.decode()
    assert "OLD-1" in june and "RECENT-1" not in june
    by_store = client.get(reverse("portal:gmv_list"), {"store": store.pk, "kind": "refund"}).content.decode()
    assert "RECENT-R" in by_store and "OLD-1" not in by_store


def test_the_gmv_page_runs_a_constant_number_of_queries(owner, contract, store):
    client = client_for(owner)

    def add(count):
        return [
            make_gmv(store, amount="10.00", ordered_at=local(START), contract=contract).order_no for _ in range(count)
        ]

    assert_query_baseline("money.gmv (portal)", lambda: client.get(reverse("portal:gmv_list")), add)


def test_the_statement_lists_run_a_constant_number_of_queries(owner, merchant_client, provider, merchant):
    client = client_for(owner)

    def add(count):
        return [make_statement(full_contract(provider, merchant)).contract.title for _ in range(count)]

    assert_query_baseline("money.statements (portal)", lambda: client.get(reverse("portal:statement_list")), add)
    assert_query_baseline(
        "money.statements (merchant)", lambda: merchant_client.get(reverse("merchant:statement_list")), add
    )


# --- the contract page's panel and the final report -------------------------------------------------------


def test_the_final_report_of_an_ended_contract(provider, merchant, member):
    shop = make_store(merchant)
    ended = full_contract(
        provider,
        merchant,
        stores=[shop],
        start=date(2026, 6, 1),
        end=date(2026, 7, 31),
        status=ContractStatus.TERMINATED,
    )
    for status in (
        DeliverableStatus.ACCEPTED,
        DeliverableStatus.ACCEPTED,
        DeliverableStatus.PENDING,
        DeliverableStatus.SUBMITTED,
    ):
        make_deliverable(ended, status=status)
    with all_providers():
        gmv_target = ended.standards.get(kind="monthly_gmv")
        for period, actual in ((date(2026, 6, 1), Decimal("120000")), (date(2026, 7, 1), Decimal("80000"))):
            KpiResult.objects.create(
                contract=ended,
                provider=provider,
                merchant=merchant,
                standard=gmv_target,
                period=period,
                target=gmv_target.target,
                actual=actual,
                met=actual >= gmv_target.target,
                evaluated_at=timezone.now(),
            )
    sale = make_gmv(shop, amount="1200.00", ordered_at=local(date(2026, 6, 3)), contract=ended)
    make_gmv(shop, amount="-200.00", ordered_at=local(date(2026, 6, 4)), contract=ended, refund_of=sale)
    make_statement(ended, period=date(2026, 6, 1), status=StatementStatus.PAID, total=Decimal("5050.00"))
    make_statement(
        ended, period=date(2026, 7, 1), status=StatementStatus.ISSUED, total=Decimal("5000.00"), is_final=True
    )
    with provider_scope(provider):
        report = contract_final_report(ended)
    assert {key: value for key, value in report.items() if key not in ("deliverables", "kpis")} == {
        "deliverables_done": 2,
        "deliverables_outstanding": 2,
        "kpis_met": 1,
        "kpis_missed": 1,
        "gmv_orders": Decimal("1200.00"),
        "gmv_refunds": Decimal("200.00"),
        "gmv_net": Decimal("1000.00"),
        "gmv_records": 2,
        "statements_issued": 2,
        "statements_paid": 1,
        "amount_billed": Decimal("10050.00"),
        "amount_paid": Decimal("5050.00"),
        "amount_due": Decimal("5000.00"),
    }
    assert [(status, count) for status, _label, count in report["deliverables"]] == [
        ("pending", 1),
        ("submitted", 1),
        ("accepted", 2),
        ("rejected", 0),
    ]
    for client, namespace in (
        (client_for(member(Role.VIEWER)), "portal"),
        (client_for_user(merchant.owner), "merchant"),
    ):
        body = client.get(reverse(f"{namespace}:contract_detail", kwargs={"pk": ended.pk})).content.decode()
        assert "Final report" in body and "2 done, 2 outstanding" in body and "1 met, 1 missed" in body
        assert "¥5,000.00" in body and "¥10,050.00" in body


def test_an_active_contract_shows_its_statements_but_no_report(owner, contract):
    statement = make_statement(contract, period=date(2026, 6, 1), total=Decimal("5065.00"))
    body = client_for(owner).get(reverse("portal:contract_detail", kwargs={"pk": contract.pk})).content.decode()
    assert detail("portal", statement) in body and "¥5,065.00" in body and "Final report" not in body


# --- the API twins -------------------------------------------------------------------------------------


def post_json(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_the_api_issues_reissues_and_marks_paid(owner, contract, merchant):
    client = client_for(owner)
    response = post_json(client, "/api/v1/statements/", {"contract": contract.pk, "month": "2026-07"})
    assert response.status_code == 201
    issued = response.json()
    assert (issued["month"], issued["total"], issued["status"], issued["merchant"]["name"]) == (
        "2026-07",
        "5000.00",
        "issued",
        merchant.name,
    )
    again = post_json(client, "/api/v1/statements/", {"contract": contract.pk, "month": "2026-07"})
    assert (again.status_code, again.json()["code"]) == (409, "statement_exists")
    outside = post_json(client, "/api/v1/statements/", {"contract": contract.pk, "month": "2026-12"})
    assert (outside.status_code, outside.json()["code"]) == (400, "statement_not_covered")
    listed = client.get("/api/v1/statements/", {"status": "issued"}).json()
    assert [row["id"] for row in listed["results"]] == [issued["id"]]
    paid_too_early = post_json(client, f"/api/v1/statements/{issued['id']}/paid/")
    assert (paid_too_early.status_code, paid_too_early.json()["code"]) == (409, "invalid_transition")


def test_the_merchant_api_confirms_and_disputes(merchant_client, contract):
    first = make_statement(contract, period=date(2026, 6, 1))
    second = make_statement(contract, period=date(2026, 7, 1))
    confirmed = post_json(merchant_client, f"/api/v1/merchant/statements/{first.pk}/confirm/")
    assert (confirmed.status_code, confirmed.json()["status"]) == (200, "confirmed")
    no_reason = post_json(merchant_client, f"/api/v1/merchant/statements/{second.pk}/dispute/", {"reason": ""})
    assert (no_reason.status_code, no_reason.json()["code"]) == (400, "invalid")
    disputed = post_json(
        merchant_client, f"/api/v1/merchant/statements/{second.pk}/dispute/", {"reason": "七月少算退款"}
    )
    assert (disputed.status_code, disputed.json()["dispute_reason"]) == (200, "七月少算退款")


@pytest.mark.parametrize(
    "body",
    [
        {"contract": "abc", "month": "2026-07"},
        {"contract": 2**70, "month": "2026-07"},
        {"contract": 1, "month": "2026-13"},
        {"contract": 1, "month": ["2026-07"]},
        {"contract": 1, "month": "9999-12"},
        {},
    ],
)
def test_crafted_issue_requests_are_400(owner, contract, body):
    response = post_json(client_for(owner), "/api/v1/statements/", body)
    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_the_api_lists_run_a_constant_number_of_queries(owner, merchant_client, provider, merchant, contract, store):
    client = client_for(owner)

    def add_statements(count):
        return [f'"id":{make_statement(full_contract(provider, merchant)).pk},' for _ in range(count)]

    def add_records(count):
        return [
            make_gmv(store, amount="10.00", ordered_at=local(START), contract=contract).order_no for _ in range(count)
        ]

    assert_query_baseline("api:statement-list", lambda: client.get("/api/v1/statements/"), add_statements)
    assert_query_baseline(
        "api:merchant-statement-list", lambda: merchant_client.get("/api/v1/merchant/statements/"), add_statements
    )
    assert_query_baseline("api:gmv-list", lambda: client.get("/api/v1/gmv/"), add_records)
    assert_query_baseline("api:merchant-gmv-list", lambda: merchant_client.get("/api/v1/merchant/gmv/"), add_records)


@pytest.mark.parametrize(
    "query",
    [
        {"contract": "9" * 30},
        {"contract": "abc", "store": "-1"},
        {"month": "2026-13"},
        {"month": "9999-12", "kind": "gift"},
    ],
)
def test_crafted_list_filters_never_fail(owner, merchant_client, contract, query):
    client = client_for(owner)
    for url in ("/portal/statements/", "/portal/gmv/"):
        assert client.get(url, query).status_code == 200
    assert merchant_client.get("/merchant/statements/", query).status_code == 200
    for api_client, url in (
        (client, "/api/v1/statements/"),
        (client, "/api/v1/gmv/"),
        (merchant_client, "/api/v1/merchant/gmv/"),
    ):
        response = api_client.get(url, query)
        assert response.status_code in (200, 400), (url, query, response.status_code)
