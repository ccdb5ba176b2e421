"""The operators' channel: the Django admin, every view of it inside `all_providers()`."""

import functools

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .channels import render_inside
from .tenancy import all_providers


def across_tenants(view):
    """Operators see every tenant: the view runs, and its page renders, with no tenant filter. Wrapped
    inside the admin's own permission check, so only signed-in staff ever get here."""

    @functools.wraps(view)
    def operator_view(request, *args, **kwargs):
        with all_providers():
            return render_inside(view(request, *args, **kwargs))

    return operator_view


class OperatorsAdminSite(admin.AdminSite):
    site_header = _("Linke operations console")
    site_title = _("Linke operations console")
    index_title = _("Platform operations")

    def admin_view(self, view, cacheable=False):
        return super().admin_view(across_tenants(view), cacheable)

    def login(self, request, extra_context=None):
        # Operators log in through allauth (rate limits, email verification, MFA), not the stock form.
        return secure_admin_login(super().login)(request, extra_context)
