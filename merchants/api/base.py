"""The merchant channel of the API (/api/v1/merchant/...): every merchant endpoint is one of these classes.

After DRF authentication the channel resolves the signed-in user's merchant (`request.merchant`,
`request.actor`) and enters its scope, as the merchant portal does (`merchants.views.base`). The queryset is
the model's scoped manager: another merchant's row answers 404, exactly as a missing one does. Subclasses
cannot replace the queryset, the object lookup, the permissions or the authenticators."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, viewsets
from rest_framework.views import APIView

from linke.actors import Actor
from linke.api.channels import ChannelAPIMixin

from ..tenancy import merchant_scope, resolve_merchant_channel


class HasMerchant(permissions.BasePermission):
    message = _("You have no merchant account yet: create your merchant profile first.")
    code = "no_merchant"

    def has_permission(self, request, view):
        return getattr(request, "merchant", None) is not None


class MerchantAPIMixin(ChannelAPIMixin):
    """Acts for `request.merchant`, inside its scope. `merchant_required = False` lets a signed-in user
    without a merchant account in (the endpoint that creates one)."""

    channel_base = True
    merchant_required = True

    def get_permissions(self):
        required = [HasMerchant] if self.merchant_required else []
        return [permission() for permission in (permissions.IsAuthenticated, *required)]

    def enter_channel(self, request, scopes):
        if not request.user.is_authenticated:
            request.merchant, request.actor = None, Actor.for_user(None)
            return
        resolve_merchant_channel(request, request.user)
        if request.merchant is not None:
            scopes.enter_context(merchant_scope(request.merchant))


class MerchantAPIView(MerchantAPIMixin, APIView):
    """An endpoint of the current merchant that is not a collection (its profile, say)."""

    channel_base = True


class MerchantScopedViewSet(MerchantAPIMixin, viewsets.GenericViewSet):
    """A collection of the current merchant's rows of `model`."""

    channel_base = True
