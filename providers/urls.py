from django.urls import path

from . import views

urlpatterns = [
    path("team/", views.TeamView.as_view(), name="team"),
    path("team/<int:pk>/", views.TeamMemberView.as_view(), name="team_member"),
]
