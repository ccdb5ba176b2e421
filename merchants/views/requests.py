"""Cooperation requests (合作意向), both sides: the merchant sends, follows and withdraws its requests
(/merchant/requests/); the provider reads its inbox and declines with a reason (/portal/requests/)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import ListView

from linke.errors import ApplicationError
from linke.http import id_or_none
from providers.models import Provider
from providers.permissions import Action, can
from providers.views.base import ProviderDetailView, ProviderListView, ProviderView

from ..choices import RequestStatus
from ..models import CooperationRequest
from ..request_forms import InboxFilter, RequestDeclineForm, RequestSendForm, SentFilter
from ..selectors.requests import request_detail, request_inbox, request_sent_list, request_unread_count
from ..services.requests import request_decline, request_mark_read, request_send, request_withdraw
from ..transitions import REQUEST_TRANSITIONS, can_transition
from .base import MerchantView, MerchantViewMixin

# --- the merchant's side ----------------------------------------------------------------------------


class RequestCreateView(MerchantView):
    """/merchant/requests/new/?provider=<id>, linked from the provider's profile in the directory."""

    template_name = "merchants/requests/create.html"

    def get_provider(self, request) -> Provider:
        # A suspended provider's page says it cannot receive requests now (an old link from its profile).
        provider_id = id_or_none(request.GET.get("provider"))
        provider = Provider.objects.filter(pk=provider_id).first() if provider_id else None
        if provider is None:
            raise Http404
        return provider

    def render_form(self, request, provider, form):
        context = {"provider": provider, "form": form, "has_stores": form.fields["stores"].queryset.exists()}
        return render(request, self.template_name, context)

    def get(self, request):
        provider = self.get_provider(request)
        return self.render_form(request, provider, RequestSendForm(provider=provider, merchant=request.merchant))

    def post(self, request):
        provider = self.get_provider(request)
        form = RequestSendForm(request.POST, provider=provider, merchant=request.merchant)
        if form.is_valid():
            try:
                sent = request_send(actor=request.actor, provider=provider, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Your request was sent to %(provider)s. You will be notified of the answer.")
                    % {"provider": provider.name},
                )
                return redirect("merchant:request_detail", pk=sent.pk)
        return self.render_form(request, provider, form)


class SentListView(MerchantViewMixin, ListView):
    """The requests the merchant sent, newest first; `?status=&provider=` stay in the URL."""

    model = CooperationRequest
    paginate_by = 50
    template_name = "merchants/requests/sent_list.html"
    context_object_name = "cooperation_requests"

    def scope_queryset(self, queryset):
        self.filterset = SentFilter(self.request.GET, queryset=request_sent_list(queryset), request=self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"filter_form": self.filterset.form}


class SentDetailView(MerchantView):
    model = CooperationRequest

    def scope_queryset(self, queryset):
        return request_detail(queryset)

    def get(self, request, pk):
        obj = self.get_object(pk)
        context = {
            "cooperation_request": obj,
            "can_withdraw": can_transition(obj.status, RequestStatus.WITHDRAWN, table=REQUEST_TRANSITIONS),
        }
        return render(request, "merchants/requests/sent_detail.html", context)


class RequestWithdrawView(MerchantView):
    model = CooperationRequest
    http_method_names = ["post"]

    def post(self, request, pk):
        obj = self.get_object(pk)
        try:
            request_withdraw(actor=request.actor, request=obj)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your request to %(provider)s was withdrawn.") % {"provider": obj.provider})
        return redirect("merchant:request_detail", pk=obj.pk)


# --- the provider's inbox ---------------------------------------------------------------------------


class InboxView(ProviderListView):
    """Requests received, newest first; `?status=&mode=&unread=on` stay in the URL; unread ones in bold."""

    model = CooperationRequest
    template_name = "merchants/requests/inbox.html"
    context_object_name = "cooperation_requests"

    def scope_queryset(self, queryset):
        self.unread_count = request_unread_count(queryset)
        self.filterset = InboxFilter(self.request.GET, queryset=request_inbox(queryset), request=self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {"filter_form": self.filterset.form, "unread_count": self.unread_count}


def inbox_detail(request, obj, decline_form=None):
    """The request's page in the inbox; the decline form only for those who may answer an open request."""
    can_decline = can(request.membership, Action.ANSWER_REQUESTS) and can_transition(
        obj.status, RequestStatus.DECLINED, table=REQUEST_TRANSITIONS
    )
    context = {
        "cooperation_request": obj,
        "can_decline": can_decline,
        "decline_form": (decline_form or RequestDeclineForm()) if can_decline else None,
    }
    return render(request, "merchants/requests/inbox_detail.html", context)


class InboxDetailView(ProviderDetailView):
    """Opening a request marks it read for the whole provider."""

    model = CooperationRequest

    def scope_queryset(self, queryset):
        return request_detail(queryset)

    def get(self, request, *args, **kwargs):
        obj = request_mark_read(actor=request.actor, request=self.get_object())
        return inbox_detail(request, obj)


class RequestDeclineView(ProviderView):
    model = CooperationRequest
    required_action = Action.ANSWER_REQUESTS
    http_method_names = ["post"]

    def scope_queryset(self, queryset):
        return request_detail(queryset)

    def post(self, request, pk):
        obj = self.get_object(pk)
        form = RequestDeclineForm(request.POST)
        if not form.is_valid():
            return inbox_detail(request, obj, form)
        try:
            request_decline(actor=request.actor, request=obj, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("You declined the request of %(merchant)s; they were told why.") % {"merchant": obj.merchant}
            )
        return redirect("portal:request_detail", pk=obj.pk)
