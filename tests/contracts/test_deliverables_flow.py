"""Submit, accept, reject: the provider's evidence and the merchant's answer, with their records."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail

from contracts.choices import ContractKind, ContractStatus, DeliverableStatus, StandardKind
from contracts.models import Contract, ContractEvent, Deliverable
from contracts.services.deliverables import deliverable_accept, deliverable_reject, deliverable_submit
from linke.errors import ApplicationError, InvalidTransition, PermissionDeniedError
from linke.models import AuditEvent, DomainEvent, Notification
from linke.tenancy import all_providers
from merchants.tenancy import merchant_scope
from providers.choices import Role
from providers.tenancy import provider_scope

from ..factories.contracts import make_contract, make_deliverable
from .deliverables_setup import (  # noqa: F401 - fixtures
    EXE,
    LINK,
    PNG,
    actor_of,
    fresh,
    full_contract,
    merchant_actor,
    operator_member,
    specialized,
    store,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "private_media")]


def submit(membership, deliverable, **kwargs):
    kwargs.setdefault("links", [LINK])
    with provider_scope(membership.provider):
        return deliverable_submit(actor=actor_of(membership), deliverable=deliverable, **kwargs)


def accept(merchant, deliverable):
    with merchant_scope(merchant):
        return deliverable_accept(actor=merchant_actor(merchant), deliverable=deliverable)


def reject(merchant, deliverable, reason):
    with merchant_scope(merchant):
        return deliverable_reject(actor=merchant_actor(merchant), deliverable=deliverable, reason=reason)


def timeline(contract):
    with all_providers():
        return list(ContractEvent.objects.filter(contract=contract).order_by("pk").values_list("kind", "side", "note"))


def events(kind):
    return list(DomainEvent.objects.filter(type=kind).order_by("pk").values_list("payload", flat=True))


def test_submit_records_the_evidence_and_tells_the_merchant(specialized, operator_member, merchant):  # noqa: F811
    deliverable = make_deliverable(specialized, title="探店短视频")
    submit(operator_member, deliverable, links=[f" {LINK} ", LINK], file=upload(), note="第一版")
    deliverable = fresh(deliverable)
    assert deliverable.status == DeliverableStatus.SUBMITTED
    assert deliverable.evidence_links == [LINK]
    assert deliverable.evidence_name == "report.pdf"
    assert deliverable.evidence_file.name.startswith("deliverables/") and deliverable.evidence_file.name.endswith(
        ".pdf"
    )
    assert deliverable.evidence_note == "第一版"
    assert deliverable.submitted_by == operator_member.user
    assert timeline(specialized) == [("deliverable_submitted", "provider", "探店短视频")]
    assert events("deliverable.submitted") == [
        {
            "deliverable_id": deliverable.pk,
            "contract_id": specialized.pk,
            "merchant_id": merchant.pk,
            "resubmission": False,
        }
    ]
    audit = AuditEvent.objects.get(action="deliverable.submit")
    assert (audit.before, audit.after["status"]) == ({"status": "pending"}, "submitted")
    notification = Notification.objects.get(recipient=merchant.owner)
    assert notification.title == f"{specialized.provider.name} 提交了“探店短视频”"  # the merchant's language
    assert notification.url == f"/merchant/deliverables/{deliverable.pk}/"


def test_accept_completes_a_specialized_contract_once_everything_is_accepted(specialized, operator_member, merchant):  # noqa: F811
    first, second = make_deliverable(specialized), make_deliverable(specialized)
    for deliverable in (first, second):
        submit(operator_member, deliverable)
    accept(merchant, first)
    with all_providers():
        assert Contract.objects.get(pk=specialized.pk).status == ContractStatus.ACTIVE
    accept(merchant, second)
    with all_providers():
        contract = Contract.objects.get(pk=specialized.pk)
    assert (contract.status, contract.ended_by) == (ContractStatus.COMPLETED, "platform")
    assert fresh(second).decided_by == merchant.owner and fresh(second).auto_accepted is False
    assert [kind for kind, _side, _note in timeline(specialized)][-3:] == [
        "deliverable_accepted",
        "deliverable_accepted",
        "ended",
    ]
    assert [payload["status"] for payload in events("contract.ended")] == ["completed"]
    assert len(events("deliverable.accepted")) == 2
    provider_titles = set(Notification.objects.filter(recipient=operator_member.user).values_list("title", flat=True))
    assert f"{merchant.name} 已验收“{second.title}”" in provider_titles
    assert f"合同“{specialized.title}”已完成" in provider_titles


def test_a_full_operation_contract_does_not_complete(full_contract, operator_member, merchant):  # noqa: F811
    deliverable = make_deliverable(full_contract)
    submit(operator_member, deliverable)
    accept(merchant, deliverable)
    with all_providers():
        assert Contract.objects.get(pk=full_contract.pk).status == ContractStatus.ACTIVE


def test_reject_then_resubmit(specialized, operator_member, merchant):  # noqa: F811
    deliverable = make_deliverable(specialized, title="门店海报")
    submit(operator_member, deliverable, file=upload("poster.png", PNG, "image/png"))
    reject(merchant, deliverable, "  颜色不对  ")
    deliverable = fresh(deliverable)
    assert (deliverable.status, deliverable.rejection_reason) == (DeliverableStatus.REJECTED, "颜色不对")
    assert events("deliverable.rejected")[0]["reason"] == "颜色不对"
    assert Notification.objects.filter(recipient=operator_member.user).latest("pk").body == (
        "驳回原因：颜色不对。请返工后重新提交。"
    )
    submit(operator_member, deliverable, links=[], note="改好了")  # keeps the file on record
    deliverable = fresh(deliverable)
    assert deliverable.status == DeliverableStatus.SUBMITTED and deliverable.evidence_name == "poster.png"
    assert events("deliverable.submitted")[-1]["resubmission"] is True
    audit = AuditEvent.objects.filter(action="deliverable.submit").latest("pk")
    assert audit.before == {"status": "rejected", "rejected_at": deliverable.decided_at.isoformat()}
    assert [kind for kind, _side, _note in timeline(specialized)] == [
        "deliverable_submitted",
        "deliverable_rejected",
        "deliverable_submitted",
    ]


def test_an_exe_renamed_pdf_is_refused_and_nothing_changes(specialized, operator_member):  # noqa: F811
    deliverable = make_deliverable(specialized)
    with pytest.raises(ApplicationError) as refused:
        submit(operator_member, deliverable, file=upload("report.pdf", EXE))
    assert refused.value.code == "evidence_type"
    assert refused.value.details == {"file": ["This file is not a PDF, JPEG, PNG or MP4, whatever its name says."]}
    assert fresh(deliverable).status == DeliverableStatus.PENDING
    assert timeline(specialized) == []


def test_a_file_over_20_mb_is_refused(specialized, operator_member):  # noqa: F811
    deliverable = make_deliverable(specialized)
    big = upload("video.pdf", b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ApplicationError) as refused:
        submit(operator_member, deliverable, file=big)
    assert refused.value.code == "evidence_too_large"
    assert refused.value.message == "The file is 20.0\xa0MB; evidence may be at most 20 MB."
    assert fresh(deliverable).status == DeliverableStatus.PENDING


@pytest.mark.parametrize(
    ("links", "code"),
    [
        (["ftp://example.com/video"], "evidence_link_invalid"),
        (["javascript:alert(1)"], "evidence_link_invalid"),
        ([f"https://example.com/{index}" for index in range(6)], "evidence_links_too_many"),
        (["https://example.com/" + "a" * 481], "evidence_link_too_long"),
        ([1, 2], "evidence_links_invalid"),
        ([], "evidence_required"),
    ],
)
def test_bad_links_are_refused(specialized, operator_member, links, code):  # noqa: F811
    deliverable = make_deliverable(specialized)
    with pytest.raises(ApplicationError) as refused:
        submit(operator_member, deliverable, links=links)
    assert refused.value.code == code
    assert fresh(deliverable).status == DeliverableStatus.PENDING


def test_a_livestream_deliverable_reports_its_hours(provider, merchant, store, operator_member):  # noqa: F811
    contract = make_contract(
        provider,
        merchant,
        stores=[store],
        kind=ContractKind.FULL_OPERATION,
        standards={StandardKind.LIVESTREAM_HOURS: Decimal("20")},
    )
    deliverable = make_deliverable(contract)
    with pytest.raises(ApplicationError) as refused:
        submit(operator_member, deliverable)
    assert refused.value.code == "reported_amount_required"
    for bad in ("-1", "745", "abc", "1.234"):
        with pytest.raises(ApplicationError) as refused:
            submit(operator_member, deliverable, reported_amount=bad)
        assert refused.value.code == "reported_amount_invalid"
    submit(operator_member, deliverable, reported_amount="21.5")
    assert fresh(deliverable).reported_amount == Decimal("21.50")


def test_only_delivery_roles_submit(specialized, member):  # noqa: F811
    deliverable = make_deliverable(specialized)
    for role in (Role.BD, Role.VIEWER):
        with pytest.raises(PermissionDeniedError):
            submit(member(role), deliverable)
    assert fresh(deliverable).status == DeliverableStatus.PENDING


def test_a_contract_that_ended_takes_no_submission(provider, merchant, store, operator_member):  # noqa: F811
    contract = make_contract(provider, merchant, stores=[store], status=ContractStatus.TERMINATED)
    deliverable = make_deliverable(contract)
    with pytest.raises(ApplicationError) as refused:
        submit(operator_member, deliverable)
    assert refused.value.code == "contract_not_running"


def test_only_the_contracts_merchant_answers(specialized, operator_member, other_merchant):  # noqa: F811
    deliverable = make_deliverable(specialized)
    submit(operator_member, deliverable)
    with pytest.raises(PermissionDeniedError):
        deliverable_accept(actor=merchant_actor(other_merchant), deliverable=deliverable)
    with pytest.raises(PermissionDeniedError):
        deliverable_accept(actor=actor_of(operator_member), deliverable=deliverable)
    assert fresh(deliverable).status == DeliverableStatus.SUBMITTED


def test_accepting_twice_or_rejecting_a_pending_one_is_refused(specialized, operator_member, merchant):  # noqa: F811
    deliverable = make_deliverable(specialized)
    with pytest.raises(InvalidTransition):
        reject(merchant, deliverable, "不行")
    submit(operator_member, deliverable)
    with pytest.raises(ApplicationError) as refused:
        reject(merchant, deliverable, "   ")
    assert refused.value.code == "reason_required"
    accept(merchant, deliverable)
    with pytest.raises(InvalidTransition):
        accept(merchant, deliverable)


def test_emails_go_out_after_commit(specialized, operator_member, merchant, django_capture_on_commit_callbacks):  # noqa: F811
    deliverable = make_deliverable(specialized)
    with django_capture_on_commit_callbacks(execute=True):
        submit(operator_member, deliverable)
    assert [message.to for message in mail.outbox] == [[merchant.owner.email]]


def test_the_submission_restarts_the_automatic_acceptance_clock(specialized, operator_member, merchant):  # noqa: F811
    deliverable = make_deliverable(specialized)
    submit(operator_member, deliverable)
    with all_providers():
        Deliverable.objects.filter(pk=deliverable.pk).update(
            auto_accept_notice_at=deliverable.due_at - timedelta(days=1)
        )
    reject(merchant, deliverable, "再改改")
    submit(operator_member, deliverable)
    assert fresh(deliverable).auto_accept_notice_at is None


@pytest.mark.django_db(transaction=True)
def test_two_last_acceptances_at_once_complete_the_contract_once(specialized, operator_member, merchant):  # noqa: F811
    import threading

    from django.db import connection

    first, second = make_deliverable(specialized), make_deliverable(specialized)
    for deliverable in (first, second):
        submit(operator_member, deliverable)
    barrier, errors = threading.Barrier(2), []

    def answer(deliverable):
        try:
            barrier.wait(timeout=10)
            accept(merchant, deliverable)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(deliverable,)) for deliverable in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with all_providers():
        assert Contract.objects.get(pk=specialized.pk).status == ContractStatus.COMPLETED
    assert [payload["status"] for payload in events("contract.ended")] == ["completed"]
    assert [kind for kind, _side, _note in timeline(specialized)].count("ended") == 1
