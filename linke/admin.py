import json

from allauth.mfa.admin import AuthenticatorAdmin as AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import FieldDoesNotExist
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .actors import Actor
from .audit import action_choices, action_label
from .events import event_deliveries_retry
from .models import AuditEvent, DomainEvent, EventDelivery, Notification, User
from .text import join_names


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


class RecordedValueFilter(admin.SimpleListFilter):
    """The values recorded in the column `parameter_name`, each shown by its `label()`, not as a raw code."""

    def label(self, value) -> str:
        raise NotImplementedError

    def lookups(self, request, model_admin):
        column = self.parameter_name
        values = model_admin.get_queryset(request).order_by(column).values_list(column, flat=True).distinct()
        return [(value, self.label(value)) for value in values]

    def queryset(self, request, queryset):
        return queryset.filter(**{self.parameter_name: self.value()}) if self.value() else queryset


def recorded_model(object_type: str):
    """The model an audit row is about (`providers.provider`), or None if the code no longer has it."""
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    model = recorded_model(object_type)
    return model._meta.verbose_name if model else object_type


def recorded_value(value, field) -> str:
    """One value of an audit row's before/after as an operator reads it: a choice by its label, a list
    joined, nothing as a dash."""
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return join_names(recorded_value(item, field) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    choices = dict(getattr(field, "base_field", field).flatchoices) if field else {}  # base_field: an ArrayField's
    return str(choices.get(value, value))


def changed_fields(event):
    """(label, before, after) for each key of the event's before/after, labelled by the object's field."""
    model = recorded_model(event.object_type)
    for name in dict.fromkeys([*event.before, *event.after]):
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        yield (
            getattr(field, "verbose_name", name),  # a reverse relation has none
            recorded_value(event.before.get(name), field),
            recorded_value(event.after.get(name), field),
        )


class ActionFilter(RecordedValueFilter):
    title = _("action")
    parameter_name = "action"
    label = staticmethod(action_label)

    def lookups(self, request, model_admin):
        return action_choices()  # the catalogues, not a DISTINCT over the whole trail


class ObjectTypeFilter(RecordedValueFilter):
    title = _("object type")
    parameter_name = "object_type"
    label = staticmethod(object_type_label)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the table is append-only at the database as well."""

    list_display = [
        "created_at",
        "action_display",
        "object_type_display",
        "object_repr",
        "actor",
        "actor_kind",
        "provider",
    ]
    list_filter = [ActionFilter, "actor_kind", ObjectTypeFilter, ("created_at", admin.DateFieldListFilter)]
    search_fields = ["action", "object_id", "object_repr", "actor__email", "provider__name", "reason"]
    list_select_related = ["actor", "provider"]
    date_hierarchy = "created_at"
    fields = readonly_fields = [
        "created_at",
        "action_display",
        "object_type_display",
        "object_id",
        "object_repr",
        "actor",
        "actor_kind",
        "provider",
        "changes",
        "reason",
        "ip_address",
    ]

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, event):
        return action_label(event.action)

    @admin.display(description=_("object type"), ordering="object_type")
    def object_type_display(self, event):
        return object_type_label(event.object_type)

    @admin.display(description=_("changes"))
    def changes(self, event):
        rows = format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>", changed_fields(event))
        if not rows:
            return "—"
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("field"),
            _("before"),
            _("after"),
            rows,
        )


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


class NotificationKindFilter(RecordedValueFilter):
    title = _("kind")
    parameter_name = "verb"
    label = staticmethod(action_label)  # most kinds are the audit action that sent them


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a notification is what was sent (its email copy too); a correction is a new one."""

    list_display = ["created_at", "recipient", "kind", "title", "read_at", "emailed_at"]
    list_filter = [
        NotificationKindFilter,
        ("read_at", admin.EmptyFieldListFilter),
        ("emailed_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "recipient__email"]
    list_select_related = ["recipient"]
    fields = readonly_fields = [
        "created_at",
        "recipient",
        "provider",
        "kind",
        "title",
        "body",
        "url",
        "read_at",
        "emailed_at",
    ]

    @admin.display(description=_("kind"), ordering="verb")
    def kind(self, notification):
        return action_label(notification.verb)


# allauth's Authenticator declares no verbose names: Django derives English ones from the Python names, and
# those never reach gettext. Named here, on `_meta` only: migrations read `Meta`'s original attributes and
# the fields' original arguments, so they see no change.
Authenticator._meta.verbose_name = _("authenticator")
Authenticator._meta.verbose_name_plural = _("authenticators")
for field_name, verbose_name in {
    "user": _("user"),
    "type": _("type"),
    "created_at": _("created at"),
    "last_used_at": _("last used at"),
}.items():
    Authenticator._meta.get_field(field_name).verbose_name = verbose_name

admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(AllauthAuthenticatorAdmin):
    """allauth's list without the secrets (a TOTP seed, recovery codes) and without hand-made rows: an
    operator only removes the authenticator of someone who lost their device."""

    exclude = ["data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
