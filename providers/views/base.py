"""The provider portal's page classes: every /portal/ page is one of these.

The channel resolves the provider a signed-in user acts for (`request.provider`, `request.membership`,
`request.actor`), enters its scope for the whole page, rendering included, and leaves it in `finally`.
The queryset is always the model's scoped manager: another provider's object answers 404, exactly as a
missing one does (`linke.channels`)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, View

from linke.channels import ChannelViewMixin

from ..permissions import MESSAGES, can
from ..tenancy import provider_scope, resolve_provider_channel


class ProviderViewMixin(ChannelViewMixin, LoginRequiredMixin):
    """A portal page. `provider_required` (default True): a user who is not a member of any provider
    is sent home. `required_action` (from `providers.permissions.Action`) is checked against the
    member's role: a refused member gets a 403 page that says why."""

    channel_base = True
    provider_required = True
    required_action = None

    def enter_channel(self, request, scopes):
        if not request.user.is_authenticated:
            return None  # LoginRequiredMixin sends them to log in
        resolve_provider_channel(request, request.user)
        if request.provider is None:
            if self.provider_required:
                messages.info(request, _("You are not a member of any provider yet."))
                return redirect("portal:home")
            return None
        scopes.enter_context(provider_scope(request.provider))
        if self.required_action is not None and not can(request.membership, self.required_action):
            raise PermissionDenied(MESSAGES.get(self.required_action))
        return None


class ProviderView(ProviderViewMixin, View):
    """A portal page that is not a plain list or detail (forms, actions); with `model` set,
    `self.get_object(pk)` finds the current provider's row or raises 404."""

    channel_base = True

    def get_object(self, pk):
        return self.get_object_by_pk(pk)


class ProviderListView(ProviderViewMixin, ListView):
    channel_base = True
    paginate_by = 50


class ProviderDetailView(ProviderViewMixin, DetailView):
    channel_base = True
