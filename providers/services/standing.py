"""Standing data (CONVENTIONS §1): a provider's tier and the benefits that come with it.

Until the certification issue computes tiers from scores, platform operators set a provider's tier in
the admin; its benefits are copied from the SPEC §6 defaults (`rules.TIER_BENEFITS`) at that moment, so
a later change of the defaults is an explicit re-grant, never a silent one. The lead pool, contract gates,
the directory and /verify/ read the copied values.

Certified tracks, likewise: until the certification issue grants them from passed certifications, an
operator grants or removes a track certification by hand (`standing_grant_track`, `standing_remove_track`);
the contracts' full-operation gate reads them here."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict
from decimal import Decimal

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.actors import Actor
from linke.audit import audit_record
from linke.errors import ApplicationError, PermissionDeniedError
from linke.locks import hold, lock
from linke.notifications import Text, notification_send

from ..choices import AuditAction, Role, Tier
from ..models import Membership, Provider, ProviderStanding
from ..rules import TIER_BENEFITS
from ..tenancy import provider_scope
from .directory import listing_refresh, listing_refresh_on_commit

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


# One statement for any number of providers: the figures travel as arrays; a provider not in them has no
# review (no rating, none counted).
SET_REVIEWS_SQL = """
UPDATE providers_providerstanding standing
SET rating = figures.rating, review_count = figures.review_count, updated_at = now()
FROM (
    SELECT wanted.provider_id, given.rating, coalesce(given.review_count, 0) AS review_count
    FROM unnest(%s::bigint[]) AS wanted(provider_id)
    LEFT JOIN unnest(%s::bigint[], %s::numeric[], %s::int[]) AS given(provider_id, rating, review_count)
        ON given.provider_id = wanted.provider_id
) figures
WHERE standing.provider_id = figures.provider_id
    AND (standing.rating, standing.review_count) IS DISTINCT FROM (figures.rating, figures.review_count)
"""

ReviewFigures = Mapping[int, tuple[Decimal | None, int]]


def standing_set_reviews(*, provider_ids: Iterable[int], figures_of: Callable[[list[int]], ReviewFigures]) -> int:
    """Write the rating (1.00–5.00, or None) and review count of some providers, as the app that owns the
    reviews computes them: `figures_of(ids)` returns {provider id: (rating, count)} for those that have
    reviews. The standings are locked (in id order) before `figures_of` runs, so two recomputations of one
    provider run one after the other and the later one reads what the earlier committed: the last word is
    always the latest. One UPDATE for all of them; the directory listings are refreshed after commit.
    Returns the number of standings changed."""
    ids = sorted({int(pk) for pk in provider_ids})
    if not ids:
        return 0
    with transaction.atomic():
        list(lock(ProviderStanding.objects.filter(provider_id__in=ids)).values_list("pk", flat=True))
        figures = figures_of(ids)
        given = sorted(figures.items())
        with connection.cursor() as cursor:
            cursor.execute(
                SET_REVIEWS_SQL,
                [
                    ids,
                    [pk for pk, _ in given],
                    [rating for _, (rating, _count) in given],
                    [count for _, (_rating, count) in given],
                ],
            )
            changed = cursor.rowcount
        transaction.on_commit(lambda: listing_refresh(ids), robust=True)
    return changed


def _change_track(*, actor: Actor, provider: Provider, track, reason: str, grant: bool) -> ProviderStanding:
    """Grant (or remove) `provider`'s certification in `track`, by an operator with a reason the owner
    reads. Under `hold(provider)`: a contract signed at the same moment saw the tracks before or after,
    not half. Idempotent (granting a held track changes nothing but is recorded). Audited with the tracks
    before and after; the owner is notified; the directory listing is refreshed after commit."""
    if not actor.is_operator:
        raise PermissionDeniedError(_("Only platform operators can grant or remove a track certification."))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give a reason: the provider reads it."), code="reason_required")
    with transaction.atomic():
        provider = hold(provider)
        standing = lock(ProviderStanding.objects.filter(provider=provider)).get()
        before = sorted(standing.certified_tracks.values_list("slug", flat=True))
        if grant:
            standing.certified_tracks.add(track)
        else:
            standing.certified_tracks.remove(track)
        standing.save(update_fields=["updated_at"])
        action = AuditAction.STANDING_GRANT_TRACK if grant else AuditAction.STANDING_REMOVE_TRACK
        audit_record(
            action=action,
            obj=standing,
            actor=actor,
            provider=provider,
            before={"certified_tracks": before},
            after={"certified_tracks": sorted(standing.certified_tracks.values_list("slug", flat=True))},
            reason=reason,
        )
        with provider_scope(provider):
            owners = list(Membership.objects.active().filter(role=Role.OWNER).select_related("user"))
        if grant:
            title = Text(gettext_lazy("You are now certified in the %(track)s track"), track=track)
        else:
            title = Text(gettext_lazy("Your certification in the %(track)s track was removed"), track=track)
        for owner in owners:
            notification_send(recipient=owner.user, provider=provider, verb=action.value, title=title, body=reason)
        listing_refresh_on_commit(provider.pk)
    return standing


def standing_grant_track(*, actor: Actor, provider: Provider, track, reason: str) -> ProviderStanding:
    """An operator certifies `provider` in `track` (a `reference.Track`): see `_change_track`."""
    return _change_track(actor=actor, provider=provider, track=track, reason=reason, grant=True)


def standing_remove_track(*, actor: Actor, provider: Provider, track, reason: str) -> ProviderStanding:
    """An operator removes `provider`'s certification in `track`: see `_change_track`. Signed contracts
    stay as they are; new full-operation proposals and signatures in the track are refused."""
    return _change_track(actor=actor, provider=provider, track=track, reason=reason, grant=False)
