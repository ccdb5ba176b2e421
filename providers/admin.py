from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import F
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.actors import Actor
from linke.admin import ReadOnlyAdminMixin, ReasonForm, ask_reason
from linke.errors import ApplicationError
from linke.text import join_names
from reference.models import Track

from .choices import ApplicationStatus, CooperationMode, ImpersonationReportStatus, Tier
from .forms import ProviderProfileForm
from .models import (
    CaseStudy,
    DirectoryListing,
    ImpersonationReport,
    Invitation,
    Membership,
    Provider,
    ProviderApplication,
    ProviderStanding,
    PublicReview,
    ServicePackage,
    VerificationCode,
    VerificationEvent,
)
from .selectors import application_timeline
from .services.applications import CREDIT_CODE_TAKEN, applications_decide
from .services.directory import listing_refresh
from .services.profile import case_study_save, profile_item_delete, provider_update, service_package_save
from .services.standing import standing_grant_track, standing_remove_track, standing_set_tier
from .services.status import provider_reinstate, provider_suspend, provider_terminate
from .services.verification import (
    impersonation_reports_close,
    impersonation_reports_investigate,
    verification_code_revoke,
)


class MembershipInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Membership
    fields = readonly_fields = ["user", "role", "is_active", "created_at", "deactivated_at"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "provider")


class ProviderAdminForm(ProviderProfileForm):
    """The portal's profile form plus what only operators edit (name, credit code, legal representative)."""

    class Meta(ProviderProfileForm.Meta):
        fields = ["name", "credit_code", "legal_representative", *ProviderProfileForm.Meta.fields]

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"]  # normalised and checked by the field
        if Provider.objects.live().exclude(pk=self.instance.pk).filter(credit_code=code).exists():
            raise forms.ValidationError(CREDIT_CODE_TAKEN, code="credit_code_taken")
        return code


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    form = ProviderAdminForm
    list_display = ["name", "credit_code", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "credit_code"]
    # The standing changes only through the actions below (audited, with the reason the provider reads).
    readonly_fields = ["status", "status_reason", "status_changed_at", "created_at"]
    inlines = [MembershipInline]
    actions = ["suspend_selected", "reinstate_selected", "terminate_selected"]

    def has_add_permission(self, request):
        return False  # providers are made by approving an application

    def has_delete_permission(self, request, obj=None):
        return False  # a provider is terminated, never deleted (its history stays)

    def save_model(self, request, obj, form, change):
        # Through the service (audited, before/after); the form only validated what was typed.
        changed = {field: form.cleaned_data[field] for field in form.changed_data}
        provider_update(actor=Actor.operator(request.user), provider=obj, data=changed)

    def save_related(self, request, form, formsets, change):
        pass  # the cities and tracks were saved by provider_update; the membership inline is read-only

    def construct_change_message(self, request, form, formsets, add=False):
        return super().construct_change_message(request, form, [], add)  # no inline was saved

    def _change_status(self, request, queryset, service, *, title, done):
        def apply(reason):
            for provider in queryset:
                try:
                    service(actor=Actor.operator(request.user), provider=provider, reason=reason)
                except ApplicationError as error:
                    self.message_user(request, f"{provider}: {error.message}", messages.ERROR)
                else:
                    self.message_user(request, f"{provider}: {done}", messages.SUCCESS)

        return ask_reason(
            self,
            request,
            queryset,
            title=title,
            help_text=_("The provider's owner and admins read this in their notification."),
            describe=lambda p: f"{p} · {p.credit_code} · {p.get_status_display()}",
            on_reason=apply,
        )

    @admin.action(description=gettext_lazy("Suspend the selected providers…"), permissions=["change"])
    def suspend_selected(self, request, queryset):
        return self._change_status(
            request, queryset, provider_suspend, title=_("Suspend providers"), done=_("Suspended")
        )

    @admin.action(description=gettext_lazy("Reinstate the selected providers…"), permissions=["change"])
    def reinstate_selected(self, request, queryset):
        return self._change_status(
            request, queryset, provider_reinstate, title=_("Reinstate providers"), done=_("Reinstated")
        )

    @admin.action(description=gettext_lazy("Terminate the selected providers…"), permissions=["change"])
    def terminate_selected(self, request, queryset):
        return self._change_status(
            request, queryset, provider_terminate, title=_("Terminate providers"), done=_("Terminated")
        )


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "provider", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "user__display_name", "provider__name"]
    list_select_related = ["user", "provider"]
    raw_id_fields = ["user", "provider"]


class ApplicationStatusFilter(admin.SimpleListFilter):
    """The list opens on the operators' to-do, the submitted applications; a search looks through all of
    them. "All" is a value of its own, since no value means that default."""

    title = gettext_lazy("status")
    parameter_name = "status"
    ALL = "all"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.searching = bool(request.GET.get(SEARCH_VAR))

    def lookups(self, request, model_admin):
        return ApplicationStatus.choices

    def value(self):
        return super().value() or (self.ALL if self.searching else ApplicationStatus.SUBMITTED)

    def queryset(self, request, queryset):
        return queryset if self.value() == self.ALL else queryset.filter(status=self.value())

    def choices(self, changelist):
        everything, *statuses = super().choices(changelist)
        yield {
            **everything,
            "selected": self.value() == self.ALL,
            "query_string": changelist.get_query_string({self.parameter_name: self.ALL}),
        }
        yield from statuses


@admin.register(ProviderApplication)
class ProviderApplicationAdmin(admin.ModelAdmin):
    """Operators review applications here. What the applicant entered is read-only; the state
    changes only through the actions (approve / request changes / reject), which call
    `applications_decide`: a refused row says why and the others still go through."""

    list_display = ["__str__", "credit_code", "applicant", "status", "submitted_at", "decided_at", "reviewed_by"]
    list_filter = [ApplicationStatusFilter, "access_mode", ("submitted_at", admin.DateFieldListFilter)]
    search_fields = ["legal_name", "credit_code", "applicant__email", "contact_name", "legal_representative"]
    list_select_related = ["applicant", "reviewed_by"]
    ordering = [F("submitted_at").desc(nulls_last=True), "-created_at"]
    actions = ["approve_selected", "request_changes_selected", "reject_selected"]
    change_form_template = "admin/providers/providerapplication/change_form.html"
    fieldsets = [
        (
            gettext_lazy("Review"),
            {"fields": ["status", "submitted_at", "reviewed_by", "decided_at", "review_reason", "provider", "history"]},
        ),
        (
            gettext_lazy("Company"),
            {"fields": ["applicant", "legal_name", "credit_code", "legal_representative", "licence_link"]},
        ),
        (gettext_lazy("Contact"), {"fields": ["contact_name", "contact_mobile"]}),
        (
            gettext_lazy("Services"),
            {"fields": ["service_cities", "tracks", "cooperation_modes_display", "access_mode", "introduction"]},
        ),
    ]
    readonly_fields = ["licence_link", "cooperation_modes_display", "history"]

    def has_add_permission(self, request):
        return False  # applicants apply in the portal

    def has_change_permission(self, request, obj=None):
        return False  # what the applicant entered stays as entered; decisions are the actions below

    def has_delete_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request):
        return request.user.has_perm("providers.change_providerapplication")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_review": self.has_review_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=gettext_lazy("business licence"))
    def licence_link(self, application):
        if not application.licence:
            return "—"
        url = reverse("portal:application_licence", kwargs={"pk": application.pk})
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("View the licence"))

    @admin.display(description=gettext_lazy("cooperation modes"))
    def cooperation_modes_display(self, application):
        labels = dict(CooperationMode.choices)
        return join_names(labels.get(mode, mode) for mode in application.cooperation_modes) or "—"

    @admin.display(description=gettext_lazy("history"))
    def history(self, application):
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308 - a constant separator
            "{} · {} · {} {}",
            (
                (
                    timezone.localtime(step["at"]).strftime("%Y-%m-%d %H:%M"),
                    step["label"],
                    step["actor"] or "—",
                    step["reason"],
                )
                for step in application_timeline(application=application)
            ),
        )

    def _review(self, request, queryset, decision, done_message, reason=""):
        try:
            results = applications_decide(
                actor=Actor.operator(request.user), applications=queryset, decision=decision, reason=reason
            )
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        for application, error in results:
            if error is not None:
                self.message_user(
                    request,
                    _("%(application)s: not done. %(reason)s") % {"application": application, "reason": error.message},
                    messages.ERROR,
                )
        done = [str(application) for application, error in results if error is None]
        if done:
            self.message_user(request, done_message % {"names": join_names(done)}, messages.SUCCESS)

    def _review_with_reason(self, request, queryset, decision, *, title, done_message):
        return ask_reason(
            self,
            request,
            queryset.select_related("applicant"),
            title=title,
            help_text=_("The applicant reads this in the notification email and on their status page."),
            describe=lambda a: f"{a} · {a.credit_code or '—'} · {a.applicant.email} · {a.get_status_display()}",
            on_reason=lambda reason: self._review(request, queryset, decision, done_message, reason=reason),
        )

    @admin.action(description=gettext_lazy("Approve the selected applications"), permissions=["review"])
    def approve_selected(self, request, queryset):
        self._review(request, queryset, "approve", _("Approved: %(names)s."))

    @admin.action(description=gettext_lazy("Request changes to the selected applications…"), permissions=["review"])
    def request_changes_selected(self, request, queryset):
        return self._review_with_reason(
            request,
            queryset,
            "request_changes",
            title=_("Request changes"),
            done_message=_("Changes requested: %(names)s."),
        )

    @admin.action(description=gettext_lazy("Reject the selected applications…"), permissions=["review"])
    def reject_selected(self, request, queryset):
        return self._review_with_reason(
            request,
            queryset,
            "reject",
            title=_("Reject applications"),
            done_message=_("Rejected: %(names)s."),
        )


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["email", "provider", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter), ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "provider__name"]
    list_select_related = ["provider"]
    raw_id_fields = ["provider", "invited_by", "accepted_by"]
    exclude = ["token_hash"]


@admin.register(VerificationCode)
class VerificationCodeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: codes are made by members; operators may only revoke one (e.g. during an investigation)."""

    list_display = ["code_display", "provider", "membership", "created_at", "expires_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["code", "provider__name", "membership__user__email", "membership__user__display_name"]
    list_select_related = ["provider", "membership__user", "membership__provider"]
    date_hierarchy = "created_at"
    actions = ["revoke"]

    def has_revoke_permission(self, request):
        return request.user.has_perm("providers.change_verificationcode")

    @admin.display(description=gettext_lazy("code"), ordering="code")
    def code_display(self, code):
        return code.display_code

    @admin.action(description=gettext_lazy("Revoke the selected codes"), permissions=["revoke"])
    def revoke(self, request, queryset):
        live = list(queryset.unrevoked())
        for code in live:
            verification_code_revoke(actor=Actor.operator(request.user), code=code)
        self.message_user(request, _("%(count)d codes revoked.") % {"count": len(live)}, messages.SUCCESS)


@admin.register(VerificationEvent)
class VerificationEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only evidence of visits: never edited or deleted."""

    list_display = ["created_at", "code", "provider", "membership", "ip_address"]
    search_fields = ["code__code", "provider__name", "membership__user__email", "membership__user__display_name"]
    list_select_related = ["code", "provider", "membership__user", "membership__provider"]
    date_hierarchy = "created_at"


@admin.register(ImpersonationReport)
class ImpersonationReportAdmin(admin.ModelAdmin):
    """The operators' queue of failed checks reported by the public. What the reporter wrote stays as
    written; operators move reports with the actions (audited) and keep notes."""

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
    list_filter = ["status", "outcome", ("matched_provider", admin.EmptyFieldListFilter)]
    search_fields = [
        "code_entered",
        "claimed_provider",
        "claimed_person",
        "location",
        "details",
        "matched_provider__name",
    ]
    list_select_related = ["matched_provider"]
    date_hierarchy = "created_at"
    fields = [
        "status",
        "outcome",
        "code_entered",
        "matched_provider",
        "claimed_provider",
        "claimed_person",
        "location",
        "occurred_at",
        "reporter_phone",
        "details",
        "ip_address",
        "created_at",
        "operator_note",
    ]
    readonly_fields = [field for field in fields if field != "operator_note"]
    actions = ["mark_investigating", "close"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _move(self, request, queryset, service):
        moved, skipped = service(actor=Actor.operator(request.user), reports=queryset)
        self.message_user(request, _("%(count)d reports updated.") % {"count": moved}, messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                _("%(count)d reports were skipped: their status does not allow this.") % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Mark as investigating"), permissions=["change"])
    def mark_investigating(self, request, queryset):
        self._move(request, queryset, impersonation_reports_investigate)

    @admin.action(description=gettext_lazy("Close"), permissions=["change"])
    def close(self, request, queryset):
        self._move(request, queryset, impersonation_reports_close)


admin.site.register_work(
    ProviderApplication,
    label=gettext_lazy("Provider applications to review"),
    query={"status": ApplicationStatus.SUBMITTED},
    count=lambda: ProviderApplication.objects.filter(status=ApplicationStatus.SUBMITTED).count(),
)
admin.site.register_work(
    ImpersonationReport,
    label=gettext_lazy("Open impersonation reports"),
    query={"status__exact": ImpersonationReportStatus.OPEN},
    count=lambda: ImpersonationReport.objects.filter(status=ImpersonationReportStatus.OPEN).count(),
)


class ProfileItemAdmin(admin.ModelAdmin):
    """Operators correct a provider's case studies and packages through the same services as the portal
    (validated and audited)."""

    save_service = None  # the service that creates or updates one row
    instance_kwarg = ""

    def get_readonly_fields(self, request, obj=None):
        return ["provider"] if obj is not None else []  # a row stays with its provider

    def save_model(self, request, obj, form, change):
        data = {field: value for field, value in form.cleaned_data.items() if field != "provider"}
        saved = self.save_service(
            actor=Actor.operator(request.user),
            provider=obj.provider if change else form.cleaned_data["provider"],
            data=data,
            **({self.instance_kwarg: obj} if change else {}),
        )
        obj.pk = saved.pk  # the admin's message and redirect name the saved row

    def delete_model(self, request, obj):
        profile_item_delete(actor=Actor.operator(request.user), item=obj)

    def delete_queryset(self, request, queryset):
        for item in queryset:
            self.delete_model(request, item)


@admin.register(CaseStudy)
class CaseStudyAdmin(ProfileItemAdmin):
    save_service = staticmethod(case_study_save)
    instance_kwarg = "case_study"
    list_display = ["title", "provider", "merchant_name", "track", "position"]
    search_fields = ["title", "merchant_name", "provider__name"]
    list_select_related = ["provider", "track"]
    raw_id_fields = ["provider"]


@admin.register(ServicePackage)
class ServicePackageAdmin(ProfileItemAdmin):
    save_service = staticmethod(service_package_save)
    instance_kwarg = "package"
    list_display = ["name", "provider", "area", "level", "price", "is_active"]
    list_filter = ["area", "level", "is_active"]
    search_fields = ["name", "provider__name"]
    list_select_related = ["provider"]
    raw_id_fields = ["provider"]


# --- Standing data and the directory --------------------------------------------------------------------
def _set_tier_action(tier: Tier):
    """The admin action that sets the selected providers' tier to `tier`, with a reason (one per tier)."""

    def set_tier(modeladmin, request, queryset):
        def apply(reason):
            for standing in queryset.select_related("provider"):
                try:
                    standing_set_tier(
                        actor=Actor.operator(request.user), provider=standing.provider, tier=tier, reason=reason
                    )
                except ApplicationError as error:
                    modeladmin.message_user(request, f"{standing.provider}: {error.message}", messages.ERROR)
                else:
                    modeladmin.message_user(request, f"{standing.provider}: {tier.label}", messages.SUCCESS)

        return ask_reason(
            modeladmin,
            request,
            queryset.select_related("provider"),
            title=_("Set the tier to %(tier)s") % {"tier": tier.label},
            help_text=_(
                "The provider's owner reads this in their notification. The tier's benefits are granted at once."
            ),
            describe=lambda s: f"{s.provider} · {s.get_tier_display()} → {tier.label}",
            on_reason=apply,
        )

    set_tier.__name__ = f"set_tier_{tier.value.lower()}"
    return admin.action(
        description=lazy(
            lambda: _("Set the tier of the selected providers to %(tier)s…") % {"tier": tier.label}, str
        )(),
        permissions=["set_tier"],
    )(set_tier)


class TrackReasonForm(ReasonForm):
    """A track and the reason the provider's owner reads (the track certification actions)."""

    field_order = ["track", "reason"]
    track = forms.ModelChoiceField(label=gettext_lazy("Track"), queryset=Track.objects.order_by("position", "slug"))


def _track_action(service, *, name, description, title, done):
    """An admin action `name` that grants or removes a track certification of the selected providers
    through `service`, after asking for the track and a reason (its intermediate page posts back to it).
    Until the certification issue grants tracks from passed certifications; the full-operation gate of
    the contracts reads them."""

    def change_track(modeladmin, request, queryset):
        queryset = queryset.select_related("provider")
        form = TrackReasonForm(request.POST if "apply" in request.POST else None)
        form.fields["reason"].help_text = _("The provider's owner reads this in their notification.")
        if form.is_valid():
            track, reason = form.cleaned_data["track"], form.cleaned_data["reason"]
            for standing in queryset:
                try:
                    service(actor=Actor.operator(request.user), provider=standing.provider, track=track, reason=reason)
                except ApplicationError as error:
                    modeladmin.message_user(request, f"{standing.provider}: {error.message}", messages.ERROR)
                else:
                    modeladmin.message_user(request, f"{standing.provider}: {done} · {track}", messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/providers/track_reason_form.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": title,
                "opts": modeladmin.model._meta,
                "form": form,
                "lines": [f"{s.provider} · {s.certified_tracks_names}" for s in _with_track_names(queryset)],
                "pks": [standing.pk for standing in queryset],
                "action": request.POST["action"],
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    change_track.__name__ = name
    return admin.action(description=description, permissions=["set_tier"])(change_track)


def _with_track_names(standings):
    for standing in standings.prefetch_related("certified_tracks"):
        standing.certified_tracks_names = join_names(str(track) for track in standing.certified_tracks.all()) or "—"
        yield standing


grant_track = _track_action(
    standing_grant_track,
    name="grant_track",
    description=gettext_lazy("Grant a track certification to the selected providers…"),
    title=gettext_lazy("Grant a track certification"),
    done=gettext_lazy("Certified"),
)
remove_track = _track_action(
    standing_remove_track,
    name="remove_track",
    description=gettext_lazy("Remove a track certification of the selected providers…"),
    title=gettext_lazy("Remove a track certification"),
    done=gettext_lazy("Removed"),
)


@admin.register(ProviderStanding)
class ProviderStandingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the tier changes only through the "set tier" actions (audited, the benefits copied from the
    tier's defaults, the owner notified); the certification issue will compute it."""

    list_display = [
        "provider",
        "tier",
        "score",
        "lead_quota",
        "protection_days",
        "directory_boost",
        "featured_slots",
        "ad_credit",
        "rating",
        "review_count",
        "updated_at",
    ]
    list_filter = ["tier"]
    search_fields = ["provider__name", "provider__credit_code"]
    list_select_related = ["provider"]
    readonly_fields = ["certified_tracks_display"]
    exclude = ["certified_tracks"]
    actions = [*(_set_tier_action(tier) for tier in Tier), grant_track, remove_track]

    def has_set_tier_permission(self, request):
        return request.user.has_perm("providers.change_providerstanding")

    @admin.display(description=gettext_lazy("certified tracks"))
    def certified_tracks_display(self, standing):
        return join_names(str(track) for track in standing.certified_tracks.all()) or "—"


@admin.register(PublicReview)
class PublicReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What providers' public profiles show of their reviews (read-only: copied by the contracts app)."""

    list_display = ["provider", "merchant_label", "professionalism", "communication", "results", "created_at"]
    list_select_related = ["provider"]
    search_fields = ["provider__name", "merchant_label", "text"]
    date_hierarchy = "created_at"


@admin.register(DirectoryListing)
class DirectoryListingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What the public directory shows, as last refreshed (read-only: rebuilt from the source rows)."""

    list_display = ["name", "tier", "recommended", "featured_slots", "rating", "is_listed", "refreshed_at"]
    list_filter = ["is_listed", "tier"]
    search_fields = ["name", "name_initials"]
    exclude = ["search_bigrams"]
    actions = ["refresh"]

    def has_refresh_permission(self, request):
        return request.user.has_perm("providers.view_directorylisting")

    @admin.action(description=gettext_lazy("Refresh the selected listings"), permissions=["refresh"])
    def refresh(self, request, queryset):
        count = listing_refresh(queryset.values_list("provider_id", flat=True))
        self.message_user(request, _("%(count)d listings refreshed.") % {"count": count}, messages.SUCCESS)
