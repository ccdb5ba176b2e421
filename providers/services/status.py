"""A provider's standing, one service per verb: suspend (its codes then answer "suspended", it gets no
new work), reinstate, terminate (which frees its credit code). Operators decide, with a reason."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.actors import Actor
from linke.audit import audit_record
from linke.errors import ApplicationError, PermissionDeniedError
from linke.events import EventType, emit
from linke.locks import relock
from linke.notifications import notification_send

from ..choices import AuditAction, ProviderStatus
from ..events import PROVIDER_REINSTATED, PROVIDER_SUSPENDED, PROVIDER_TERMINATED
from ..models import Membership, Provider
from ..tenancy import provider_scope
from ..transitions import PROVIDER_TRANSITIONS, assert_transition
from .directory import listing_refresh_on_commit


def _change_status(
    *, actor: Actor, provider: Provider, status: str, reason: str, action: AuditAction, event: EventType, title
):
    """Move `provider` to `status` with a reason; audited, emitted, and the owner and admins are notified.
    The reason and the time are also kept on the provider: its home page explains the standing from them."""
    if not actor.is_operator:
        raise PermissionDeniedError(_("Only platform operators can change a provider's standing."))
    if not (reason or "").strip():
        raise ApplicationError(_("Give a reason: the provider reads it."), code="reason_required")
    with transaction.atomic():
        provider = relock(provider)
        before = provider.status
        assert_transition(before, status, table=PROVIDER_TRANSITIONS)
        provider.status = status
        provider.status_reason = reason
        provider.status_changed_at = timezone.now()
        provider.save(update_fields=["status", "status_reason", "status_changed_at"])
        audit_record(
            action=action,
            obj=provider,
            actor=actor,
            provider=provider,
            before={"status": before},
            after={"status": status},
            reason=reason,
        )
        emit(event, provider=provider, payload={"status_before": before, "reason": reason})
        listing_refresh_on_commit(provider.pk)  # only active providers are listed
        with provider_scope(provider):
            managers = list(Membership.objects.managers().select_related("user"))
        for membership in managers:
            notification_send(recipient=membership.user, provider=provider, verb=action.value, title=title, body=reason)
    return provider


def provider_suspend(*, actor: Actor, provider: Provider, reason: str) -> Provider:
    """An operator suspends an active provider: its verification codes answer "suspended" at once."""
    return _change_status(
        actor=actor,
        provider=provider,
        status=ProviderStatus.SUSPENDED,
        reason=reason,
        action=AuditAction.PROVIDER_SUSPEND,
        event=PROVIDER_SUSPENDED,
        title=gettext_lazy("Your provider account has been suspended"),
    )


def provider_reinstate(*, actor: Actor, provider: Provider, reason: str) -> Provider:
    """An operator lifts a suspension."""
    return _change_status(
        actor=actor,
        provider=provider,
        status=ProviderStatus.ACTIVE,
        reason=reason,
        action=AuditAction.PROVIDER_REINSTATE,
        event=PROVIDER_REINSTATED,
        title=gettext_lazy("Your provider account has been reinstated"),
    )


def provider_terminate(*, actor: Actor, provider: Provider, reason: str) -> Provider:
    """An operator ends a provider for good; its credit code is free for a new application."""
    return _change_status(
        actor=actor,
        provider=provider,
        status=ProviderStatus.TERMINATED,
        reason=reason,
        action=AuditAction.PROVIDER_TERMINATE,
        event=PROVIDER_TERMINATED,
        title=gettext_lazy("Your provider account has been terminated"),
    )
