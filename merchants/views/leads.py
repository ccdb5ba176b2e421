"""The lead pool pages: the provider's public pool, claiming, its private pool and claims with their history,
disputes (portal, /portal/leads/...), and the merchant's own lead status with its opt-out (/merchant/lead/)."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.errors import ApplicationError
from linke.templatetags.linke import minute
from providers.permissions import Action, can
from providers.views.base import ProviderDetailView, ProviderListView, ProviderView

from ..choices import ClaimStatus
from ..models import Lead, LeadClaim, LeadDispute
from ..selectors.leads import (
    AVAILABLE,
    CLAIMED,
    claim_get_disputable,
    claim_history,
    claims_visible_to,
    dispute_list,
    full_mobile,
    lead_pool_filters,
    lead_pool_listing,
    lead_quota,
    mask_mobile,
    merchant_lead_status,
    pool_leads,
    private_pool,
)
from ..services.leads import lead_claim, lead_dispute_open, lead_opt_in, lead_opt_out
from .base import MerchantView

AVAILABILITY_CHOICES = [
    ("", gettext_lazy("All")),
    (AVAILABLE, gettext_lazy("Available")),
    (CLAIMED, gettext_lazy("Claimed")),
]


class LeadPoolFilterForm(forms.Form):
    """The pool's filters, from the URL (shareable, the back button works); a value that is not one of the
    choices is dropped rather than answered with an error."""

    city = forms.TypedChoiceField(label=gettext_lazy("City"), required=False, coerce=int, empty_value=None)
    category = forms.TypedChoiceField(label=gettext_lazy("Sub-category"), required=False, coerce=int, empty_value=None)
    availability = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=AVAILABILITY_CHOICES)
    q = forms.CharField(label=gettext_lazy("Merchant name"), required=False, max_length=50, strip=True)

    def __init__(self, data, *, cities, categories):
        super().__init__(data)
        self.fields["city"].choices = [("", _("All cities")), *((city.pk, city.name) for city in cities)]
        self.fields["category"].choices = [("", _("All sub-categories")), *((c.pk, c.name) for c in categories)]

    def filters(self) -> dict:
        self.is_valid()  # a field with an invalid value (a crafted URL) is left out of cleaned_data
        data = self.cleaned_data
        return {
            "city": data.get("city"),
            "category": data.get("category"),
            "availability": data.get("availability") or "",
            "search": data.get("q") or "",
        }


def remaining(expires_at, now) -> tuple[int, int]:
    """(days, hours) of protection left, for the server-rendered countdown."""
    left = max(expires_at - now, timedelta(0))
    return left.days, left.seconds // 3600


class LeadPoolPaginator(Paginator):
    """Reads a page with the size of the pool in one query (`LeadPoolListing.page`); the size alone is
    counted only when asked first (`?page=last`). The pages, their numbers and the 404 past the last one
    are Django's."""

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        bottom = (number - 1) * self.per_page
        rows, size = self.object_list.page(bottom, bottom + self.per_page)
        if size is None:  # nothing from `bottom` on: an empty pool, or past the last page
            if number > 1:
                raise EmptyPage(self.error_messages["no_results"])
            size = 0
        self.__dict__["count"] = size  # `count` is a cached property: the page's statement counted
        return self._get_page(rows, number, self)


class LeadPoolView(ProviderListView):
    """拓客资源: the public pool of the provider's cities and tracks, newest first, filtered by the URL."""

    model = Lead
    template_name = "merchants/leads/pool.html"
    context_object_name = "leads"
    paginator_class = LeadPoolPaginator

    def filter_form(self):
        if not hasattr(self, "_filter_form"):
            self._choices = lead_pool_filters(self.request.provider)
            self._filter_form = LeadPoolFilterForm(self.request.GET, **self._choices)
        return self._filter_form

    def scope_queryset(self, queryset):
        # The page's rows, with the cities and sub-categories the filters read (see LeadPoolListing).
        filters = self.filter_form().filters()
        return lead_pool_listing(provider=self.request.provider, **self._choices, **filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for lead in context["leads"]:
            lead.shown_mobile = full_mobile(lead.mobile) if lead.held_by_us else mask_mobile(lead.mobile)
        return context | {
            "filter_form": self.filter_form(),
            "quota": lead_quota(self.request.provider),
            "can_claim": can(self.request.membership, Action.CLAIM_LEADS),
            "can_dispute": can(self.request.membership, Action.DISPUTE_CLAIMS),
        }


class LeadClaimView(ProviderView):
    """POST: claim (报备) a lead of the pool; a lead outside the provider's cities and tracks is a 404."""

    model = Lead
    required_action = Action.CLAIM_LEADS
    http_method_names = ["post"]

    def scope_queryset(self, queryset):
        return pool_leads(self.request.provider)

    def post(self, request, pk):
        lead = self.get_object(pk)
        try:
            claim = lead_claim(actor=request.actor, lead=lead)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("portal:lead_pool")
        messages.success(
            request,
            _("%(lead)s is in your private pool until %(date)s.") % {"lead": lead, "date": minute(claim.expires_at)},
        )
        return redirect("portal:lead_claim_detail", pk=claim.pk)


class PrivatePoolView(ProviderListView):
    """私海: the leads the provider holds, with the time left; a bd sees the ones assigned to them."""

    model = LeadClaim
    template_name = "merchants/leads/mine.html"
    context_object_name = "claims"

    def scope_queryset(self, queryset):
        return private_pool(queryset, membership=self.request.membership)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        for claim in context["claims"]:
            claim.days_left, claim.hours_left = remaining(claim.expires_at, now)
            claim.shown_mobile = full_mobile(claim.lead.mobile)
        return context | {"quota": lead_quota(self.request.provider)}


class ClaimDetailView(ProviderDetailView):
    """One claim of the provider: the lead (its full contact while the claim is active) and its history."""

    model = LeadClaim
    template_name = "merchants/leads/claim.html"
    context_object_name = "claim"

    def scope_queryset(self, queryset):
        return claims_visible_to(queryset, membership=self.request.membership)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        claim = context["claim"]
        active = claim.status == ClaimStatus.ACTIVE
        if active:
            claim.days_left, claim.hours_left = remaining(claim.expires_at, timezone.now())
        return context | {
            "history": claim_history(claim),
            "active": active,
            "shown_mobile": full_mobile(claim.lead.mobile) if active else mask_mobile(claim.lead.mobile),
        }


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why should this claim not stand?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=gettext_lazy(
            "The operators read it with the evidence (claims, verified visits, cooperation requests). "
            "The holder is told that the claim is disputed, not by whom."
        ),
    )


class ClaimDisputeView(ProviderView):
    """Dispute another provider's claim of a lead in the pool: the lead and the end of its protection are
    shown, never the holder. Only such a claim is found (`claim_get_disputable`): anything else is a 404."""

    required_action = Action.DISPUTE_CLAIMS

    def render_form(self, request, claim, form):
        context = {"claim": claim, "lead": claim.lead, "form": form}
        return render(request, "merchants/leads/dispute_form.html", context)

    def get(self, request, pk):
        return self.render_form(request, claim_get_disputable(provider=request.provider, pk=pk), DisputeForm())

    def post(self, request, pk):
        claim = claim_get_disputable(provider=request.provider, pk=pk)
        form = DisputeForm(request.POST)
        if form.is_valid():
            try:
                lead_dispute_open(actor=request.actor, claim=claim, reason=form.cleaned_data["reason"])
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your dispute went to the operators. Their decision will be shown here."))
                return redirect("portal:lead_disputes")
        return self.render_form(request, claim, form)


class DisputeListView(ProviderListView):
    """The disputes the provider raised, with the operators' decision and reason."""

    model = LeadDispute
    template_name = "merchants/leads/disputes.html"
    context_object_name = "disputes"

    def scope_queryset(self, queryset):
        return dispute_list(queryset)


# --- The merchant's side ----------------------------------------------------------------------


class MerchantLeadStatusView(MerchantView):
    """我的线索状态: whether the merchant is in the lead pool, which provider holds it until when, and "I do
    not want to be contacted" (opt out, and back in)."""

    def get(self, request):
        status = merchant_lead_status(request.merchant)
        return render(request, "merchants/leads/merchant_status.html", {"status": status})

    def post(self, request):
        status = merchant_lead_status(request.merchant)
        action = request.POST.get("action")
        if status.lead is None or action not in {"opt_out", "opt_in"}:
            messages.error(request, _("There is nothing to change: you are not in the lead pool."))
            return redirect("merchant:lead_status")
        service = lead_opt_out if action == "opt_out" else lead_opt_in
        try:
            service(actor=request.actor, lead=status.lead)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Providers can no longer claim you as a lead.")
                if action == "opt_out"
                else _("You are back in the lead pool: providers serving your city may contact you."),
            )
        return redirect("merchant:lead_status")
