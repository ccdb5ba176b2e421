from django.urls import path

from .views import team

# Portal pages (mounted under /portal/ in the `portal` namespace).
urlpatterns = [
    path("team/", team.TeamView.as_view(), name="team"),
    path("team/<int:pk>/", team.TeamMemberView.as_view(), name="team_member"),
]

# Public pages (no login, no tenant).
public_urlpatterns = []
