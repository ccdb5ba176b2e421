"""The one way to write the audit trail."""

from django.db import models

from .http import current_client_ip
from .models import AuditEvent


def audit_record(
    *, action: str, obj: models.Model, actor=None, provider=None, before=None, after=None, reason=""
) -> AuditEvent:
    """Append one `AuditEvent` for a state change of `obj`. Call inside the service's transaction
    so that the change and its record commit (or roll back) together. The IP is the current request's
    (none in tasks and commands)."""
    return AuditEvent.objects.create(
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        provider=provider,
        before=before or {},
        after=after or {},
        reason=reason,
        ip_address=current_client_ip(),
    )
