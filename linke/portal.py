"""Base classes of provider portal pages. The queryset is always the model's scoped manager,
so a page can only ever find the current provider's rows: another tenant's object is a 404."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, View


class ProviderViewMixin(LoginRequiredMixin):
    """A page that acts for `request.provider` (set, with its scope, by `TenantMiddleware`).
    `required_action` (from `providers.permissions.Action`) is checked against the member's role:
    a refused member gets a 403 page that says why."""

    model = None
    required_action = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A subclass narrows through `scope_queryset`, never by replacing the scoped queryset.
        if "get_queryset" in cls.__dict__ or cls.__dict__.get("queryset") is not None:
            raise TypeError(f"{cls.__name__}: override scope_queryset(), not get_queryset()/queryset")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.provider is None:
            messages.info(request, _("You are not a member of any provider yet."))
            return redirect("portal:home")
        if request.user.is_authenticated and self.required_action is not None:
            from providers.permissions import MESSAGES, can

            if not can(request.membership, self.required_action):
                raise PermissionDenied(MESSAGES.get(self.required_action))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.scope_queryset(self.model.objects.all())

    def scope_queryset(self, queryset):
        return queryset


class ProviderListView(ProviderViewMixin, ListView):
    paginate_by = 50


class ProviderDetailView(ProviderViewMixin, DetailView):
    pass


class ProviderView(ProviderViewMixin, View):
    """A provider page that is not a plain list or detail (forms, actions); with `model` set,
    `self.get_object(pk)` finds the current provider's row or raises 404."""

    def get_object(self, pk):
        return get_object_or_404(self.get_queryset(), pk=pk)
