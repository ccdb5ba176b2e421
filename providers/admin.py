from django.contrib import admin

from .models import (
    CaseStudy,
    ImpersonationReport,
    Invitation,
    Membership,
    Provider,
    ProviderApplication,
    ServicePackage,
    VerificationCode,
    VerificationEvent,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "is_active", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "credit_code"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "provider", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "user__display_name", "provider__name"]
    list_select_related = ["user", "provider"]
    raw_id_fields = ["user", "provider"]


@admin.register(ProviderApplication)
class ProviderApplicationAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "credit_code", "applicant", "status", "submitted_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["legal_name", "credit_code", "applicant__email", "contact_name"]
    list_select_related = ["applicant"]
    raw_id_fields = ["applicant", "reviewed_by", "provider"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "provider", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter), ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "provider__name"]
    list_select_related = ["provider"]
    raw_id_fields = ["provider", "invited_by", "accepted_by"]
    exclude = ["token_hash"]


@admin.register(VerificationCode)
class VerificationCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "provider", "membership", "created_at", "expires_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["code", "provider__name", "membership__user__email"]
    list_select_related = ["provider", "membership__user"]
    raw_id_fields = ["provider", "membership"]


@admin.register(VerificationEvent)
class VerificationEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "code", "provider", "membership", "ip_address"]
    search_fields = ["code__code", "provider__name", "membership__user__email"]
    list_select_related = ["code", "provider", "membership__user"]
    raw_id_fields = ["provider", "membership", "code"]
    date_hierarchy = "created_at"


@admin.register(ImpersonationReport)
class ImpersonationReportAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "status",
        "outcome",
        "code_entered",
        "claimed_provider",
        "claimed_person",
        "location",
        "occurred_at",
        "matched_provider",
    ]
    list_filter = ["status", "outcome"]
    search_fields = ["code_entered", "claimed_provider", "claimed_person", "location", "details"]
    list_select_related = ["matched_provider"]
    raw_id_fields = ["matched_provider"]


@admin.register(CaseStudy)
class CaseStudyAdmin(admin.ModelAdmin):
    list_display = ["title", "provider", "merchant_name", "track", "position"]
    search_fields = ["title", "merchant_name", "provider__name"]
    list_select_related = ["provider", "track"]
    raw_id_fields = ["provider"]


@admin.register(ServicePackage)
class ServicePackageAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "area", "level", "price", "is_active"]
    list_filter = ["area", "level", "is_active"]
    search_fields = ["name", "provider__name"]
    list_select_related = ["provider"]
    raw_id_fields = ["provider"]
