"""API twins of the deliverables pages: list with filters, retrieve, submit (JSON and multipart), accept,
reject, the evidence file, KPI results; errors with a stable code."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.choices import ContractKind, DeliverableStatus
from contracts.models import KpiResult
from linke.tenancy import all_providers
from providers.choices import Role

from ..conftest import client_for
from ..factories.contracts import make_contract, make_deliverable
from ..query_counts import assert_query_baseline
from .deliverables_setup import (  # noqa: F401 - fixtures
    EXE,
    LINK,
    PDF,
    fresh,
    operator_client,
    operator_member,
    specialized,
    store,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "private_media")]
NOW = timezone.now()


def url(name, pk=None):
    return reverse(f"api:{name}", kwargs={"pk": pk} if pk else None)


def test_list_and_filters(specialized, operator_client):  # noqa: F811
    overdue = make_deliverable(specialized, title="逾期", due=NOW - timedelta(hours=3))
    make_deliverable(specialized, title="待验收", status=DeliverableStatus.SUBMITTED)
    body = operator_client.get(url("deliverable-list")).json()
    assert body["count"] == 2
    row = next(item for item in body["results"] if item["id"] == overdue.pk)
    assert row["contract"] == {"id": specialized.pk, "title": specialized.title}
    assert row["merchant"] == {"id": specialized.merchant_id, "name": specialized.merchant.name}
    assert (row["status"], row["kind"], row["has_file"], row["auto_accept_at"]) == ("pending", "item", False, None)
    assert [
        item["title"] for item in operator_client.get(url("deliverable-list") + "?view=overdue").json()["results"]
    ] == ["逾期"]
    assert [
        item["title"] for item in operator_client.get(url("deliverable-list") + "?status=submitted").json()["results"]
    ] == ["待验收"]
    bad = operator_client.get(url("deliverable-list") + "?view=whatever")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")


def test_submit_as_json_then_accept_as_the_merchant(specialized, operator_client, merchant_client):  # noqa: F811
    deliverable = make_deliverable(specialized)
    submitted = operator_client.post(
        url("deliverable-submit", deliverable.pk), {"links": [LINK], "note": "已发布"}, content_type="application/json"
    )
    assert submitted.status_code == 200, submitted.json()
    assert (submitted.json()["status"], submitted.json()["evidence_links"]) == ("submitted", [LINK])
    assert submitted.json()["auto_accept_at"] is not None
    waiting = merchant_client.get(url("merchant-deliverable-list") + "?view=awaiting").json()
    assert [item["id"] for item in waiting["results"]] == [deliverable.pk]
    assert waiting["results"][0]["provider"]["id"] == specialized.provider_id
    accepted = merchant_client.post(url("merchant-deliverable-accept", deliverable.pk))
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")
    again = merchant_client.post(url("merchant-deliverable-accept", deliverable.pk))
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")


def test_submit_multipart_with_a_file_and_read_it_back(specialized, operator_client, merchant_client):  # noqa: F811
    deliverable = make_deliverable(specialized)
    response = operator_client.post(url("deliverable-submit", deliverable.pk), {"file": upload(), "note": "报告"})
    assert response.status_code == 200, response.json()
    assert (response.json()["has_file"], response.json()["evidence_name"]) == (True, "report.pdf")
    for client, name in ((operator_client, "deliverable-evidence"), (merchant_client, "merchant-deliverable-evidence")):
        evidence = client.get(url(name, deliverable.pk))
        assert (evidence.status_code, evidence["Content-Type"]) == (200, "application/pdf")
        assert b"".join(evidence.streaming_content) == PDF


def test_refusals_have_stable_codes_and_change_nothing(specialized, operator_client, member):  # noqa: F811
    deliverable = make_deliverable(specialized)
    exe = operator_client.post(url("deliverable-submit", deliverable.pk), {"file": upload("a.pdf", EXE)})
    assert (exe.status_code, exe.json()["code"]) == (400, "evidence_type")
    link = operator_client.post(
        url("deliverable-submit", deliverable.pk), {"links": ["ftp://x.example"]}, content_type="application/json"
    )
    assert (link.status_code, link.json()["code"]) == (400, "evidence_link_invalid")
    nothing = operator_client.post(url("deliverable-submit", deliverable.pk), {}, content_type="application/json")
    assert (nothing.status_code, nothing.json()["code"]) == (400, "evidence_required")
    wrong_type = operator_client.post(
        url("deliverable-submit", deliverable.pk), {"links": "not a list", "note": 5}, content_type="application/json"
    )
    assert (wrong_type.status_code, wrong_type.json()["code"]) == (400, "invalid")
    nul = operator_client.post(
        url("deliverable-submit", deliverable.pk), {"links": [LINK], "note": "a\x00b"}, content_type="application/json"
    )
    assert nul.status_code == 400
    bd = client_for(member(Role.BD)).post(
        url("deliverable-submit", deliverable.pk), {"links": [LINK]}, content_type="application/json"
    )
    assert (bd.status_code, bd.json()["code"]) == (403, "permission_denied")
    huge = operator_client.get(url("deliverable-detail", 99999999999999999999))
    assert huge.status_code == 404
    assert fresh(deliverable).status == DeliverableStatus.PENDING


def test_reject_needs_a_reason(specialized, merchant_client):  # noqa: F811
    deliverable = make_deliverable(specialized, status=DeliverableStatus.SUBMITTED)
    empty = merchant_client.post(
        url("merchant-deliverable-reject", deliverable.pk), {}, content_type="application/json"
    )
    assert (empty.status_code, empty.json()["code"]) == (400, "invalid")
    done = merchant_client.post(
        url("merchant-deliverable-reject", deliverable.pk), {"reason": "重拍"}, content_type="application/json"
    )
    assert (done.status_code, done.json()["status"], done.json()["rejection_reason"]) == (200, "rejected", "重拍")


def test_kpi_results_on_both_sides(provider, merchant, store, operator_client, merchant_client):  # noqa: F811
    contract = make_contract(
        provider, merchant, stores=[store], kind=ContractKind.FULL_OPERATION, start=date(2027, 1, 1)
    )
    with all_providers():
        standard = contract.standards.get(kind="monthly_gmv")
        KpiResult.objects.create(
            contract=contract,
            provider=provider,
            merchant=merchant,
            standard=standard,
            period=date(2027, 1, 1),
            target=Decimal("100000.00"),
            actual=Decimal("95000.00"),
            met=False,
            evaluated_at=NOW,
        )
    for client, name in ((operator_client, "kpi-result-list"), (merchant_client, "merchant-kpi-result-list")):
        results = client.get(url(name) + "?period=2027-01-01").json()["results"]
        assert [
            (row["standard"]["kind"], row["target"], row["actual"], row["met"], row["period"]) for row in results
        ] == [("monthly_gmv", "100000.00", "95000.00", False, "2027-01-01")]
    assert operator_client.post(url("kpi-result-list"), {}).status_code == 403  # read only: no write is declared


def test_the_lists_run_the_same_queries_whatever_the_rows(specialized, operator_client, merchant_client):  # noqa: F811
    def add_rows(count):
        titles = [f"接口行{index}-{timezone.now().timestamp()}" for index in range(count)]
        for title in titles:
            make_deliverable(specialized, title=title, status=DeliverableStatus.SUBMITTED)
        return titles

    assert_query_baseline("api:deliverable-list", lambda: operator_client.get(url("deliverable-list")), add_rows)
    assert_query_baseline(
        "api:merchant-deliverable-list", lambda: merchant_client.get(url("merchant-deliverable-list")), add_rows
    )
