"""The lead pool (拓客资源): claims (报备), their protection, extension, release and conversion, a
merchant's opt-out, and disputes decided by the operators.

Invariants and how they hold under concurrency:
* at most one active claim per lead: the partial unique index `lead_claim_one_holder`, plus the `Lead`
  row lock every writer of a lead's claims takes first (claim, opt-out, dispute decision);
* a provider's monthly quota: counted under `hold(provider)`, which serialises the claims of one provider
  (and keeps its status as checked until the claim commits);
* lock order: provider, then lead, then claim; the set-based release locks claims only (SKIP LOCKED).

Every service records the claim's history (`ClaimEvent`, what the holder sees), an audit event (but the
set-based release, see `leads_release_expired`) and a domain event, in its transaction."""

from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import status as http

from linke.actors import Actor
from linke.audit import audit_record
from linke.errors import ApplicationError, ConflictError, InvalidTransition, PermissionDeniedError
from linke.events import emit, emit_many
from linke.locks import hold, lock, relock
from linke.notifications import Text, notification_send
from linke.templatetags.linke import minute
from linke.tenancy import all_providers
from providers.choices import Role
from providers.models import Membership, Provider, ProviderStanding
from providers.permissions import Action, require
from providers.tenancy import provider_scope

from ..choices import ClaimEventKind, ClaimStatus, DisputeStatus, ExtensionReason, LeadAuditAction
from ..events import ACCOUNT_OWNER_CHANGED, LEAD_CLAIMED, LEAD_CONVERTED, LEAD_EXTENDED, LEAD_RELEASED
from ..models import AccountAssignment, ClaimEvent, Lead, LeadClaim, LeadDispute, Visit
from ..rules import EXTENSION, RECLAIM_BLOCK
from ..selectors.leads import claims_used_this_month, pool_leads
from ..transitions import CLAIM_TRANSITIONS, DISPUTE_TRANSITIONS, assert_transition
from .accounts import account_ensure

# Claims released per transaction by `leads_release_expired`: short row locks, bounded statements.
RELEASE_BATCH = 5000


class LeadNotFound(ApplicationError):
    """A lead outside the provider's pool answers as a missing one (another tenant's data is not there)."""

    code = "not_found"
    default_message = gettext_lazy("Not found.")
    http_status = http.HTTP_404_NOT_FOUND


def _claimed_until(claim) -> ConflictError:
    return ConflictError(
        _("This lead is already claimed until %(date)s.") % {"date": minute(claim.expires_at)}, code="lead_claimed"
    )


def _history(claim, kind, *, note="", actor: Actor | None = None, at=None) -> ClaimEvent:
    actor_name = str(actor.user) if actor is not None and actor.user is not None else ""
    return ClaimEvent.objects.create(
        provider_id=claim.provider_id,
        claim=claim,
        kind=kind,
        note=note,
        actor_name=actor_name,
        created_at=at or timezone.now(),
    )


def _create_claim(*, provider, lead, membership, now, days: int) -> LeadClaim:
    """The new active claim, or the friendly refusal when another one won the race for the lead."""
    try:
        with transaction.atomic():
            return LeadClaim.objects.create(
                provider=provider,
                lead=lead,
                claimed_by=membership,
                claimed_at=now,
                expires_at=now + timedelta(days=days),
            )
    except IntegrityError as exc:  # lead_claim_one_holder: a concurrent claim committed first
        with all_providers():
            holder = LeadClaim.objects.filter(lead=lead, status=ClaimStatus.ACTIVE).first()
        if holder is not None:
            raise _claimed_until(holder) from exc
        raise


# --- Claim ----------------------------------------------------------------------------------


def lead_claim(*, actor: Actor, lead: Lead) -> LeadClaim:
    """A member (owner, admin or bd) of an active provider claims (报备) a lead of its pool for its tier's
    protection days. Refused (stable codes): `provider_not_active`, `not_found` (outside its cities and
    tracks), `lead_opted_out`, `lead_claimed` (held by anyone: "claimed until"), `lead_blocked` (this
    provider's claim of it was released less than 30 days ago), `lead_quota_reached`. A claim whose
    protection has run out but was not released yet is released first. Side effects: the claim's history,
    the audit trail, `lead.claimed`, and the claimer becomes the lead's account owner (跟进人)."""
    membership = require(actor, Action.CLAIM_LEADS)
    with provider_scope(membership.provider_id), transaction.atomic():
        # Serialises this provider's claims (the quota) and keeps its status as checked until commit.
        provider = hold(Provider(pk=membership.provider_id))
        membership = require(actor, Action.CLAIM_LEADS, provider=provider, fresh=True)
        if not provider.is_in_good_standing:
            raise ConflictError(
                _("Your provider's status is “%(status)s”: it cannot claim leads.")
                % {"status": provider.get_status_display()},
                code="provider_not_active",
            )
        lead = lock(Lead.objects.filter(pk=lead.pk)).first()
        if lead is None or not pool_leads(provider).filter(pk=lead.pk).exists():
            raise LeadNotFound()
        if lead.opted_out_at is not None:
            raise ConflictError(_("This merchant does not want to be contacted."), code="lead_opted_out")
        now = timezone.now()
        leads_release_expired(lead_ids=[lead.pk], now=now)
        with all_providers():  # any provider's claim holds the lead; only its end is told
            holder = LeadClaim.objects.filter(lead=lead, status=ClaimStatus.ACTIVE).first()
        if holder is not None:
            raise _claimed_until(holder)
        last_release = (
            LeadClaim.objects.filter(provider=provider, lead=lead, status=ClaimStatus.RELEASED)
            .order_by("-ended_at")
            .values_list("ended_at", flat=True)
            .first()
        )
        if last_release is not None and last_release > now - RECLAIM_BLOCK:
            raise ConflictError(
                _("Your claim of this lead ran out on %(ended)s: you can claim it again from %(until)s.")
                % {"ended": minute(last_release), "until": minute(last_release + RECLAIM_BLOCK)},
                code="lead_blocked",
                details={"blocked_until": (last_release + RECLAIM_BLOCK).isoformat()},
            )
        standing = ProviderStanding.objects.get(provider=provider)
        used = claims_used_this_month(provider, now)
        if used >= standing.lead_quota:
            raise ConflictError(
                _("You have used all %(total)s claims of this month.") % {"total": standing.lead_quota},
                code="lead_quota_reached",
                details={"used": used, "quota": standing.lead_quota},
            )
        claim = _create_claim(
            provider=provider, lead=lead, membership=membership, now=now, days=standing.protection_days
        )
        _history(claim, ClaimEventKind.CLAIMED, actor=actor, at=now)
        audit_record(
            action=LeadAuditAction.CLAIM,
            obj=claim,
            actor=actor,
            provider=provider,
            after={"lead": lead.pk, "expires_at": claim.expires_at.isoformat()},
        )
        emit(
            LEAD_CLAIMED,
            provider=provider,
            payload={
                "claim_id": claim.pk,
                "lead_id": lead.pk,
                "membership_id": membership.pk,
                "expires_at": claim.expires_at.isoformat(),
            },
        )
        account_ensure(actor=actor, provider=provider, lead=lead, member=membership, why="claimed")
    return claim


# --- Extension and conversion ---------------------------------------------------------------


def lead_claim_extend(*, claim: LeadClaim, reason: str, actor: Actor | None = None) -> LeadClaim:
    """Extend an active claim's protection once, by 15 days, for a verified visit or a contract proposal
    (`reason`: an `ExtensionReason`). Refused (`claim_already_extended`, `claim_not_active`) otherwise.
    Called by the visit subscriber and the contracts issue's proposal; `actor` defaults to the system."""
    actor = actor or Actor.system()
    reason = ExtensionReason(reason)
    with provider_scope(claim.provider_id), transaction.atomic():
        claim = relock(claim)
        # A claim past its end is over, even before the release task has run: it cannot come back to life.
        if claim.status != ClaimStatus.ACTIVE or claim.expires_at <= timezone.now():
            raise InvalidTransition(_("Only a claim that protects its lead can be extended."), code="claim_not_active")
        if claim.extended_at is not None:
            raise InvalidTransition(
                _("This claim was already extended once (on %(date)s).") % {"date": minute(claim.extended_at)},
                code="claim_already_extended",
            )
        before = claim.expires_at
        claim.expires_at, claim.extended_at, claim.extension_reason = before + EXTENSION, timezone.now(), reason
        claim.save(update_fields=["expires_at", "extended_at", "extension_reason"])
        _history(
            claim,
            ClaimEventKind.EXTENDED,
            note=_("%(reason)s: protected until %(date)s.")
            % {"reason": reason.label, "date": minute(claim.expires_at)},
            actor=actor,
            at=claim.extended_at,
        )
        audit_record(
            action=LeadAuditAction.EXTEND,
            obj=claim,
            actor=actor,
            provider=claim.provider,
            before={"expires_at": before.isoformat()},
            after={"expires_at": claim.expires_at.isoformat(), "reason": reason.value},
        )
        emit(
            LEAD_EXTENDED,
            provider=claim.provider,
            payload={
                "claim_id": claim.pk,
                "lead_id": claim.lead_id,
                "reason": reason.value,
                "expires_at": claim.expires_at.isoformat(),
            },
        )
    return claim


def lead_claim_convert(*, claim: LeadClaim, actor: Actor | None = None) -> LeadClaim:
    """A contract was signed with the lead's merchant (called by the contracts issue): the claim ends as
    converted; the account owner stays (the provider now works with the merchant). `lead.converted`."""
    actor = actor or Actor.system()
    with provider_scope(claim.provider_id), transaction.atomic():
        claim = relock(claim)
        assert_transition(claim.status, ClaimStatus.CONVERTED, table=CLAIM_TRANSITIONS)
        claim.status, claim.ended_at = ClaimStatus.CONVERTED, timezone.now()
        claim.save(update_fields=["status", "ended_at"])
        _history(claim, ClaimEventKind.CONVERTED, actor=actor, at=claim.ended_at)
        audit_record(
            action=LeadAuditAction.CONVERT,
            obj=claim,
            actor=actor,
            provider=claim.provider,
            before={"status": ClaimStatus.ACTIVE},
            after={"status": ClaimStatus.CONVERTED},
        )
        emit(LEAD_CONVERTED, provider=claim.provider, payload={"claim_id": claim.pk, "lead_id": claim.lead_id})
    return claim


# --- Ending claims, set-based -----------------------------------------------------------------


def _bigint_array(values) -> str:
    """A `bigint[]` literal (`{1,2,3}`), sent as one text parameter: psycopg's client-side binding quotes a
    Python list element by element, which took seconds for the 100,000 ids of a release."""
    return "{" + ",".join(str(int(value)) for value in values) + "}"


def _claims_ended(rows, *, kind: str, why: str, note: str, now, actor_name: str = "") -> None:
    """The aftermath of claims that have just ended without a contract, `rows` = (claim id, provider id,
    lead id): their history entry, the end of the provider's account owner of the lead, `lead.released`
    and `account_owner.changed`. One statement each, whatever the number of rows."""
    if not rows:
        return
    # In the order of their keys, each statement walks the indexes it reads and writes (history by claim,
    # account owners by provider and lead) in order rather than at random.
    rows = sorted(rows)
    claim_ids, provider_ids = _bigint_array(row[0] for row in rows), _bigint_array(row[1] for row in rows)
    owners = sorted((provider, lead) for _claim, provider, lead in rows)
    owner_providers, owner_leads = _bigint_array(row[0] for row in owners), _bigint_array(row[1] for row in owners)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ClaimEvent._meta.db_table} (provider_id, claim_id, kind, note, actor_name, created_at) "  # noqa: S608 - table names from the models
            "SELECT ended.provider_id, ended.claim_id, %s, %s, %s, %s "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS ended(claim_id, provider_id)",
            [kind, note, actor_name, now, claim_ids, provider_ids],
        )
        # One probe of the unique partial index `account_one_owner` (provider, lead; not ended) per claim.
        cursor.execute(
            f"UPDATE {AccountAssignment._meta.db_table} AS assignment SET ended_at = %s "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::bigint[]) AS ended(provider_id, lead_id) "
            "WHERE assignment.provider_id = ended.provider_id AND assignment.lead_id = ended.lead_id "
            "AND assignment.ended_at IS NULL "
            "RETURNING assignment.provider_id, assignment.lead_id, assignment.member_id",
            [now, owner_providers, owner_leads],
        )
        owners_ended = cursor.fetchall()
    emit_many(
        LEAD_RELEASED,
        [(provider, {"claim_id": claim, "lead_id": lead, "why": why}) for claim, provider, lead in rows],
    )
    emit_many(
        ACCOUNT_OWNER_CHANGED,
        [
            (provider, {"lead_id": lead, "membership_id": None, "previous_membership_id": member, "why": "released"})
            for provider, lead, member in owners_ended
        ],
    )


# The due claims in order of their end, from the partial index `lead_claim_due` (expires_at; active
# claims only), locked, then ended in one statement: as an array, their ids are read from the primary key
# in its order (`= ANY`), not probed one by one in the random order of a hashed `IN`.
_RELEASE_SQL = (
    f"UPDATE {LeadClaim._meta.db_table} SET status = %s, ended_at = %s "  # noqa: S608 - table names from the models
    f"WHERE id = ANY(ARRAY(SELECT id FROM {LeadClaim._meta.db_table} "
    "WHERE status = %s AND expires_at <= %s{only_leads} ORDER BY expires_at, id LIMIT %s FOR UPDATE SKIP LOCKED)) "
    "RETURNING id, provider_id, lead_id"
)


def leads_release_expired(*, now=None, lead_ids: list[int] | None = None) -> int:
    """Return to the public pool every active claim whose protection has run out (`lead_ids`: only those
    leads' claims), set-based: per batch of `RELEASE_BATCH` claims one `UPDATE … RETURNING` ends them,
    then one statement each writes their history, ends their account owners and emits their events
    (`_claims_ended`). Batches are separate transactions (unless called inside one), so row locks stay
    short; claims another transaction has locked (being extended, say) are skipped until the next run
    (`SKIP LOCKED`). The same provider may not claim the lead again for 30 days (`lead_claim` reads the
    release). Not one audit row per claim: the history entry and the event record each release.
    Returns how many claims were released."""
    now = now or timezone.now()
    only_leads = " AND lead_id = ANY(%s::bigint[])" if lead_ids is not None else ""
    sql = _RELEASE_SQL.format(only_leads=only_leads)
    params = [ClaimStatus.RELEASED, now, ClaimStatus.ACTIVE, now]
    if lead_ids is not None:
        params.append(_bigint_array(lead_ids))
    released = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [*params, RELEASE_BATCH])
            rows = cursor.fetchall()
            _claims_ended(
                rows,
                kind=ClaimEventKind.RELEASED,
                why="expired",
                note=_("The protection period ended: the lead is back in the public pool."),
                now=now,
            )
        released += len(rows)
        if len(rows) < RELEASE_BATCH:
            return released


# --- Opt-out (the merchant) -------------------------------------------------------------------


def _merchant_lead(actor: Actor, lead: Lead) -> Lead:
    if actor.merchant is None or lead.merchant_id != actor.merchant.pk:
        raise PermissionDeniedError(_("Only the merchant itself can change whether it may be contacted."))
    return lock(Lead.objects.filter(pk=lead.pk)).get()


def lead_opt_out(*, actor: Actor, lead: Lead) -> Lead:
    """The merchant does not want to be contacted: no provider can claim its lead any more, and an active
    claim ends (`opted_out`, with its history, the end of the account owner and `lead.released` with why
    `opted_out`). Idempotent. Audited."""
    with transaction.atomic():
        lead = _merchant_lead(actor, lead)
        if lead.opted_out_at is not None:
            return lead
        now = timezone.now()
        lead.opted_out_at = now
        lead.save(update_fields=["opted_out_at"])
        with all_providers():  # the merchant's own lead, whoever holds it
            claim = lock(LeadClaim.objects.filter(lead=lead, status=ClaimStatus.ACTIVE)).first()
            if claim is not None:
                assert_transition(claim.status, ClaimStatus.OPTED_OUT, table=CLAIM_TRANSITIONS)
                LeadClaim.objects.filter(pk=claim.pk).update(status=ClaimStatus.OPTED_OUT, ended_at=now)
        if claim is not None:
            _claims_ended(
                [(claim.pk, claim.provider_id, lead.pk)],
                kind=ClaimEventKind.OPTED_OUT,
                why="opted_out",
                note=_("The merchant asked not to be contacted: the claim ended."),
                now=now,
            )
        audit_record(
            action=LeadAuditAction.OPT_OUT,
            obj=lead,
            actor=actor,
            after={"opted_out_at": now.isoformat(), "claim_ended": claim.pk if claim else None},
        )
    return lead


def lead_opt_in(*, actor: Actor, lead: Lead) -> Lead:
    """The merchant may be contacted again: its lead is back in the public pool. Idempotent. Audited."""
    with transaction.atomic():
        lead = _merchant_lead(actor, lead)
        if lead.opted_out_at is None:
            return lead
        before, lead.opted_out_at = lead.opted_out_at, None
        lead.save(update_fields=["opted_out_at"])
        audit_record(action=LeadAuditAction.OPT_IN, obj=lead, actor=actor, before={"opted_out_at": before.isoformat()})
    return lead


# --- Under contract (called by the contracts services) ----------------------------------------


def lead_withhold(*, lead: Lead, actor: Actor | None = None) -> Lead:
    """The lead's merchant signed a contract: the lead leaves the public pool (no provider sees or claims
    it) until `leads_return_to_pool`. Idempotent. Audited (`actor`: the signer; the system by default).
    Another provider's active claim of it runs out as usual (it was not converted)."""
    actor = actor or Actor.system()
    with transaction.atomic():
        lead = lock(Lead.objects.filter(pk=lead.pk)).get()
        if lead.withheld_at is not None:
            return lead
        lead.withheld_at = timezone.now()
        lead.save(update_fields=["withheld_at"])
        audit_record(
            action=LeadAuditAction.WITHHOLD, obj=lead, actor=actor, after={"withheld_at": lead.withheld_at.isoformat()}
        )
    return lead


def leads_return_to_pool(*, merchant_ids: list[int]) -> int:
    """The contracts of these merchants ended and they agreed to return: their leads are back in the public
    pool (one UPDATE; a lead opted out stays out by its own flag). The caller checked that no other contract
    binds them. Not one audit row per lead: the contract's timeline and `contract.ended` (with
    `return_to_pool`) record it. Returns how many leads returned."""
    if not merchant_ids:
        return 0
    return Lead.objects.filter(merchant_id__in=merchant_ids, withheld_at__isnull=False).update(withheld_at=None)


# --- Verified visits --------------------------------------------------------------------------


def visit_record(*, verification_event, merchant) -> Visit:
    """A merchant checked a provider's staff member's 身份验真码 (`verification_event`): a verified visit of
    that provider at the merchant (one per verification), which extends the provider's active claim of the
    merchant's lead once (a claim already extended stays as it is). Inside the provider's scope."""
    with provider_scope(verification_event.provider_id), transaction.atomic():
        visit, created = Visit.objects.get_or_create(
            verification=verification_event,
            defaults={
                "provider_id": verification_event.provider_id,
                "merchant": merchant,
                "membership_id": verification_event.membership_id,
                "verified_at": verification_event.created_at,
            },
        )
        claim = (
            LeadClaim.objects.filter(lead__merchant=merchant, status=ClaimStatus.ACTIVE, extended_at__isnull=True)
            .select_related("provider")
            .first()
        )
        if created and claim is not None:
            lead_claim_extend(claim=claim, reason=ExtensionReason.VISIT)
    return visit


# --- Disputes ---------------------------------------------------------------------------------


def lead_dispute_open(*, actor: Actor, claim: LeadClaim, reason: str) -> LeadDispute:
    """A member (bd or above) of an active provider disputes another provider's active claim of a lead in
    its own pool, with a reason: an operators' case. Once per claim and provider (`dispute_exists`). The
    holder's history gets a `disputed` entry that does not name the disputer."""
    membership = require(actor, Action.DISPUTE_CLAIMS)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say why the claim should not stand."), code="reason_required")
    with provider_scope(membership.provider_id), transaction.atomic():
        provider = hold(Provider(pk=membership.provider_id))
        membership = require(actor, Action.DISPUTE_CLAIMS, provider=provider, fresh=True)
        if not provider.is_in_good_standing:
            raise ConflictError(
                _("Your provider's status is “%(status)s”: it cannot dispute claims.")
                % {"status": provider.get_status_display()},
                code="provider_not_active",
            )
        with all_providers():  # the disputed claim is another provider's by definition
            claim = lock(LeadClaim.objects.filter(pk=claim.pk)).first()
        if (
            claim is None
            or claim.provider_id == provider.pk
            or not pool_leads(provider).filter(pk=claim.lead_id).exists()
        ):
            raise LeadNotFound()
        if claim.status != ClaimStatus.ACTIVE:
            raise InvalidTransition(_("This claim has ended: there is nothing to dispute."), code="claim_not_active")
        try:
            with transaction.atomic():
                dispute = LeadDispute.objects.create(
                    provider=provider, claim=claim, reason=reason, raised_by=membership
                )
        except IntegrityError as exc:  # lead_dispute_once_per_claim
            raise ConflictError(_("You have already disputed this claim."), code="dispute_exists") from exc
        _history(claim, ClaimEventKind.DISPUTED, note=_("Another provider disputed this claim; the operators decide."))
        audit_record(
            action=LeadAuditAction.DISPUTE_OPEN, obj=dispute, actor=actor, provider=provider, after={"claim": claim.pk}
        )
    return dispute


DECISIONS = {"upheld": DisputeStatus.UPHELD, "dismissed": DisputeStatus.DISMISSED}


def lead_dispute_decide(*, actor: Actor, dispute: LeadDispute, decision: str, reason: str) -> LeadDispute:
    """An operator decides a dispute with a reason both sides read. `upheld`: the disputed claim ends
    `reassigned` and the disputing provider gets a new claim for its own protection days (not counted
    against its monthly quota: it did not claim, the operators gave it), with history, events and account
    owner on both sides; `dismissed`: the claim stands. The disputer's member and the holder's claimer are
    notified."""
    if not actor.is_operator:
        raise PermissionDeniedError(_("Only platform operators decide disputes."))
    if decision not in DECISIONS:
        raise ApplicationError(_("Decide “upheld” or “dismissed”."), code="invalid_decision")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the decision: both providers read it."), code="reason_required")
    with all_providers(), transaction.atomic():
        disputer = hold(Provider(pk=dispute.provider_id))
        lead = lock(Lead.objects.filter(claims__disputes=dispute)).get()
        dispute = relock(dispute, "raised_by__user")
        assert_transition(dispute.status, DECISIONS[decision], table=DISPUTE_TRANSITIONS)
        claim = relock(dispute.claim, "claimed_by__user")
        now = timezone.now()
        new_claim = None
        if decision == "upheld":
            if claim.status != ClaimStatus.ACTIVE:
                raise InvalidTransition(
                    _("The disputed claim has already ended (%(status)s): dismiss the dispute instead.")
                    % {"status": claim.get_status_display()},
                    code="claim_not_active",
                )
            assert_transition(claim.status, ClaimStatus.REASSIGNED, table=CLAIM_TRANSITIONS)
            LeadClaim.objects.filter(pk=claim.pk).update(status=ClaimStatus.REASSIGNED, ended_at=now)
            _claims_ended(
                [(claim.pk, claim.provider_id, lead.pk)],
                kind=ClaimEventKind.REASSIGNED,
                why="reassigned",
                note=_("The operators upheld another provider's dispute: the lead was reassigned."),
                now=now,
                actor_name=str(actor.user),
            )
            new_claim = _dispute_claim(dispute=dispute, disputer=disputer, lead=lead, actor=actor, now=now)
        dispute.status, dispute.decision_reason = DECISIONS[decision], reason
        dispute.decided_by, dispute.decided_at = actor.user, now
        dispute.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
        _history(
            claim,
            ClaimEventKind.DISPUTE_DECIDED,
            note=f"{dispute.get_status_display()} · {reason}",
            actor=actor,
            at=now,
        )
        audit_record(
            action=LeadAuditAction.DISPUTE_DECIDE,
            obj=dispute,
            actor=actor,
            provider=disputer,
            before={"status": DisputeStatus.OPEN},
            after={"status": dispute.status, "new_claim": new_claim.pk if new_claim else None},
            reason=reason,
        )
        _notify_decision(dispute, claim, lead)
    return dispute


def _dispute_claim(*, dispute, disputer, lead, actor, now) -> LeadClaim:
    """The disputer's claim after an upheld dispute: claimed by the member who raised the dispute (or the
    owner, if they have left), for the disputer's protection days; its history starts `reassigned`."""
    member = dispute.raised_by
    if not member.is_active:
        member = Membership.objects.active().get(provider=disputer, role=Role.OWNER)
    standing = ProviderStanding.objects.get(provider=disputer)
    claim = _create_claim(provider=disputer, lead=lead, membership=member, now=now, days=standing.protection_days)
    _history(
        claim,
        ClaimEventKind.REASSIGNED,
        note=_("Your dispute was upheld: the operators gave you this lead (not counted against your quota)."),
        actor=actor,
        at=now,
    )
    emit(
        LEAD_CLAIMED,
        provider=disputer,
        payload={
            "claim_id": claim.pk,
            "lead_id": lead.pk,
            "membership_id": member.pk,
            "expires_at": claim.expires_at.isoformat(),
        },
    )
    with provider_scope(disputer.pk):
        account_ensure(actor=actor, provider=disputer, lead=lead, member=member, why="reassigned")
    return claim


def _notify_decision(dispute, claim, lead) -> None:
    decision, reason = dispute.get_status_display(), dispute.decision_reason
    notification_send(
        recipient=dispute.raised_by.user,
        provider=dispute.provider,
        verb=LeadAuditAction.DISPUTE_DECIDE,
        title=Text(gettext_lazy("Your dispute of the claim of %(lead)s was decided"), lead=lead.merchant_name),
        body=Text(gettext_lazy("%(decision)s. Reason: %(reason)s"), decision=decision, reason=reason),
        url=reverse("portal:lead_disputes"),
    )
    notification_send(
        recipient=claim.claimed_by.user,
        provider=claim.provider,
        verb=LeadAuditAction.DISPUTE_DECIDE,
        title=Text(gettext_lazy("A dispute of your claim of %(lead)s was decided"), lead=lead.merchant_name),
        body=Text(gettext_lazy("%(decision)s. Reason: %(reason)s"), decision=decision, reason=reason),
        url=reverse("portal:lead_claim_detail", kwargs={"pk": claim.pk}),
    )
