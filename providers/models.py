from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linke.tenancy import ProviderScopedModel

from .choices import ProviderStatus, Role


class Provider(models.Model):
    """A tenant: an approved agency (服务商). Every provider-owned row points here."""

    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    status = models.CharField(_("status"), max_length=20, choices=ProviderStatus.choices, default=ProviderStatus.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ProviderStatus.values), name="provider_status_valid"),
            # One live provider per credit code; a terminated one frees the code.
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(status=ProviderStatus.TERMINATED),
                name="provider_live_credit_code_unique",
            ),
        ]

    def __str__(self):
        return self.name


class Membership(ProviderScopedModel):
    """A user's role in one provider."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["provider_id", "created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
            models.UniqueConstraint(fields=["provider", "user"], name="membership_unique_user_per_provider"),
            # Exactly one owner: at most one here, at least one kept by the services under a row lock.
            models.UniqueConstraint(
                fields=["provider"],
                condition=models.Q(role=Role.OWNER, is_active=True),
                name="membership_one_active_owner",
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.provider} ({self.get_role_display()})"
