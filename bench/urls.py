"""The site, plus the reference every page is measured against: a bare Django view behind the same
middleware (what the framework costs before any of our code runs)."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), path("", include("linke.urls"))]
