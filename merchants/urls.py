from django.urls import path

from . import views

# The merchant portal (mounted under /merchant/ in the `merchant` namespace).
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
]
