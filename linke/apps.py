from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class LinkeConfig(AppConfig):
    default = True  # the module also holds the admin's config
    name = "linke"
    verbose_name = _("Platform")


class OperatorsAdminConfig(admin_apps.AdminConfig):
    """The Django admin with the operators' site (`linke.admin_site`)."""

    default = False
    default_site = "linke.admin_site.OperatorsAdminSite"
