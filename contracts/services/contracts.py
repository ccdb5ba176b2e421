"""合作合同: the lifecycle of a contract, from a draft to its end (SPEC §5).

A provider drafts (`contract_draft`, or `contract_upgrade` from a specialized contract), proposes
(`contract_propose`), revises a proposal (`contract_revise`: a new version) or withdraws it
(`contract_cancel`); the merchant signs the version it read (`contract_sign`) or rejects it
(`contract_reject`). Signing freezes the terms (`signed_terms`, their SHA-256 `signed_fingerprint`; the
database refuses later changes), holds the stores of a full-operation contract (the exclusion constraint
`contract_one_full_operation_per_store`) and creates a specialized contract's deliverables. A signed contract
starts on its start date and ends after its end date (`contracts_activate_due`, `contracts_end_due`:
set-based, in batches). Clean exits: the merchant's 7-day cooling-off (`contract_cancel`), a notice of
termination by either side (`contract_give_notice`, 30 days unless the other side agrees to an earlier date:
`contract_agree_notice`) and whether the merchant's lead returns to the pool (`contract_set_return_to_pool`).

Every service locks its rows (provider, then contract, then the merchants' rows: request, lead, claim),
checks the transition against `CONTRACT_TRANSITIONS`, writes a timeline entry (`ContractEvent`, what both
sides read) and an audit event in its transaction, emits the domain event of a transition and notifies the
other side after commit. Services run in the caller's channel scope and enter the acting side's own."""

from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.actors import Actor, ActorKind
from linke.audit import audit_record
from linke.errors import ApplicationError, ConflictError, InvalidTransition, PermissionDeniedError
from linke.events import emit, emit_many
from linke.locks import hold, lock, relock
from linke.notifications import Text, notification_send
from linke.tenancy import all_providers
from merchants.choices import ClaimStatus, ExtensionReason, RequestStatus
from merchants.models import AccountAssignment, CooperationRequest, Lead, LeadClaim, Merchant, Store
from merchants.tenancy import merchant_scope
from providers.models import Membership, Provider, ProviderStanding
from providers.permissions import Action, require
from providers.tenancy import provider_scope
from reference.models import Track

from .. import rules
from ..choices import (
    ContractAuditAction,
    ContractEventKind,
    ContractKind,
    ContractOrigin,
    ContractStatus,
    DeliverableStatus,
    Side,
)
from ..events import CONTRACT_ACTIVATED, CONTRACT_ENDED, CONTRACT_PROPOSED, CONTRACT_SIGNED
from ..models import Contract, ContractEvent, ContractStore, Deliverable, DeliveryStandard, ServiceItem
from ..rules import end_of_day
from ..transitions import CONTRACT_TRANSITIONS, assert_transition
from .terms import (  # noqa: F401 - the terms' public names are importable from here too
    contract_terms,
    invalid,
    local_today,
    money_text,
    parse_date,
    signed_terms_of,
    terms_fingerprint,
    validate_terms,
)

FULL_OPERATION_PER_STORE = "contract_one_full_operation_per_store"
# Contracts started or ended per transaction by the periodic services: short row locks, bounded statements.
BATCH = 1000
SIDE_OF_ACTOR = {ActorKind.MEMBER: Side.PROVIDER, ActorKind.API_KEY: Side.PROVIDER, ActorKind.MERCHANT: Side.MERCHANT}


# --- Helpers: who acts, the timeline, notifications ----------------------------------------------------


def _side(actor: Actor) -> str:
    return SIDE_OF_ACTOR.get(actor.kind, Side.PLATFORM)


def _actor_name(actor: Actor) -> str:
    return str(actor.user) if actor.user is not None else ""


def _timeline(contract: Contract, kind: str, actor: Actor, *, note: str = "", at=None) -> ContractEvent:
    return ContractEvent.objects.create(
        provider_id=contract.provider_id,
        merchant_id=contract.merchant_id,
        contract=contract,
        kind=kind,
        side=_side(actor),
        actor_name=_actor_name(actor),
        note=note,
        created_at=at or timezone.now(),
    )


def _require_own_merchant(actor: Actor, contract: Contract, message) -> None:
    if actor.kind != ActorKind.MERCHANT or actor.merchant is None or actor.merchant.pk != contract.merchant_id:
        raise PermissionDeniedError(message)


def _url(name: str, contract: Contract) -> str:
    return reverse(name, kwargs={"pk": contract.pk})


def _notify_merchant(contract: Contract, *, verb, title, body="") -> None:
    notification_send(
        recipient=contract.merchant.owner,
        verb=verb,
        title=title,
        body=body,
        url=_url("merchant:contract_detail", contract),
    )


def _provider_recipients(contract: Contract) -> list:
    """The provider's owner and admins, and the merchant's account owner (跟进人) there, once each."""
    with provider_scope(contract.provider_id):
        members = list(Membership.objects.managers().filter(provider_id=contract.provider_id).select_related("user"))
        owner = (
            AccountAssignment.objects.filter(
                provider_id=contract.provider_id, lead__merchant_id=contract.merchant_id, ended_at__isnull=True
            )
            .select_related("member__user")
            .first()
        )
    if owner is not None and owner.member.is_active:
        members.append(owner.member)
    users = {}
    for member in members:
        users.setdefault(member.user_id, member.user)
    return list(users.values())


def _notify_provider(contract: Contract, *, verb, title, body="") -> None:
    url = _url("portal:contract_detail", contract)
    for user in _provider_recipients(contract):
        notification_send(recipient=user, provider=contract.provider, verb=verb, title=title, body=body, url=url)


def _notify_other_side(actor: Actor, contract: Contract, **message) -> None:
    if _side(actor) == Side.MERCHANT:
        _notify_provider(contract, **message)
    else:
        _notify_merchant(contract, **message)


# --- Rows of the terms ---------------------------------------------------------------------------------


def _merchant_stores(merchant: Merchant, stores) -> list[Store]:
    """`stores` (rows or ids) as the merchant's own stores, in id order; refused when one is not its own."""
    ids = []
    for store in stores or []:
        pk = getattr(store, "pk", store)
        if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk < 2**63:
            raise invalid(_("Choose the merchant's stores."), "store_not_merchants", "stores")
        ids.append(pk)
    if not ids:
        raise invalid(_("Choose at least one of the merchant's stores."), "stores_required", "stores")
    with merchant_scope(merchant):
        found = list(Store.objects.filter(pk__in=ids).order_by("pk"))
    if len(found) != len(set(ids)):
        raise invalid(
            _("Choose only stores of %(merchant)s.") % {"merchant": merchant.name}, "store_not_merchants", "stores"
        )
    return found


def _write_terms(contract: Contract, terms: dict, stores: list[Store]) -> None:
    """The rows of the terms: stores (with their period; not exclusive until signed), items, standards."""
    period = DateRange(terms["start_date"], terms["end_date"], "[]")
    ContractStore.objects.bulk_create(
        [ContractStore(contract=contract, store=store, period=period) for store in stores]
    )
    owners = {"contract": contract, "provider_id": contract.provider_id, "merchant_id": contract.merchant_id}
    ServiceItem.objects.bulk_create(
        [ServiceItem(position=position, **owners, **item) for position, item in enumerate(terms["items"])]
    )
    DeliveryStandard.objects.bulk_create([DeliveryStandard(**owners, **standard) for standard in terms["standards"]])


def _replace_terms(contract: Contract, terms: dict, stores: list[Store] | None) -> list[str]:
    """Write new `terms` (and `stores`, or the current ones) over an unsigned contract; returns the fields."""
    if stores is None:
        with merchant_scope(contract.merchant_id):
            stores = list(
                Store.objects.filter(pk__in=ContractStore.objects.filter(contract=contract).values("store_id"))
            )
    ContractStore.objects.filter(contract=contract).delete()
    contract.items.all().delete()
    contract.standards.all().delete()
    fields = ["title", "scope", "start_date", "end_date", "monthly_fee", "commission_bp", "total_price"]
    for field in fields:
        setattr(contract, field, terms[field])
    _write_terms(contract, terms, stores)
    return fields


def _terms_summary(terms: dict) -> dict:
    """What the audit trail keeps of a set of terms (JSON-ready)."""
    return {
        "title": terms["title"],
        "start_date": terms["start_date"].isoformat(),
        "end_date": terms["end_date"].isoformat(),
        "monthly_fee": money_text(terms["monthly_fee"]),
        "commission_bp": terms["commission_bp"],
        "total_price": money_text(terms["total_price"]),
        "items": len(terms["items"]),
        "standards": [standard["kind"] for standard in terms["standards"]],
    }


def _store_ids(contract: Contract) -> list[int]:
    return list(ContractStore.objects.filter(contract=contract).order_by("store_id").values_list("store_id", flat=True))


# --- Gates ---------------------------------------------------------------------------------------------


def _require_good_standing(provider: Provider) -> None:
    if not provider.is_in_good_standing:
        raise ConflictError(
            _("%(provider)s is “%(status)s”: it cannot propose or sign contracts at the moment.")
            % {"provider": provider.name, "status": provider.get_status_display()},
            code="provider_not_active",
        )


def certification_gate(contract: Contract, provider: Provider) -> None:
    """Full operation needs the provider certified in each track of the contract's stores (a track whose
    categories include the store's category) that requires it (`full_operation_requires_certification`).
    Reads the provider's standing (its certified tracks), never the certification app. Raises
    `certification_required` naming the first track missing."""
    if contract.kind != ContractKind.FULL_OPERATION:
        return
    certified = ProviderStanding.certified_tracks.through.objects.filter(providerstanding_id=provider.pk).values(
        "track_id"
    )
    categories = ContractStore.objects.filter(contract=contract).values("store__category_id")
    missing = (
        Track.objects.filter(full_operation_requires_certification=True, categories__in=Subquery(categories))
        .exclude(pk__in=Subquery(certified))
        .order_by("position", "slug")
        .first()
    )
    if missing is not None:
        raise ConflictError(
            _(
                "Full operation in the “%(track)s” track needs a certification in it, which %(provider)s does "
                "not hold: offer specialized services, or get certified first."
            )
            % {"track": missing, "provider": provider.name},
            code="certification_required",
            details={"track": missing.slug},
        )


def _store_conflict(contract: Contract, *, start: date, end: date) -> ConflictError | None:
    """The friendly error when a store of `contract` is held by another full-operation contract on
    overlapping dates (what the exclusion constraint refuses)."""
    taken = (
        ContractStore.objects.filter(
            exclusive=True,
            store_id__in=ContractStore.objects.filter(contract=contract).values("store_id"),
            period__overlap=DateRange(start, end, "[]"),
        )
        .exclude(contract=contract)
        .select_related("store")
        .order_by("store__name", "pk")
        .first()
    )
    if taken is None:
        return None
    first, last = taken.period.lower, taken.period.upper - timedelta(days=1)
    return ConflictError(
        _("Store %(store)s already has a full-operation contract from %(start)s to %(end)s.")
        % {"store": taken.store.name, "start": first.isoformat(), "end": last.isoformat()},
        code="store_has_full_operation",
        details={"store": taken.store_id, "start_date": first.isoformat(), "end_date": last.isoformat()},
    )


def _hold_stores(contract: Contract) -> None:
    """A full-operation contract holds its stores for its dates: the Python check gives the friendly
    message, the exclusion constraint decides a race (the loser gets the same message)."""
    conflict = _store_conflict(contract, start=contract.start_date, end=contract.end_date)
    if conflict is not None:
        raise conflict
    try:
        with transaction.atomic():
            ContractStore.objects.filter(contract=contract).update(exclusive=True)
    except IntegrityError as exc:
        if getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) != FULL_OPERATION_PER_STORE:
            raise
        conflict = _store_conflict(contract, start=contract.start_date, end=contract.end_date)
        raise conflict or ConflictError(
            _("A store of this contract already has a full-operation contract for these dates."),
            code="store_has_full_operation",
        ) from exc


# --- Leads and requests of the merchant -----------------------------------------------------------------


def _merchant_lead(merchant_id: int, *, locked: bool) -> Lead | None:
    leads = Lead.objects.filter(merchant_id=merchant_id)
    return (lock(leads) if locked else leads).first()


def _held_claim(provider_id: int, merchant_id: int) -> LeadClaim | None:
    """The provider's active claim of the merchant's lead, if it holds it."""
    with provider_scope(provider_id):
        return (
            LeadClaim.objects.filter(provider_id=provider_id, lead__merchant_id=merchant_id, status=ClaimStatus.ACTIVE)
            .select_related("lead")
            .first()
        )


def _works_with(provider: Provider, merchant: Merchant) -> bool:
    """Whether `provider` may propose to `merchant`: a cooperation request from it, a held lead of it, or
    a contract with it already."""
    with provider_scope(provider):
        return (
            CooperationRequest.objects.filter(provider=provider, merchant=merchant).exists()
            or LeadClaim.objects.filter(provider=provider, lead__merchant=merchant, status=ClaimStatus.ACTIVE).exists()
            or Contract.objects.filter(provider=provider, merchant=merchant)
            .exclude(status=ContractStatus.DRAFT)
            .exists()
        )


# --- Creating ------------------------------------------------------------------------------------------


def contract_create(
    *,
    actor: Actor,
    provider: Provider,
    merchant: Merchant,
    stores,
    kind: str,
    terms: dict,
    origin: str,
    status: str = ContractStatus.DRAFT,
    request=None,
    lead_claim=None,
    rfq_proposal=None,
    upgraded_from=None,
) -> Contract:
    """The one builder of a contract (no role check: callers check who may). Validates `terms`
    (`validate_terms`, new) and `stores` (the merchant's own), then writes the contract (version 1, a
    draft or, e.g. for an accepted RFQ proposal, directly proposed), its stores (period = [start, end], not
    exclusive until signed), items, standards and total price, a timeline entry and an audit event. A
    contract created as proposed emits `contract.proposed`; the caller notifies. `actor.user` is the
    drafter (a member, or the merchant who accepted an RFQ proposal)."""
    if status not in (ContractStatus.DRAFT, ContractStatus.PROPOSED):
        raise ValueError(f"a contract is created as a draft or a proposal, not {status}")
    if origin not in ContractOrigin.values:
        raise ValueError(f"unknown origin {origin!r}")
    if actor.user is None:
        raise ValueError("a contract is drafted by a person")
    terms = validate_terms(kind=kind, terms=terms)
    stores = _merchant_stores(merchant, stores)
    proposed = status == ContractStatus.PROPOSED
    with transaction.atomic():
        now = timezone.now()
        contract = Contract.objects.create(
            provider=provider,
            merchant=merchant,
            kind=kind,
            status=status,
            origin=origin,
            title=terms["title"],
            scope=terms["scope"],
            start_date=terms["start_date"],
            end_date=terms["end_date"],
            monthly_fee=terms["monthly_fee"],
            commission_bp=terms["commission_bp"],
            total_price=terms["total_price"],
            request=request,
            lead_claim=lead_claim,
            rfq_proposal=rfq_proposal,
            upgraded_from=upgraded_from,
            created_by=actor.user,
            proposed_at=now if proposed else None,
        )
        _write_terms(contract, terms, stores)
        _timeline(contract, ContractEventKind.PROPOSED if proposed else ContractEventKind.DRAFTED, actor, at=now)
        audit_record(
            action=ContractAuditAction.PROPOSE if proposed else ContractAuditAction.DRAFT,
            obj=contract,
            actor=actor,
            provider=provider,
            after={"status": status, "kind": kind, "origin": origin, "stores": [s.pk for s in stores]}
            | _terms_summary(terms),
        )
        if proposed:
            _emit_proposed(contract)
    return contract


def _emit_proposed(contract: Contract) -> None:
    emit(
        CONTRACT_PROPOSED,
        provider=contract.provider,
        payload={
            "contract_id": contract.pk,
            "merchant_id": contract.merchant_id,
            "kind": contract.kind,
            "version": contract.version,
            "store_ids": _store_ids(contract),
        },
    )


def contract_draft(
    *, actor: Actor, merchant: Merchant, stores, kind: str, terms: dict, request=None, lead_claim=None
) -> Contract:
    """A member who may propose (owner, admin, bd) drafts a contract with a merchant the provider works
    with: from its cooperation `request` (to this provider), from the provider's active `lead_claim` of the
    merchant's lead, or from scratch for a merchant that sent a request, whose lead it holds or that it
    has a contract with (`merchant_not_available` otherwise, as for a stranger). The kind must be one the
    provider offers. The origin follows (request, lead, scratch); a held claim is linked even when not
    given. Nothing is sent: `contract_propose` does."""
    membership = require(actor, Action.PROPOSE_CONTRACTS)
    with provider_scope(membership.provider_id), transaction.atomic():
        membership = require(actor, Action.PROPOSE_CONTRACTS, fresh=True)
        provider = membership.provider
        if kind not in provider.cooperation_modes:
            raise invalid(
                _("%(provider)s does not offer “%(mode)s”.")
                % {"provider": provider.name, "mode": dict(ContractKind.choices).get(kind, kind)},
                "mode_not_offered",
                "kind",
            )
        if request is not None:
            request = CooperationRequest.objects.filter(pk=request.pk, provider=provider).first()
            if request is None or request.merchant_id != merchant.pk:
                raise invalid(_("This cooperation request is not from this merchant."), "request_mismatch", "request")
        if lead_claim is not None:
            lead_claim = (
                LeadClaim.objects.filter(pk=lead_claim.pk, provider=provider, status=ClaimStatus.ACTIVE)
                .select_related("lead")
                .first()
            )
            if lead_claim is None or lead_claim.lead.merchant_id != merchant.pk:
                raise invalid(
                    _("Your provider does not hold this merchant's lead."), "lead_claim_mismatch", "lead_claim"
                )
        else:
            lead_claim = _held_claim(provider.pk, merchant.pk)
        if request is None and lead_claim is None and not _works_with(provider, merchant):
            raise ConflictError(
                _("You can propose only to merchants that asked you, whose lead you hold, or that you work with."),
                code="merchant_not_available",
            )
        origin = ContractOrigin.REQUEST if request else ContractOrigin.LEAD if lead_claim else ContractOrigin.SCRATCH
        return contract_create(
            actor=actor,
            provider=provider,
            merchant=merchant,
            stores=stores,
            kind=kind,
            terms=terms,
            origin=origin,
            request=request,
            lead_claim=lead_claim,
        )


def contract_update_draft(*, actor: Actor, contract: Contract, terms: dict, stores=None) -> Contract:
    """Change a draft's terms (and stores: the merchant's own; `None` keeps them). Proposers only.
    Audited with before and after."""
    require(actor, Action.PROPOSE_CONTRACTS, provider=contract.provider_id)
    with provider_scope(contract.provider_id), transaction.atomic():
        require(actor, Action.PROPOSE_CONTRACTS, provider=contract.provider_id, fresh=True)
        contract = relock(contract, "merchant", "provider")
        if contract.status != ContractStatus.DRAFT:
            raise InvalidTransition(
                _("Only a draft can be edited; a proposal is revised as a new version."), code="not_a_draft"
            )
        cleaned = validate_terms(kind=contract.kind, terms=terms)
        store_rows = None if stores is None else _merchant_stores(contract.merchant, stores)
        before = _terms_summary(contract_terms(contract))
        fields = _replace_terms(contract, cleaned, store_rows)
        contract.save(update_fields=fields)
        audit_record(
            action=ContractAuditAction.UPDATE_DRAFT,
            obj=contract,
            actor=actor,
            provider=contract.provider,
            before=before,
            after=_terms_summary(cleaned),
        )
    return contract


# --- Proposing -----------------------------------------------------------------------------------------


def _check_to_propose(contract: Contract, provider: Provider) -> dict:
    """What proposing or revising requires of the contract as it is: valid terms (start not passed), an
    active provider, the certification gate, no store held by another full-operation contract."""
    _require_good_standing(provider)
    terms = validate_terms(kind=contract.kind, terms=contract_terms(contract))
    certification_gate(contract, provider)
    if contract.kind == ContractKind.FULL_OPERATION:
        conflict = _store_conflict(contract, start=contract.start_date, end=contract.end_date)
        if conflict is not None:
            raise conflict
    return terms


def contract_propose(*, actor: Actor, contract: Contract) -> Contract:
    """Send a draft to the merchant (owner, admin, bd of an active provider; `provider_not_active`
    otherwise, checked under `hold(provider)` so a suspension waits or is seen). Refused when the terms
    are no longer valid (a start date passed), by the certification gate (`certification_required`) or
    when a store is held by another full-operation contract for these dates. Side effects: a cooperation
    request it answers is answered "with a proposal"; a lead of the merchant held by this provider is
    extended once (15 days); the merchant's lead gets an account owner here (the proposer); an upgrade
    is marked on the contract it upgrades; `contract.proposed`; the merchant's owner is notified."""
    require(actor, Action.PROPOSE_CONTRACTS, provider=contract.provider_id)
    with provider_scope(contract.provider_id), transaction.atomic():
        provider = hold(Provider(pk=contract.provider_id))
        membership = require(actor, Action.PROPOSE_CONTRACTS, provider=provider, fresh=True)
        contract = relock(contract, "merchant__owner", "provider")
        assert_transition(contract.status, ContractStatus.PROPOSED, table=CONTRACT_TRANSITIONS)
        _check_to_propose(contract, provider)
        now = timezone.now()
        contract.status, contract.proposed_at = ContractStatus.PROPOSED, now
        contract.save(update_fields=["status", "proposed_at"])
        _timeline(contract, ContractEventKind.PROPOSED, actor, at=now)
        if contract.request_id is not None:
            _answer_request(actor, contract)
        _look_after_merchant(actor, membership, contract, extend=True)
        if contract.upgraded_from_id is not None:
            upgraded = Contract.objects.get(pk=contract.upgraded_from_id)
            _timeline(upgraded, ContractEventKind.UPGRADED, actor, note=f"#{contract.pk} {contract.title}", at=now)
        audit_record(
            action=ContractAuditAction.PROPOSE,
            obj=contract,
            actor=actor,
            provider=provider,
            before={"status": ContractStatus.DRAFT},
            after={"status": ContractStatus.PROPOSED, "version": contract.version},
        )
        _emit_proposed(contract)
        _notify_merchant(
            contract,
            verb=ContractAuditAction.PROPOSE,
            title=Text(gettext_lazy("%(provider)s sent you a contract proposal"), provider=provider.name),
            body=Text(
                gettext_lazy("“%(title)s” (%(kind)s), from %(start)s to %(end)s. Read it and sign or reject it."),
                title=contract.title,
                kind=ContractKind(contract.kind).label,
                start=contract.start_date.isoformat(),
                end=contract.end_date.isoformat(),
            ),
        )
    return contract


def _answer_request(actor: Actor, contract: Contract) -> None:
    """The cooperation request the contract came from is answered with this proposal (if still open)."""
    from merchants.services.requests import request_answer_with_proposal

    request = CooperationRequest.objects.get(pk=contract.request_id)
    if request.status == RequestStatus.OPEN:
        request_answer_with_proposal(actor=actor, request=request)


def _look_after_merchant(actor: Actor, membership: Membership, contract: Contract, *, extend: bool) -> None:
    """The merchant's lead: the proposer becomes its account owner here (unless it has one), and the
    provider's active claim of it is extended once for the proposal (`extend`)."""
    from merchants.services.accounts import account_ensure
    from merchants.services.leads import lead_claim_extend

    lead = _merchant_lead(contract.merchant_id, locked=True)
    if lead is None:
        return
    account_ensure(actor=actor, provider=contract.provider, lead=lead, member=membership, why="proposal")
    claim = _held_claim(contract.provider_id, contract.merchant_id)
    if extend and claim is not None and claim.extended_at is None and claim.expires_at > timezone.now():
        lead_claim_extend(claim=claim, reason=ExtensionReason.PROPOSAL, actor=actor)


def contract_revise(*, actor: Actor, contract: Contract, terms: dict, stores=None) -> Contract:
    """Change a proposal's terms: a new `version` (+1) the merchant signs again (a signature of the old
    version is refused: `version_changed`). The same rules as proposing; timeline "revised",
    `contract.proposed` with the new version, the merchant is notified."""
    require(actor, Action.PROPOSE_CONTRACTS, provider=contract.provider_id)
    with provider_scope(contract.provider_id), transaction.atomic():
        provider = hold(Provider(pk=contract.provider_id))
        require(actor, Action.PROPOSE_CONTRACTS, provider=provider, fresh=True)
        contract = relock(contract, "merchant__owner", "provider")
        if contract.status != ContractStatus.PROPOSED:
            raise InvalidTransition(_("Only a proposal awaiting the merchant can be revised."), code="not_proposed")
        cleaned = validate_terms(kind=contract.kind, terms=terms)
        store_rows = None if stores is None else _merchant_stores(contract.merchant, stores)
        before = {"version": contract.version}
        fields = _replace_terms(contract, cleaned, store_rows)
        _check_to_propose(contract, provider)
        contract.version += 1
        contract.proposed_at = timezone.now()
        contract.save(update_fields=[*fields, "version", "proposed_at"])
        _timeline(
            contract,
            ContractEventKind.REVISED,
            actor,
            note=_("Version %(version)s") % {"version": contract.version},
            at=contract.proposed_at,
        )
        audit_record(
            action=ContractAuditAction.REVISE,
            obj=contract,
            actor=actor,
            provider=provider,
            before=before,
            after={"version": contract.version} | _terms_summary(cleaned),
        )
        _emit_proposed(contract)
        _notify_merchant(
            contract,
            verb=ContractAuditAction.REVISE,
            title=Text(
                gettext_lazy("%(provider)s changed its proposal “%(title)s”"),
                provider=provider.name,
                title=contract.title,
            ),
            body=Text(gettext_lazy("Version %(version)s: read it again before you sign."), version=contract.version),
        )
    return contract


# --- Signing -------------------------------------------------------------------------------------------


def contract_sign(*, actor: Actor, contract: Contract, version, confirm_fees: bool = False) -> Contract:
    """The merchant signs the proposal's `version` it read. Refused: `version_changed` (the provider
    revised it since), `start_date_passed` (the proposal's start date is behind us: the provider revises
    the dates), `fees_not_confirmed` (full operation: the fee model must be confirmed explicitly),
    `provider_not_active` (under `hold(provider)`), `certification_required`, `store_has_full_operation`
    (a store held for overlapping dates; the exclusion constraint decides a race, the loser changes
    nothing). Writes who and when, the frozen `signed_terms` and their fingerprint; full operation holds
    its stores; specialized creates each item's deliverables (`quantity` of them, due at the end of the
    item's due date). The provider's claim of the merchant's lead is converted, the lead leaves the pool.
    A contract whose start date has come starts at once (`contract.activated`). Emits `contract.signed`;
    notifies the provider's owner, admins and the merchant's account owner there."""
    _require_own_merchant(actor, contract, _("Only the merchant itself can sign its contracts."))
    with merchant_scope(contract.merchant_id), transaction.atomic():
        provider = hold(Provider(pk=contract.provider_id))
        contract = relock(contract, "merchant__owner", "provider")
        assert_transition(contract.status, ContractStatus.SIGNED, table=CONTRACT_TRANSITIONS)
        if str(version).strip() != str(contract.version):
            raise ConflictError(
                _("The provider changed the proposal since you opened it (now version %(version)s): read it again.")
                % {"version": contract.version},
                code="version_changed",
                details={"version": contract.version},
            )
        if contract.start_date < local_today():
            # Signing late would back-date the work: items already overdue (SLA breaches against the provider)
            # and a fixed fee owed for days before the signature. New dates are a new version.
            raise ConflictError(
                _(
                    "This proposal was to start on %(start)s, which has passed: ask %(provider)s for a revised "
                    "version with new dates."
                )
                % {"start": contract.start_date.isoformat(), "provider": provider.name},
                code="start_date_passed",
                details={"start_date": contract.start_date.isoformat()},
            )
        if contract.kind == ContractKind.FULL_OPERATION and confirm_fees is not True:
            raise ApplicationError(
                _("Confirm the fees (the fixed monthly fee and the commission on GMV) to sign."),
                code="fees_not_confirmed",
                details={"field": "confirm_fees"},
            )
        _require_good_standing(provider)
        certification_gate(contract, provider)
        now = timezone.now()
        terms = signed_terms_of(contract)
        contract.status, contract.signed_at, contract.signed_by = ContractStatus.SIGNED, now, actor.user
        contract.signed_terms, contract.signed_fingerprint = terms, terms_fingerprint(terms)
        contract.save(update_fields=["status", "signed_at", "signed_by", "signed_terms", "signed_fingerprint"])
        if contract.kind == ContractKind.FULL_OPERATION:
            _hold_stores(contract)
        else:
            _create_item_deliverables(contract)
        _timeline(contract, ContractEventKind.SIGNED, actor, note=contract.signed_fingerprint, at=now)
        _convert_lead(actor, contract)
        audit_record(
            action=ContractAuditAction.SIGN,
            obj=contract,
            actor=actor,
            provider=provider,
            before={"status": ContractStatus.PROPOSED},
            after={
                "status": ContractStatus.SIGNED,
                "version": contract.version,
                "fingerprint": contract.signed_fingerprint,
                "fees_confirmed": bool(confirm_fees),
            },
        )
        emit(
            CONTRACT_SIGNED,
            provider=provider,
            payload={
                "contract_id": contract.pk,
                "merchant_id": contract.merchant_id,
                "kind": contract.kind,
                "fingerprint": contract.signed_fingerprint,
                "store_ids": _store_ids(contract),
            },
        )
        if contract.start_date <= local_today():
            _activate_now(contract, actor, at=now)
        _notify_provider(
            contract,
            verb=ContractAuditAction.SIGN,
            title=Text(
                gettext_lazy("%(merchant)s signed “%(title)s”"), merchant=contract.merchant.name, title=contract.title
            ),
            body=Text(
                gettext_lazy("Version %(version)s, from %(start)s to %(end)s. Fingerprint %(fingerprint)s."),
                version=contract.version,
                start=contract.start_date.isoformat(),
                end=contract.end_date.isoformat(),
                fingerprint=contract.signed_fingerprint,
            ),
        )
    return contract


def _create_item_deliverables(contract: Contract) -> None:
    Deliverable.objects.bulk_create(
        [
            Deliverable(
                contract=contract,
                provider_id=contract.provider_id,
                merchant_id=contract.merchant_id,
                service_item=item,
                sequence=number,
                title=f"{item.title} {number}/{item.quantity}",
                due_at=end_of_day(item.due_date),
            )
            for item in contract.items.order_by("position", "pk")
            for number in range(1, item.quantity + 1)
        ]
    )


def _convert_lead(actor: Actor, contract: Contract) -> None:
    """The provider's claim of the merchant's lead ends as converted; the lead leaves the pool while the
    merchant is under contract (`merchants.services.leads.lead_withhold`)."""
    from merchants.services.leads import lead_claim_convert, lead_withhold

    lead = _merchant_lead(contract.merchant_id, locked=True)
    if lead is None:
        return
    claim = _held_claim(contract.provider_id, contract.merchant_id)
    if claim is not None:
        lead_claim_convert(claim=claim, actor=actor)
    lead_withhold(lead=lead, actor=actor)


def _activate_now(contract: Contract, actor: Actor, *, at) -> None:
    """A contract signed on or after its start date starts in the same transaction."""
    assert_transition(contract.status, ContractStatus.ACTIVE, table=CONTRACT_TRANSITIONS)
    contract.status, contract.activated_at = ContractStatus.ACTIVE, at
    contract.save(update_fields=["status", "activated_at"])
    _timeline(contract, ContractEventKind.ACTIVATED, Actor.system(), at=at)
    emit(
        CONTRACT_ACTIVATED,
        provider=contract.provider,
        payload={
            "contract_id": contract.pk,
            "merchant_id": contract.merchant_id,
            "start_date": contract.start_date.isoformat(),
        },
    )
    if contract.kind == ContractKind.FULL_OPERATION:
        _generate_month([contract.pk])


def _generate_month(contract_ids: list[int]) -> None:
    """This month's deliverables of full-operation contracts that have just started (the deliverables
    area's idempotent generator)."""
    from .deliverables import monthly_deliverables_generate

    if contract_ids:
        monthly_deliverables_generate(month=local_today().replace(day=1), contract_ids=contract_ids)


# --- Rejecting, cancelling -----------------------------------------------------------------------------


def _reason(reason, message) -> str:
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason or "\x00" in reason:
        raise invalid(message, "reason_required", "reason")
    return reason[:5000]


def _emit_ended(contract: Contract) -> None:
    emit(
        CONTRACT_ENDED,
        provider=contract.provider,
        payload={
            "contract_id": contract.pk,
            "merchant_id": contract.merchant_id,
            "status": contract.status,
            "ended_by": contract.ended_by,
            "reason": contract.reason,
            "return_to_pool": contract.return_to_pool,
        },
    )


def contract_reject(*, actor: Actor, contract: Contract, reason: str) -> Contract:
    """The merchant rejects a proposal with a reason the provider reads. `contract.ended`; the provider's
    owner, admins and account owner are notified."""
    _require_own_merchant(actor, contract, _("Only the merchant itself can reject a proposal."))
    reason = _reason(reason, _("Tell the provider why you reject the proposal."))
    with merchant_scope(contract.merchant_id), transaction.atomic():
        contract = relock(contract, "merchant__owner", "provider")
        assert_transition(contract.status, ContractStatus.REJECTED, table=CONTRACT_TRANSITIONS)
        now = timezone.now()
        contract.status, contract.reason, contract.ended_by, contract.ended_at = (
            ContractStatus.REJECTED,
            reason,
            Side.MERCHANT,
            now,
        )
        contract.save(update_fields=["status", "reason", "ended_by", "ended_at"])
        _timeline(contract, ContractEventKind.REJECTED, actor, note=reason, at=now)
        audit_record(
            action=ContractAuditAction.REJECT,
            obj=contract,
            actor=actor,
            provider=contract.provider,
            before={"status": ContractStatus.PROPOSED},
            after={"status": ContractStatus.REJECTED},
            reason=reason,
        )
        _emit_ended(contract)
        _notify_provider(
            contract,
            verb=ContractAuditAction.REJECT,
            title=Text(
                gettext_lazy("%(merchant)s rejected “%(title)s”"), merchant=contract.merchant.name, title=contract.title
            ),
            body=Text(gettext_lazy("Their reason: %(reason)s"), reason=reason),
        )
    return contract


def cooling_off_ends(contract: Contract) -> datetime | None:
    """When the merchant's free cancellation of a signed full-operation contract ends (None otherwise)."""
    if contract.kind != ContractKind.FULL_OPERATION or contract.signed_at is None:
        return None
    return contract.signed_at + rules.COOLING_OFF


def contract_cancel(*, actor: Actor, contract: Contract, reason: str = "") -> Contract:
    """Cancel a contract. The provider (owner, admin, bd) drops a draft or withdraws a proposal (with a
    reason the merchant reads). The merchant cancels a signed or active full-operation contract at no cost
    within the 7-day cooling-off after signing (with a reason): its stores are free at once, and its lead
    returns to the pool if it agreed. Otherwise `cooling_off_over`: give notice (`contract_give_notice`).
    `contract.ended` and the other side is notified (not for a draft: the merchant never saw it)."""
    side = _side(actor)
    if side == Side.MERCHANT:
        _require_own_merchant(actor, contract, _("Only the merchant itself can cancel its contracts."))
        scope = merchant_scope(contract.merchant_id)
    else:
        require(actor, Action.PROPOSE_CONTRACTS, provider=contract.provider_id)
        scope = provider_scope(contract.provider_id)
    with scope, transaction.atomic():
        if side != Side.MERCHANT:
            require(actor, Action.PROPOSE_CONTRACTS, provider=contract.provider_id, fresh=True)
        contract = relock(contract, "merchant__owner", "provider")
        before = contract.status
        assert_transition(before, ContractStatus.CANCELLED, table=CONTRACT_TRANSITIONS)
        if side == Side.MERCHANT:
            _check_cooling_off(contract)
            reason = _reason(reason, _("Tell the provider why you cancel the contract."))
        elif before not in (ContractStatus.DRAFT, ContractStatus.PROPOSED):
            raise InvalidTransition(
                _("A signed contract is ended by a notice of termination, not cancelled."), code="give_notice"
            )
        elif before == ContractStatus.PROPOSED:
            reason = _reason(reason, _("Tell the merchant why you withdraw the proposal."))
        else:
            reason = (reason or "").strip() if isinstance(reason, str) else ""
        now = timezone.now()
        contract.status, contract.reason, contract.ended_by, contract.ended_at = (
            ContractStatus.CANCELLED,
            reason,
            side,
            now,
        )
        contract.save(update_fields=["status", "reason", "ended_by", "ended_at"])
        _timeline(contract, ContractEventKind.CANCELLED, actor, note=reason, at=now)
        audit_record(
            action=ContractAuditAction.CANCEL,
            obj=contract,
            actor=actor,
            provider=contract.provider,
            before={"status": before},
            after={"status": ContractStatus.CANCELLED},
            reason=reason,
        )
        if before == ContractStatus.DRAFT:
            return contract
        if before in (ContractStatus.SIGNED, ContractStatus.ACTIVE):
            contracts_release([contract.pk], returning=[contract.merchant_id] if contract.return_to_pool else [])
        _emit_ended(contract)
        if side == Side.MERCHANT:
            title = Text(
                gettext_lazy("%(merchant)s cancelled “%(title)s” in the cooling-off period"),
                merchant=contract.merchant.name,
                title=contract.title,
            )
        else:
            title = Text(
                gettext_lazy("%(provider)s withdrew its proposal “%(title)s”"),
                provider=contract.provider.name,
                title=contract.title,
            )
        _notify_other_side(
            actor,
            contract,
            verb=ContractAuditAction.CANCEL,
            title=title,
            body=Text(gettext_lazy("Their reason: %(reason)s"), reason=reason),
        )
    return contract


def _check_cooling_off(contract: Contract) -> None:
    if contract.status == ContractStatus.PROPOSED:
        raise InvalidTransition(_("Reject the proposal instead: it is not signed."), code="reject_instead")
    if contract.status not in (ContractStatus.SIGNED, ContractStatus.ACTIVE):
        raise InvalidTransition()
    ends = cooling_off_ends(contract)
    if ends is None:
        raise InvalidTransition(
            _(
                "Only a full-operation contract can be cancelled in the cooling-off period: "
                "give notice to end this one."
            ),
            code="cooling_off_over",
        )
    if timezone.now() > ends:
        raise InvalidTransition(
            _("The 7-day cooling-off period ended on %(date)s: give notice to end the contract.")
            % {"date": timezone.localtime(ends).strftime("%Y-%m-%d %H:%M")},
            code="cooling_off_over",
            details={"cooling_off_ended_at": ends.isoformat()},
        )


def contracts_release(contract_ids: list[int], *, returning: list[int]) -> None:
    """What follows the end of contracts (any way they ended), in the caller's transaction: they free their
    stores (`exclusive` off), and the merchants of `returning` (whose contract had `return_to_pool`) go
    back to the lead pool unless another signed or active contract still binds them. For every service
    that ends a contract (the deliverables area's completion too)."""
    ContractStore.objects.filter(contract_id__in=contract_ids, exclusive=True).update(exclusive=False)
    if not returning:
        return
    from merchants.services.leads import leads_return_to_pool

    with all_providers():  # any provider's contract keeps the merchant out of the pool
        busy = set(
            Contract.objects.filter(
                merchant_id__in=returning, status__in=[ContractStatus.SIGNED, ContractStatus.ACTIVE]
            ).values_list("merchant_id", flat=True)
        )
    leads_return_to_pool(merchant_ids=sorted(set(returning) - busy))


# --- Notice of termination -----------------------------------------------------------------------------


def notice_pending(contract: Contract) -> bool:
    """Whether a notice asks for an earlier end than the contract's, awaiting the other side's agreement."""
    return contract.notice_end_date is not None and contract.notice_end_date < contract.end_date


def _acting_side(actor: Actor, contract: Contract):
    """The side `actor` acts for on `contract` and the scope to enter: the merchant itself, or a member
    who signs off for the provider (owner, admin)."""
    if _side(actor) == Side.MERCHANT:
        _require_own_merchant(actor, contract, _("Only the merchant itself can end its contracts."))
        return Side.MERCHANT, merchant_scope(contract.merchant_id)
    require(actor, Action.SIGN_OFF_CONTRACTS, provider=contract.provider_id)
    return Side.PROVIDER, provider_scope(contract.provider_id)


def _move_end(contract: Contract, end: date) -> None:
    """The contract now ends on `end`: its stores are free after it, commission stops then."""
    contract.end_date = end
    ContractStore.objects.filter(contract=contract).update(period=DateRange(contract.start_date, end, "[]"))


def contract_give_notice(*, actor: Actor, contract: Contract, end_date, reason: str) -> Contract:
    """Either side gives notice of termination of a signed or active contract (any kind), with a reason
    and an end date (today or later, not before the start, before the current end). 30 days' notice or
    more (`rules.NOTICE`) takes effect at once: the contract ends on that date (the store is free after
    it, commission stops then). An earlier date waits for the other side (`contract_agree_notice`); the
    contract keeps its end date meanwhile. A new notice replaces a pending one. On the provider side
    owner and admins only. Timeline, audit, the other side notified."""
    side, scope = _acting_side(actor, contract)
    reason = _reason(reason, _("Give the reason for ending the contract."))
    end = parse_date(end_date, "end_date", label=_("the end date"))
    with scope, transaction.atomic():
        if side == Side.PROVIDER:
            require(actor, Action.SIGN_OFF_CONTRACTS, provider=contract.provider_id, fresh=True)
        contract = relock(contract, "merchant__owner", "provider")
        assert_transition(contract.status, ContractStatus.TERMINATED, table=CONTRACT_TRANSITIONS)
        now, day = timezone.now(), local_today()
        if end < day:
            raise invalid(_("Choose today or a later day as the end date."), "end_in_past", "end_date")
        if end < contract.start_date:
            raise invalid(
                _("The contract starts on %(start)s: choose an end date on or after it.")
                % {"start": contract.start_date.isoformat()},
                "end_before_start",
                "end_date",
            )
        if end >= contract.end_date:
            raise invalid(
                _("The contract already ends on %(end)s: choose an earlier end date.")
                % {"end": contract.end_date.isoformat()},
                "end_not_earlier",
                "end_date",
            )
        effective = end >= day + rules.NOTICE
        before = {"end_date": contract.end_date.isoformat()}
        contract.notice_end_date, contract.notice_by, contract.notice_reason = end, side, reason
        contract.notice_at, contract.notice_agreed_at = now, None
        if effective:
            _move_end(contract, end)
        contract.save(
            update_fields=["notice_end_date", "notice_by", "notice_reason", "notice_at", "notice_agreed_at", "end_date"]
        )
        if effective:
            note = _("Ends on %(date)s. %(reason)s") % {"date": end.isoformat(), "reason": reason}
        else:
            note = _("Asks to end on %(date)s, earlier than 30 days' notice: awaiting the other side. %(reason)s") % {
                "date": end.isoformat(),
                "reason": reason,
            }
        _timeline(contract, ContractEventKind.NOTICE_GIVEN, actor, note=note, at=now)
        audit_record(
            action=ContractAuditAction.NOTICE,
            obj=contract,
            actor=actor,
            provider=contract.provider,
            before=before,
            after={
                "end_date": contract.end_date.isoformat(),
                "notice_end_date": end.isoformat(),
                "effective": effective,
            },
            reason=reason,
        )
        if effective:
            body = Text(gettext_lazy("It ends on %(date)s. Reason: %(reason)s"), date=end.isoformat(), reason=reason)
        else:
            body = Text(
                gettext_lazy(
                    "They ask to end it on %(date)s, earlier than 30 days' notice: agree or keep the term. "
                    "Reason: %(reason)s"
                ),
                date=end.isoformat(),
                reason=reason,
            )
        _notify_other_side(
            actor,
            contract,
            verb=ContractAuditAction.NOTICE,
            title=Text(gettext_lazy("Notice of termination of “%(title)s”"), title=contract.title),
            body=body,
        )
    return contract


def contract_agree_notice(*, actor: Actor, contract: Contract) -> Contract:
    """The other side agrees to a pending notice's earlier end date: the contract now ends then (the store
    is free after it). Refused when nothing is pending (`no_pending_notice`), for the side that gave it
    (`own_notice`), or when its date has passed (`notice_date_passed`: give a new notice)."""
    side, scope = _acting_side(actor, contract)
    with scope, transaction.atomic():
        if side == Side.PROVIDER:
            require(actor, Action.SIGN_OFF_CONTRACTS, provider=contract.provider_id, fresh=True)
        contract = relock(contract, "merchant__owner", "provider")
        assert_transition(contract.status, ContractStatus.TERMINATED, table=CONTRACT_TRANSITIONS)
        if not notice_pending(contract):
            raise InvalidTransition(_("There is no notice waiting for your agreement."), code="no_pending_notice")
        if contract.notice_by == side:
            raise InvalidTransition(_("The other side must agree to your notice."), code="own_notice")
        if contract.notice_end_date < local_today():
            raise InvalidTransition(
                _("The requested end date %(date)s has passed: give a new notice.")
                % {"date": contract.notice_end_date.isoformat()},
                code="notice_date_passed",
            )
        now, before = timezone.now(), contract.end_date
        _move_end(contract, contract.notice_end_date)
        contract.notice_agreed_at = now
        contract.save(update_fields=["end_date", "notice_agreed_at"])
        _timeline(
            contract,
            ContractEventKind.NOTICE_AGREED,
            actor,
            note=_("Ends on %(date)s.") % {"date": contract.end_date.isoformat()},
            at=now,
        )
        audit_record(
            action=ContractAuditAction.NOTICE_AGREE,
            obj=contract,
            actor=actor,
            provider=contract.provider,
            before={"end_date": before.isoformat()},
            after={"end_date": contract.end_date.isoformat()},
        )
        _notify_other_side(
            actor,
            contract,
            verb=ContractAuditAction.NOTICE_AGREE,
            title=Text(gettext_lazy("The earlier end of “%(title)s” was agreed"), title=contract.title),
            body=Text(gettext_lazy("The contract ends on %(date)s."), date=contract.end_date.isoformat()),
        )
    return contract


ENDED_AFTER_SIGNING = (
    ContractStatus.COMPLETED,
    ContractStatus.EXPIRED,
    ContractStatus.TERMINATED,
    ContractStatus.CANCELLED,
)


def contract_set_return_to_pool(*, actor: Actor, contract: Contract, agree: bool) -> Contract:
    """The merchant says whether its lead returns to the public lead pool when the contract ends (default:
    no; a merchant under contract is out of the pool). Said after the contract ended, it applies at once
    (unless another contract still binds the merchant). Audited; no notification."""
    _require_own_merchant(actor, contract, _("Only the merchant itself can decide this."))
    if not isinstance(agree, bool):
        raise invalid(_("Answer yes or no."), "invalid_value", "agree")
    with merchant_scope(contract.merchant_id), transaction.atomic():
        contract = relock(contract, "provider")
        if contract.status in (ContractStatus.DRAFT, ContractStatus.REJECTED) or (
            contract.status == ContractStatus.CANCELLED and contract.signed_at is None
        ):
            raise InvalidTransition(_("This applies only to a proposal or a signed contract."), code="not_applicable")
        if contract.return_to_pool == agree:
            return contract
        contract.return_to_pool = agree
        contract.save(update_fields=["return_to_pool"])
        audit_record(
            action=ContractAuditAction.RETURN_TO_POOL,
            obj=contract,
            actor=actor,
            provider=contract.provider,
            before={"return_to_pool": not agree},
            after={"return_to_pool": agree},
        )
        if agree and contract.status in ENDED_AFTER_SIGNING:
            contracts_release([contract.pk], returning=[contract.merchant_id])
    return contract


# --- Upgrade -------------------------------------------------------------------------------------------


UPGRADABLE = (ContractStatus.SIGNED, ContractStatus.ACTIVE, ContractStatus.COMPLETED)


def contract_upgrade(*, actor: Actor, contract: Contract, terms: dict) -> Contract:
    """Draft the upgrade of a specialized contract (signed, active or completed) to full operation: a new
    draft (origin upgrade, `upgraded_from` = the old one) for the same merchant and stores. The provider
    must offer full operation; proposing it applies the usual gates. Refused for a full-operation
    contract (`not_upgradable`)."""
    require(actor, Action.PROPOSE_CONTRACTS, provider=contract.provider_id)
    with provider_scope(contract.provider_id), transaction.atomic():
        membership = require(actor, Action.PROPOSE_CONTRACTS, provider=contract.provider_id, fresh=True)
        contract = relock(contract, "merchant", "provider")
        if contract.kind != ContractKind.SPECIALIZED or contract.status not in UPGRADABLE:
            raise InvalidTransition(
                _("Only a signed, active or completed specialized contract can be upgraded to full operation."),
                code="not_upgradable",
            )
        if ContractKind.FULL_OPERATION not in membership.provider.cooperation_modes:
            raise ConflictError(
                _("%(provider)s does not offer full operation.") % {"provider": membership.provider.name},
                code="mode_not_offered",
            )
        upgrade = contract_create(
            actor=actor,
            provider=membership.provider,
            merchant=contract.merchant,
            stores=_store_ids(contract),
            kind=ContractKind.FULL_OPERATION,
            terms=terms,
            origin=ContractOrigin.UPGRADE,
            upgraded_from=contract,
        )
        audit_record(
            action=ContractAuditAction.UPGRADE,
            obj=contract,
            actor=actor,
            provider=membership.provider,
            after={"upgrade": upgrade.pk},
        )
    return upgrade


# --- By date, set-based --------------------------------------------------------------------------------

_CONTRACTS = Contract._meta.db_table
_DELIVERABLES = Deliverable._meta.db_table
_ACTIVATE_SQL = (
    f"UPDATE {_CONTRACTS} SET status = %s, activated_at = %s "  # noqa: S608 - table names from the models
    f"WHERE id = ANY(ARRAY(SELECT id FROM {_CONTRACTS} WHERE status = %s AND start_date <= %s "
    "ORDER BY start_date, id LIMIT %s FOR UPDATE SKIP LOCKED)) "
    "RETURNING id, provider_id, merchant_id, kind, start_date"
)
# A notice took effect when the end date is the notice's, or earlier than the one signed (a later notice may
# be pending): the contract is terminated; otherwise it has run its term: completed when every deliverable
# was accepted, expired with some outstanding.
_TERMINATED = (
    "((c.notice_at IS NOT NULL AND c.notice_end_date = c.end_date) "
    "OR c.end_date < (c.signed_terms ->> 'end_date')::date)"
)
_END_SQL = (
    f"UPDATE {_CONTRACTS} AS c SET "  # noqa: S608 - table names from the models
    f"status = CASE WHEN {_TERMINATED} THEN %(terminated)s "
    f"WHEN EXISTS (SELECT 1 FROM {_DELIVERABLES} AS d WHERE d.contract_id = c.id AND d.status <> %(accepted)s) "
    "THEN %(expired)s ELSE %(completed)s END, "
    f"ended_by = CASE WHEN {_TERMINATED} THEN c.notice_by ELSE %(platform)s END, "
    f"reason = CASE WHEN {_TERMINATED} THEN c.notice_reason ELSE c.reason END, "
    "ended_at = %(now)s "
    f"WHERE c.id = ANY(ARRAY(SELECT id FROM {_CONTRACTS} WHERE status = %(active)s AND end_date < %(today)s "
    "ORDER BY end_date, id LIMIT %(batch)s FOR UPDATE SKIP LOCKED)) "
    "RETURNING c.id, c.provider_id, c.merchant_id, c.status, c.ended_by, c.reason, c.return_to_pool"
)


def contracts_activate_due(*, today: date | None = None) -> int:
    """Start every signed contract whose start date has come (`today`: China's date by default),
    set-based: per batch of `BATCH` one `UPDATE … RETURNING` (rows another transaction holds are skipped
    until the next run), one insert of their timeline entries, `contract.activated` for each (`emit_many`),
    and this month's deliverables of the full-operation ones. Idempotent: a second run finds nothing.
    Returns how many started."""
    day = today or local_today()
    started = 0
    while True:
        with transaction.atomic(), all_providers():  # a set-based job over every provider's contracts
            now = timezone.now()
            with connection.cursor() as cursor:
                cursor.execute(_ACTIVATE_SQL, [ContractStatus.ACTIVE, now, ContractStatus.SIGNED, day, BATCH])
                rows = cursor.fetchall()
            ContractEvent.objects.bulk_create(
                [
                    ContractEvent(
                        contract_id=pk,
                        provider_id=provider,
                        merchant_id=merchant,
                        kind=ContractEventKind.ACTIVATED,
                        side=Side.PLATFORM,
                        created_at=now,
                    )
                    for pk, provider, merchant, _kind, _start in rows
                ]
            )
            emit_many(
                CONTRACT_ACTIVATED,
                [
                    (provider, {"contract_id": pk, "merchant_id": merchant, "start_date": start.isoformat()})
                    for pk, provider, merchant, _kind, start in rows
                ],
            )
            _generate_month([pk for pk, _p, _m, kind, _s in rows if kind == ContractKind.FULL_OPERATION])
        started += len(rows)
        if len(rows) < BATCH:
            return started


def contracts_end_due(*, today: date | None = None) -> int:
    """End every active contract whose end date has passed, set-based in batches like
    `contracts_activate_due`: terminated when a notice moved its end date, otherwise completed (every
    deliverable accepted) or expired (some outstanding). Their stores are freed, the merchants who agreed
    return to the lead pool (unless another contract binds them), a timeline entry and `contract.ended`
    each. Idempotent. Returns how many ended."""
    day = today or local_today()
    ended = 0
    while True:
        with transaction.atomic(), all_providers():  # a set-based job over every provider's contracts
            now = timezone.now()
            params = {
                "terminated": ContractStatus.TERMINATED,
                "expired": ContractStatus.EXPIRED,
                "completed": ContractStatus.COMPLETED,
                "accepted": DeliverableStatus.ACCEPTED,
                "platform": Side.PLATFORM,
                "now": now,
                "active": ContractStatus.ACTIVE,
                "today": day,
                "batch": BATCH,
            }
            with connection.cursor() as cursor:
                cursor.execute(_END_SQL, params)
                rows = cursor.fetchall()
            ContractEvent.objects.bulk_create(
                [
                    ContractEvent(
                        contract_id=pk,
                        provider_id=provider,
                        merchant_id=merchant,
                        kind=ContractEventKind.ENDED,
                        side=Side.PLATFORM,
                        note=str(ContractStatus(status).label),
                        created_at=now,
                    )
                    for pk, provider, merchant, status, _by, _reason, _pool in rows
                ]
            )
            contracts_release([row[0] for row in rows], returning=sorted({row[2] for row in rows if row[6]}))
            emit_many(
                CONTRACT_ENDED,
                [
                    (
                        provider,
                        {
                            "contract_id": pk,
                            "merchant_id": merchant,
                            "status": status,
                            "ended_by": ended_by,
                            "reason": reason,
                            "return_to_pool": pool,
                        },
                    )
                    for pk, provider, merchant, status, ended_by, reason, pool in rows
                ],
            )
        ended += len(rows)
        if len(rows) < BATCH:
            return ended
