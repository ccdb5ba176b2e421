"""The provider channel of the API: every provider endpoint is one of these classes.

After DRF authentication (the session today; an API key later sets the provider from the key, here),
the channel resolves the provider acted for (`request.provider`, `request.membership`, `request.actor`)
and enters its scope; the permission classes then read the actor. The queryset is always the model's
scoped manager: another provider's object answers 404, exactly as a missing one does. Subclasses
cannot replace the queryset, the object lookup, the permissions or the authenticators."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, viewsets
from rest_framework.views import APIView

from linke.actors import Actor
from linke.api.channels import ChannelAPIMixin

from ..permissions import Action, require
from ..tenancy import provider_scope, resolve_provider_channel


class HasCurrentProvider(permissions.BasePermission):
    message = _("You are not a member of any provider yet.")
    code = "no_provider"

    def has_permission(self, request, view):
        return getattr(request, "provider", None) is not None


class ReadOnly(permissions.BasePermission):
    """An endpoint about the signed-in user, open without a provider: reads only."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS


class HasRolePermission(permissions.BasePermission):
    """Checks `view.action_permissions[view.action]` (default: VIEW for reads, the view's
    `write_permission` otherwise) against what the actor may do; a refusal is a 403 with a message."""

    def has_permission(self, request, view):
        default = Action.VIEW if request.method in permissions.SAFE_METHODS else view.write_permission
        action = view.action_permissions.get(getattr(view, "action", None), default)
        if action is None:
            return False  # a write nobody declared a permission for is refused, not allowed
        require(request.actor, action)
        return True


class ProviderAPIMixin(ChannelAPIMixin):
    """Acts for `request.provider`, inside its scope. `provider_required = False` lets any signed-in user
    read (an endpoint about themselves, such as `me/`); nothing is written there."""

    channel_base = True
    provider_required = True
    action_permissions: dict = {}
    write_permission = None  # subclasses with writes name the Action they need (else writes are refused)

    def get_permissions(self):
        required = [HasCurrentProvider, HasRolePermission] if self.provider_required else [ReadOnly]
        return [permission() for permission in (permissions.IsAuthenticated, *required)]

    def enter_channel(self, request, scopes):
        if not request.user.is_authenticated:
            request.memberships, request.membership, request.provider = [], None, None
            request.actor = Actor.for_user(None)
            return
        resolve_provider_channel(request, request.user)
        if request.provider is not None:
            scopes.enter_context(provider_scope(request.provider))


class ProviderAPIView(ProviderAPIMixin, APIView):
    """An endpoint of the current provider that is not a collection (its profile, say)."""

    channel_base = True


class ProviderScopedViewSet(ProviderAPIMixin, viewsets.GenericViewSet):
    """A collection of the current provider's rows of `model`."""

    channel_base = True
