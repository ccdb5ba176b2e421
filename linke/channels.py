"""Channels: every way in (the provider portal, the merchant portal, the API, the admin, tasks) resolves
who it acts for where it authenticates, enters that owner's scope and leaves it in `finally`.

This module holds the skeleton of the portals' pages; the tenant layers fill in `enter_channel()`
(`providers.views.base`, `merchants.views.base`). The API's twin is `linke.api.ChannelAPIMixin`."""

from contextlib import ExitStack

from django.shortcuts import get_object_or_404

PROTECTED = {
    "get_queryset": "narrow the rows in scope_queryset()",
    "queryset": "set model and narrow the rows in scope_queryset()",
    "get_object": "find rows through get_queryset()",
    "dispatch": "the channel dispatches",
    "enter_channel": "the channel resolves the owner",
}


def render_inside(response):
    """A template response renders after the view has returned, when the scope is already closed:
    render it now, while the view's scope is open (Django's later render() is then a no-op)."""
    if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
        response.render()
    return response


def refuse_overrides(cls, protected: dict[str, str]) -> None:
    """For `__init_subclass__` of a channel's base classes: a page or endpoint may not replace what keeps
    its owner's rows in (`protected` maps a name to what to do instead), neither itself nor through a
    mixin placed before the base class. The base classes themselves say `channel_base = True`."""
    for klass in cls.__mro__:
        if klass.__dict__.get("channel_base"):
            return
        for name, advice in protected.items():
            if name in klass.__dict__:
                where = "" if klass is cls else f" (in {klass.__name__})"
                raise TypeError(f"{cls.__name__} must not override {name}{where}: {advice}")


class OwnedRowsMixin:
    """The rows of `model` a channel's page or endpoint works on: always its scoped manager, narrowed by
    `scope_queryset()`, so another owner's row is not found (404), as a missing one is."""

    model = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # OpenAPI generation runs outside any tenant
            return self.model.objects.none()
        return self.scope_queryset(self.model.objects.all())

    def scope_queryset(self, queryset):
        return queryset


class ChannelViewMixin(OwnedRowsMixin):
    """Put first in a portal page's bases. `enter_channel(request, scopes)` resolves the owner (setting
    `request.actor` and the channel's attributes), enters its scope on `scopes` and may answer itself
    (a redirect, say); the page is dispatched and rendered inside, and every scope is left afterwards,
    whatever happened."""

    channel_base = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        refuse_overrides(cls, PROTECTED)

    def dispatch(self, request, *args, **kwargs):
        with ExitStack() as scopes:
            response = self.enter_channel(request, scopes) or super().dispatch(request, *args, **kwargs)
            return render_inside(response)

    def enter_channel(self, request, scopes: ExitStack):
        raise NotImplementedError

    def get_object_by_pk(self, pk):
        """The owner's row of `model` with this id, or 404 (another owner's row is missing here too)."""
        return get_object_or_404(self.get_queryset(), pk=pk)
