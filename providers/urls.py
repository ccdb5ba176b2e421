from django.urls import path

from .views import settings as settings_views
from .views import team

# Portal pages (mounted under /portal/ in the `portal` namespace).
urlpatterns = [
    path("team/", team.TeamView.as_view(), name="team"),
    path("team/<int:pk>/", team.TeamMemberView.as_view(), name="team_member"),
    path("settings/", settings_views.SettingsView.as_view(), name="settings"),
    path("settings/packages/new/", settings_views.ServicePackageView.as_view(), name="package_create"),
    path("settings/packages/<int:pk>/", settings_views.ServicePackageView.as_view(), name="package_edit"),
    path(
        "settings/packages/<int:pk>/delete/", settings_views.ServicePackageDeleteView.as_view(), name="package_delete"
    ),
    path("settings/cases/new/", settings_views.CaseStudyView.as_view(), name="case_create"),
    path("settings/cases/<int:pk>/", settings_views.CaseStudyView.as_view(), name="case_edit"),
    path("settings/cases/<int:pk>/delete/", settings_views.CaseStudyDeleteView.as_view(), name="case_delete"),
]

# Public pages (no login, no tenant).
public_urlpatterns = []
