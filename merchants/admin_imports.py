"""The operators' lead import pages (in the admin, under the lead imports): upload → dry-run preview →
import (a Celery task) with a progress bar → result. Thin views over `merchants.services.imports`; only
staff allowed to add leads (`merchants.add_lead`) get here."""

import csv
import io

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.actors import Actor
from linke.errors import ApplicationError

from .choices import ImportStatus
from .models import LeadImport
from .services.imports import (
    IMPORT_TRANSITIONS,
    MAX_FILE_BYTES,
    PERMISSION,
    PHASE_LABELS,
    lead_import_preview,
    lead_import_start,
    progress_key,
    sample_key,
)

REJECTIONS_SHOWN = 1000


class LeadFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Lead file"),
        help_text=gettext_lazy(
            "CSV (UTF-8 or GB18030, as Excel saves it) or an Excel workbook (.xlsx), at most 100 MB. Header row: "
            "商家名称, 联系人, 手机号, 城市, 区县, 地址, 品类, 门店数 (or merchant name, contact name, mobile, city, "
            "district, address, sub-category, stores), in any order."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 100 MB. Split it into several files."))
        return upload


def _require_permission(request) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def _context(model_admin, request, title, **extra) -> dict:
    return {**model_admin.admin_site.each_context(request), "opts": LeadImport._meta, "title": title, **extra}


def upload_view(model_admin, request):
    _require_permission(request)
    form = LeadFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            lead_import = lead_import_preview(actor=Actor.operator(request.user), upload=form.cleaned_data["file"])
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            return redirect("admin:merchants_leadimport_import", pk=lead_import.pk)
    return TemplateResponse(
        request,
        "admin/merchants/lead_import_upload.html",
        _context(model_admin, request, _("Import leads"), form=form),
    )


def _rejections(report: str) -> tuple[list[str], list[list[str]]]:
    """The report's header and its first rows, to show on the page."""
    rows = csv.reader(io.StringIO(report))
    header = next(rows, [])
    return header, [row for _number, row in zip(range(REJECTIONS_SHOWN), rows, strict=False)]


def progress_of(lead_import: LeadImport) -> dict:
    """What the progress bar shows: the import's state (in the database) and, while it runs, how far it
    is (in the cache, written by the worker)."""
    state = {
        "status": lead_import.status,
        "status_label": lead_import.get_status_display(),
        "phase": "",
        "phase_label": "",
        "done": 0,
        "total": 0,
        "percent": 100 if lead_import.status in (ImportStatus.DONE, ImportStatus.FAILED) else 0,
    }
    if lead_import.status == ImportStatus.RUNNING and (running := cache.get(progress_key(lead_import.pk))):
        state |= {
            "phase": running["phase"],
            "phase_label": str(PHASE_LABELS[running["phase"]]),
            "done": running["done"],
            "total": running["total"],
            "percent": 100 * running["done"] // running["total"] if running["total"] else 0,
        }
    return state


def import_view(model_admin, request, pk: int):
    """One import: its preview (and the Import button), its progress, or its result."""
    _require_permission(request)
    lead_import = get_object_or_404(LeadImport.objects.select_related("uploaded_by"), pk=pk)
    if request.method == "POST":
        try:
            lead_import_start(actor=Actor.operator(request.user), lead_import=lead_import)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The import has started. This page shows how far it is."))
        return redirect("admin:merchants_leadimport_import", pk=lead_import.pk)
    report_header, rejected = _rejections(lead_import.report)
    return TemplateResponse(
        request,
        "admin/merchants/lead_import.html",
        _context(
            model_admin,
            request,
            _("Import of %(file)s") % {"file": lead_import.original_name},
            lead_import=lead_import,
            can_start=ImportStatus.RUNNING in IMPORT_TRANSITIONS[lead_import.status],
            preview=cache.get(sample_key(lead_import.pk)) if lead_import.status == ImportStatus.PREVIEWED else None,
            report_header=report_header,
            rejected=rejected,
            rejected_hidden=max(lead_import.rejected_count - len(rejected), 0),
            progress=progress_of(lead_import),
        ),
    )


def status_view(model_admin, request, pk: int):
    _require_permission(request)
    return JsonResponse(progress_of(get_object_or_404(LeadImport, pk=pk)))


def report_view(model_admin, request, pk: int):
    """The rejected rows with their reasons, as CSV with a BOM (Excel then reads it as UTF-8)."""
    _require_permission(request)
    lead_import = get_object_or_404(LeadImport, pk=pk)
    response = HttpResponse("\ufeff" + lead_import.report, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lead-import-{lead_import.pk}-rejected.csv"'
    return response


def import_urls(model_admin) -> list:
    """The pages above, under the lead imports of the admin (`admin:merchants_leadimport_<page>`)."""

    def view(function):
        return model_admin.admin_site.admin_view(lambda request, **kwargs: function(model_admin, request, **kwargs))

    return [
        path("upload/", view(upload_view), name="merchants_leadimport_upload"),
        path("<int:pk>/import/", view(import_view), name="merchants_leadimport_import"),
        path("<int:pk>/status/", view(status_view), name="merchants_leadimport_status"),
        path("<int:pk>/report/", view(report_view), name="merchants_leadimport_report"),
    ]
