"""The one way to write the audit trail, and the catalogues of what it records.

Each app lists its audit actions in one `AuditActions` catalogue (`providers.choices.AuditAction`, ...):
`audit_record` takes a member of one, never a free string, and the admin and the timelines show
its label."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .actors import Actor
from .http import current_client_ip
from .models import AuditEvent


class AuditActions(models.TextChoices):
    """The base of every app's catalogue: `class AuditAction(AuditActions): X = "entity.verb", _("…")`."""


class PlatformAuditAction(AuditActions):
    """What linke itself records."""

    EVENT_DELIVERIES_RETRY = "event_delivery.retry", _("Failed event deliveries queued again")


def action_choices() -> list[tuple[str, str]]:
    """Every action of every catalogue, with its label: what the audit trail can hold."""
    return [choice for catalogue in AuditActions.__subclasses__() for choice in catalogue.choices]


def action_label(action: str) -> str:
    """The catalogue's label of a recorded action (the raw value if no catalogue has it any more)."""
    for catalogue in AuditActions.__subclasses__():
        if action in catalogue.values:
            return catalogue(action).label
    return action


def audit_record(
    *, action: AuditActions, obj: models.Model, actor: Actor, provider=None, before=None, after=None, reason=""
) -> AuditEvent:
    """Append one `AuditEvent` for a state change of `obj` by `actor`. Call inside the service's
    transaction so that the change and its record commit (or roll back) together. The IP is the current
    request's (none in tasks and commands)."""
    if not isinstance(action, AuditActions):
        raise TypeError(f"audit action {action!r} is not in an AuditActions catalogue")
    if not isinstance(actor, Actor):
        raise TypeError(f"the actor of {action} must be an Actor, not {actor!r}")
    return AuditEvent.objects.create(
        action=action.value,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        actor=actor.user,
        actor_kind=actor.kind,
        provider=provider,
        before=before or {},
        after=after or {},
        reason=reason,
        ip_address=current_client_ip(),
    )
