"""The merchant portal's channel (/merchant/): every page acts for the signed-in user's merchant, inside its scope.

A user who is also a provider member sees only merchant rows here, and only provider rows under
/portal/: the URL decides the channel."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import View

from linke.channels import ChannelViewMixin

from ..tenancy import merchant_scope, resolve_merchant_channel


class MerchantViewMixin(ChannelViewMixin, LoginRequiredMixin):
    """A merchant portal page. `merchant_required` (default True): a user without a merchant account is
    sent to the merchant home, which says how to get one."""

    channel_base = True
    merchant_required = True

    def enter_channel(self, request, scopes):
        if not request.user.is_authenticated:
            return None  # LoginRequiredMixin sends them to log in
        resolve_merchant_channel(request, request.user)
        if request.merchant is None:
            return redirect("merchant:home") if self.merchant_required else None
        scopes.enter_context(merchant_scope(request.merchant))
        return None


class MerchantView(MerchantViewMixin, View):
    """A merchant page; with `model` set, `self.get_object(pk)` finds the merchant's row or raises 404."""

    channel_base = True

    def get_object(self, pk):
        return self.get_object_by_pk(pk)
