"""Operators' view of the contracts domain. Everything here is written by the services (signing, delivery,
SLA checks, imports, statements, reviews), so it is shown, not edited; operators act through the admin
actions the services back."""

from django.contrib import admin

from linke.admin import ReadOnlyAdminMixin

from .models import (
    Contract,
    ContractEvent,
    ContractStore,
    Deliverable,
    DeliveryStandard,
    GmvRecord,
    KpiResult,
    Proposal,
    Review,
    Rfq,
    ServiceItem,
    SlaBreach,
    Statement,
)


# --- contracts: the terms, the stores, the timeline ------------------------------------------------------
class ContractStoreInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ContractStore
    fields = ["store", "period", "exclusive"]
    readonly_fields = fields
    extra = 0


class ServiceItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ServiceItem
    fields = ["area", "level", "title", "unit_price", "quantity", "due_date"]
    readonly_fields = fields
    extra = 0


class DeliveryStandardInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DeliveryStandard
    fields = ["kind", "target"]
    readonly_fields = fields
    extra = 0


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "provider", "merchant", "kind", "status", "start_date", "end_date", "signed_at"]
    list_filter = ["kind", "status", "origin"]
    search_fields = ["title", "provider__name", "merchant__name", "signed_fingerprint"]
    list_select_related = ["provider", "merchant"]
    raw_id_fields = ["provider", "merchant", "request", "lead_claim", "rfq_proposal", "upgraded_from"]
    inlines = [ContractStoreInline, ServiceItemInline, DeliveryStandardInline]


@admin.register(ContractStore)
class ContractStoreAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["contract", "store", "period", "exclusive"]
    list_filter = ["exclusive"]
    raw_id_fields = ["contract", "store"]


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "contract", "area", "level", "unit_price", "quantity", "due_date"]
    list_filter = ["area", "level"]
    raw_id_fields = ["contract", "provider", "merchant"]


@admin.register(DeliveryStandard)
class DeliveryStandardAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["contract", "kind", "target"]
    list_filter = ["kind"]
    raw_id_fields = ["contract", "provider", "merchant"]


@admin.register(ContractEvent)
class ContractEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["contract", "kind", "side", "actor_name", "created_at"]
    list_filter = ["kind", "side"]
    raw_id_fields = ["contract", "provider", "merchant"]


# --- delivery: deliverables, breaches, KPIs -------------------------------------------------------------
@admin.register(Deliverable)
class DeliverableAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "contract", "status", "due_at", "submitted_at", "decided_at", "breached_at"]
    list_filter = ["status", "auto_accepted"]
    search_fields = ["title", "contract__title"]
    raw_id_fields = ["contract", "service_item", "standard", "provider", "merchant", "submitted_by", "decided_by"]


@admin.register(SlaBreach)
class SlaBreachAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["deliverable", "contract", "provider", "due_at", "recorded_at"]
    raw_id_fields = ["deliverable", "contract", "provider", "merchant"]


@admin.register(KpiResult)
class KpiResultAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["contract", "standard", "period", "target", "actual", "met"]
    list_filter = ["met"]
    raw_id_fields = ["contract", "standard", "provider", "merchant"]


# --- money: GMV records, statements ---------------------------------------------------------------------
@admin.register(GmvRecord)
class GmvRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["order_no", "kind", "store", "provider", "contract", "amount", "ordered_at"]
    list_select_related = ["store", "provider", "contract"]  # provider and contract may be empty: named here
    list_filter = ["kind", ("contract", admin.EmptyFieldListFilter)]
    search_fields = ["order_no"]
    raw_id_fields = ["refund_of", "store", "merchant", "provider", "contract"]


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["contract", "period", "total", "status", "issued_at", "paid_at"]
    list_filter = ["status", "is_final"]
    raw_id_fields = ["contract", "provider", "merchant"]


# --- reviews and posted needs ---------------------------------------------------------------------------
@admin.register(Review)
class ReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["contract", "provider", "merchant", "professionalism", "communication", "results", "created_at"]
    search_fields = ["text", "reply"]
    raw_id_fields = ["contract", "provider", "merchant", "written_by", "replied_by"]


@admin.register(Rfq)
class RfqAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "merchant", "city", "track", "mode", "status", "deadline"]
    list_filter = ["status", "mode"]
    search_fields = ["title", "merchant__name"]
    raw_id_fields = ["merchant", "city", "track", "posted_by"]
    filter_horizontal = []
    exclude = ["stores"]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["rfq", "provider", "price", "timeline_days", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["rfq", "provider", "merchant", "submitted_by"]
