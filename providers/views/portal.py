"""The portal's home page and the provider switcher."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ..choices import ApplicationStatus, ProviderStatus
from ..dashboard import portal_panels
from ..selectors import application_list
from ..tenancy import choose_provider
from .base import ProviderView


class HomeView(ProviderView):
    provider_required = False  # a newcomer's home: how to join a provider or apply to become one

    def get(self, request):
        """A member sees their provider's standing (and, when it is not good, why and what to do); anyone
        else the state of their latest application, if they have one, and how to join or apply."""
        application = None
        panels, scripts = [], []
        if request.provider is None:
            applications = application_list(user=request.user)
            application = applications[0] if applications else None
        else:
            panels, scripts = portal_panels.shown(request)  # the cards of the apps above (contracts)
        return render(
            request,
            "portal/home.html",
            {
                "application": application,
                "application_statuses": ApplicationStatus,
                "provider_statuses": ProviderStatus,
                "support_email": settings.LINKE_SUPPORT_EMAIL,
                "dashboard_panels": panels,
                "dashboard_scripts": scripts,
            },
        )


class SwitchProviderView(ProviderView):
    provider_required = False
    http_method_names = ["post"]

    def post(self, request):
        try:
            provider_id = int(request.POST.get("provider", ""))
        except ValueError:
            provider_id = None
        if provider_id is None or not choose_provider(request, provider_id):
            messages.error(request, _("You are not a member of that provider."))
        # Not back to the referring page: an object page of the old provider would be a 404 now.
        next_url = request.POST.get("next") or ""
        if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}
        ):
            next_url = reverse("portal:home")
        return redirect(next_url)
