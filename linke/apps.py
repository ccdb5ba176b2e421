from importlib import import_module

from django.apps import AppConfig, apps
from django.conf import settings
from django.contrib.admin import apps as admin_apps
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _


def project_modules(name: str) -> list:
    """The `name` module of each of the project's own apps that has one (`events`, `subscribers`, `demo`),
    imported, in the order of INSTALLED_APPS: the order of the layers."""
    return [
        import_module(f"{app_config.name}.{name}")
        for app_config in apps.get_app_configs()
        if app_config.path.startswith(str(settings.BASE_DIR)) and module_has_submodule(app_config.module, name)
    ]


class LinkeConfig(AppConfig):
    default = True  # the module also holds the admin's config
    name = "linke"
    verbose_name = _("Platform")

    def ready(self):
        # Importing them registers every app's event types (the catalogue) and subscribers.
        project_modules("events")
        project_modules("subscribers")


class OperatorsAdminConfig(admin_apps.AdminConfig):
    """The Django admin with the operators' site (`linke.admin_site`)."""

    default = False
    default_site = "linke.admin_site.OperatorsAdminSite"
