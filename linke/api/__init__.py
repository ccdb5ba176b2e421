"""The API's generic pieces: the channel skeleton of every API view and the schema generator."""

from contextlib import ExitStack

from drf_spectacular import generators

from ..channels import refuse_overrides, render_inside
from ..tenancy import all_providers

PROTECTED = {
    "get_queryset": "narrow the rows in scope_queryset()",
    "queryset": "set model and narrow the rows in scope_queryset()",
    "get_object": "find rows through get_queryset()",
    "permission_classes": "declare what the endpoint needs the channel's way (action_permissions)",
    "get_permissions": "declare what the endpoint needs the channel's way (action_permissions)",
    "authentication_classes": "the channel authenticates",
    "get_authenticators": "the channel authenticates",
    "dispatch": "the channel dispatches",
    "perform_authentication": "the channel authenticates",
    "enter_channel": "the channel resolves the owner",
}


class ChannelAPIMixin:
    """Put first in an API view's bases. DRF's `initial()` authenticates (session, later API keys), then
    checks permissions: `enter_channel(request, scopes)` runs between the two, so that it can resolve
    the owner from whichever authenticator succeeded and the permission checks read `request.actor`.
    The response is rendered inside the scope, and every scope is left afterwards, whatever happened.
    The rows of `model` are always found through its scoped manager."""

    channel_base = True
    model = None

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

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation runs outside any tenant
            return self.model.objects.none()
        return self.scope_queryset(self.model.objects.all())

    def scope_queryset(self, queryset):
        return queryset


class SchemaGenerator(generators.SchemaGenerator):
    """OpenAPI generation inspects querysets and filtersets but reads no tenant rows, so it runs
    outside the tenant scope (django-filter builds filtersets from `_default_manager.all().query`)."""

    def get_schema(self, request=None, public=False):
        with all_providers():
            return super().get_schema(request=request, public=public)
