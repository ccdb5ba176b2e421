from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linke.validators import validate_visible_name


class Merchant(models.Model):
    """商家: a business that buys providers' services, the owner of the merchant dimension of the
    tenancy mechanism (`merchants.tenancy`). Registered by the user who owns it; the merchants issue
    adds its profile, stores and staff."""

    name = models.CharField(_("name"), max_length=100, validators=[validate_visible_name])
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="merchant"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name
