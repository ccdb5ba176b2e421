"""The API's generic pieces: the channel skeleton of every API view and the schema generator."""

from contextlib import ExitStack

from drf_spectacular import generators

from .. import channels
from ..channels import OwnedRowsMixin, refuse_overrides, render_inside
from ..tenancy import all_providers

PROTECTED = channels.PROTECTED | {
    "permission_classes": "declare what the endpoint needs the channel's way (action_permissions)",
    "get_permissions": "declare what the endpoint needs the channel's way (action_permissions)",
    "authentication_classes": "the channel authenticates",
    "get_authenticators": "the channel authenticates",
    "perform_authentication": "the channel authenticates",
}


class ChannelAPIMixin(OwnedRowsMixin):
    """Put first in an API view's bases. DRF's `initial()` authenticates (session, later API keys), then
    checks permissions: `enter_channel(request, scopes)` runs between the two, so that it can resolve
    the owner from whichever authenticator succeeded and the permission checks read `request.actor`.
    The response is rendered inside the scope, and every scope is left afterwards, whatever happened."""

    channel_base = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        refuse_overrides(cls, PROTECTED)

    def dispatch(self, request, *args, **kwargs):
        with ExitStack() as self.channel_scopes:
            return render_inside(super().dispatch(request, *args, **kwargs))

    def perform_authentication(self, request):
        super().perform_authentication(request)
        self.enter_channel(request, self.channel_scopes)

    def enter_channel(self, request, scopes: ExitStack) -> None:
        raise NotImplementedError


class SchemaGenerator(generators.SchemaGenerator):
    """OpenAPI generation inspects querysets and filtersets but reads no tenant rows, so it runs
    outside the tenant scope (django-filter builds filtersets from `_default_manager.all().query`)."""

    def get_schema(self, request=None, public=False):
        with all_providers():
            return super().get_schema(request=request, public=public)
