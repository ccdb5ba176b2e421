"""The channel skeleton of every API view (the portals' twin is `linke.channels`)."""

from contextlib import ExitStack

from .. import channels
from ..channels import OwnedRowsMixin, refuse_overrides, render_inside

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
