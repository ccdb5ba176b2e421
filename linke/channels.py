"""Channels: every way in (the provider portal, the merchant portal, the API, the admin, tasks) resolves
who it acts for where it authenticates, enters that owner's scope and leaves it in `finally`.

This module holds the skeleton shared by the pages of the portals; the tenant layers fill in
`enter_channel()` (`providers.views.base`, `merchants.views`). The API's twin is
`linke.api.ChannelAPIMixin`."""

from contextlib import ExitStack


def render_inside(response):
    """A template response renders after the view has returned, when the scope is already closed:
    render it now, while the view's scope is open (Django's later render() is then a no-op)."""
    if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
        response.render()
    return response


def refuse_overrides(cls, protected: dict[str, str]) -> None:
    """For `__init_subclass__` of a channel's base class: a subclass may not replace what keeps the
    tenant's rows in (`protected` maps a name to what to do instead)."""
    for name, advice in protected.items():
        if name in cls.__dict__:
            raise TypeError(f"{cls.__name__} must not override {name}: {advice}")


class ChannelViewMixin:
    """Put first in a portal page's bases. `enter_channel(request, scopes)` resolves the owner (setting
    `request.actor` and the channel's attributes), enters its scope on `scopes` and may answer itself
    (a redirect, say); the page is dispatched and rendered inside, and every scope is left afterwards,
    whatever happened."""

    def dispatch(self, request, *args, **kwargs):
        with ExitStack() as scopes:
            response = self.enter_channel(request, scopes) or super().dispatch(request, *args, **kwargs)
            return render_inside(response)

    def enter_channel(self, request, scopes: ExitStack):
        raise NotImplementedError
