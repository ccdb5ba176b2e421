from django.contrib import admin

from .models import Membership, Provider


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
