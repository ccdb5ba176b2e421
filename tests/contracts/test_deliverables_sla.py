"""The SLA check: one breach per deliverable not submitted 24 hours after its due time, whatever the runs;
3 breaches on one contract within 30 days escalate once, and compliance opens one case."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from compliance.models import ComplianceCase
from contracts.choices import ContractStatus, DeliverableStatus
from contracts.models import ContractEvent, Deliverable, SlaBreach
from contracts.services.deliverables import sla_check
from linke.models import AuditEvent, DomainEvent, Notification
from linke.tenancy import all_providers
from providers.choices import Role

from ..factories.contracts import make_contract, make_deliverable
from .deliverables_setup import fresh, operator_member, specialized, store  # noqa: F401 - fixtures

pytestmark = pytest.mark.usefixtures("english")
NOW = timezone.now().replace(microsecond=0)


def overdue(contract, hours, **fields):
    """A deliverable due `hours` ago."""
    return make_deliverable(contract, due=NOW - timedelta(hours=hours), **fields)


def breaches():
    with all_providers():
        return list(SlaBreach.objects.order_by("deliverable_id").values_list("deliverable_id", "contract_id", "due_at"))


@pytest.mark.django_db
def test_records_one_breach_24_hours_after_the_due_time(
    specialized,  # noqa: F811
    operator_member,  # noqa: F811
    merchant,
    django_capture_on_commit_callbacks,
):
    merchant.owner.language = "en"  # each notification is written in its reader's language
    merchant.owner.save(update_fields=["language"])
    late = overdue(specialized, 25, title="探店视频")
    overdue(specialized, 23)  # still within the grace
    overdue(specialized, 30, status=DeliverableStatus.SUBMITTED)  # submitted: no breach
    rejected = overdue(specialized, 26, status=DeliverableStatus.REJECTED)
    with django_capture_on_commit_callbacks(execute=True):  # the notifications follow the commit
        result = sla_check(now=NOW)
    assert (result.breaches, result.escalations) == (2, 0)
    assert breaches() == [
        (late.pk, specialized.pk, NOW - timedelta(hours=25)),
        (rejected.pk, specialized.pk, NOW - timedelta(hours=26)),
    ]
    assert fresh(late).breached_at == NOW
    due = timezone.localtime(NOW - timedelta(hours=25)).strftime("%Y-%m-%d %H:%M")
    with all_providers():
        notes = list(ContractEvent.objects.filter(kind="breach_recorded").order_by("pk").values_list("note", flat=True))
    assert notes[0] == f"探店视频, due {due}"
    assert len(notes) == 2
    payloads = list(DomainEvent.objects.filter(type="sla.breach_recorded").values_list("payload", flat=True))
    assert {payload["deliverable_id"] for payload in payloads} == {late.pk, rejected.pk}
    # one notification per contract to each side, listing the deliverables, each in its reader's language
    assert list(
        Notification.objects.filter(verb="sla.breach").order_by("recipient").values_list("recipient", "title")
    ) == sorted(
        [
            (merchant.owner.pk, f"2 deadline(s) missed on {specialized.title}"),
            (operator_member.user.pk, f"合同“{specialized.title}”有 2 项交付物超时"),
        ]
    )
    rejected_due = timezone.localtime(NOW - timedelta(hours=26)).strftime("%Y-%m-%d %H:%M")
    merchant_note = Notification.objects.get(verb="sla.breach", recipient=merchant.owner)
    assert merchant_note.body == (
        f"Not submitted 24 hours after the due time: {rejected.title} ({rejected_due})、探店视频 ({due})."
    )
    assert merchant_note.url == f"/merchant/contracts/{specialized.pk}/"
    provider_note = Notification.objects.get(verb="sla.breach", recipient=operator_member.user)
    assert provider_note.body == f"截止时间过后 24 小时仍未提交：{rejected.title} ({rejected_due})、探店视频 ({due})。"
    assert (provider_note.url, provider_note.provider_id) == (
        f"/portal/contracts/{specialized.pk}/",
        specialized.provider_id,
    )


@pytest.mark.django_db
def test_repeated_runs_record_nothing_twice(specialized):  # noqa: F811
    overdue(specialized, 48)
    assert sla_check(now=NOW).breaches == 1
    assert sla_check(now=NOW + timedelta(hours=1)).breaches == 0
    call_command("check_slas")
    assert len(breaches()) == 1
    assert DomainEvent.objects.filter(type="sla.breach_recorded").count() == 1


@pytest.mark.django_db
def test_batches_commit_separately_and_all_are_recorded(specialized):  # noqa: F811
    for hours in range(30, 37):
        overdue(specialized, hours)
    result = sla_check(now=NOW, batch=3)
    assert (result.breaches, result.batches) == (7, 3)


@pytest.mark.django_db
def test_contracts_that_never_ran_and_deliverables_after_the_end_get_none(provider, merchant, store):  # noqa: F811
    cancelled = make_contract(provider, merchant, stores=[store], status=ContractStatus.CANCELLED)
    overdue(cancelled, 48)
    ended = make_contract(
        provider,
        merchant,
        stores=[store],
        status=ContractStatus.TERMINATED,
        start=(NOW - timedelta(days=40)).date(),
        end=(NOW - timedelta(days=10)).date(),
    )
    overdue(ended, 24 * 5)  # due after its end date (moved by the termination)
    assert sla_check(now=NOW).breaches == 0


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_record_each_breach_once(specialized):  # noqa: F811
    deliverables = [overdue(specialized, 30 + index) for index in range(40)]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(sla_check(now=NOW, batch=7))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(result.breaches for result in results) == 40
    assert len(breaches()) == 40
    assert DomainEvent.objects.filter(type="sla.breach_recorded").count() == 40
    with all_providers():
        assert ContractEvent.objects.filter(kind="breach_recorded").count() == 40
        assert Deliverable.objects.filter(pk__in=[d.pk for d in deliverables], breached_at__isnull=True).count() == 0
    # a contract with 40 breaches escalates once, whichever run saw the third
    assert DomainEvent.objects.filter(type="sla.escalated").count() == 1


@pytest.mark.django_db
def test_three_breaches_within_30_days_open_one_compliance_case(
    specialized,  # noqa: F811
    member,
    merchant,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    owner = member(Role.OWNER)
    first = overdue(specialized, 24 * 21)
    with django_capture_on_commit_callbacks(execute=True):
        sla_check(now=NOW - timedelta(days=19))  # one breach, 19 days ago
    second, third = overdue(specialized, 30), overdue(specialized, 40)
    with django_capture_on_commit_callbacks(execute=True):
        result = sla_check(now=NOW)
    assert (result.breaches, result.escalations) == (2, 1)
    with all_providers():
        breach_ids = sorted(SlaBreach.objects.values_list("pk", flat=True))
        assert SlaBreach.objects.filter(escalated_at=NOW).count() == 3
        case = ComplianceCase.objects.get()
        assert ContractEvent.objects.filter(kind="sla_escalated").count() == 1
    escalated = DomainEvent.objects.get(type="sla.escalated")
    assert escalated.payload == {"contract_id": specialized.pk, "merchant_id": merchant.pk, "breach_ids": breach_ids}
    assert (case.source, case.status, case.contract_id, case.provider_id, case.event_id) == (
        "sla_escalation",
        "open",
        specialized.pk,
        specialized.provider_id,
        escalated.pk,
    )
    assert case.title == f"3 missed deadlines on contract {specialized}"
    assert AuditEvent.objects.filter(action="compliance_case.open", object_id=str(case.pk)).count() == 1
    assert Notification.objects.filter(recipient=owner.user, title=f"合同 {specialized} 已被立为合规案件").count() == 1
    # more runs, and a fourth breach: no new escalation (it needs 3 breaches no escalation counted)
    overdue(specialized, 50)
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_check(now=NOW + timedelta(hours=1)).escalations == 0
    with all_providers():
        assert ComplianceCase.objects.count() == 1
    assert {first.pk, second.pk, third.pk} <= {row[0] for row in breaches()}


@pytest.mark.django_db
def test_the_subscriber_opens_the_case_once_per_event(specialized, django_capture_on_commit_callbacks):  # noqa: F811
    from compliance.services import case_open_from_escalation
    from providers.tenancy import provider_scope

    for hours in (30, 40, 50):
        overdue(specialized, hours)
    with django_capture_on_commit_callbacks(execute=True):
        sla_check(now=NOW)
    event = DomainEvent.objects.get(type="sla.escalated")
    with provider_scope(specialized.provider_id):
        again = case_open_from_escalation(event=event)
    with all_providers():
        assert list(ComplianceCase.objects.values_list("pk", flat=True)) == [again.pk]


@pytest.mark.django_db
def test_breaches_older_than_30_days_do_not_count(specialized):  # noqa: F811
    overdue(specialized, 24 * 45)
    sla_check(now=NOW - timedelta(days=40))
    overdue(specialized, 30)
    overdue(specialized, 40)
    assert sla_check(now=NOW).escalations == 0


@pytest.mark.django_db
def test_nothing_overdue_is_two_statements(specialized, django_assert_num_queries):  # noqa: F811
    make_deliverable(specialized, due=NOW + timedelta(days=3))
    with django_assert_num_queries(3):  # savepoint aside: the batch statement, and the emit of nothing
        assert sla_check(now=NOW).breaches == 0
