from django.urls import path
from rest_framework.routers import SimpleRouter

from . import profile
from .views import TeamViewSet

router = SimpleRouter()
router.register("team", TeamViewSet, basename="team")
router.register("service-packages", profile.ServicePackageViewSet, basename="service-package")
router.register("case-studies", profile.CaseStudyViewSet, basename="case-study")
urlpatterns = [
    path("profile/", profile.ProfileView.as_view(), name="profile"),
    *router.urls,
]
