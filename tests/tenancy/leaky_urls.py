"""A deliberately leaky view, so that the isolation helper is proven to catch one."""

from django.http import HttpResponse
from django.urls import include, path

from linke.tenancy import all_providers
from providers.models import Membership


def leaky_member(request, pk):
    with all_providers():  # the bug under test: a lookup that ignores the tenant
        membership = Membership.objects.select_related("user").get(pk=pk)
    return HttpResponse(membership.user.email)


urlpatterns = [
    path("leaky/<int:pk>/", leaky_member, name="leaky_member"),
    path("", include("linke.urls")),
]
