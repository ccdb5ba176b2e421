"""Base classes of provider portal pages. The queryset is always the model's scoped manager,
so a page can only ever find the current provider's rows: another tenant's object is a 404."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView


class ProviderViewMixin(LoginRequiredMixin):
    """A page that acts for `request.provider` (set, with its scope, by `TenantMiddleware`)."""

    model = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A subclass narrows through `scope_queryset`, never by replacing the scoped queryset.
        if "get_queryset" in cls.__dict__ or cls.__dict__.get("queryset") is not None:
            raise TypeError(f"{cls.__name__}: override scope_queryset(), not get_queryset()/queryset")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.provider is None:
            messages.info(request, _("You are not a member of any provider yet."))
            return redirect("portal:home")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.scope_queryset(self.model.objects.all())

    def scope_queryset(self, queryset):
        return queryset


class ProviderListView(ProviderViewMixin, ListView):
    paginate_by = 50


class ProviderDetailView(ProviderViewMixin, DetailView):
    pass
