"""The contracts app's cards on the two home pages (registered into `providers.dashboard` and
`merchants.dashboard`): the provider's contracts by state, deliverables due this week and overdue, GMV over
the last 30 days (zero-filled Asia/Shanghai days, as JSON for the chart); the merchant's contracts,
deliverables awaiting acceptance and statements to confirm. Literal counts; constant query counts."""

import itertools
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse

from contracts.choices import ContractKind, ContractStatus, DeliverableStatus, GmvKind, StatementStatus
from contracts.models import GmvRecord, Statement
from contracts.selectors.dashboards import gmv_by_day
from linke.tenancy import all_providers
from providers.choices import Role
from providers.tenancy import provider_scope

from ..conftest import client_for
from ..factories import MerchantFactory, StoreFactory
from ..factories.contracts import make_contract, make_deliverable
from ..query_counts import assert_query_baseline
from ..tenancy.cases.requests import reference_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Wednesday, 10:00 in Shanghai.
NOW = datetime(2025, 11, 19, 10, 0, tzinfo=SHANGHAI)
_orders = itertools.count(1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def url_or_none(name: str, query: str = "") -> str | None:
    """A page other areas build (the links are checked once it exists)."""
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return None


def contract(provider, merchant, status=ContractStatus.ACTIVE, **fields):
    city, category = reference_rows()
    store = StoreFactory(merchant=merchant, city=city, category=category)
    return make_contract(provider, merchant, stores=[store], status=status, **fields)


def order(contract, amount, at):
    with all_providers():
        return GmvRecord.objects.create(
            order_no=f"DY{next(_orders):010d}",
            store_id=contract.contract_stores.get().store_id,
            merchant_id=contract.merchant_id,
            provider_id=contract.provider_id,
            contract=contract,
            amount=Decimal(amount),
            ordered_at=at,
        )


def refund(of, amount, at):
    with all_providers():
        return GmvRecord.objects.create(
            order_no=f"RF{next(_orders):010d}",
            kind=GmvKind.REFUND,
            refund_of=of,
            store_id=of.store_id,
            merchant_id=of.merchant_id,
            provider_id=of.provider_id,
            contract_id=of.contract_id,
            amount=Decimal(amount),
            ordered_at=at,
        )


# --- the portal home --------------------------------------------------------------------------------


@pytest.fixture
def work(provider, other_provider, merchant):
    """The provider: 2 active contracts, 1 proposed, 1 completed; deliverables due in 2 hours and on Sunday
    evening (pending, rejected: due this week), next Thursday 10:00 (later), yesterday (pending: overdue;
    submitted, accepted: not); another provider's active contract with an overdue deliverable."""
    active = contract(provider, merchant)
    contract(provider, merchant)
    contract(provider, merchant, status=ContractStatus.PROPOSED)
    contract(provider, merchant, status=ContractStatus.COMPLETED)
    make_deliverable(active, due=NOW + timedelta(hours=2))
    make_deliverable(active, due=datetime(2025, 11, 23, 22, 0, tzinfo=SHANGHAI), status=DeliverableStatus.REJECTED)
    make_deliverable(active, due=datetime(2025, 11, 27, 10, 0, tzinfo=SHANGHAI))
    make_deliverable(active, due=NOW - timedelta(days=1))
    make_deliverable(active, due=NOW - timedelta(days=1), status=DeliverableStatus.SUBMITTED)
    make_deliverable(active, due=NOW - timedelta(days=1), status=DeliverableStatus.ACCEPTED)
    theirs = contract(other_provider, MerchantFactory())
    make_deliverable(theirs, due=NOW - timedelta(days=2))
    return active


def test_the_portal_home_counts_contracts_by_state(member, work):
    body = client_for(member(Role.BD)).get(reverse("portal:home")).content.decode()
    base = url_or_none("portal:contract_list")
    for status, label, count in [
        ("proposed", "Awaiting the merchant&#x27;s signature", 1),
        ("active", "Active", 2),
        ("completed", "Completed", 1),
    ]:
        link = f'<a href="{base}?status={status}">{label}</a>' if base else f"<span>{label}</span>"
        assert f'data-contract-state="{status}">\n              {link}\n              <strong>{count}</strong>' in body
    assert 'data-contract-state="signed"' not in body


def test_the_portal_home_counts_deliverables_due_this_week_and_overdue(member, work):
    response = client_for(member(Role.OPERATOR)).get(reverse("portal:home"))
    body = response.content.decode()
    assert '<div class="display-6" data-count="due-this-week">2</div>' in body
    assert '<div class="display-6 text-danger" data-count="overdue">1</div>' in body
    week, overdue = (
        url_or_none("portal:deliverable_board", "?view=due_week"),
        url_or_none("portal:deliverable_board", "?view=overdue"),
    )
    if week:
        assert f'href="{week}"' in body and f'href="{overdue}"' in body


def test_the_gmv_of_the_last_30_days_by_shanghai_day_zero_filled(provider, other_provider, merchant, member):
    mine = contract(provider, merchant)
    theirs = contract(other_provider, merchant)
    order(mine, "1200.00", datetime(2025, 11, 19, 9, 0, tzinfo=SHANGHAI))
    late = order(mine, "800.00", datetime(2025, 11, 18, 23, 30, tzinfo=SHANGHAI))  # 15:30 UTC: the 18th here
    refund(late, "-100.00", datetime(2025, 11, 18, 23, 45, tzinfo=SHANGHAI))
    order(mine, "300.00", datetime(2025, 10, 21, 0, 5, tzinfo=SHANGHAI))  # the first of the 30 days
    order(mine, "999.00", datetime(2025, 10, 20, 23, 59, tzinfo=SHANGHAI))  # the day before: left out
    order(theirs, "5000.00", datetime(2025, 11, 19, 8, 0, tzinfo=SHANGHAI))

    with provider_scope(provider):
        days = gmv_by_day(provider.pk)
    assert len(days) == 30
    assert days[0] == (date(2025, 10, 21), Decimal("300.00"))
    assert days[-2:] == [
        (date(2025, 11, 18), Decimal("700.00")),
        (date(2025, 11, 19), Decimal("1200.00")),
    ]
    assert all(amount == Decimal("0.00") for _day, amount in days[1:-2])

    body = client_for(member(Role.VIEWER)).get(reverse("portal:home")).content.decode()
    assert "<strong data-gmv-total>¥2,200.00</strong>" in body
    chart = json.loads(body.split('<script id="gmv-chart-data" type="application/json">')[1].split("</script>")[0])
    assert chart["days"][0] == "2025-10-21" and chart["days"][-1] == "2025-11-19"
    assert chart["amounts"][0] == "300.00" and chart["amounts"][-2:] == ["700.00", "1200.00"]
    assert chart["amounts"][1:-2] == ["0.00"] * 27
    assert '<script src="/static/vendor/echarts/echarts.min.js"></script>' in body
    assert '<script src="/static/js/gmv-chart.js"></script>' in body
    assert "cdn" not in body.lower()


def test_a_newcomer_without_a_provider_gets_no_cards(user):
    from ..conftest import client_for_user

    body = client_for_user(user).get(reverse("portal:home")).content.decode()
    assert "Contracts by state" not in body and "echarts" not in body


def test_the_portal_home_runs_the_same_queries_whatever_the_provider_has(member, provider, merchant):
    client = client_for(member(Role.OWNER))

    def add(count):
        shown = []
        for _ in range(count):
            running = contract(provider, MerchantFactory())
            make_deliverable(running, due=NOW - timedelta(days=1))
            order(running, "100.00", NOW - timedelta(hours=1))
            shown.append("Active")
        return shown

    assert_query_baseline("portal:home", lambda: client.get(reverse("portal:home")), add)


# --- the merchant centre ----------------------------------------------------------------------------


@pytest.fixture
def merchant_work(provider, merchant, other_merchant):
    """The merchant: 6 contracts (4 active, 1 proposed, 1 terminated), 2 deliverables submitted (awaiting its
    acceptance), 1 pending; statements: 1 issued, 1 confirmed. Another merchant's submitted deliverable and
    issued statement."""
    made = [contract(provider, merchant, title=f"合作合同{n}号") for n in range(1, 5)]
    made.append(contract(provider, merchant, status=ContractStatus.PROPOSED, title="合作合同5号"))
    made.append(contract(provider, merchant, status=ContractStatus.TERMINATED, title="合作合同6号"))
    make_deliverable(made[0], status=DeliverableStatus.SUBMITTED)
    make_deliverable(made[1], status=DeliverableStatus.SUBMITTED)
    make_deliverable(made[1])
    full = contract(provider, merchant, kind=ContractKind.FULL_OPERATION, title="代运营合同")
    statement(full, StatementStatus.ISSUED, month=10)
    statement(full, StatementStatus.CONFIRMED, month=9)
    foreign = contract(provider, other_merchant, kind=ContractKind.FULL_OPERATION)
    make_deliverable(foreign, status=DeliverableStatus.SUBMITTED)
    statement(foreign, StatementStatus.ISSUED, month=10)
    return made


def statement(contract, status, *, month):
    with all_providers():
        return Statement.objects.create(
            contract=contract,
            provider_id=contract.provider_id,
            merchant_id=contract.merchant_id,
            period=date(2025, month, 1),
            days_covered=30,
            fixed_fee=Decimal("5000.00"),
            gmv=Decimal("0.00"),
            refunds=Decimal("0.00"),
            commission=Decimal("0.00"),
            total=Decimal("5000.00"),
            status=status,
            issued_at=NOW,
        )


def test_the_merchant_centre_shows_its_contracts(merchant_client, merchant_work):
    body = merchant_client.get(reverse("merchant:home")).content.decode()
    base = url_or_none("merchant:contract_list")
    for status, label, count in [
        ("proposed", "Awaiting the merchant&#x27;s signature", 1),
        ("active", "Active", 5),
        ("terminated", "Terminated", 1),
    ]:
        href = f' href="{base}?status={status}"' if base else ""
        assert f'data-contract-state="{status}"{href}>{label} <strong>{count}</strong></a>' in body
    # the latest five, newest first: 代运营合同, 6, 5, 4, 3 (not 2 nor 1)
    shown = [
        title in body
        for title in [
            "代运营合同",
            "合作合同6号",
            "合作合同5号",
            "合作合同4号",
            "合作合同3号",
            "合作合同2号",
            "合作合同1号",
        ]
    ]
    assert shown == [True, True, True, True, True, False, False]
    assert body.index("代运营合同") < body.index("合作合同6号") < body.index("合作合同3号")


def test_the_merchant_centre_counts_what_waits_for_it(merchant_client, merchant_work):
    body = merchant_client.get(reverse("merchant:home")).content.decode()
    assert 'data-count="awaiting-acceptance">2</dd>' in body
    assert 'data-count="statements-to-confirm">1</dd>' in body
    acceptance, statements = (
        url_or_none("merchant:acceptance_queue"),
        url_or_none("merchant:statement_list", "?status=issued"),
    )
    if acceptance:
        assert f'<a href="{acceptance}">Deliverables to accept</a>' in body
    if statements:
        assert f'<a href="{statements}">Statements to confirm</a>' in body


def test_a_merchant_without_contracts_is_told_how_they_come(merchant_client):
    body = merchant_client.get(reverse("merchant:home")).content.decode()
    assert "No contract yet. A provider proposes one after your cooperation request" in body
    assert 'data-count="awaiting-acceptance">0</dd>' in body


def test_the_merchant_centre_runs_the_same_queries_with_contracts(merchant_client, merchant, provider):
    def add(count):
        shown = []
        for _ in range(count):
            running = contract(provider, merchant)
            make_deliverable(running, status=DeliverableStatus.SUBMITTED)
            shown.append(running.title)
        return shown

    # at most five contracts are listed: one row each, up to 3 (n=1 then 3)
    assert_query_baseline(
        "merchant:home with contracts", lambda: merchant_client.get(reverse("merchant:home")), add, n=1
    )
