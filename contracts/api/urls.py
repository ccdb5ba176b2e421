"""The contracts domain's API (included under /api/v1/ in the `api` namespace): each area lists its
router registrations (`routes`) and plain paths (`urlpatterns`)."""

from rest_framework.routers import SimpleRouter

from . import contracts, deliverables, money, reviews, rfqs

AREAS = (contracts, rfqs, deliverables, money, reviews)
router = SimpleRouter()
for area in AREAS:
    for prefix, viewset, basename in area.routes:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [pattern for area in AREAS for pattern in area.urlpatterns] + router.urls
