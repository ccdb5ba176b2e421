"""商家中心: the merchant's own pages (dashboard, profile, stores)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView

from linke.errors import ApplicationError, ConflictError

from ..dashboard import merchant_panels
from ..forms import MerchantProfileForm, StoreForm, district_options
from ..models import Store
from ..selectors.centre import merchant_dashboard, offered_city, store_list
from ..services.centre import merchant_create, merchant_update, store_create, store_update
from .base import MerchantView, MerchantViewMixin


def optional_url(name: str) -> str:
    """The URL of a merchant page another area adds (requests, lead status), or "" until it exists."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


class HomeView(MerchantView):
    """商家中心: the dashboard; a signed-in user without a merchant account is invited to create one here."""

    merchant_required = False

    def get(self, request):
        if request.merchant is None:
            return self.invitation(MerchantProfileForm())
        panels, scripts = merchant_panels.shown(request)  # the cards of the apps above (contracts)
        return render(
            request,
            "merchant/home.html",
            {
                "dashboard": merchant_dashboard(request.merchant),
                "requests_url": optional_url("merchant:request_list"),
                "lead_status_url": optional_url("merchant:lead_status"),
                "dashboard_panels": panels,
                "dashboard_scripts": scripts,
            },
        )

    def post(self, request):
        """Create the merchant profile (once: a merchant edits it on the profile page)."""
        if request.merchant is not None:
            return redirect("merchant:profile")
        form = MerchantProfileForm(request.POST)
        if form.is_valid():
            try:
                merchant = merchant_create(actor=request.actor, user=request.user, data=form.cleaned_data)
            except ConflictError as error:  # a double submit: the first one created it
                messages.info(request, error.message)
                return redirect("merchant:home")
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Welcome, %(name)s: add your first store so that providers can serve it.")
                    % {"name": merchant.name},
                )
                return redirect("merchant:home")
        return self.invitation(form)

    def invitation(self, form):
        return render(self.request, "merchant/welcome.html", {"form": form})


class ProfileView(MerchantView):
    template_name = "merchant/profile.html"

    def get(self, request):
        return render(request, self.template_name, {"form": MerchantProfileForm(instance=request.merchant)})

    def post(self, request):
        form = MerchantProfileForm(request.POST, instance=request.merchant)
        if form.is_valid():
            changed = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                merchant_update(actor=request.actor, merchant=request.merchant, data=changed)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Profile saved."))
                return redirect("merchant:home")
        return render(request, self.template_name, {"form": form})


class StoreListView(MerchantViewMixin, ListView):
    model = Store
    template_name = "merchant/stores/list.html"
    context_object_name = "stores"
    paginate_by = 50

    def scope_queryset(self, queryset):
        return store_list(queryset)


class StoreFormView(MerchantView):
    """Add a store (no pk) or edit one of the merchant's stores (pk)."""

    model = Store
    template_name = "merchant/stores/form.html"

    def render_form(self, form, store):
        return render(self.request, self.template_name, {"form": form, "store": store})

    def get(self, request, pk=None):
        store = self.get_object(pk) if pk else None
        return self.render_form(StoreForm(instance=store), store)

    def post(self, request, pk=None):
        store = self.get_object(pk) if pk else None
        form = StoreForm(request.POST, instance=store)
        if form.is_valid():
            try:
                if store is None:
                    store_create(actor=request.actor, merchant=request.merchant, data=form.cleaned_data)
                else:
                    changed = {name: form.cleaned_data[name] for name in form.changed_data}
                    store_update(actor=request.actor, store=store, data=changed)
            except ApplicationError as error:
                form.add_error("district" if error.code == "district_not_in_city" else None, error.message)
            else:
                messages.success(request, _("Store saved."))
                return redirect("merchant:store_list")
        return self.render_form(form, store)


class StoreDistrictsView(MerchantView):
    """The district `<option>`s of a city, for the store form's htmx refresh when the city changes."""

    def get(self, request):
        city = offered_city(request.GET.get("city"))
        return render(request, "merchant/stores/_district_options.html", {"options": district_options(city)})
