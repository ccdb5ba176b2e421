from django.db import models
from django.utils.translation import gettext_lazy as _


class ProviderStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    BD = "bd", _("Business development")
    OPERATOR = "operator", _("Operations")
    VIEWER = "viewer", _("Viewer")
