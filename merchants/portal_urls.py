"""Provider-portal pages of the merchants domain, mounted under /portal/ in the `portal` namespace by the
composition root (`linke.urls`): they act for a provider through `providers.views.base`."""

from django.urls import path  # noqa: F401  (sections below add their routes)

urlpatterns = [
    # cooperation requests inbox (merchants.views.requests)
    # lead pool, private pool, claims, disputes (merchants.views.leads)
    # account owners 跟进人 (merchants.views.accounts)
]
