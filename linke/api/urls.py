from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import NotificationViewSet

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("", include("providers.api.urls")),
    path("", include("merchants.api.urls")),
    path("", include("contracts.api.urls")),
    *router.urls,
]
