"""Probe pages of each channel (provider portal, merchant portal, API) that report the scope they run in,
and pages that fail, beside the real URL conf."""

from django.http import JsonResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import include, path
from rest_framework.response import Response

from linke.tenancy import ScopeError, current_scope
from merchants.views.base import MerchantView
from providers.api.base import ProviderAPIView
from providers.models import Membership
from providers.views.base import ProviderView


def members_visible():
    """The member rows this scope shows, or "closed" when it shows none at all."""
    try:
        return sorted(Membership.objects.values_list("pk", flat=True))
    except ScopeError:
        return "closed"


def report(request):
    return {"scope": current_scope(), "members": members_visible(), "actor": request.actor.kind}


class ProviderProbe(ProviderView):
    provider_required = False

    def get(self, request):
        return JsonResponse(report(request))


class MerchantProbe(MerchantView):
    merchant_required = False

    def get(self, request):
        return JsonResponse(report(request))


class ApiProbe(ProviderAPIView):
    provider_required = False

    def get(self, request):
        return Response(report(request))


class LateRenderingPage(ProviderView):
    """Its rows are read while the template renders, after get() has returned."""

    def get(self, request):
        template = engines["django"].from_string("{% for m in provider.membership_set.all %}{{ m.pk }};{% endfor %}")
        return TemplateResponse(request, template, {"provider": request.provider})


class LateRenderingApi(ProviderAPIView):
    def get(self, request):
        return Response({"members": Membership.objects.order_by("pk").values_list("pk", flat=True)})  # lazy


class FailingProviderPage(ProviderView):
    def get(self, request):
        raise RuntimeError("the page failed inside the provider scope")


class FailingMerchantPage(MerchantView):
    def get(self, request):
        raise RuntimeError("the page failed inside the merchant scope")


class FailingApi(ProviderAPIView):
    def get(self, request):
        raise RuntimeError("the endpoint failed inside the provider scope")


urlpatterns = [
    path("portal/probe/", ProviderProbe.as_view()),
    path("portal/failing/", FailingProviderPage.as_view()),
    path("portal/late/", LateRenderingPage.as_view()),
    path("api/v1/late/", LateRenderingApi.as_view()),
    path("merchant/probe/", MerchantProbe.as_view()),
    path("merchant/failing/", FailingMerchantPage.as_view()),
    path("api/v1/probe/", ApiProbe.as_view()),
    path("api/v1/failing/", FailingApi.as_view()),
    path("", include("linke.urls")),
]
