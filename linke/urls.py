from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from contracts import urls as contract_urls
from merchants import portal_urls as merchant_portal_urls
from merchants import urls as merchant_urls
from providers import urls as provider_urls

from . import views
from .health import healthz

portal_patterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/test/", views.notifications_test, name="notifications_test"),
    *provider_urls.urlpatterns,
    *merchant_portal_urls.urlpatterns,
    *contract_urls.portal_urlpatterns,
]

urlpatterns = [
    path("", views.landing, name="landing"),
    *provider_urls.public_urlpatterns,
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", lambda request: redirect(static("favicon.svg"), permanent=True)),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("portal/", include((portal_patterns, "portal"))),
    path("merchant/", include(([*merchant_urls.urlpatterns, *contract_urls.merchant_urlpatterns], "merchant"))),
    path("api/v1/", include((f"{__package__}.api.urls", "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="drf_spectacular/linke_swagger_ui.html"
        ),
        name="api-docs",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler400 = "linke.errors.bad_request"
handler404 = "linke.errors.page_not_found"
handler500 = "linke.errors.server_error"
