"""跟进人 pages of the provider portal: the merchants the provider looks after, one merchant's history of
account owners, and reassigning them (owner and admins, in bulk too)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from linke.errors import ApplicationError
from providers.models import Membership
from providers.permissions import Action, can
from providers.views.base import ProviderDetailView, ProviderListView, ProviderView

from ..models import AccountAssignment
from ..selectors.accounts import (
    AccountFilter,
    account_detail_list,
    account_history,
    account_list,
    account_owner_choices,
)
from ..services.accounts import account_reassign


class AccountReassignForm(forms.Form):
    """The merchants ticked on the list (or the one of a detail page) and whom they go to. Built per request:
    the choices are the current provider's rows."""

    assignments = forms.ModelMultipleChoiceField(queryset=AccountAssignment.objects.none())
    to_member = forms.ModelChoiceField(queryset=Membership.objects.none(), label=gettext_lazy("New account owner"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignments"].queryset = AccountAssignment.objects.filter(ended_at__isnull=True)
        self.fields["to_member"].queryset = account_owner_choices()
        self.fields["to_member"].label_from_instance = lambda membership: str(membership.user)


def account_permissions(membership) -> dict:
    return {
        "can_view_all": can(membership, Action.VIEW_ALL_ACCOUNTS),
        "can_assign": can(membership, Action.ASSIGN_ACCOUNTS),
    }


class AccountListView(ProviderListView):
    """The merchants the provider looks after, filtered by the URL (owner, city, held or not); a bd sees
    the ones assigned to them."""

    model = AccountAssignment
    template_name = "merchants/accounts/list.html"
    context_object_name = "assignments"

    def scope_queryset(self, queryset):
        self.filterset = AccountFilter(
            self.request.GET, queryset=account_list(membership=self.request.membership, queryset=queryset)
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs) | account_permissions(self.request.membership)
        context["filter"] = self.filterset
        if context["can_assign"]:
            context["owner_choices"] = list(account_owner_choices())
        return context


class AccountDetailView(ProviderDetailView):
    """One merchant the provider looks after: its account owner now and every one before."""

    model = AccountAssignment
    template_name = "merchants/accounts/detail.html"
    context_object_name = "assignment"

    def scope_queryset(self, queryset):
        return account_detail_list(membership=self.request.membership, queryset=queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs) | account_permissions(self.request.membership)
        history = account_history(self.object)
        context["history"] = history
        context["current"] = next((row for row in history if row.ended_at is None), None)
        if context["can_assign"]:
            context["owner_choices"] = list(account_owner_choices())
        return context


class AccountReassignView(ProviderView):
    """The reassign form of the list (ticked merchants) and of a detail page (one merchant)."""

    required_action = Action.ASSIGN_ACCOUNTS
    http_method_names = ["post"]

    def post(self, request):
        form = AccountReassignForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose at least one merchant and the member who will look after them."))
        else:
            try:
                created = account_reassign(
                    actor=request.actor,
                    assignments=form.cleaned_data["assignments"],
                    to_member=form.cleaned_data["to_member"],
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                member = form.cleaned_data["to_member"].user
                if created:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s merchant is now looked after by %(member)s.",
                            "%(count)s merchants are now looked after by %(member)s.",
                            len(created),
                        )
                        % {"count": len(created), "member": member},
                    )
                else:
                    messages.info(
                        request, _("Nothing changed: %(member)s already looks after them.") % {"member": member}
                    )
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) and back.startswith("/portal/"):
            return redirect(back)
        return redirect("portal:account_list")
