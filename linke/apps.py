from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkeConfig(AppConfig):
    name = "linke"
    verbose_name = _("Platform")
