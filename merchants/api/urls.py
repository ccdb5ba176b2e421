"""The merchants domain's API (included under /api/v1/ in the `api` namespace)."""

from django.urls import path  # noqa: F401  (sections below add their routes)
from rest_framework.routers import SimpleRouter

from . import accounts, centre
from . import leads as lead_api
from . import requests as request_api

router = SimpleRouter()
router.register("accounts", accounts.AccountViewSet, basename="account")
router.register("merchant/stores", centre.StoreViewSet, basename="merchant-store")
router.register("requests", request_api.InboxViewSet, basename="request")
router.register("merchant/requests", request_api.SentRequestViewSet, basename="merchant-request")
router.register("leads", lead_api.LeadPoolViewSet, basename="lead")
router.register("claims", lead_api.ClaimViewSet, basename="claim")
router.register("disputes", lead_api.DisputeViewSet, basename="dispute")

urlpatterns = [
    # the merchant's own profile, stores, lead status (merchants.api.centre) — under merchant/
    path("merchant/profile/", centre.MerchantProfileView.as_view(), name="merchant-profile"),
    path("reference/cities/<int:pk>/districts/", centre.CityDistrictsView.as_view(), name="reference-city-districts"),
    # cooperation requests: merchant/requests/ and requests/ (merchants.api.requests)
    # lead pool, claims, disputes (merchants.api.leads); the merchant's lead status
    path("merchant/lead/", lead_api.MerchantLeadView.as_view(), name="merchant-lead"),
    path("merchant/lead/opt-out/", lead_api.MerchantLeadOptOutView.as_view(), name="merchant-lead-opt-out"),
    path("merchant/lead/opt-in/", lead_api.MerchantLeadOptInView.as_view(), name="merchant-lead-opt-in"),
    # account owners (merchants.api.accounts): accounts/, accounts/<pk>/, accounts/reassign/
    *router.urls,
]
