"""The operators' import page: upload → dry-run preview → import (a Celery task, eager here) → result."""

import json

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from linke.models import AuditEvent
from merchants.choices import ImportStatus
from merchants.models import Lead, LeadImport
from merchants.services.imports import progress_key

from ..conftest import client_for_user
from ..factories import UserFactory
from .test_imports_files import BAD, GOOD, csv_bytes

UPLOAD = reverse("admin:merchants_leadimport_upload")


@pytest.fixture
def reference(cities, districts, categories):
    return cities


@pytest.fixture
def operator_client(operator, private_media):
    """The admin in English, so that the messages are asserted as written (Chinese is the default)."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(operator)
    return client


def upload(client, content: bytes, name="leads.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def page(lead_import: LeadImport) -> str:
    return reverse("admin:merchants_leadimport_import", args=[lead_import.pk])


def test_upload_preview_import_result(reference, operator_client, english, django_capture_on_commit_callbacks):
    Lead.objects.create(
        merchant_name="老张火锅",
        mobile="+8613812345678",
        city=reference[0],
        address="五四路88号",
        address_key="五四路88号",
        category_id=Lead._meta.get_field("category").related_model.objects.get(slug="hotpot").pk,
    )
    assert operator_client.get(UPLOAD).status_code == 200

    response = upload(operator_client, csv_bytes(GOOD + BAD, encoding="gb18030"))

    lead_import = LeadImport.objects.get()
    assert response.status_code == 302 and response["Location"] == page(lead_import)
    assert (lead_import.status, lead_import.original_name, lead_import.created_count) == (
        ImportStatus.PREVIEWED,
        "leads.csv",
        2,
    )
    assert Lead.objects.count() == 1  # a preview writes no lead
    preview = operator_client.get(page(lead_import)).content.decode()
    assert '<td data-count="created">2</td>' in preview
    assert '<td data-count="unchanged">1</td>' in preview
    assert '<td data-count="rejected">7</td>' in preview
    assert "The file was read as GB18030." in preview
    assert "The first 2 leads that would be created" in preview
    assert "小李烧烤" in preview and "+8613712345678" in preview
    assert "“上海” is not a service city." in preview
    assert "Same mobile and address as row 2." in preview
    assert "Import 3 valid rows" in preview

    report = operator_client.get(reverse("admin:merchants_leadimport_report", args=[lead_import.pk]))
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    assert report.content.startswith(b"\xef\xbb\xbf")
    assert "“朝阳区” is not a district of 福州市." in report.content.decode("utf-8-sig")

    with django_capture_on_commit_callbacks(execute=True):
        started = operator_client.post(page(lead_import))

    assert started.status_code == 302 and started["Location"] == page(lead_import)
    lead_import.refresh_from_db()
    assert lead_import.status == ImportStatus.DONE
    assert (
        lead_import.total_rows,
        lead_import.valid_rows,
        lead_import.created_count,
        lead_import.unchanged_count,
        lead_import.rejected_count,
    ) == (10, 3, 2, 1, 7)
    assert Lead.objects.count() == 3
    assert Lead.objects.filter(imported_in=lead_import).count() == 2
    result = operator_client.get(page(lead_import)).content.decode()
    assert "Result" in result and '<td data-count="created">2</td>' in result
    status = json.loads(
        operator_client.get(reverse("admin:merchants_leadimport_status", args=[lead_import.pk])).content
    )
    assert (status["status"], status["percent"]) == ("done", 100)
    assert list(
        AuditEvent.objects.filter(object_id=str(lead_import.pk)).order_by("pk").values_list("action", "actor_kind")
    ) == [("lead_import.preview", "operator"), ("lead_import.start", "operator"), ("lead_import.finish", "system")]
    # Started once: a second press is refused and changes nothing.
    operator_client.post(page(lead_import))
    assert Lead.objects.count() == 3
    assert AuditEvent.objects.filter(object_id=str(lead_import.pk)).count() == 3


def test_progress_while_running_comes_from_the_cache(reference, operator_client, english):
    upload(operator_client, csv_bytes(GOOD))
    lead_import = LeadImport.objects.get()
    operator_client.post(page(lead_import))  # not run: on_commit callbacks are not executed here
    lead_import.refresh_from_db()
    assert lead_import.status == ImportStatus.RUNNING
    cache.set(progress_key(lead_import.pk), {"phase": "writing", "done": 1, "total": 4})

    status = operator_client.get(reverse("admin:merchants_leadimport_status", args=[lead_import.pk])).json()
    running = operator_client.get(page(lead_import)).content.decode()

    assert status == {
        "status": "running",
        "status_label": "Importing",
        "phase": "writing",
        "phase_label": "Writing leads",
        "done": 1,
        "total": 4,
        "percent": 25,
    }
    assert '<progress max="100" value="25"' in running
    assert "js/lead-import.js" in running
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in running


def test_a_file_error_is_shown_on_the_form_and_nothing_is_kept(reference, operator_client, english):
    response = upload(operator_client, csv_bytes(GOOD, header=["名称", "手机号"]))

    assert response.status_code == 200
    assert "Columns missing: merchant name, city, address, sub-category." in response.content.decode()
    assert LeadImport.objects.count() == 0


def test_the_changelists_link_to_the_import_page(reference, operator_client):
    models = [LeadImport] + ([Lead] if admin.site.is_registered(Lead) else [])  # the lead list is the pool's area
    for model in models:
        listing = operator_client.get(reverse(f"admin:merchants_{model._meta.model_name}_changelist"))
        assert f'href="{UPLOAD}"' in listing.content.decode()


def test_the_import_admin_shows_counts_and_the_report_link(reference, operator_client, english):
    upload(operator_client, csv_bytes(GOOD + BAD))
    lead_import = LeadImport.objects.get()

    detail = operator_client.get(reverse("admin:merchants_leadimport_change", args=[lead_import.pk])).content.decode()

    assert reverse("admin:merchants_leadimport_report", args=[lead_import.pk]) in detail
    assert page(lead_import) in detail


def test_a_user_who_is_not_staff_is_refused(reference, private_media, django_capture_on_commit_callbacks):
    client = client_for_user(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_bytes(GOOD))

    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert (LeadImport.objects.count(), Lead.objects.count()) == (0, 0)


def test_staff_without_the_permission_is_refused(reference, operator, private_media):
    upload(client_for_user(operator), csv_bytes(GOOD))
    lead_import = LeadImport.objects.get()
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_leadimport"))
    client = client_for_user(staff)

    assert upload(client, csv_bytes(GOOD)).status_code == 403
    assert client.post(page(lead_import)).status_code == 403
    assert client.get(reverse("admin:merchants_leadimport_report", args=[lead_import.pk])).status_code == 403
    lead_import.refresh_from_db()
    assert (LeadImport.objects.count(), lead_import.status, Lead.objects.count()) == (1, ImportStatus.PREVIEWED, 0)


def test_an_unknown_or_huge_id_is_404(reference, operator_client):
    for pk in (999999, 10**30):
        assert operator_client.get(f"/admin/merchants/leadimport/{pk}/import/").status_code == 404
        assert operator_client.get(f"/admin/merchants/leadimport/{pk}/status/").status_code == 404
