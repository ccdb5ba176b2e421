"""Posted needs (需求发布), both sides: the merchant posts, compares the proposals side by side, accepts one or
withdraws the need (/merchant/needs/); the provider reads its feed of open needs it may answer, proposes
once and may withdraw its proposal (/portal/needs/).

A need is the merchant's row: on the provider's side every page reads it through `rfqs_visible_to` (the
needs the provider may answer or has proposed for), so any other need answers 404, as a missing one does."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.generic import ListView

from linke.errors import ApplicationError
from linke.http import id_or_none
from merchants.views.base import MerchantView, MerchantViewMixin
from providers.permissions import Action, can
from providers.views.base import ProviderListView, ProviderView

from ..choices import ProposalStatus, RfqStatus
from ..forms_rfqs import FIELD_OF_ERROR, FeedFilter, ProposalForm, RfqCreateForm, RfqFilter, show_error
from ..models import Proposal, Rfq
from ..selectors.rfqs import (
    my_proposal_for,
    my_proposals,
    proposal_comparison,
    rfq_detail,
    rfq_feed,
    rfq_for_provider,
    rfq_is_eligible,
    rfq_list,
    rfqs_visible_to,
)
from ..services.rfqs import proposal_withdraw, rfq_accept, rfq_cancel, rfq_create, rfq_propose
from ..transitions import PROPOSAL_TRANSITIONS, RFQ_TRANSITIONS, can_transition

# --- the merchant's side ----------------------------------------------------------------------------


class RfqListView(MerchantViewMixin, ListView):
    """The merchant's needs, newest first; `?status=&mode=` stay in the URL."""

    model = Rfq
    paginate_by = 50
    template_name = "contracts/rfqs/merchant_list.html"
    context_object_name = "needs"

    def scope_queryset(self, queryset):
        self.filterset = RfqFilter(self.request.GET, queryset=rfq_list(queryset), request=self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"filter_form": self.filterset.form}


class RfqCreateView(MerchantView):
    template_name = "contracts/rfqs/merchant_create.html"

    def render_form(self, request, form):
        return render(
            request, self.template_name, {"form": form, "has_stores": form.fields["stores"].queryset.exists()}
        )

    def get(self, request):
        return self.render_form(request, RfqCreateForm(merchant=request.merchant))

    def post(self, request):
        form = RfqCreateForm(request.POST, merchant=request.merchant)
        if form.is_valid():
            try:
                need = rfq_create(actor=request.actor, **form.cleaned_data)
            except ApplicationError as error:
                show_error(form, error)
            else:
                messages.success(
                    request, _("Your need is posted: eligible providers can send proposals until its deadline.")
                )
                return redirect("merchant:rfq_detail", pk=need.pk)
        return self.render_form(request, form)


def merchant_detail(request, need):
    """The need's page: its terms and its proposals side by side, with the actions its state allows."""
    is_open = need.status == RfqStatus.OPEN
    context = {
        "need": need,
        "compared": proposal_comparison(need),
        "can_cancel": can_transition(need.status, RfqStatus.CANCELLED, table=RFQ_TRANSITIONS),
        "can_accept": is_open and can_transition(need.status, RfqStatus.AWARDED, table=RFQ_TRANSITIONS),
        "submitted": ProposalStatus.SUBMITTED,
    }
    return render(request, "contracts/rfqs/merchant_detail.html", context)


class RfqDetailView(MerchantView):
    model = Rfq

    def scope_queryset(self, queryset):
        return rfq_detail(queryset)

    def get(self, request, pk):
        return merchant_detail(request, self.get_object(pk))


class RfqAcceptView(MerchantView):
    """POST `proposal=<id>`: one of this need's proposals (any other id is refused as not one of them)."""

    model = Rfq
    http_method_names = ["post"]

    def post(self, request, pk):
        need = self.get_object(pk)
        proposal_id = id_or_none(request.POST.get("proposal"))
        proposal = Proposal.objects.filter(rfq=need, pk=proposal_id).first() if proposal_id else None
        try:
            contract = rfq_accept(actor=request.actor, rfq=need, proposal=proposal)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("merchant:rfq_detail", pk=need.pk)
        messages.success(
            request,
            _("You accepted the proposal of %(provider)s: read the contract proposal made from it and sign it.")
            % {"provider": contract.provider.name},
        )
        return redirect("merchant:contract_detail", pk=contract.pk)


class RfqCancelView(MerchantView):
    model = Rfq
    http_method_names = ["post"]

    def post(self, request, pk):
        need = self.get_object(pk)
        try:
            rfq_cancel(actor=request.actor, rfq=need)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your need was withdrawn; the providers who proposed were told."))
        return redirect("merchant:rfq_detail", pk=need.pk)


# --- the provider's side ----------------------------------------------------------------------------


class ProviderNeedMixin:
    """The needs the current provider may see (`rfqs_visible_to`): the scope's own rows of `Rfq` are none
    (it is the merchant's row), so the queryset it hands over is replaced by the provider's visible needs."""

    model = Rfq

    def scope_queryset(self, queryset):
        return rfq_for_provider(rfqs_visible_to(self.request.provider))


class FeedView(ProviderListView):
    """Open needs the provider may answer, the soonest deadline first; `?city=&track=&mode=&proposed=` stay
    in the URL."""

    model = Rfq
    template_name = "contracts/rfqs/feed.html"
    context_object_name = "needs"

    def scope_queryset(self, queryset):
        # A need is the merchant's row: the scope's (closed) queryset is replaced by the provider's feed.
        self.filterset = FeedFilter(self.request.GET, queryset=rfq_feed(self.request.provider), request=self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"filter_form": self.filterset.form}


def provider_view(request, need, form=None):
    """The need's page for the provider: the need, and the provider's proposal or the form to send one."""
    proposal = my_proposal_for(need)
    may_answer = can(request.membership, Action.ANSWER_RFQS)
    can_propose = proposal is None and may_answer and rfq_is_eligible(request.provider, need)
    context = {
        "need": need,
        "proposal": proposal,
        "may_answer": may_answer,
        "can_propose": can_propose,
        "can_withdraw": proposal is not None
        and may_answer
        and can_transition(proposal.status, ProposalStatus.WITHDRAWN, table=PROPOSAL_TRANSITIONS),
        "form": (form or ProposalForm(mode=need.mode)) if can_propose else None,
    }
    return render(request, "contracts/rfqs/view.html", context)


class RfqView(ProviderNeedMixin, ProviderView):
    def get(self, request, pk):
        return provider_view(request, self.get_object(pk))


class RfqProposeView(ProviderNeedMixin, ProviderView):
    required_action = Action.ANSWER_RFQS
    http_method_names = ["post"]

    def post(self, request, pk):
        need = self.get_object(pk)
        form = ProposalForm(request.POST, mode=need.mode)
        if form.is_valid():
            try:
                rfq_propose(actor=request.actor, rfq=need, **form.cleaned_data)
            except ApplicationError as error:
                if error.code in FIELD_OF_ERROR:  # the proposal needs a correction: the form keeps what was typed
                    show_error(form, error)
                    return provider_view(request, need, form)
                messages.error(request, error.message)  # it cannot be sent (any more): said on the need's page
            else:
                messages.success(
                    request, _("Your proposal was sent: the merchant compares the proposals and will decide.")
                )
            return redirect("portal:rfq_view", pk=need.pk)
        return provider_view(request, need, form)


class ProposalListView(ProviderListView):
    """The provider's proposals, whatever became of them, newest first; `?status=` stays in the URL."""

    model = Proposal
    template_name = "contracts/rfqs/proposals.html"
    context_object_name = "proposals"

    def scope_queryset(self, queryset):
        queryset = my_proposals(queryset)
        self.chosen_status = self.request.GET.get("status", "")
        return queryset.filter(status=self.chosen_status) if self.chosen_status in ProposalStatus.values else queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"statuses": ProposalStatus.choices, "status": self.chosen_status}


class ProposalWithdrawView(ProviderView):
    model = Proposal
    required_action = Action.ANSWER_RFQS
    http_method_names = ["post"]

    def post(self, request, pk):
        proposal = self.get_object(pk)
        try:
            proposal_withdraw(actor=request.actor, proposal=proposal)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your proposal was withdrawn; the merchant was told."))
        return redirect("portal:rfq_view", pk=proposal.rfq_id)


portal_urlpatterns = [
    path("needs/", FeedView.as_view(), name="rfq_feed"),
    path("needs/proposals/", ProposalListView.as_view(), name="rfq_proposals"),
    path("needs/<int:pk>/", RfqView.as_view(), name="rfq_view"),
    path("needs/<int:pk>/propose/", RfqProposeView.as_view(), name="rfq_propose"),
    path("needs/proposals/<int:pk>/withdraw/", ProposalWithdrawView.as_view(), name="proposal_withdraw"),
]
merchant_urlpatterns = [
    path("needs/", RfqListView.as_view(), name="rfq_list"),
    path("needs/new/", RfqCreateView.as_view(), name="rfq_create"),
    path("needs/<int:pk>/", RfqDetailView.as_view(), name="rfq_detail"),
    path("needs/<int:pk>/accept/", RfqAcceptView.as_view(), name="rfq_accept"),
    path("needs/<int:pk>/cancel/", RfqCancelView.as_view(), name="rfq_cancel"),
]
