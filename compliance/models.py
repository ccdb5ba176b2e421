"""合规: cases the platform's compliance team works on. Minimal for now (the contracts issue opens cases
from repeated SLA breaches); the compliance issue completes the states, decisions and penalties."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from providers.tenancy import ProviderScopedModel

from .choices import CaseSource, CaseStatus


class ComplianceCase(ProviderScopedModel):
    """A case about a provider: from an SLA escalation (`contracts` event `sla.escalated`), a complaint or
    an inspection. `event` is the domain event it was opened from, unique: the same event never opens two
    cases, however often its subscriber runs."""

    source = models.CharField(_("source"), max_length=20, choices=CaseSource.choices)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    title = models.CharField(_("title"), max_length=200)
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    event = models.OneToOneField(
        "linke.DomainEvent",
        verbose_name=_("opened from event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("opened at"))

    class Meta:
        verbose_name = _("compliance case")
        verbose_name_plural = _("compliance cases")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(source__in=CaseSource.values), name="compliance_case_source"),
            models.CheckConstraint(condition=models.Q(status__in=CaseStatus.values), name="compliance_case_status"),
        ]
        indexes = [models.Index(fields=["provider", "-opened_at"], name="compliance_case_by_provider")]

    def __str__(self):
        return self.title
