"""Provider-portal pages of the merchants domain, mounted under /portal/ in the `portal` namespace by the
composition root (`linke.urls`): they act for a provider through `providers.views.base`."""

from django.urls import path  # noqa: F401  (sections below add their routes)

from .views import accounts as account_views
from .views import leads as lead_views
from .views import requests as request_views

urlpatterns = [
    # cooperation requests inbox (merchants.views.requests)
    path("requests/", request_views.InboxView.as_view(), name="request_list"),
    path("requests/<int:pk>/", request_views.InboxDetailView.as_view(), name="request_detail"),
    path("requests/<int:pk>/decline/", request_views.RequestDeclineView.as_view(), name="request_decline"),
    # lead pool, private pool, claims, disputes (merchants.views.leads)
    path("leads/", lead_views.LeadPoolView.as_view(), name="lead_pool"),
    path("leads/<int:pk>/claim/", lead_views.LeadClaimView.as_view(), name="lead_claim"),
    path("leads/mine/", lead_views.PrivatePoolView.as_view(), name="lead_claims"),
    path("leads/claims/<int:pk>/", lead_views.ClaimDetailView.as_view(), name="lead_claim_detail"),
    path("leads/claims/<int:pk>/dispute/", lead_views.ClaimDisputeView.as_view(), name="lead_claim_dispute"),
    path("leads/disputes/", lead_views.DisputeListView.as_view(), name="lead_disputes"),
    # account owners 跟进人 (merchants.views.accounts)
    path("accounts/", account_views.AccountListView.as_view(), name="account_list"),
    path("accounts/reassign/", account_views.AccountReassignView.as_view(), name="account_reassign"),
    path("accounts/<int:pk>/", account_views.AccountDetailView.as_view(), name="account_detail"),
]
