"""Pages of the contracts domain's contracts area: `portal_urlpatterns` (under /portal/, namespace portal) and
`merchant_urlpatterns` (under /merchant/, namespace merchant).

The provider drafts a contract for a merchant it works with (from scratch, a cooperation request or a held
lead), edits the draft, proposes it, revises a proposal (a new version), withdraws it, gives notice, agrees
to an earlier end and proposes an upgrade to full operation. The merchant signs the version it read (the
fees confirmed in words), rejects, cancels within the cooling-off, gives or agrees notice and says whether
its stores return to the lead pool. Both read the same detail page: terms, stores, fingerprint, timeline
and the panels of the other areas (deliverables, money, reviews)."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView

from linke.errors import ApplicationError
from linke.http import id_or_none
from merchants.models import CooperationRequest, LeadClaim
from merchants.selectors.leads import claims_visible_to
from merchants.views.base import MerchantView, MerchantViewMixin
from providers.permissions import Action
from providers.views.base import ProviderListView, ProviderView

from ..choices import ContractKind, ContractStatus, Side
from ..forms import (
    ContractStartForm,
    ContractTermsForms,
    MerchantContractFilter,
    NoticeForm,
    ProviderContractFilter,
    ReasonForm,
    ReturnToPoolForm,
    SignForm,
)
from ..models import Contract
from ..selectors import deliverables as deliverable_panel
from ..selectors import money as money_panel
from ..selectors import reviews as review_panel
from ..selectors.contracts import (
    contract_actions,
    contract_detail,
    contract_list,
    contract_timeline,
    cooling_off_until,
    earliest_notice_end,
    fee_sentence,
    signing_fingerprint,
)
from ..services.contracts import (
    contract_agree_notice,
    contract_cancel,
    contract_draft,
    contract_give_notice,
    contract_propose,
    contract_reject,
    contract_revise,
    contract_set_return_to_pool,
    contract_sign,
    contract_terms,
    contract_update_draft,
    contract_upgrade,
    notice_pending,
)

PANELS = (("deliverables", deliverable_panel), ("money", money_panel), ("reviews", review_panel))
LAYOUTS = {Side.PROVIDER: "base.html", Side.MERCHANT: "merchant/base.html"}
NAMESPACES = {Side.PROVIDER: "portal", Side.MERCHANT: "merchant"}
UPGRADE_TERM_DAYS = 180


# --- shared by both sides ---------------------------------------------------------------------------


def detail_page(request, contract, *, side):
    """The contract's page for `side`: terms, stores, fingerprint, timeline, the buttons the side may use, and
    each area's panel (its `contract_detail_context` is merged into the context, so areas name their keys)."""
    actions = contract_actions(contract, side=side, membership=getattr(request, "membership", None))
    context = {
        "contract": contract,
        "side": side,
        "layout": LAYOUTS[side],
        "namespace": NAMESPACES[side],
        "actions": actions,
        "timeline": contract_timeline(contract),
        "cooling_off_until": cooling_off_until(contract),
        "notice_pending": notice_pending(contract),
        "panels": [name for name, _module in PANELS],
    }
    for _name, module in PANELS:
        context = module.contract_detail_context(contract=contract, side=side) | context
    return render(request, "contracts/contracts/detail.html", context)


def action_page(request, contract, *, side, form, title, intro, submit, danger=False, more=None):
    """A small form about one contract (a reason, a notice), posted to the page's own URL."""
    context = {
        "contract": contract,
        "side": side,
        "layout": LAYOUTS[side],
        "namespace": NAMESPACES[side],
        "form": form,
        "title": title,
        "intro": intro,
        "submit": submit,
        "danger": danger,
    } | (more or {})
    return render(request, "contracts/contracts/action_form.html", context)


def unavailable(request, contract, side, action: str):
    """A form page of an action the contract does not offer now (an old link): back to the contract, saying so;
    None when the action is offered."""
    if action in contract_actions(contract, side=side, membership=getattr(request, "membership", None)):
        return None
    messages.info(request, _("This is not possible for this contract now."))
    return redirect(f"{NAMESPACES[side]}:contract_detail", pk=contract.pk)


def done(request, contract, side, message):
    messages.success(request, message)
    return redirect(f"{NAMESPACES[side]}:contract_detail", pk=contract.pk)


def refused(request, contract, side, error):
    messages.error(request, error.message)
    return redirect(f"{NAMESPACES[side]}:contract_detail", pk=contract.pk)


class ReasonActionMixin:
    """GET shows a reason form (if the contract offers `action` now); POST calls `act(contract, reason)` and goes
    back to the contract (the service decides; its refusal is shown on the form)."""

    side = Side.PROVIDER
    action = ""
    title = intro = submit = success = ""
    danger = True

    def page(self, request, contract, form):
        return action_page(
            request,
            contract,
            side=self.side,
            form=form,
            title=self.title,
            intro=self.intro,
            submit=self.submit,
            danger=self.danger,
            more=self.page_context(contract),
        )

    def page_context(self, contract) -> dict:
        return {}

    def get(self, request, pk):
        contract = self.get_object(pk)
        return unavailable(request, contract, self.side, self.action) or self.page(request, contract, ReasonForm())

    def post(self, request, pk):
        contract = self.get_object(pk)
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return self.page(request, contract, form)
        try:
            self.act(request, contract, form.cleaned_data["reason"])
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.page(request, contract, form)
        return done(request, contract, self.side, self.success)


class NoticeMixin:
    """Notice of termination: GET shows the form (the date 30 days' notice reaches), POST gives it."""

    side = Side.PROVIDER

    def page(self, request, contract, form):
        earliest = earliest_notice_end()
        return action_page(
            request,
            contract,
            side=self.side,
            form=form,
            title=_("Give notice of termination"),
            intro=_(
                "The contract ends on the date you choose if it is at least 30 days away (%(earliest)s or later). "
                "An earlier date needs the other side's agreement; until then the contract runs as before."
            )
            % {"earliest": earliest.isoformat()},
            submit=_("Give notice"),
            danger=True,
        )

    def get(self, request, pk):
        contract = self.get_object(pk)
        form = NoticeForm(initial={"end_date": earliest_notice_end()})
        return unavailable(request, contract, self.side, "notice") or self.page(request, contract, form)

    def post(self, request, pk):
        contract = self.get_object(pk)
        form = NoticeForm(request.POST)
        if not form.is_valid():
            return self.page(request, contract, form)
        try:
            contract_give_notice(
                actor=request.actor,
                contract=contract,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.page(request, contract, form)
        return done(request, contract, self.side, _("Notice given: the other side has been told."))


class NoticeAgreeMixin:
    side = Side.PROVIDER
    http_method_names = ["post"]

    def post(self, request, pk):
        contract = self.get_object(pk)
        try:
            contract_agree_notice(actor=request.actor, contract=contract)
        except ApplicationError as error:
            return refused(request, contract, self.side, error)
        return done(
            request,
            contract,
            self.side,
            _("You agreed to end the contract on %(day)s.") % {"day": contract.notice_end_date.isoformat()},
        )


# --- the provider's pages -----------------------------------------------------------------------------


class ContractListView(ProviderListView):
    """The provider's contracts, newest first; `?status=&kind=&merchant=&store=` stay in the URL."""

    model = Contract
    template_name = "contracts/contracts/list.html"
    context_object_name = "contracts"

    def scope_queryset(self, queryset):
        self.filterset = ProviderContractFilter(self.request.GET, queryset=contract_list(queryset))
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {"filter_form": self.filterset.form, "side": Side.PROVIDER, "layout": LAYOUTS[Side.PROVIDER]}


class TermsPageMixin:
    """The terms page (new draft, edit, revision, upgrade): `ContractTermsForms`, and a service's refusal shown at
    the field it names."""

    def render_terms(self, request, forms, **context):
        context = {
            "terms_form": forms.terms,
            "items_formset": forms.items,
            "standards_form": forms.standards,
            "kind": forms.kind,
            "kind_label": ContractKind(forms.kind).label,
        } | context
        return render(request, "contracts/contracts/form.html", context)


def default_terms(kind, *, start=None) -> dict:
    """A new contract's first values: from today (or `start`), 30 days (specialized) or 180 days (full operation)."""
    start = start or timezone.localdate()
    end = start + timedelta(days=(UPGRADE_TERM_DAYS if kind == ContractKind.FULL_OPERATION else 30) - 1)
    return {"start_date": start, "end_date": end, "items": [{"due_date": end, "quantity": 1}]}


class ContractCreateView(TermsPageMixin, ProviderView):
    """/portal/contracts/new/: step one picks the merchant and the kind (`?merchant=&kind=`); `?request=<id>` or
    `?lead_claim=<id>` (and `&kind=`) start from a cooperation request or a held lead instead. Step two is the
    terms; saving makes a draft the merchant does not see until it is proposed."""

    required_action = Action.PROPOSE_CONTRACTS

    def source(self, request) -> dict | None:
        """Where the draft starts, from the query string; None: show step one. Another provider's request or
        claim, or one this member may not see, is a 404."""
        if "request" in request.GET:
            pk = id_or_none(request.GET["request"])
            found = CooperationRequest.objects.filter(pk=pk).select_related("merchant").first() if pk else None
            if found is None:
                raise Http404
            stores = [line.store_id for line in found.request_stores.all()]
            return {"merchant": found.merchant, "kind": found.mode, "request": found, "stores": stores}
        if "lead_claim" in request.GET:
            pk = id_or_none(request.GET["lead_claim"])
            claims = claims_visible_to(LeadClaim.objects.all(), membership=request.membership)
            claim = claims.filter(pk=pk).select_related("lead__merchant").first() if pk else None
            if claim is None:
                raise Http404
            offered = [mode for mode in ContractKind.values if mode in request.provider.cooperation_modes]
            kind = request.GET.get("kind")
            kind = kind if kind in offered else (offered or [ContractKind.SPECIALIZED])[0]
            return {"merchant": claim.lead.merchant, "kind": kind, "lead_claim": claim, "stores": [], "kinds": offered}
        return None

    def start_or_source(self, request):
        """(source, None) to show the terms, or (None, the page of step one)."""
        source = self.source(request)
        if source is not None:
            return source, None
        start = ContractStartForm(request.GET or None, provider=request.provider)
        if start.is_valid():
            return {"merchant": start.cleaned_data["merchant"], "kind": start.cleaned_data["kind"], "stores": []}, None
        return None, render(request, "contracts/contracts/start.html", {"form": start})

    def no_merchant_account(self, request, source):
        claim = source["lead_claim"]
        messages.info(
            request,
            _(
                "%(lead)s has no merchant account on Linke yet: a contract is signed online by the merchant. "
                "Invite them to sign up, then propose the contract."
            )
            % {"lead": claim.lead.merchant_name},
        )
        return redirect("portal:lead_claim_detail", pk=claim.pk)

    def respond(self, request, initial=None):
        source, start_page = self.start_or_source(request)
        if start_page is not None:
            return start_page
        if source["merchant"] is None:
            return self.no_merchant_account(request, source)
        merchant, kind = source["merchant"], source["kind"]
        data = request.POST if request.method == "POST" else None
        initial = ContractTermsForms.initial_from(default_terms(kind), stores=source["stores"])
        forms = ContractTermsForms(data, merchant=merchant, kind=kind, initial=initial)
        if data is not None and forms.is_valid():
            try:
                contract = contract_draft(
                    actor=request.actor,
                    merchant=merchant,
                    stores=forms.stores(),
                    kind=kind,
                    terms=forms.cleaned_terms(),
                    request=source.get("request"),
                    lead_claim=source.get("lead_claim"),
                )
            except ApplicationError as error:
                forms.add_service_error(error)
            else:
                return done(
                    request, contract, Side.PROVIDER, _("Draft saved. Check it, then propose it to the merchant.")
                )
        switch = [
            (f"?lead_claim={source['lead_claim'].pk}&kind={mode}", ContractKind(mode).label)
            for mode in source.get("kinds", [])
            if mode != kind
        ]
        return self.render_terms(request, forms, merchant=merchant, source=source, creating=True, switch=switch)

    def get(self, request):
        return self.respond(request)

    def post(self, request):
        return self.respond(request)


class ContractEditView(TermsPageMixin, ProviderView):
    """Edit a draft (saved in place) or revise a proposal (a new version the merchant signs; the one it may have
    been reading is no longer signable)."""

    model = Contract
    required_action = Action.PROPOSE_CONTRACTS

    def scope_queryset(self, queryset):
        return contract_detail(queryset)

    def respond(self, request, pk):
        contract = self.get_object(pk)
        if not {"edit", "revise"} & contract_actions(contract, side=Side.PROVIDER, membership=request.membership):
            messages.info(request, _("This contract can no longer be changed."))
            return redirect("portal:contract_detail", pk=contract.pk)
        data = request.POST if request.method == "POST" else None
        stores = [line.store_id for line in contract.contract_stores.all()]
        initial = ContractTermsForms.initial_from(contract_terms(contract), stores=stores)
        forms = ContractTermsForms(data, merchant=contract.merchant, kind=contract.kind, initial=initial)
        if data is not None and forms.is_valid():
            change = contract_update_draft if contract.status == ContractStatus.DRAFT else contract_revise
            try:
                contract = change(
                    actor=request.actor, contract=contract, terms=forms.cleaned_terms(), stores=forms.stores()
                )
            except ApplicationError as error:
                forms.add_service_error(error)
            else:
                if change is contract_update_draft:
                    message = _("Draft saved.")
                else:
                    message = _("Version %(version)s proposed: the merchant signs this one.") % {
                        "version": contract.version
                    }
                return done(request, contract, Side.PROVIDER, message)
        return self.render_terms(request, forms, merchant=contract.merchant, contract=contract, editing=True)

    def get(self, request, pk):
        return self.respond(request, pk)

    def post(self, request, pk):
        return self.respond(request, pk)


class ContractUpgradeView(TermsPageMixin, ProviderView):
    """Propose full operation for the stores of a specialized contract: a new draft linked to it."""

    model = Contract
    required_action = Action.PROPOSE_CONTRACTS

    def scope_queryset(self, queryset):
        return contract_detail(queryset)

    def respond(self, request, pk):
        contract = self.get_object(pk)
        if "upgrade" not in contract_actions(contract, side=Side.PROVIDER, membership=request.membership):
            messages.info(request, _("This contract cannot be upgraded to full operation."))
            return redirect("portal:contract_detail", pk=contract.pk)
        data = request.POST if request.method == "POST" else None
        start = max(timezone.localdate(), contract.start_date)
        terms = default_terms(ContractKind.FULL_OPERATION, start=start) | {
            "title": _("%(title)s · full operation") % {"title": contract.title}
        }
        forms = ContractTermsForms(
            data,
            merchant=contract.merchant,
            kind=ContractKind.FULL_OPERATION,
            with_stores=False,
            initial=ContractTermsForms.initial_from(terms),
        )
        if data is not None and forms.is_valid():
            try:
                upgrade = contract_upgrade(actor=request.actor, contract=contract, terms=forms.cleaned_terms())
            except ApplicationError as error:
                forms.add_service_error(error)
            else:
                return done(
                    request,
                    upgrade,
                    Side.PROVIDER,
                    _("Upgrade drafted as a full-operation contract linked to %(title)s. Check it, then propose it.")
                    % {"title": contract.title},
                )
        return self.render_terms(request, forms, merchant=contract.merchant, contract=contract, upgrading=True)

    def get(self, request, pk):
        return self.respond(request, pk)

    def post(self, request, pk):
        return self.respond(request, pk)


class ContractDetailView(ProviderView):
    model = Contract

    def scope_queryset(self, queryset):
        return contract_detail(queryset)

    def get(self, request, pk):
        return detail_page(request, self.get_object(pk), side=Side.PROVIDER)


class ContractProposeView(ProviderView):
    model = Contract
    required_action = Action.PROPOSE_CONTRACTS
    http_method_names = ["post"]

    def post(self, request, pk):
        contract = self.get_object(pk)
        try:
            contract_propose(actor=request.actor, contract=contract)
        except ApplicationError as error:
            return refused(request, contract, Side.PROVIDER, error)
        return done(
            request,
            contract,
            Side.PROVIDER,
            _("Proposed to %(merchant)s: they were notified and can sign it now.") % {"merchant": contract.merchant},
        )


class ContractCancelView(ReasonActionMixin, ProviderView):
    """Drop a draft or withdraw a proposal, with a reason."""

    model = Contract
    required_action = Action.PROPOSE_CONTRACTS

    action = "cancel"
    title = _("Withdraw the contract")
    intro = _("A draft is dropped; a proposal is withdrawn and the merchant can no longer sign it.")
    submit = _("Withdraw")
    success = _("The contract was withdrawn.")

    def act(self, request, contract, reason):
        contract_cancel(actor=request.actor, contract=contract, reason=reason)


class ContractNoticeView(NoticeMixin, ProviderView):
    model = Contract
    required_action = Action.SIGN_OFF_CONTRACTS


class ContractNoticeAgreeView(NoticeAgreeMixin, ProviderView):
    model = Contract
    required_action = Action.SIGN_OFF_CONTRACTS


# --- the merchant's pages -----------------------------------------------------------------------------


class MerchantContractListView(MerchantViewMixin, ListView):
    """The merchant's contracts, newest first; `?status=&kind=&provider=&store=` stay in the URL."""

    model = Contract
    paginate_by = 50
    template_name = "contracts/contracts/list.html"
    context_object_name = "contracts"

    def scope_queryset(self, queryset):
        self.filterset = MerchantContractFilter(self.request.GET, queryset=contract_list(queryset))
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {"filter_form": self.filterset.form, "side": Side.MERCHANT, "layout": LAYOUTS[Side.MERCHANT]}


class MerchantContractView(MerchantView):
    model = Contract

    def scope_queryset(self, queryset):
        return contract_detail(queryset)


class MerchantContractDetailView(MerchantContractView):
    def get(self, request, pk):
        return detail_page(request, self.get_object(pk), side=Side.MERCHANT)


class ContractSignView(MerchantContractView):
    """The terms exactly as they will be signed, their SHA-256 fingerprint, and (full operation) the fees to
    confirm in words. The page posts the version it showed: a revision in between is refused."""

    def page(self, request, contract, form):
        context = {
            "contract": contract,
            "form": form,
            "fingerprint": signing_fingerprint(contract),
            "side": Side.MERCHANT,
        }
        return render(request, "contracts/contracts/sign.html", context)

    def form(self, contract, data=None):
        return SignForm(data, contract=contract, fee_sentence=fee_sentence(contract))

    def get(self, request, pk):
        contract = self.get_object(pk)
        if "sign" not in contract_actions(contract, side=Side.MERCHANT):
            messages.info(request, _("This contract is not waiting for your signature."))
            return redirect("merchant:contract_detail", pk=contract.pk)
        return self.page(request, contract, self.form(contract))

    def post(self, request, pk):
        contract = self.get_object(pk)
        form = self.form(contract, request.POST)
        if not form.is_valid():
            return self.page(request, contract, form)
        try:
            contract = contract_sign(
                actor=request.actor,
                contract=contract,
                version=form.cleaned_data["version"],
                confirm_fees=form.cleaned_data.get("confirm_fees", False),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.page(request, contract, form)
        if contract.status == ContractStatus.ACTIVE:
            message = _("Signed: %(provider)s was notified and the contract has started.")
        else:
            message = _("Signed: %(provider)s was notified; the contract starts on %(day)s.")
        return done(
            request,
            contract,
            Side.MERCHANT,
            message % {"provider": contract.provider, "day": contract.start_date.isoformat()},
        )


class ContractRejectView(ReasonActionMixin, MerchantContractView):
    side = Side.MERCHANT
    action = "reject"
    title = _("Reject the proposal")
    intro = _("The provider sees your reason. They may send a new proposal.")
    submit = _("Reject")
    success = _("You rejected the proposal; the provider was told why.")

    def act(self, request, contract, reason):
        contract_reject(actor=request.actor, contract=contract, reason=reason)


class MerchantContractCancelView(ReasonActionMixin, MerchantContractView):
    """Cancellation within the 7-day cooling-off, at no cost."""

    side = Side.MERCHANT
    action = "cancel"
    title = _("Cancel within the cooling-off period")
    submit = _("Cancel the contract")
    success = _("The contract was cancelled at no cost; the provider was told why.")

    def page_context(self, contract) -> dict:
        until = cooling_off_until(contract)
        intro = _("You may cancel this contract at no cost until %(moment)s (7 days after signing).") % {
            "moment": timezone.localtime(until).strftime("%Y-%m-%d %H:%M") if until else "—"
        }
        return {"intro": intro}

    def act(self, request, contract, reason):
        contract_cancel(actor=request.actor, contract=contract, reason=reason)


class MerchantContractNoticeView(NoticeMixin, MerchantContractView):
    side = Side.MERCHANT


class MerchantContractNoticeAgreeView(NoticeAgreeMixin, MerchantContractView):
    side = Side.MERCHANT


class ContractReturnToPoolView(MerchantContractView):
    """Whether the stores return to the lead pool when the contract ends (the merchant's consent, yes or no)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        contract = self.get_object(pk)
        form = ReturnToPoolForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose yes or no."))
            return redirect("merchant:contract_detail", pk=contract.pk)
        agree = form.cleaned_data["agree"]
        try:
            contract_set_return_to_pool(actor=request.actor, contract=contract, agree=agree)
        except ApplicationError as error:
            return refused(request, contract, Side.MERCHANT, error)
        if agree:
            message = _("When the contract ends, your stores return to the lead pool.")
        else:
            message = _("When the contract ends, your stores stay out of the lead pool.")
        return done(request, contract, Side.MERCHANT, message)


portal_urlpatterns = [
    path("contracts/", ContractListView.as_view(), name="contract_list"),
    path("contracts/new/", ContractCreateView.as_view(), name="contract_create"),
    path("contracts/<int:pk>/", ContractDetailView.as_view(), name="contract_detail"),
    path("contracts/<int:pk>/edit/", ContractEditView.as_view(), name="contract_edit"),
    path("contracts/<int:pk>/propose/", ContractProposeView.as_view(), name="contract_propose"),
    path("contracts/<int:pk>/cancel/", ContractCancelView.as_view(), name="contract_cancel"),
    path("contracts/<int:pk>/notice/", ContractNoticeView.as_view(), name="contract_notice"),
    path("contracts/<int:pk>/notice/agree/", ContractNoticeAgreeView.as_view(), name="contract_notice_agree"),
    path("contracts/<int:pk>/upgrade/", ContractUpgradeView.as_view(), name="contract_upgrade"),
]
merchant_urlpatterns = [
    path("contracts/", MerchantContractListView.as_view(), name="contract_list"),
    path("contracts/<int:pk>/", MerchantContractDetailView.as_view(), name="contract_detail"),
    path("contracts/<int:pk>/sign/", ContractSignView.as_view(), name="contract_sign"),
    path("contracts/<int:pk>/reject/", ContractRejectView.as_view(), name="contract_reject"),
    path("contracts/<int:pk>/cancel/", MerchantContractCancelView.as_view(), name="contract_cancel"),
    path("contracts/<int:pk>/notice/", MerchantContractNoticeView.as_view(), name="contract_notice"),
    path("contracts/<int:pk>/notice/agree/", MerchantContractNoticeAgreeView.as_view(), name="contract_notice_agree"),
    path("contracts/<int:pk>/return-to-pool/", ContractReturnToPoolView.as_view(), name="contract_return_to_pool"),
]
