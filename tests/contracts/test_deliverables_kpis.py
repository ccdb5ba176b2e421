"""Monthly KPI evaluation against the actual figures, with literal numbers."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from contracts.choices import ContractKind, DeliverableStatus, GmvKind, StandardKind
from contracts.models import ContractEvent, Deliverable, GmvRecord, KpiResult
from contracts.services.deliverables import (
    deliverable_reject,
    deliverable_submit,
    kpis_evaluate,
    monthly_deliverables_generate,
)
from linke.tenancy import all_providers
from merchants.tenancy import merchant_scope
from providers.tenancy import provider_scope

from ..factories.contracts import make_contract, make_deliverable
from .deliverables_setup import LINK, actor_of, merchant_actor, operator_member, store  # noqa: F401 - fixtures

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
STANDARDS = {
    StandardKind.MONTHLY_GMV: Decimal("100000"),
    StandardKind.SHORT_VIDEOS: Decimal("4"),
    StandardKind.LIVESTREAM_HOURS: Decimal("20"),
    StandardKind.RESPONSE_HOURS: Decimal("24"),
}


def at(day, hour=10, minute=0):
    return datetime(2027, 1, day, hour, minute, tzinfo=SHANGHAI)


def gmv(contract, store, number, amount, when, refund_of=None):  # noqa: F811
    return GmvRecord.objects.create(
        order_no=f"DY{number}",
        kind=GmvKind.REFUND if refund_of else GmvKind.ORDER,
        refund_of=refund_of,
        store=store,
        merchant=contract.merchant,
        provider=contract.provider,
        contract=contract,
        amount=Decimal(amount),
        ordered_at=when,
    )


def results(contract):
    with all_providers():
        return {
            kind: (actual, met)
            for kind, actual, met in KpiResult.objects.filter(contract=contract, period=date(2027, 1, 1)).values_list(
                "standard__kind", "actual", "met"
            )
        }


@pytest.fixture
def january(provider, merchant, store, operator_member):  # noqa: F811
    contract = make_contract(
        provider,
        merchant,
        stores=[store],
        kind=ContractKind.FULL_OPERATION,
        start=date(2027, 1, 1),
        end=date(2027, 6, 30),
        standards=STANDARDS,
    )
    monthly_deliverables_generate(month=date(2027, 1, 1))
    with all_providers():
        videos = list(Deliverable.objects.filter(contract=contract, standard__kind="short_videos").order_by("sequence"))
        livestream = Deliverable.objects.get(contract=contract, standard__kind="livestream_hours")
        # four videos accepted (the fourth automatically), the livestream with its reported hours
        Deliverable.objects.filter(pk__in=[video.pk for video in videos]).update(status=DeliverableStatus.ACCEPTED)
        Deliverable.objects.filter(pk=livestream.pk).update(status="accepted", reported_amount=Decimal("21.50"))
    order = gmv(contract, store, 1, "60000.00", at(3))
    refunded = gmv(contract, store, 2, "50000.00", at(12))
    gmv(contract, store, 3, "-15000.00", at(20), refund_of=refunded)
    gmv(contract, store, 4, "99999.00", datetime(2027, 2, 1, 0, 0, tzinfo=SHANGHAI))  # February (China time)
    gmv(contract, store, 5, "1.00", datetime(2026, 12, 31, 23, 59, tzinfo=SHANGHAI))  # December
    assert order.amount == Decimal("60000.00")
    # a rejection answered after 30.5 hours, another after 2
    for rejected_at, resubmitted_at in ((at(10), at(11, 16, 30)), (at(15), at(15, 12))):
        deliverable = make_deliverable(contract, title="返工视频", period=None, standard=None)
        with provider_scope(contract.provider_id), time_machine.travel(rejected_at, tick=False):
            deliverable_submit(actor=actor_of(operator_member), deliverable=deliverable, links=[LINK])
        with merchant_scope(contract.merchant_id), time_machine.travel(rejected_at, tick=False):
            deliverable_reject(actor=merchant_actor(merchant), deliverable=deliverable, reason="重拍")
        with provider_scope(contract.provider_id), time_machine.travel(resubmitted_at, tick=False):
            deliverable_submit(actor=actor_of(operator_member), deliverable=deliverable, links=[LINK])
    return contract


def test_each_kpi_against_its_actual_figure(january):
    assert kpis_evaluate(month=date(2027, 1, 20), now=datetime(2027, 2, 1, 2, 0, tzinfo=SHANGHAI)) == 4
    assert results(january) == {
        "monthly_gmv": (Decimal("95000.00"), False),  # 60,000 + 50,000 − 15,000 refunded
        "short_videos": (Decimal("4.00"), True),
        "livestream_hours": (Decimal("21.50"), True),
        "response_hours": (Decimal("30.50"), False),  # the longest wait, above the 24-hour ceiling
    }
    with all_providers():
        assert list(ContractEvent.objects.filter(kind="kpi_evaluated").values_list("note", "side")) == [
            ("2027-01: 2 of 4 KPIs met", "platform")
        ]


def test_re_evaluating_replaces_the_figures(january, store):  # noqa: F811
    later = datetime(2027, 2, 2, tzinfo=SHANGHAI)
    kpis_evaluate(month=date(2027, 1, 1), now=later)
    gmv(january, store, 6, "5000.00", at(30))
    assert kpis_evaluate(month=date(2027, 1, 1), now=later) == 4
    assert results(january)["monthly_gmv"] == (Decimal("100000.00"), True)
    with all_providers():
        assert KpiResult.objects.filter(contract=january).count() == 4


def test_a_rejection_still_waiting_at_the_end_of_the_month_counts_to_the_end(january, operator_member, merchant):  # noqa: F811
    deliverable = make_deliverable(january, title="未返工", period=None, standard=None)
    with provider_scope(january.provider_id), time_machine.travel(at(29), tick=False):
        deliverable_submit(actor=actor_of(operator_member), deliverable=deliverable, links=[LINK])
    with merchant_scope(january.merchant_id), time_machine.travel(at(29), tick=False):
        deliverable_reject(actor=merchant_actor(merchant), deliverable=deliverable, reason="重拍")
    kpis_evaluate(month=date(2027, 1, 1), now=datetime(2027, 2, 1, 2, 0, tzinfo=SHANGHAI))
    assert results(january)["response_hours"] == (Decimal("62.00"), False)  # 29th 10:00 → 1 Feb 00:00


def test_no_rejection_is_zero_hours_and_met(provider, merchant, store):  # noqa: F811
    contract = make_contract(
        provider,
        merchant,
        stores=[store],
        kind=ContractKind.FULL_OPERATION,
        start=date(2027, 1, 1),
        end=date(2027, 6, 30),
        standards={StandardKind.RESPONSE_HOURS: Decimal("24"), StandardKind.SHORT_VIDEOS: Decimal("2")},
    )
    monthly_deliverables_generate(month=date(2027, 1, 1))
    kpis_evaluate(month=date(2027, 1, 1), contract_ids=[contract.pk], now=datetime(2027, 2, 1, tzinfo=SHANGHAI))
    assert results(contract) == {"response_hours": (Decimal("0.00"), True), "short_videos": (Decimal("0.00"), False)}


def test_a_contract_that_did_not_run_that_month_gets_none(provider, merchant, store):  # noqa: F811
    make_contract(
        provider,
        merchant,
        stores=[store],
        kind=ContractKind.FULL_OPERATION,
        start=date(2027, 3, 1),
        end=date(2027, 8, 31),
    )
    assert kpis_evaluate(month=date(2027, 1, 1), now=datetime(2027, 2, 1, tzinfo=SHANGHAI)) == 0
