"""Standing data (CONVENTIONS §1): a provider's tier and the benefits that come with it.

Until the certification issue computes tiers from scores, platform operators set a provider's tier in
the admin; its benefits are copied from the SPEC §6 defaults (`rules.TIER_BENEFITS`) at that moment, so
a later change of the defaults is an explicit re-grant, never a silent one. The lead pool, contract gates,
the directory and /verify/ read the copied values."""

from dataclasses import asdict

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.actors import Actor
from linke.audit import audit_record
from linke.errors import ApplicationError, PermissionDeniedError
from linke.locks import lock
from linke.notifications import Text, notification_send

from ..choices import AuditAction, Role, Tier
from ..models import Membership, Provider, ProviderStanding
from ..rules import TIER_BENEFITS
from ..tenancy import provider_scope
from .directory import listing_refresh_on_commit

BENEFIT_FIELDS = ["lead_quota", "protection_days", "directory_boost", "featured_slots", "ad_credit"]


def _benefits(standing: ProviderStanding) -> dict:
    return {"tier": standing.tier} | {field: str(getattr(standing, field)) for field in BENEFIT_FIELDS}


def standing_create(*, provider: Provider) -> ProviderStanding:
    """The standing a new provider starts with: L1 and its benefits. Idempotent (an existing standing is
    returned unchanged). Called by the approval of the application, in its transaction."""
    standing, created = ProviderStanding.objects.get_or_create(
        provider=provider, defaults={"tier": Tier.L1, **asdict(TIER_BENEFITS[Tier.L1])}
    )
    if created:
        listing_refresh_on_commit(provider.pk)
    return standing


def standing_set_tier(*, actor: Actor, provider: Provider, tier: str, reason: str) -> ProviderStanding:
    """An operator sets `provider`'s tier (with the reason the provider reads); the tier's benefits are
    copied into the standing. Under a row lock on the standing, audited with before/after, the owner is
    notified (in-app and by email) and the directory listing is refreshed after commit. Setting the same
    tier again re-grants its current benefits."""
    if not actor.is_operator:
        raise PermissionDeniedError(_("Only platform operators can set a provider's tier."))
    if tier not in Tier.values:
        raise ApplicationError(_("Choose a tier from L1 to L5."), code="tier_invalid")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give a reason: the provider reads it."), code="reason_required")
    with transaction.atomic():
        standing = lock(ProviderStanding.objects.filter(provider=provider)).get()
        before = _benefits(standing)
        standing.tier = tier
        for field, value in asdict(TIER_BENEFITS[tier]).items():
            setattr(standing, field, value)
        standing.save(update_fields=["tier", *BENEFIT_FIELDS, "updated_at"])
        audit_record(
            action=AuditAction.STANDING_SET_TIER,
            obj=standing,
            actor=actor,
            provider=provider,
            before=before,
            after=_benefits(standing),
            reason=reason,
        )
        with provider_scope(provider):
            owners = list(Membership.objects.active().filter(role=Role.OWNER).select_related("user"))
        benefits = TIER_BENEFITS[tier]
        for owner in owners:
            notification_send(
                recipient=owner.user,
                provider=provider,
                verb=AuditAction.STANDING_SET_TIER.value,
                title=Text(gettext_lazy("Your tier is now %(tier)s"), tier=Tier(tier).label),
                body=Text(
                    gettext_lazy(
                        "%(reason)s\nBenefits: %(quota)s lead claims a month, %(days)s days of lead protection, "
                        "directory boost %(boost)s, %(slots)s featured slots."
                    ),
                    reason=reason,
                    quota=benefits.lead_quota,
                    days=benefits.protection_days,
                    boost=benefits.directory_boost,
                    slots=benefits.featured_slots,
                ),
            )
        listing_refresh_on_commit(provider.pk)
    return standing
