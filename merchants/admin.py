from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext, gettext_lazy

from linke.actors import Actor
from linke.admin import ReadOnlyAdminMixin, ask_reason
from linke.errors import ApplicationError
from linke.tenancy import all_providers

from .admin_imports import import_urls
from .choices import DisputeStatus
from .models import (
    AccountAssignment,
    ClaimEvent,
    CooperationRequest,
    CooperationRequestStore,
    Lead,
    LeadClaim,
    LeadDispute,
    LeadImport,
    Merchant,
    Store,
    Visit,
)
from .selectors.leads import dispute_evidence
from .services.leads import lead_dispute_decide


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "created_at"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]


# --- centre: stores ---------------------------------------------------------------------------------
@admin.register(Store)
class StoreAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Merchants' stores: written by their merchant only (`merchants.services.centre`, which keeps the
    merchant's lead in step), so shown here, not edited."""

    list_display = ["name", "merchant", "city", "district", "category", "average_ticket", "created_at"]
    list_filter = [("created_at", admin.DateFieldListFilter)]
    search_fields = ["name", "address", "merchant__name"]
    list_select_related = ["merchant", "city", "district", "category"]
    raw_id_fields = ["merchant", "city", "district", "category"]


# --- imports: lead files (the upload, preview and progress pages are in admin_imports.py) -------------
@admin.register(LeadImport)
class LeadImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every lead file operators imported, with its counts. A file is added through the import page
    ("Import leads"), never by hand; what an import did is evidence, so nothing here is edited."""

    list_display = ["original_name", "status", "total_rows", "created_count", "unchanged_count", "rejected_count"]
    list_display += ["uploaded_by", "created_at", "finished_at"]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["original_name", "uploaded_by__email"]
    list_select_related = ["uploaded_by"]
    fields = ["original_name", "status", "uploaded_by", "created_at", "finished_at", "total_rows", "valid_rows"]
    fields += ["created_count", "unchanged_count", "rejected_count", "import_page", "error"]
    readonly_fields = fields

    def get_urls(self):
        return import_urls(self) + super().get_urls()

    @admin.display(description=gettext_lazy("details"))
    def import_page(self, lead_import):
        links = [(reverse("admin:merchants_leadimport_import", args=[lead_import.pk]), gettext("Open the import page"))]
        if lead_import.rejected_count:
            url = reverse("admin:merchants_leadimport_report", args=[lead_import.pk])
            links.append((url, gettext("Download the rejected rows (CSV)")))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)


# --- accounts: account owners 跟进人 ----------------------------------------------------------------
@admin.register(AccountAssignment)
class AccountAssignmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who looks after which merchant at each provider, and before them (ended rows): changed only through
    the services (one active owner per provider and merchant), so shown, not edited."""

    list_display = ["lead", "provider", "member", "assigned_at", "ended_at", "assigned_by"]
    list_filter = [("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["lead__merchant_name", "provider__name", "member__user__email"]
    list_select_related = ["lead", "provider", "member__user", "member__provider", "assigned_by"]
    raw_id_fields = ["lead", "provider", "member", "assigned_by"]


# --- requests: cooperation requests 合作意向 ------------------------------------------------------------
class CooperationRequestStoreInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CooperationRequestStore
    fields = ["store", "is_open"]
    readonly_fields = fields
    extra = 0


@admin.register(CooperationRequest)
class CooperationRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Merchants' requests to providers and the answers: sent, declined and withdrawn only through the
    services (one open request per provider and store), so shown, not edited."""

    list_display = ["merchant", "provider", "mode", "status", "created_at", "read_at", "answered_at"]
    list_filter = ["status", "mode", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["merchant__name", "provider__name", "message"]
    list_select_related = ["merchant", "provider"]
    fields = ["merchant", "provider", "mode", "status", "message", "sent_by", "created_at", "read_at"]
    fields += ["decline_reason", "answered_by", "answered_at"]
    readonly_fields = fields
    inlines = [CooperationRequestStoreInline]


@admin.register(CooperationRequestStore)
class CooperationRequestStoreAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The stores each request names; `is_open` repeats the request's for the one-open-request index."""

    list_display = ["request", "store", "provider", "is_open"]
    list_filter = ["is_open"]
    search_fields = ["store__name", "provider__name"]
    list_select_related = ["request__merchant", "request__provider", "store", "provider"]
    raw_id_fields = ["request", "store", "provider"]


# --- leads: the lead pool, claims 报备, disputes, verified visits --------------------------------------
def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The lead pool (platform data): written by imports, merchants' signups and the lead services."""

    list_display = ["merchant_name", "city", "category", "source", "opted_out_at", "created_at"]
    list_filter = ["source", ("opted_out_at", admin.EmptyFieldListFilter), ("created_at", admin.DateFieldListFilter)]
    search_fields = ["merchant_name", "contact_name", "address"]
    list_select_related = ["city", "category"]
    raw_id_fields = ["city", "district", "category", "merchant", "imported_in"]


class ClaimEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ClaimEvent
    fields = readonly_fields = ["created_at", "kind", "note", "actor_name"]
    extra = 0


@admin.register(LeadClaim)
class LeadClaimAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Claims (报备) and their history: changed only through the lead services (one holder per lead)."""

    list_display = ["lead", "provider", "status", "claimed_by", "claimed_at", "expires_at", "ended_at"]
    list_filter = ["status", ("expires_at", admin.DateFieldListFilter)]
    search_fields = ["lead__merchant_name", "provider__name"]
    list_select_related = ["lead", "provider", "claimed_by__user", "claimed_by__provider"]
    raw_id_fields = ["lead", "provider", "claimed_by"]
    inlines = [ClaimEventInline]


@admin.register(ClaimEvent)
class ClaimEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["claim", "kind", "actor_name", "created_at"]
    list_filter = ["kind"]
    search_fields = ["claim__lead__merchant_name", "note"]
    list_select_related = ["claim__lead", "claim__provider"]
    raw_id_fields = ["claim", "provider"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Verified visits: a merchant checked a provider's staff member's 身份验真码 (evidence in disputes)."""

    list_display = ["merchant", "provider", "membership", "verified_at"]
    search_fields = ["merchant__name", "provider__name"]
    list_select_related = ["merchant", "provider", "membership__user", "membership__provider"]
    raw_id_fields = ["merchant", "provider", "membership", "verification"]


@admin.register(LeadDispute)
class LeadDisputeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """An operators' case: a provider disputes another provider's claim. The page shows the evidence; the
    decision (upheld or dismissed, with the reason both providers read) goes through
    `lead_dispute_decide`, from the buttons of the page or the list's actions."""

    list_display = ["claim", "provider", "status", "created_at", "decided_at"]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["claim__lead__merchant_name", "provider__name", "reason"]
    list_select_related = ["claim__lead", "claim__provider", "provider"]
    fields = ["claim", "provider", "raised_by", "reason", "created_at", "status", "decision_reason", "decided_by"]
    fields += ["decided_at", "evidence"]
    readonly_fields = fields
    actions = ["uphold_selected", "dismiss_selected"]
    change_form_template = "merchants/leads/admin_dispute_change_form.html"

    def has_decide_permission(self, request):
        return request.user.has_perm("merchants.change_leaddispute")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_decide": self.has_decide_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=gettext_lazy("evidence"))
    def evidence(self, dispute):
        found = dispute_evidence(dispute)
        rows = [(gettext("Claims of the lead"), "")]
        rows += [
            (
                f"{claim.provider} · {claim.claimed_by.user}",
                f"{_local(claim.claimed_at)} → {_local(claim.expires_at)} · {claim.get_status_display()}",
            )
            for claim in found["claims"]
        ]
        rows.append((gettext("Verified visits at the merchant"), "" if found["visits"] else "—"))
        rows += [
            (f"{visit.provider} · {visit.membership.user}", _local(visit.verified_at)) for visit in found["visits"]
        ]
        rows.append((gettext("Cooperation requests of the merchant"), "" if found["requests"] else "—"))
        rows += [
            (str(request.provider), f"{_local(request.created_at)} · {request.get_status_display()}")
            for request in found["requests"]
        ]
        return format_html_join("", "<div><strong>{}</strong> {}</div>", rows)

    def _decide(self, request, queryset, decision, *, title):
        def apply(reason):
            for dispute in queryset:
                try:
                    decided = lead_dispute_decide(
                        actor=Actor.operator(request.user), dispute=dispute, decision=decision, reason=reason
                    )
                except ApplicationError as error:
                    self.message_user(request, f"{dispute}: {error.message}", messages.ERROR)
                else:
                    self.message_user(
                        request,
                        gettext("Dispute of %(lead)s decided: %(decision)s")
                        % {"lead": decided.claim.lead, "decision": decided.get_status_display()},
                        messages.SUCCESS,
                    )

        return ask_reason(
            self,
            request,
            queryset.select_related("claim__lead", "provider"),
            title=title,
            help_text=gettext("Both providers read this reason with the decision."),
            describe=lambda d: f"{d.claim.lead} · {d.provider} · {d.get_status_display()}",
            on_reason=apply,
        )

    @admin.action(description=gettext_lazy("Uphold the selected disputes (reassign the lead)…"), permissions=["decide"])
    def uphold_selected(self, request, queryset):
        return self._decide(request, queryset, "upheld", title=gettext("Uphold disputes"))

    @admin.action(description=gettext_lazy("Dismiss the selected disputes (the claim stands)…"), permissions=["decide"])
    def dismiss_selected(self, request, queryset):
        return self._decide(request, queryset, "dismissed", title=gettext("Dismiss disputes"))


def _open_disputes() -> int:
    with all_providers():
        return LeadDispute.objects.filter(status=DisputeStatus.OPEN).count()


admin.site.register_work(
    LeadDispute,
    label=gettext_lazy("Lead claim disputes to decide"),
    query={"status__exact": DisputeStatus.OPEN},
    count=_open_disputes,
)
