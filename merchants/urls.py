from django.urls import path

from linke.views import NotificationListView

from .views import centre
from .views import leads as lead_views
from .views import requests as request_views

# The merchant portal (mounted under /merchant/ in the `merchant` namespace).
urlpatterns = [
    # 商家中心: dashboard, profile, stores, lead status (merchants.views.centre)
    path("", centre.HomeView.as_view(), name="home"),
    path("notifications/", NotificationListView.as_view(layout="merchant/base.html"), name="notifications"),
    path("profile/", centre.ProfileView.as_view(), name="profile"),
    path("stores/", centre.StoreListView.as_view(), name="store_list"),
    path("stores/new/", centre.StoreFormView.as_view(), name="store_create"),
    path("stores/<int:pk>/edit/", centre.StoreFormView.as_view(), name="store_edit"),
    path("stores/districts/", centre.StoreDistrictsView.as_view(), name="store_districts"),
    # the merchant's lead status and opt-out (merchants.views.leads)
    path("lead/", lead_views.MerchantLeadStatusView.as_view(), name="lead_status"),
    # cooperation requests, the merchant's side (merchants.views.requests)
    path("requests/", request_views.SentListView.as_view(), name="request_list"),
    path("requests/new/", request_views.RequestCreateView.as_view(), name="request_create"),
    path("requests/<int:pk>/", request_views.SentDetailView.as_view(), name="request_detail"),
    path("requests/<int:pk>/withdraw/", request_views.RequestWithdrawView.as_view(), name="request_withdraw"),
]
