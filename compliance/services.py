"""Every write of the compliance domain (minimal: opening a case from an SLA escalation)."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import Contract
from linke.actors import Actor
from linke.audit import audit_record
from linke.notifications import Text, notification_send
from providers.choices import Role
from providers.models import Membership

from .choices import CaseSource, ComplianceAuditAction
from .models import ComplianceCase


def case_open_from_escalation(*, event) -> ComplianceCase | None:
    """Open the compliance case of an `sla.escalated` event (once per event: the unique `event` decides a
    race, a repeat returns the case already open). Audited as the system; the provider's owners are told
    (in-app and email, after commit). Runs in the event's provider scope (the subscriber's). Returns the
    case, or None when the contract is gone."""
    existing = ComplianceCase.objects.filter(event=event).first()
    if existing is not None:
        return existing
    contract = Contract.objects.filter(pk=event.payload["contract_id"]).first()
    if contract is None:
        return None
    breach_ids = list(event.payload["breach_ids"])
    with transaction.atomic():
        try:
            with transaction.atomic():
                case = ComplianceCase.objects.create(
                    provider_id=contract.provider_id,
                    source=CaseSource.SLA_ESCALATION,
                    title=_("%(count)s missed deadlines on contract %(contract)s")
                    % {"count": len(breach_ids), "contract": contract},
                    contract=contract,
                    event=event,
                    details={"breach_ids": breach_ids},
                    opened_at=timezone.now(),
                )
        except IntegrityError:
            return ComplianceCase.objects.get(event=event)
        audit_record(
            action=ComplianceAuditAction.CASE_OPEN,
            obj=case,
            actor=Actor.system(),
            provider=contract.provider,
            after={"source": case.source, "contract": contract.pk, "breach_ids": breach_ids},
        )
        owners = Membership.objects.active().filter(provider_id=contract.provider_id, role=Role.OWNER)
        for owner in owners.select_related("user"):
            notification_send(
                recipient=owner.user,
                provider=contract.provider,
                verb=ComplianceAuditAction.CASE_OPEN,
                title=Text(gettext_lazy("A compliance case was opened about contract %(contract)s"), contract=contract),
                body=Text(
                    gettext_lazy(
                        "%(count)s deliverables of this contract missed their deadline within 30 days. The "
                        "platform's compliance team will review the case and may contact you."
                    ),
                    count=len(breach_ids),
                ),
            )
    return case
