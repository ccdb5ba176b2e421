"""A provider's standing: suspension (its codes then answer "suspended", it gets no new work),
reinstatement and termination (which frees its credit code)."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.audit import audit_record
from linke.errors import ApplicationError
from linke.notifications import notification_send
from linke.tenancy import provider_scope

from ..choices import ProviderStatus, Role
from ..models import Membership, Provider
from ..transitions import PROVIDER_TRANSITIONS, assert_transition

TITLES = {
    ProviderStatus.ACTIVE: gettext_lazy("Your provider account has been reinstated"),
    ProviderStatus.SUSPENDED: gettext_lazy("Your provider account has been suspended"),
    ProviderStatus.TERMINATED: gettext_lazy("Your provider account has been terminated"),
}


def provider_change_status(*, provider: Provider, actor, status: str, reason: str) -> Provider:
    """Move `provider` to `status` (PROVIDER_TRANSITIONS) with a reason; audited, and the owner and
    admins are notified. Raises InvalidTransition, or ApplicationError without a reason."""
    if not (reason or "").strip():
        raise ApplicationError(_("Give a reason: the provider reads it."), code="reason_required")
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider.pk)
        before = provider.status
        assert_transition(before, status, PROVIDER_TRANSITIONS)
        provider.status = status
        provider.save(update_fields=["status"])
        audit_record(
            action=f"provider.{status}",
            obj=provider,
            actor=actor,
            provider=provider,
            before={"status": before},
            after={"status": status},
            reason=reason,
        )
        with provider_scope(provider):
            managers = list(
                Membership.objects.filter(role__in=[Role.OWNER, Role.ADMIN], is_active=True).select_related("user")
            )
        for membership in managers:
            notification_send(
                recipient=membership.user,
                provider=provider,
                verb=f"provider.{status}",
                title=TITLES[status],
                body=reason,
            )
    return provider
