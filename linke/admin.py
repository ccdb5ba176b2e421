from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .actors import Actor
from .audit import action_label
from .events import event_deliveries_retry
from .models import AuditEvent, DomainEvent, EventDelivery, Notification, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "mobile", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "display_name", "mobile"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "mobile"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]})]


class ReadOnlyAdminMixin:
    """Rows that are evidence, or change only through services (invariants, audit): shown, not edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ActionFilter(admin.SimpleListFilter):
    """The actions recorded, by their catalogue labels."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        actions = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
        return [(action, action_label(action)) for action in actions]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the table is append-only at the database as well."""

    list_display = ["created_at", "action_display", "object_type", "object_repr", "actor", "actor_kind", "provider"]
    list_filter = [ActionFilter, "actor_kind", "object_type", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["action", "object_id", "object_repr", "actor__email", "provider__name", "reason"]
    list_select_related = ["actor", "provider"]
    date_hierarchy = "created_at"

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, event):
        return action_label(event.action)


class EventDeliveryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = EventDelivery
    fields = readonly_fields = ["subscriber", "status", "attempts", "delivered_at", "last_error", "updated_at"]
    extra = 0


@admin.register(DomainEvent)
class DomainEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The outbox: what happened, for whom, and whether every subscriber has handled it."""

    list_display = ["created_at", "type", "version", "provider", "dispatched_at"]
    list_filter = ["type", ("dispatched_at", admin.EmptyFieldListFilter)]
    search_fields = ["type", "provider__name"]
    list_select_related = ["provider"]
    date_hierarchy = "created_at"
    inlines = [EventDeliveryInline]


@admin.register(EventDelivery)
class EventDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["updated_at", "event", "subscriber", "status", "attempts", "delivered_at"]
    list_filter = ["status", "subscriber"]
    search_fields = ["subscriber", "event__type", "last_error"]
    list_select_related = ["event"]
    actions = ["retry"]

    def has_retry_permission(self, request):
        return request.user.has_perm("linke.change_eventdelivery")

    @admin.action(description=_("Retry the selected failed deliveries"), permissions=["retry"])
    def retry(self, request, queryset):
        count = event_deliveries_retry(actor=Actor.operator(request.user), deliveries=queryset)
        self.message_user(request, _("%(count)d deliveries queued again.") % {"count": count})


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "verb", "title", "read_at", "emailed_at"]
    list_filter = ["verb", ("read_at", admin.EmptyFieldListFilter), ("emailed_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__email"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "provider"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 5, "cols": 80}))


def ask_reason(modeladmin, request, queryset, *, title, help_text, describe=str, on_reason):
    """The intermediate page of an admin action that needs a reason. Calls `on_reason(reason)` once
    the operator has given one (and returns None: back to the list), else renders the form."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    form.fields["reason"].help_text = help_text
    if form.is_valid():
        on_reason(form.cleaned_data["reason"])
        return None
    return TemplateResponse(
        request,
        "admin/reason_form.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "opts": modeladmin.model._meta,
            "form": form,
            "lines": [describe(obj) for obj in queryset],
            "pks": [obj.pk for obj in queryset],
            "action": request.POST["action"],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )
