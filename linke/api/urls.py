from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import MeView, NotificationViewSet

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("", include("providers.api.urls")),
    *router.urls,
]
