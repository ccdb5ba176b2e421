"""Statements (结算单) and GMV, both sides: the provider lists its statements, issues the months due, reissues a
disputed one and marks a confirmed one paid (/portal/statements/), and reads its attributed GMV
(/portal/gmv/); the merchant lists its statements, confirms or disputes each (/merchant/statements/). Each
statement has a print-friendly page. `portal_urlpatterns` are mounted under /portal/ (namespace portal),
`merchant_urlpatterns` under /merchant/ (namespace merchant)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView

from linke.errors import ApplicationError
from merchants.views.base import MerchantView, MerchantViewMixin
from providers.permissions import Action, can
from providers.views.base import ProviderListView, ProviderView

from ..choices import Side, StatementStatus
from ..models import GmvRecord, Statement
from ..money_forms import GmvFilter, StatementDisputeForm, StatementFilter, StatementIssueForm
from ..selectors.money import (
    gmv_list,
    gmv_net_since,
    statement_detail,
    statement_list,
    statements_to_issue,
)
from ..services.money import month_label, statement_confirm, statement_dispute, statement_issue, statement_mark_paid
from ..transitions import STATEMENT_TRANSITIONS, can_transition

LAYOUTS = {Side.PROVIDER: "base.html", Side.MERCHANT: "merchant/base.html"}


def contract_url(namespace: str, contract_id: int) -> str:
    """The contract's page on that side (the contracts area's), or "" if it does not exist."""
    try:
        return reverse(f"{namespace}:contract_detail", kwargs={"pk": contract_id})
    except NoReverseMatch:
        return ""


def statement_page(request, statement, *, side, template="contracts/money/statement_detail.html", **extra):
    """The statement's page (or its print version) for `side`, with the actions that side may take now."""
    namespace = "portal" if side == Side.PROVIDER else "merchant"
    manages = side == Side.PROVIDER and can(getattr(request, "membership", None), Action.MANAGE_STATEMENTS)
    answers = side == Side.MERCHANT and can_transition(
        statement.status, StatementStatus.CONFIRMED, table=STATEMENT_TRANSITIONS
    )
    context = {
        "statement": statement,
        "contract": statement.contract,
        "side": side,
        "layout": LAYOUTS[side],
        "namespace": namespace,
        "contract_url": contract_url(namespace, statement.contract_id),
        "can_reissue": manages and statement.status == StatementStatus.DISPUTED,
        "can_mark_paid": manages
        and can_transition(statement.status, StatementStatus.PAID, table=STATEMENT_TRANSITIONS),
        "can_answer": answers,
        "dispute_form": extra.pop("dispute_form", None) or (StatementDisputeForm() if answers else None),
    } | extra
    return render(request, template, context)


# --- the provider's side ----------------------------------------------------------------------------


class StatementListView(ProviderListView):
    """Statements, latest month first (`?status=&month=YYYY-MM&contract=<id>` stay in the URL); for the owner and
    admins, the months that may be issued and are not, each with its button."""

    model = Statement
    template_name = "contracts/money/statement_list.html"
    context_object_name = "statements"

    def scope_queryset(self, queryset):
        self.filterset = StatementFilter(self.request.GET, queryset=statement_list(queryset), request=self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        manages = can(self.request.membership, Action.MANAGE_STATEMENTS)
        due = statements_to_issue() if manages else []
        return context | {
            "filter_form": self.filterset.form,
            "side": Side.PROVIDER,
            "layout": LAYOUTS[Side.PROVIDER],
            "namespace": "portal",
            "due": [(contract, month, month_label(month)) for contract, month in due],
        }


class StatementDetailView(ProviderView):
    model = Statement

    def scope_queryset(self, queryset):
        return statement_detail(queryset)

    def get(self, request, pk):
        return statement_page(request, self.get_object(pk), side=Side.PROVIDER)


class StatementPrintView(StatementDetailView):
    def get(self, request, pk):
        return statement_page(
            request, self.get_object(pk), side=Side.PROVIDER, template="contracts/money/statement_print.html"
        )


class StatementIssueView(ProviderView):
    """POST contract + month (a button of the list's “to issue” section): issue that statement."""

    required_action = Action.MANAGE_STATEMENTS
    http_method_names = ["post"]

    def post(self, request):
        form = StatementIssueForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a contract and a month from the list."))
            return redirect("portal:statement_list")
        try:
            statement = statement_issue(
                actor=request.actor, contract=form.cleaned_data["contract"], month=form.cleaned_data["month"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("portal:statement_list")
        messages.success(
            request,
            _("The statement for %(month)s was issued; the merchant was asked to confirm it.")
            % {"month": month_label(statement.period)},
        )
        return redirect("portal:statement_detail", pk=statement.pk)


class StatementActionView(ProviderView):
    model = Statement
    required_action = Action.MANAGE_STATEMENTS
    http_method_names = ["post"]
    success = ""

    def act(self, request, statement):
        raise NotImplementedError

    def post(self, request, pk):
        statement = self.get_object(pk)
        try:
            statement = self.act(request, statement)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, self.success % {"month": month_label(statement.period)})
        return redirect("portal:statement_detail", pk=statement.pk)


class StatementReissueView(StatementActionView):
    """Reissue a disputed statement, recomputed from the records as they are now."""

    def act(self, request, statement):
        self.success = _("The statement for %(month)s was reissued, recomputed; the merchant was asked again.")
        return statement_issue(actor=request.actor, contract=statement.contract, month=statement.period)


class StatementMarkPaidView(StatementActionView):
    def act(self, request, statement):
        self.success = _("The statement for %(month)s is marked paid.")
        return statement_mark_paid(actor=request.actor, statement=statement)


class GmvListView(ProviderListView):
    """The provider's attributed GMV records, newest first (`?month=&contract=&store=&kind=` in the URL), with
    the last 30 days' totals."""

    model = GmvRecord
    template_name = "contracts/money/gmv_list.html"
    context_object_name = "records"

    def scope_queryset(self, queryset):
        self.recent = gmv_net_since(queryset)
        self.filterset = GmvFilter(self.request.GET, queryset=gmv_list(queryset), request=self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"filter_form": self.filterset.form, "recent": self.recent}


# --- the merchant's side ----------------------------------------------------------------------------


class MerchantStatementListView(MerchantViewMixin, ListView):
    """The merchant's statements, latest month first (`?status=&month=&contract=`); those awaiting it first
    in attention (a badge)."""

    model = Statement
    paginate_by = 50
    template_name = "contracts/money/statement_list.html"
    context_object_name = "statements"

    def scope_queryset(self, queryset):
        self.filterset = StatementFilter(self.request.GET, queryset=statement_list(queryset), request=self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {
            "filter_form": self.filterset.form,
            "side": Side.MERCHANT,
            "layout": LAYOUTS[Side.MERCHANT],
            "namespace": "merchant",
        }


class MerchantStatementDetailView(MerchantView):
    model = Statement

    def scope_queryset(self, queryset):
        return statement_detail(queryset)

    def get(self, request, pk):
        return statement_page(request, self.get_object(pk), side=Side.MERCHANT)


class MerchantStatementPrintView(MerchantStatementDetailView):
    def get(self, request, pk):
        return statement_page(
            request, self.get_object(pk), side=Side.MERCHANT, template="contracts/money/statement_print.html"
        )


class MerchantStatementConfirmView(MerchantView):
    model = Statement
    http_method_names = ["post"]

    def post(self, request, pk):
        statement = self.get_object(pk)
        try:
            statement_confirm(actor=request.actor, statement=statement)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("You confirmed the statement for %(month)s; %(provider)s was told.")
                % {"month": month_label(statement.period), "provider": statement.provider.name},
            )
        return redirect("merchant:statement_detail", pk=statement.pk)


class MerchantStatementDisputeView(MerchantView):
    """POST a reason: the statement is disputed; an invalid form shows the page again with what was typed."""

    model = Statement
    http_method_names = ["post"]

    def scope_queryset(self, queryset):
        return statement_detail(queryset)

    def post(self, request, pk):
        statement = self.get_object(pk)
        form = StatementDisputeForm(request.POST)
        if form.is_valid():
            try:
                statement_dispute(actor=request.actor, statement=statement, reason=form.cleaned_data["reason"])
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("You disputed the statement for %(month)s; %(provider)s will reissue it.")
                    % {"month": month_label(statement.period), "provider": statement.provider.name},
                )
                return redirect("merchant:statement_detail", pk=statement.pk)
        return statement_page(request, statement, side=Side.MERCHANT, dispute_form=form)


portal_urlpatterns = [
    path("statements/", StatementListView.as_view(), name="statement_list"),
    path("statements/issue/", StatementIssueView.as_view(), name="statement_issue"),
    path("statements/<int:pk>/", StatementDetailView.as_view(), name="statement_detail"),
    path("statements/<int:pk>/print/", StatementPrintView.as_view(), name="statement_print"),
    path("statements/<int:pk>/reissue/", StatementReissueView.as_view(), name="statement_reissue"),
    path("statements/<int:pk>/paid/", StatementMarkPaidView.as_view(), name="statement_mark_paid"),
    path("gmv/", GmvListView.as_view(), name="gmv_list"),
]
merchant_urlpatterns = [
    path("statements/", MerchantStatementListView.as_view(), name="statement_list"),
    path("statements/<int:pk>/", MerchantStatementDetailView.as_view(), name="statement_detail"),
    path("statements/<int:pk>/print/", MerchantStatementPrintView.as_view(), name="statement_print"),
    path("statements/<int:pk>/confirm/", MerchantStatementConfirmView.as_view(), name="statement_confirm"),
    path("statements/<int:pk>/dispute/", MerchantStatementDisputeView.as_view(), name="statement_dispute"),
]
