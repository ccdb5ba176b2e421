"""The deliverable pages: the provider's board and submit form, the merchant's queue and answer, the
evidence file, the contract page's panel."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.choices import ContractKind, DeliverableStatus, StandardKind
from contracts.models import KpiResult
from contracts.services.deliverables import deliverable_submit
from linke.tenancy import all_providers
from providers.choices import Role
from providers.tenancy import provider_scope

from ..conftest import client_for
from ..factories.contracts import make_contract, make_deliverable
from ..query_counts import assert_query_baseline
from .deliverables_setup import (  # noqa: F401 - fixtures
    EXE,
    LINK,
    PDF,
    actor_of,
    fresh,
    operator_client,
    operator_member,
    specialized,
    store,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "private_media")]
NOW = timezone.now()


def page(url_name, pk=None):
    return reverse(url_name, kwargs={"pk": pk} if pk else None)


def test_the_board_shows_each_view_with_its_count(specialized, operator_client):  # noqa: F811
    make_deliverable(specialized, title="本周到期", due=NOW + timedelta(days=2))
    make_deliverable(specialized, title="已逾期", due=NOW - timedelta(days=1))
    make_deliverable(specialized, title="待验收", status=DeliverableStatus.SUBMITTED)
    make_deliverable(specialized, title="被驳回", status=DeliverableStatus.REJECTED, due=NOW + timedelta(days=20))
    board = operator_client.get(page("portal:deliverable_board"))
    assert board.status_code == 200
    assert [(tab["view"].key, tab["count"]) for tab in board.context["tabs"]] == [
        ("due_week", 1),
        ("overdue", 1),
        ("awaiting", 1),
        ("rejected", 1),
        ("all", 4),
    ]
    assert [d.title for d in board.context["deliverables"]] == ["本周到期"]
    overdue = operator_client.get(page("portal:deliverable_board") + "?view=overdue")
    assert [d.title for d in overdue.context["deliverables"]] == ["已逾期"]
    searched = operator_client.get(page("portal:deliverable_board") + "?view=all&q=驳回")
    assert [d.title for d in searched.context["deliverables"]] == ["被驳回"]
    assert operator_client.get(page("portal:deliverable_board") + "?view=nonsense&contract=abc").status_code == 200


def test_the_board_runs_the_same_queries_whatever_the_rows(specialized, operator_client):  # noqa: F811
    def add_rows(count):
        titles = [f"看板行{index}-{timezone.now().timestamp()}" for index in range(count)]
        for title in titles:
            make_deliverable(specialized, title=title, due=NOW + timedelta(days=1))
        return titles

    assert_query_baseline(
        "portal:deliverable_board", lambda: operator_client.get(page("portal:deliverable_board")), add_rows
    )


def test_the_queue_runs_the_same_queries_whatever_the_rows(specialized, merchant_client):  # noqa: F811
    def add_rows(count):
        titles = [f"验收行{index}-{timezone.now().timestamp()}" for index in range(count)]
        for title in titles:
            make_deliverable(specialized, title=title, status=DeliverableStatus.SUBMITTED)
        return titles

    assert_query_baseline(
        "merchant:acceptance_queue", lambda: merchant_client.get(page("merchant:acceptance_queue")), add_rows
    )


def test_submit_from_the_page(specialized, operator_client, merchant_client):  # noqa: F811
    deliverable = make_deliverable(specialized, title="探店视频")
    detail = operator_client.get(page("portal:deliverable_detail", deliverable.pk))
    assert "A PDF, JPEG, PNG or MP4 file, at most 20 MB" in detail.content.decode()
    response = operator_client.post(
        page("portal:deliverable_submit", deliverable.pk), {"links": LINK, "note": "请验收", "file": upload()}
    )
    assert response.status_code == 302
    assert fresh(deliverable).status == DeliverableStatus.SUBMITTED
    shown = merchant_client.get(page("merchant:deliverable_detail", deliverable.pk)).content.decode()
    assert LINK in shown and "report.pdf" in shown and "请验收" in shown
    evidence = merchant_client.get(page("merchant:deliverable_evidence", deliverable.pk))
    assert (evidence.status_code, evidence["Content-Type"], evidence["Cache-Control"]) == (
        200,
        "application/pdf",
        "private, no-store",
    )
    assert b"".join(evidence.streaming_content) == PDF
    assert operator_client.get(page("portal:deliverable_evidence", deliverable.pk)).status_code == 200


def test_a_failed_submit_keeps_what_was_typed_and_the_file(specialized, operator_client):  # noqa: F811
    deliverable = make_deliverable(specialized)
    response = operator_client.post(
        page("portal:deliverable_submit", deliverable.pk),
        {"links": "ftp://example.com/video", "note": "第一版", "file": upload("方案.pdf")},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "“ftp://example.com/video” is not a web address starting with http:// or https://." in body
    assert "ftp://example.com/video" in body and "第一版" in body
    assert "The file “方案.pdf” is kept: it will be submitted unless you choose another one." in body
    token = response.context["form"].data["kept_file"]
    # the next submission, without choosing the file again
    response = operator_client.post(
        page("portal:deliverable_submit", deliverable.pk), {"links": LINK, "note": "第一版", "kept_file": token}
    )
    assert response.status_code == 302
    deliverable = fresh(deliverable)
    assert (deliverable.status, deliverable.evidence_name) == (DeliverableStatus.SUBMITTED, "方案.pdf")
    with deliverable.evidence_file.open("rb") as stored:
        assert stored.read() == PDF


def test_a_kept_file_token_of_another_deliverable_is_ignored(specialized, operator_client):  # noqa: F811
    first, second = make_deliverable(specialized), make_deliverable(specialized)
    response = operator_client.post(page("portal:deliverable_submit", first.pk), {"links": "bad", "file": upload()})
    token = response.context["form"].data["kept_file"]
    response = operator_client.post(page("portal:deliverable_submit", second.pk), {"kept_file": token})
    assert response.status_code == 400
    assert "Add at least a link or a file as evidence." in response.content.decode()
    assert fresh(second).status == DeliverableStatus.PENDING


def test_an_exe_is_refused_on_the_page(specialized, operator_client):  # noqa: F811
    deliverable = make_deliverable(specialized)
    response = operator_client.post(
        page("portal:deliverable_submit", deliverable.pk), {"links": LINK, "file": upload("report.pdf", EXE)}
    )
    assert response.status_code == 400
    assert "This file is not a PDF, JPEG, PNG or MP4, whatever its name says." in response.content.decode()
    assert "is kept" not in response.content.decode()
    assert fresh(deliverable).status == DeliverableStatus.PENDING


def test_htmx_submit_swaps_the_form_or_redirects(specialized, operator_client):  # noqa: F811
    deliverable = make_deliverable(specialized)
    url = page("portal:deliverable_submit", deliverable.pk)
    failed = operator_client.post(url, {"links": "nope"}, HTTP_HX_REQUEST="true")
    assert failed.status_code == 200
    assert failed.content.decode().lstrip().startswith('<div class="card border-0 shadow-sm" id="deliverable-submit">')
    done = operator_client.post(url, {"links": LINK}, HTTP_HX_REQUEST="true")
    assert (done.status_code, done["HX-Redirect"]) == (204, page("portal:deliverable_detail", deliverable.pk))


def test_a_bd_reads_but_cannot_submit(specialized, member):  # noqa: F811
    deliverable = make_deliverable(specialized)
    bd = client_for(member(Role.BD))
    detail = bd.get(page("portal:deliverable_detail", deliverable.pk))
    assert "Only the owner, admins and operators can work on deliverables." in detail.content.decode()
    assert bd.post(page("portal:deliverable_submit", deliverable.pk), {"links": LINK}).status_code == 403
    assert fresh(deliverable).status == DeliverableStatus.PENDING


def test_the_merchant_accepts_or_rejects_from_the_page(specialized, operator_member, merchant_client):  # noqa: F811
    first, second = make_deliverable(specialized), make_deliverable(specialized)
    for deliverable in (first, second):
        with provider_scope(operator_member.provider):
            deliverable_submit(actor=actor_of(operator_member), deliverable=deliverable, links=[LINK])
    queue = merchant_client.get(page("merchant:acceptance_queue"))
    assert [d.pk for d in queue.context["deliverables"]] == [first.pk, second.pk]
    refused = merchant_client.post(page("merchant:deliverable_reject", first.pk), {"reason": ""})
    assert refused.status_code == 400 and fresh(first).status == DeliverableStatus.SUBMITTED
    assert (
        merchant_client.post(page("merchant:deliverable_reject", first.pk), {"reason": "画面太暗"}).status_code == 302
    )
    assert (fresh(first).status, fresh(first).rejection_reason) == (DeliverableStatus.REJECTED, "画面太暗")
    assert merchant_client.post(page("merchant:deliverable_accept", second.pk)).status_code == 302
    assert fresh(second).status == DeliverableStatus.ACCEPTED
    again = merchant_client.post(page("merchant:deliverable_accept", second.pk), follow=True)
    assert "This action is not possible in the current state." in again.content.decode()


def test_the_contract_page_shows_deliverables_and_kpis(provider, merchant, store, operator_client, merchant_client):  # noqa: F811
    contract = make_contract(
        provider,
        merchant,
        stores=[store],
        kind=ContractKind.FULL_OPERATION,
        start=date(2027, 1, 1),
        end=date(2027, 6, 30),
        standards={StandardKind.MONTHLY_GMV: Decimal("100000"), StandardKind.SHORT_VIDEOS: Decimal("4")},
    )
    make_deliverable(contract, title="短视频 1/4 · 2027-01")
    with all_providers():
        for standard, actual, met in (
            (contract.standards.get(kind="monthly_gmv"), "123456.70", True),
            (contract.standards.get(kind="short_videos"), "3", False),
        ):
            KpiResult.objects.create(
                contract=contract,
                provider=provider,
                merchant=merchant,
                standard=standard,
                period=date(2027, 1, 1),
                target=standard.target,
                actual=Decimal(actual),
                met=met,
                evaluated_at=timezone.now(),
            )
    for client, namespace in ((operator_client, "portal"), (merchant_client, "merchant")):
        body = client.get(page(f"{namespace}:contract_detail", contract.pk)).content.decode()
        assert "短视频 1/4 · 2027-01" in body
        assert "2027-01 · 1 of 2 met" in body
        assert "¥123,456.70" in body and "¥100,000.00" in body
        assert "Met" in body and "Missed" in body


def test_a_livestream_deliverable_asks_for_its_hours(provider, merchant, store, operator_client):  # noqa: F811
    contract = make_contract(
        provider,
        merchant,
        stores=[store],
        kind=ContractKind.FULL_OPERATION,
        standards={StandardKind.LIVESTREAM_HOURS: Decimal("20")},
    )
    deliverable = make_deliverable(contract)
    detail = operator_client.get(page("portal:deliverable_detail", deliverable.pk)).content.decode()
    assert "Livestream hours delivered" in detail
    missing = operator_client.post(page("portal:deliverable_submit", deliverable.pk), {"links": LINK})
    assert missing.status_code == 400 and fresh(deliverable).status == DeliverableStatus.PENDING
    done = operator_client.post(
        page("portal:deliverable_submit", deliverable.pk), {"links": LINK, "reported_amount": "18.5"}
    )
    assert done.status_code == 302
    assert fresh(deliverable).reported_amount == Decimal("18.50")
