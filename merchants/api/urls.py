"""The merchants domain's API (included under /api/v1/ in the `api` namespace)."""

from django.urls import path  # noqa: F401  (sections below add their routes)
from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = [
    # the merchant's own profile, stores, lead status (merchants.api.centre) — under merchant/
    # cooperation requests: merchant/requests/ and requests/ (merchants.api.requests)
    # lead pool, claims, disputes (merchants.api.leads)
    # account owners (merchants.api.accounts)
    *router.urls,
]
