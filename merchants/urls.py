from django.urls import path

from .views import centre

# The merchant portal (mounted under /merchant/ in the `merchant` namespace).
urlpatterns = [
    # 商家中心: dashboard, profile, stores, lead status (merchants.views.centre)
    path("", centre.HomeView.as_view(), name="home"),
    # cooperation requests, the merchant's side (merchants.views.requests)
]
