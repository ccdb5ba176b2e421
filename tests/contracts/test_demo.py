"""The contracts demo (`make run`): half a year of work replayed through the services, every state the
walkthrough needs, and a second seeding adds nothing."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import override_settings

from compliance.models import ComplianceCase
from contracts.models import Contract, Deliverable, GmvRecord, KpiResult, Proposal, Review, Rfq, SlaBreach, Statement
from linke.tenancy import all_providers


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    try:
        with django_db_blocker.unblock(), override_settings(DEBUG=True):
            call_command("load_reference_data", verbosity=0)
            call_command("seed_demo", verbosity=0)
        yield
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


pytestmark = pytest.mark.django_db


def contracts():
    return {title: (kind, status) for title, kind, status in Contract.objects.values_list("title", "kind", "status")}


def test_the_demo_has_both_kinds_of_contract_in_their_states(demo):
    with all_providers():
        assert contracts() == {
            "五四路店开业短视频套餐": ("specialized", "completed"),
            "老张火锅两店抖音代运营": ("full_operation", "active"),
            "宝龙店探店短视频（季度）": ("specialized", "terminated"),
            "宝龙店国庆节日直播": ("specialized", "rejected"),
            "宝龙店团购上架": ("specialized", "cancelled"),
            "宝龙店周末直播": ("specialized", "active"),
            "望京店种草短视频": ("specialized", "proposed"),
        }
        full = Contract.objects.get(kind="full_operation")
        assert full.upgraded_from.title == "五四路店开业短视频套餐"
        assert full.contract_stores.count() == 2
        assert len(full.signed_fingerprint) == 64


def test_the_full_operation_has_six_months_of_deliveries_gmv_kpis_and_statements(demo):
    with all_providers():
        full = Contract.objects.get(kind="full_operation")
        statements = list(Statement.objects.filter(contract=full).order_by("period").values_list("status", flat=True))
        assert statements == ["paid"] * 5 + ["issued"]
        assert KpiResult.objects.filter(contract=full).values("period").distinct().count() == 6
        missed_gmv = KpiResult.objects.filter(contract=full, standard__kind="monthly_gmv", met=False).count()
        assert missed_gmv == 1  # the quiet month
        assert GmvRecord.objects.filter(contract=full, kind="refund").exists()
        assert (
            GmvRecord.objects.filter(contract=full, amount__lt=0).count()
            == GmvRecord.objects.filter(contract=full, kind="refund").count()
        )
        statuses = set(Deliverable.objects.filter(contract=full).values_list("status", flat=True))
        assert statuses == {"accepted", "submitted", "pending"}
        assert Deliverable.objects.filter(contract=full, rejection_reason__gt="").count() == 1
        assert Statement.objects.get(contract=full, status="issued").fixed_fee == Decimal("6000.00")


def test_late_work_is_breached_and_three_breaches_open_a_compliance_case(demo):
    with all_providers():
        per_contract = {}
        for title in SlaBreach.objects.values_list("contract__title", flat=True):
            per_contract[title] = per_contract.get(title, 0) + 1
        assert per_contract == {
            "五四路店开业短视频套餐": 1,
            "老张火锅两店抖音代运营": 1,
            "宝龙店探店短视频（季度）": 3,
            "宝龙店周末直播": 1,
        }
        case = ComplianceCase.objects.get()
        assert case.contract.title == "宝龙店探店短视频（季度）"
        assert Deliverable.objects.filter(auto_accepted=True).count() == 1


def test_a_review_with_its_reply_and_a_need_with_three_proposals(demo):
    with all_providers():
        review = Review.objects.get()
        assert (review.professionalism, review.communication, review.results) == (5, 5, 4)
        assert review.reply.startswith("感谢认可")
        need = Rfq.objects.get()
        assert need.status == "open"
        prices = sorted(Proposal.objects.filter(rfq=need).values_list("price", flat=True))
        assert prices == [Decimal("4500.00"), Decimal("5200.00"), Decimal("6800.00")]


def test_seeding_again_adds_nothing(demo):
    with all_providers():
        before = (Contract.objects.count(), Deliverable.objects.count(), GmvRecord.objects.count())
    with override_settings(DEBUG=True):
        call_command("seed_demo", verbosity=0)
    with all_providers():
        assert (Contract.objects.count(), Deliverable.objects.count(), GmvRecord.objects.count()) == before
