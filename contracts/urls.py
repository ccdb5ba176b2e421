"""The contracts domain's pages: `portal_urlpatterns` are mounted under /portal/ (namespace portal),
`merchant_urlpatterns` under /merchant/ (namespace merchant) by the composition root (`linke.urls`)."""

from .views import contracts, deliverables, money, reviews, rfqs

AREAS = (contracts, rfqs, deliverables, money, reviews)
portal_urlpatterns = [pattern for area in AREAS for pattern in area.portal_urlpatterns]
merchant_urlpatterns = [pattern for area in AREAS for pattern in area.merchant_urlpatterns]
