from django.urls import path
from rest_framework.routers import SimpleRouter

from . import applications, me, profile, team, verification

router = SimpleRouter()
router.register("applications", applications.ApplicationViewSet, basename="application")
router.register("team", team.TeamViewSet, basename="team")
router.register("invitations", team.InvitationViewSet, basename="invitation")
router.register("service-packages", profile.ServicePackageViewSet, basename="service-package")
router.register("case-studies", profile.CaseStudyViewSet, basename="case-study")
router.register("verification-codes", verification.VerificationCodeViewSet, basename="verification-code")
router.register("verification-events", verification.VerificationEventViewSet, basename="verification-event")
urlpatterns = [
    path("me/", me.MeView.as_view(), name="me"),
    path("profile/", profile.ProfileView.as_view(), name="profile"),
    path("invitations/accept/", team.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("public/verify/<str:code>/", verification.PublicVerifyView.as_view(), name="public-verify"),
    *router.urls,
]
