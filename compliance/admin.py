from django.contrib import admin

from linke.admin import ReadOnlyAdminMixin

from .models import ComplianceCase


@admin.register(ComplianceCase)
class ComplianceCaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Compliance cases, shown (opened by the services; the compliance issue adds the decisions)."""

    list_display = ["title", "provider", "source", "status", "contract", "opened_at"]
    list_filter = ["source", "status", ("opened_at", admin.DateFieldListFilter)]
    search_fields = ["title", "provider__name"]
    list_select_related = ["provider", "contract"]
    fields = ["title", "provider", "source", "status", "contract", "event", "details", "opened_at"]
    readonly_fields = fields
