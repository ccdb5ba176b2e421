"""Automatic acceptance 72 hours after a submission nobody answered, and the notice 24 hours before."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contracts.choices import ContractStatus, DeliverableStatus
from contracts.models import Contract, ContractEvent
from contracts.services.deliverables import deliverables_auto_accept
from linke.models import DomainEvent, Notification
from linke.tenancy import all_providers

from ..factories.contracts import make_deliverable
from .deliverables_setup import fresh, operator_member, specialized, store  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
NOW = timezone.now()


def submitted(contract, hours_ago, **fields):
    return make_deliverable(
        contract, status=DeliverableStatus.SUBMITTED, submitted_at=NOW - timedelta(hours=hours_ago), **fields
    )


def test_accepts_what_waited_72_hours_and_tells_both_sides(
    specialized,  # noqa: F811
    operator_member,  # noqa: F811
    merchant,
    django_capture_on_commit_callbacks,
):
    late = submitted(specialized, 72, title="探店视频")
    recent = submitted(specialized, 71)
    with django_capture_on_commit_callbacks(execute=True):  # the notifications follow the commit
        assert deliverables_auto_accept(now=NOW) == 1
    late, recent = fresh(late), fresh(recent)
    assert (late.status, late.auto_accepted, late.decided_at, late.decided_by) == ("accepted", True, NOW, None)
    assert recent.status == DeliverableStatus.SUBMITTED
    with all_providers():
        assert list(ContractEvent.objects.filter(contract=specialized).values_list("kind", "side", "note")) == [
            ("deliverable_auto_accepted", "platform", "探店视频")
        ]
    assert list(DomainEvent.objects.filter(type="deliverable.accepted").values_list("payload", flat=True)) == [
        {"deliverable_id": late.pk, "contract_id": specialized.pk, "merchant_id": merchant.pk, "automatic": True}
    ]
    title = f"合同“{specialized.title}”的 1 项交付物已自动验收"  # the readers' language: Chinese
    assert list(
        Notification.objects.filter(title=title).values_list("recipient", flat=True).order_by("recipient")
    ) == sorted([merchant.owner.pk, operator_member.user.pk])


def test_the_notice_goes_once_24_hours_before(specialized, merchant, django_capture_on_commit_callbacks):  # noqa: F811
    due_soon = submitted(specialized, 49, title="海报")
    submitted(specialized, 47)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliverables_auto_accept(now=NOW) == 0
    assert fresh(due_soon).auto_accept_notice_at == NOW
    notices = Notification.objects.filter(verb="deliverable.auto_accept_notice")
    assert list(notices.values_list("recipient", "title")) == [
        (merchant.owner.pk, f"合同“{specialized.title}”的 1 项交付物即将自动验收")
    ]
    when = timezone.localtime(NOW - timedelta(hours=49) + timedelta(hours=72)).strftime("%Y-%m-%d %H:%M")
    assert notices.get().body == f"海报 将于 {when} 自动验收，除非您在此之前验收或驳回。"
    with django_capture_on_commit_callbacks(execute=True):
        deliverables_auto_accept(now=NOW + timedelta(minutes=10))
    assert notices.count() == 1


def test_repeated_runs_accept_once(specialized):  # noqa: F811
    submitted(specialized, 80)
    assert deliverables_auto_accept(now=NOW) == 1
    assert deliverables_auto_accept(now=NOW) == 0
    assert DomainEvent.objects.filter(type="deliverable.accepted").count() == 1


def test_the_last_acceptance_completes_a_specialized_contract(specialized):  # noqa: F811
    submitted(specialized, 73)
    deliverables_auto_accept(now=NOW)
    with all_providers():
        assert Contract.objects.get(pk=specialized.pk).status == ContractStatus.COMPLETED


def test_batches(specialized):  # noqa: F811
    for _ in range(5):
        submitted(specialized, 90)
    assert deliverables_auto_accept(now=NOW, batch=2) == 5
