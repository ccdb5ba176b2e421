from django.db import models
from django.utils.translation import gettext_lazy as _

from linke.audit import AuditActions


class CaseSource(models.TextChoices):
    """Where a compliance case came from."""

    SLA_ESCALATION = "sla_escalation", _("Repeated missed deadlines")
    COMPLAINT = "complaint", _("Merchant complaint")
    INSPECTION = "inspection", _("Platform inspection")


class CaseStatus(models.TextChoices):
    """A case's states; the compliance issue completes the machine (investigation, decision, penalty)."""

    OPEN = "open", _("Open")


class ComplianceAuditAction(AuditActions):
    CASE_OPEN = "compliance_case.open", _("Compliance case opened")
