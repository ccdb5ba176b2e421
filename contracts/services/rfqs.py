"""需求发布 (requests for proposals): a merchant posts a need, eligible providers each submit one proposal, the
merchant accepts one — which becomes a contract proposal awaiting its signature — or withdraws the need; at
its deadline an open need closes (`rfqs_close_due`, a periodic task).

Locks, always in this order: the need, then its proposals, then the provider. A proposal takes the need
`FOR SHARE` (proposals of several providers run side by side; accepting, withdrawing and closing the need,
which take it `FOR UPDATE`, wait for them and then see them). One proposal per need and provider is the
unique constraint `proposal_one_per_provider`: whoever loses a race gets the same friendly error as a second
try (`proposal_exists`).

Contract made from an accepted proposal (`proposal_terms`): it starts `CONTRACT_START_AFTER` after the
acceptance (a week for the merchant to read and sign it; the provider may revise it before, as any
proposal) and lasts the proposal's timeline. Specialized: one service item (the proposal's area and level,
store operations · basic unless it says otherwise) at the proposal's price, due on the last day. Full
operation: the proposal's price is the fixed monthly fee, its timeline the term (90 days to 3 years, checked
when proposing), its delivery standards (monthly GMV target, short videos per month) the contract's.
No claim on the merchant: the providers not chosen keep nothing (no lead, no account owner)."""

from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.actors import Actor, ActorKind
from linke.audit import audit_record
from linke.errors import ApplicationError, ConflictError, PermissionDeniedError
from linke.events import emit, emit_many
from linke.locks import hold, lock, relock
from linke.notifications import Text, notification_send
from linke.tenancy import all_providers
from merchants.models import Merchant
from providers.choices import CooperationMode, ServiceArea, ServiceLevel
from providers.permissions import Action, require
from providers.tenancy import provider_scope

from ..choices import ContractOrigin, ContractStatus, ProposalStatus, RfqAuditAction, RfqStatus, StandardKind
from ..events import PROPOSAL_ACCEPTED, PROPOSAL_SUBMITTED, RFQ_POSTED
from ..models import Proposal, Rfq
from ..rules import FULL_OPERATION_MIN_DAYS
from ..selectors.rfqs import answering_members, eligible_providers, rfq_is_eligible
from ..transitions import PROPOSAL_TRANSITIONS, RFQ_TRANSITIONS, assert_transition
from .contracts import certification_gate, contract_create

# A need takes proposals for at most this long after it is posted.
DEADLINE_MAX = timedelta(days=60)
# Days of work a proposal may promise; for full operation the term: 90 days to 3 years. 1,095 days always
# ends within 3 years of any start (3 calendar years are 1,095 or 1,096 days, as they hold a 29 February).
TIMELINE_DAYS = (1, 1096)
FULL_OPERATION_TIMELINE_DAYS = (FULL_OPERATION_MIN_DAYS, 1095)
# The contract made from an accepted proposal starts this long after the acceptance.
CONTRACT_START_AFTER = timedelta(days=7)
# Needs closed at their deadline per transaction (`rfqs_close_due`).
CLOSE_BATCH = 500
PROPOSAL_ONE_PER_PROVIDER = "proposal_one_per_provider"


def _require_merchant(actor: Actor, message: str) -> Merchant:
    if actor.kind != ActorKind.MERCHANT or actor.merchant is None:
        raise PermissionDeniedError(message)
    return actor.merchant


def _money(amount: Decimal) -> str:
    """¥1,234.00, as notifications write an amount in both languages."""
    return f"¥{amount:,.2f}"


def _merchant_url(rfq: Rfq) -> str:
    return reverse("merchant:rfq_detail", kwargs={"pk": rfq.pk})


def _provider_url(rfq: Rfq) -> str:
    return reverse("portal:rfq_view", kwargs={"pk": rfq.pk})


def _tell_proposers(rfq: Rfq, provider_ids, *, verb, title, body) -> None:
    """Notify the members who answer needs (owner, admins, BD staff) of each of `provider_ids`."""
    for members in answering_members(provider_ids).values():
        for member in members:
            notification_send(
                recipient=member.user,
                provider=member.provider,
                verb=verb,
                title=title,
                body=body,
                url=_provider_url(rfq),
            )


# --- The merchant posts, withdraws and accepts ---------------------------------------------------


def rfq_create(
    *,
    actor: Actor,
    title: str,
    track,
    city,
    stores,
    mode: str,
    budget_min: Decimal,
    budget_max: Decimal,
    deadline,
    description: str,
) -> Rfq:
    """Post a need of the merchant for some of its own `stores`, all in `city`, in `track` and `mode`, with a
    budget range (`budget_min` ≤ `budget_max`, CNY; for full operation a monthly fee) and a `deadline` in
    the future, at most `DEADLINE_MAX` away. Emits `rfq.posted` once per provider that may answer it
    (`eligible_providers`). Audited. In the merchant's scope (the merchant channel)."""
    merchant = _require_merchant(actor, _("Only a merchant can post a need."))
    title, description = (title or "").strip(), (description or "").strip()
    stores = list(stores)
    now = timezone.now()
    if not title:
        raise ApplicationError(_("Give the need a title."), code="title_required")
    if not description:
        raise ApplicationError(_("Describe what you need."), code="description_required")
    if mode not in CooperationMode.values:
        raise ApplicationError(_("Choose a cooperation mode."), code="mode_invalid")
    if not stores:
        raise ApplicationError(_("Choose at least one of your stores."), code="stores_required")
    if any(store.merchant_id != merchant.pk for store in stores):
        raise ApplicationError(_("You can only post needs for your own stores."), code="store_not_yours")
    if any(store.city_id != city.pk for store in stores):
        raise ApplicationError(
            _("Every store of a need is in its city (%(city)s).") % {"city": city}, code="store_not_in_city"
        )
    if budget_min < 0 or budget_max < budget_min:
        raise ApplicationError(
            _("The budget range goes from an amount to a larger one (or the same)."), code="budget_range"
        )
    if deadline <= now:
        raise ApplicationError(_("The deadline must be in the future."), code="deadline_past")
    if deadline > now + DEADLINE_MAX:
        raise ApplicationError(
            _("The deadline can be at most %(days)s days from now.") % {"days": DEADLINE_MAX.days},
            code="deadline_too_far",
        )
    with transaction.atomic():
        rfq = Rfq.objects.create(
            merchant=merchant,
            title=title,
            track=track,
            city=city,
            mode=mode,
            budget_min=budget_min,
            budget_max=budget_max,
            deadline=deadline,
            description=description,
            posted_by=actor.user,
        )
        Rfq.stores.through.objects.bulk_create([Rfq.stores.through(rfq=rfq, store=store) for store in stores])
        audit_record(
            action=RfqAuditAction.POST,
            obj=rfq,
            actor=actor,
            after={
                "track": track.pk,
                "city": city.pk,
                "mode": mode,
                "stores": sorted(store.pk for store in stores),
                "budget": [str(budget_min), str(budget_max)],
                "deadline": deadline.isoformat(),
            },
        )
        payload = {
            "rfq_id": rfq.pk,
            "merchant_id": merchant.pk,
            "track_id": track.pk,
            "city_id": city.pk,
            "mode": mode,
            "deadline": deadline.isoformat(),
        }
        emit_many(RFQ_POSTED, [(provider_id, payload) for provider_id in eligible_providers(rfq)])
    return rfq


def _lock_need(actor: Actor, rfq: Rfq, message: str) -> Rfq:
    """The merchant's own need, re-read `FOR UPDATE` (inside the caller's transaction)."""
    merchant = _require_merchant(actor, message)
    if rfq.merchant_id != merchant.pk:
        raise PermissionDeniedError(message)
    return lock(Rfq.objects.filter(pk=rfq.pk, merchant=merchant).select_related("merchant")).get()


def _close_submitted(rfq: Rfq, now, *, keep=None) -> list[int]:
    """Close the need's submitted proposals (but `keep`), locked, in one statement; their providers' ids."""
    assert_transition(ProposalStatus.SUBMITTED, ProposalStatus.CLOSED, table=PROPOSAL_TRANSITIONS)
    closing = Proposal.objects.filter(rfq=rfq, status=ProposalStatus.SUBMITTED)
    if keep is not None:
        closing = closing.exclude(pk=keep.pk)
    rows = list(lock(closing).values_list("pk", "provider_id"))
    Proposal.objects.filter(pk__in=[pk for pk, _provider in rows]).update(status=ProposalStatus.CLOSED, decided_at=now)
    return [provider_id for _pk, provider_id in rows]


def rfq_cancel(*, actor: Actor, rfq: Rfq) -> Rfq:
    """The merchant withdraws its open need: it is cancelled, its submitted proposals closed in one
    statement, and the providers who proposed are told. Audited. In the merchant's scope."""
    with transaction.atomic():
        rfq = _lock_need(actor, rfq, _("Only the merchant who posted a need can withdraw it."))
        assert_transition(rfq.status, RfqStatus.CANCELLED, table=RFQ_TRANSITIONS)
        now = timezone.now()
        rfq.status, rfq.closed_at = RfqStatus.CANCELLED, now
        rfq.save(update_fields=["status", "closed_at"])
        told = _close_submitted(rfq, now)
        audit_record(
            action=RfqAuditAction.CANCEL,
            obj=rfq,
            actor=actor,
            before={"status": RfqStatus.OPEN},
            after={"status": RfqStatus.CANCELLED, "proposals_closed": len(told)},
        )
        _tell_proposers(
            rfq,
            told,
            verb=RfqAuditAction.CANCEL,
            title=Text(gettext_lazy("The need “%(title)s” was withdrawn"), title=rfq.title),
            body=Text(
                gettext_lazy("%(merchant)s withdrew the need you proposed for; your proposal is closed."),
                merchant=rfq.merchant.name,
            ),
        )
    return rfq


def proposal_terms(rfq: Rfq, proposal: Proposal, *, today) -> dict:
    """The terms of the contract made from `proposal` (see the module's docstring), in the shape
    `contract_create` takes."""
    start = today + CONTRACT_START_AFTER
    end = start + timedelta(days=proposal.timeline_days - 1)
    terms = {
        "title": rfq.title,
        "scope": f"{proposal.scope}\n\n{proposal.deliverables}",
        "start_date": start,
        "end_date": end,
        "monthly_fee": None,
        "commission_bp": None,
        "items": [],
        "standards": [],
    }
    if rfq.mode == CooperationMode.FULL_OPERATION:
        terms["monthly_fee"] = proposal.price
        standards = [
            (StandardKind.MONTHLY_GMV, proposal.monthly_gmv_target),
            (StandardKind.SHORT_VIDEOS, proposal.videos_per_month),
        ]
        terms["standards"] = [{"kind": kind, "target": Decimal(target)} for kind, target in standards if target]
    else:
        terms["items"] = [
            {
                "area": proposal.service_area,
                "level": proposal.service_level,
                "title": rfq.title,
                "unit_price": proposal.price,
                "quantity": 1,
                "due_date": end,
            }
        ]
    return terms


def rfq_accept(*, actor: Actor, rfq: Rfq, proposal: Proposal):
    """The merchant accepts one submitted proposal of its open need, before its deadline: the need is
    awarded, that proposal accepted, every other submitted one closed in one statement. The accepted one
    becomes a contract proposal (`contract_create`, origin RFQ, status PROPOSED, the need's stores and mode,
    `proposal_terms`) for the merchant to sign. Refused, changing nothing: a provider no longer in good
    standing (`provider_not_active`, under `hold(provider)`), a missing certification for full operation
    in the stores' tracks (`certification_gate`), terms `validate_terms` refuses. Emits `proposal.accepted`;
    tells the chosen provider and, "not chosen", the others. Audited. In the merchant's scope. Returns the
    contract."""
    message = _("Only the merchant who posted a need can accept a proposal for it.")
    with transaction.atomic():
        rfq = _lock_need(actor, rfq, message)
        proposals = list(lock(Proposal.objects.filter(rfq=rfq)).select_related("provider"))
        chosen = next((row for row in proposals if row.pk == getattr(proposal, "pk", None)), None)
        if chosen is None:
            raise ApplicationError(_("Choose one of the proposals for this need."), code="proposal_not_found")
        assert_transition(rfq.status, RfqStatus.AWARDED, table=RFQ_TRANSITIONS)
        now = timezone.now()
        if rfq.deadline <= now:
            raise ConflictError(
                _("This need closed at its deadline: proposals can no longer be accepted."), code="rfq_closed"
            )
        assert_transition(chosen.status, ProposalStatus.ACCEPTED, table=PROPOSAL_TRANSITIONS)
        provider = hold(chosen.provider)  # a suspension waits for this acceptance, or this acceptance sees it
        if not provider.is_in_good_standing:
            raise ConflictError(
                _("%(provider)s cannot receive contracts at the moment: choose another proposal.")
                % {"provider": provider.name},
                code="provider_not_active",
            )
        stores = list(rfq.stores.order_by("pk"))
        with provider_scope(chosen.provider_id):  # the contract is the merchant's and the provider's row
            contract = contract_create(
                actor=actor,
                provider=chosen.provider,
                merchant=rfq.merchant,
                stores=stores,
                kind=rfq.mode,
                terms=proposal_terms(rfq, chosen, today=timezone.localdate(now)),
                origin=ContractOrigin.RFQ,
                rfq_proposal=chosen,
                status=ContractStatus.PROPOSED,
            )
            certification_gate(contract, provider)  # full operation in a track that requires it
        rfq.status, rfq.closed_at = RfqStatus.AWARDED, now
        rfq.save(update_fields=["status", "closed_at"])
        chosen.status, chosen.decided_at = ProposalStatus.ACCEPTED, now
        chosen.save(update_fields=["status", "decided_at"])
        not_chosen = _close_submitted(rfq, now, keep=chosen)
        audit_record(
            action=RfqAuditAction.ACCEPT,
            obj=chosen,
            actor=actor,
            provider=chosen.provider,
            before={"status": ProposalStatus.SUBMITTED},
            after={"status": ProposalStatus.ACCEPTED, "contract": contract.pk, "closed": len(not_chosen)},
        )
        emit(
            PROPOSAL_ACCEPTED,
            provider=chosen.provider,
            payload={
                "proposal_id": chosen.pk,
                "rfq_id": rfq.pk,
                "merchant_id": rfq.merchant_id,
                "contract_id": contract.pk,
            },
        )
        _tell_proposers(
            rfq,
            [chosen.provider_id],
            verb=RfqAuditAction.ACCEPT,
            title=Text(gettext_lazy("Your proposal for “%(title)s” was accepted"), title=rfq.title),
            body=Text(
                gettext_lazy(
                    "%(merchant)s chose your proposal: it is now a contract proposal awaiting their signature."
                ),
                merchant=rfq.merchant.name,
            ),
        )
        _tell_proposers(
            rfq,
            not_chosen,
            verb=RfqAuditAction.ACCEPT,
            title=Text(gettext_lazy("Your proposal for “%(title)s” was not chosen"), title=rfq.title),
            body=Text(
                gettext_lazy("%(merchant)s chose another proposal. Thank you for yours."), merchant=rfq.merchant.name
            ),
        )
    return contract


# --- Providers propose and withdraw ----------------------------------------------------------------


def _check_terms(mode: str, *, price, timeline_days: int, monthly_gmv_target, videos_per_month) -> None:
    if price is None or price < 0:
        raise ApplicationError(_("Give a price of at least ¥0.00."), code="price_invalid")
    if mode == CooperationMode.FULL_OPERATION and price <= 0:
        raise ApplicationError(_("Give a monthly fee above ¥0.00."), code="price_invalid")
    low, high = FULL_OPERATION_TIMELINE_DAYS if mode == CooperationMode.FULL_OPERATION else TIMELINE_DAYS
    if not low <= timeline_days <= high:
        if mode == CooperationMode.FULL_OPERATION:
            message = _("Full operation runs %(low)s to %(high)s days (90 days to 3 years).")
        else:
            message = _("The timeline is %(low)s to %(high)s days.")
        raise ApplicationError(message % {"low": low, "high": high}, code="timeline_out_of_range")
    if mode == CooperationMode.FULL_OPERATION and not (monthly_gmv_target or videos_per_month):
        raise ApplicationError(
            _("Full operation needs delivery standards: a monthly GMV target, short videos per month or both."),
            code="standards_required",
        )
    if (monthly_gmv_target is not None and monthly_gmv_target <= 0) or (
        videos_per_month is not None and videos_per_month < 1
    ):
        raise ApplicationError(_("A delivery standard's target is more than zero."), code="standards_invalid")


def _share_lock(rfq: Rfq) -> Rfq:
    """`rfq` re-read under a `FOR SHARE` lock: its status and deadline stay as read until this transaction
    ends (accepting, withdrawing or closing it waits), while other providers' proposals go ahead. Django's
    `select_for_update` has no shared mode."""
    table = Rfq._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR SHARE", [rfq.pk])  # noqa: S608 - the model's table
    with all_providers():  # the provider reads the need it proposes for (eligibility is checked next)
        return Rfq.objects.select_related("merchant__owner", "track").get(pk=rfq.pk)


def rfq_propose(
    *,
    actor: Actor,
    rfq: Rfq,
    price: Decimal,
    scope: str,
    deliverables: str,
    timeline_days: int,
    service_area: str = ServiceArea.STORE_OPS,
    service_level: str = ServiceLevel.BASIC,
    monthly_gmv_target: Decimal | None = None,
    videos_per_month: int | None = None,
) -> Proposal:
    """Submit the provider's one proposal for `rfq` (the owner, admins and BD staff: `ANSWER_RFQS`): the need
    must be open and before its deadline, the provider in good standing and eligible (`rfq_is_eligible`).
    Specialized: `service_area`/`service_level` of the one service item; full operation: `price` is the
    monthly fee, `timeline_days` the term (`FULL_OPERATION_TIMELINE_DAYS`) and at least one delivery
    standard. A second proposal, also one racing the first, is refused (`proposal_exists`) by the unique
    constraint. Emits `proposal.submitted`; tells the merchant. Audited. In the provider's scope."""
    scope, deliverables = (scope or "").strip(), (deliverables or "").strip()
    if not scope:
        raise ApplicationError(_("Describe the scope of your proposal."), code="scope_required")
    if not deliverables:
        raise ApplicationError(_("List what you will deliver."), code="deliverables_required")
    if service_area not in ServiceArea.values or service_level not in ServiceLevel.values:
        raise ApplicationError(_("Choose a service area and level."), code="service_invalid")
    _check_terms(
        rfq.mode,
        price=price,
        timeline_days=timeline_days,
        monthly_gmv_target=monthly_gmv_target,
        videos_per_month=videos_per_month,
    )
    full = rfq.mode == CooperationMode.FULL_OPERATION
    with transaction.atomic():
        membership = require(actor, Action.ANSWER_RFQS, fresh=True)
        rfq = _share_lock(rfq)
        provider = hold(membership.provider)  # a suspension waits for this proposal, or this proposal sees it
        if not provider.is_in_good_standing:
            raise ConflictError(
                _("%(provider)s cannot submit proposals at the moment.") % {"provider": provider.name},
                code="provider_not_active",
            )
        if rfq.status != RfqStatus.OPEN or rfq.deadline <= timezone.now():
            raise ConflictError(_("This need no longer takes proposals."), code="rfq_closed")
        if not rfq_is_eligible(provider, rfq):
            raise ConflictError(
                _("Only providers serving this need's city and track can propose for it."), code="not_eligible"
            )
        try:
            with transaction.atomic():
                proposal = Proposal.objects.create(
                    rfq=rfq,
                    provider=provider,
                    merchant_id=rfq.merchant_id,
                    price=price,
                    scope=scope,
                    deliverables=deliverables,
                    timeline_days=timeline_days,
                    service_area=ServiceArea.STORE_OPS if full else service_area,
                    service_level=ServiceLevel.BASIC if full else service_level,
                    monthly_gmv_target=monthly_gmv_target if full else None,
                    videos_per_month=videos_per_month if full else None,
                    submitted_by=actor.user,
                )
        except IntegrityError as exc:
            if getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) != PROPOSAL_ONE_PER_PROVIDER:
                raise
            raise ConflictError(
                _("You have already submitted a proposal for this need."), code="proposal_exists"
            ) from exc
        audit_record(
            action=RfqAuditAction.PROPOSE,
            obj=proposal,
            actor=actor,
            provider=provider,
            after={"rfq": rfq.pk, "price": str(price), "timeline_days": timeline_days},
        )
        emit(
            PROPOSAL_SUBMITTED,
            provider=provider,
            payload={
                "proposal_id": proposal.pk,
                "rfq_id": rfq.pk,
                "merchant_id": rfq.merchant_id,
                "price": str(price),
                "timeline_days": timeline_days,
            },
        )
        notification_send(
            recipient=rfq.merchant.owner,
            verb=RfqAuditAction.PROPOSE,
            title=Text(gettext_lazy("New proposal for “%(title)s”"), title=rfq.title),
            body=Text(
                gettext_lazy("%(provider)s proposes %(price)s over %(days)s days. Compare the proposals side by side."),
                provider=provider.name,
                price=_money(price),
                days=timeline_days,
            ),
            url=_merchant_url(rfq),
        )
    return proposal


def proposal_withdraw(*, actor: Actor, proposal: Proposal) -> Proposal:
    """The provider withdraws its submitted proposal (`ANSWER_RFQS`); it cannot propose for that need again
    (one proposal each). The merchant is told. Audited. In the provider's scope."""
    with transaction.atomic():
        require(actor, Action.ANSWER_RFQS, provider=proposal.provider_id, fresh=True)
        proposal = relock(proposal, "provider")
        assert_transition(proposal.status, ProposalStatus.WITHDRAWN, table=PROPOSAL_TRANSITIONS)
        proposal.status, proposal.decided_at = ProposalStatus.WITHDRAWN, timezone.now()
        proposal.save(update_fields=["status", "decided_at"])
        audit_record(
            action=RfqAuditAction.WITHDRAW,
            obj=proposal,
            actor=actor,
            provider=proposal.provider,
            before={"status": ProposalStatus.SUBMITTED},
            after={"status": ProposalStatus.WITHDRAWN},
        )
        with all_providers():  # the need of the provider's own proposal, for the merchant's notification
            rfq = Rfq.objects.select_related("merchant__owner").get(pk=proposal.rfq_id)
        notification_send(
            recipient=rfq.merchant.owner,
            verb=RfqAuditAction.WITHDRAW,
            title=Text(gettext_lazy("A proposal for “%(title)s” was withdrawn"), title=rfq.title),
            body=Text(gettext_lazy("%(provider)s withdrew its proposal."), provider=proposal.provider.name),
            url=_merchant_url(rfq),
        )
    return proposal


# --- The deadline, set-based -------------------------------------------------------------------------

# The due needs in order of their deadline, from the partial index `rfq_to_close` (deadline; open needs
# only), locked, skipping those a merchant is accepting or a provider proposing for right now (the next
# run closes them), then closed in one statement; then their submitted proposals in one more.
_CLOSE_NEEDS_SQL = (
    "UPDATE {rfq} SET status = %s, closed_at = %s WHERE id = ANY(ARRAY("
    "SELECT id FROM {rfq} WHERE status = %s AND deadline <= %s ORDER BY deadline, id LIMIT %s "
    "FOR UPDATE SKIP LOCKED)) RETURNING id, merchant_id, title"
)
_CLOSE_PROPOSALS_SQL = (
    "UPDATE {proposal} SET status = %s, decided_at = %s WHERE rfq_id = ANY(%s) AND status = %s "
    "RETURNING rfq_id, provider_id"
)


def rfqs_close_due(*, now=None) -> int:
    """Close every open need whose deadline has passed, set-based: per batch of `CLOSE_BATCH` needs one
    `UPDATE … RETURNING` closes them and one more closes their submitted proposals; then each merchant and
    the providers who proposed are told. Batches are separate transactions (unless called inside one);
    needs locked by an acceptance or a proposal in progress are skipped until the next run. Idempotent: a
    repeated run finds nothing due. The closing is recorded by the need's status and `closed_at` (as the
    lead pool's release, not an audit row each). Returns how many needs were closed."""
    now = now or timezone.now()
    assert_transition(RfqStatus.OPEN, RfqStatus.CLOSED, table=RFQ_TRANSITIONS)
    assert_transition(ProposalStatus.SUBMITTED, ProposalStatus.CLOSED, table=PROPOSAL_TRANSITIONS)
    tables = {"rfq": Rfq._meta.db_table, "proposal": Proposal._meta.db_table}
    closed = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_CLOSE_NEEDS_SQL.format(**tables), [RfqStatus.CLOSED, now, RfqStatus.OPEN, now, CLOSE_BATCH])
            needs = cursor.fetchall()
            if needs:
                cursor.execute(
                    _CLOSE_PROPOSALS_SQL.format(**tables),
                    [ProposalStatus.CLOSED, now, [rfq_id for rfq_id, _m, _t in needs], ProposalStatus.SUBMITTED],
                )
                _tell_closed(needs, cursor.fetchall())
        closed += len(needs)
        if len(needs) < CLOSE_BATCH:
            return closed


def _tell_closed(needs, proposals) -> None:
    """Notify the merchants of needs closed at their deadline and the providers whose proposals closed:
    one query for the merchants' owners, one for the providers' members, then one notification each."""
    proposers: dict[int, list[int]] = {}
    for rfq_id, provider_id in proposals:
        proposers.setdefault(rfq_id, []).append(provider_id)
    owners = {
        merchant.pk: merchant.owner
        for merchant in Merchant.objects.filter(pk__in={row[1] for row in needs}).select_related("owner")
    }
    members = answering_members({provider_id for _rfq, provider_id in proposals})
    for rfq_id, merchant_id, title in needs:
        url = reverse("merchant:rfq_detail", kwargs={"pk": rfq_id})
        count = len(proposers.get(rfq_id, []))
        notification_send(
            recipient=owners[merchant_id],
            verb="rfq.close",
            title=Text(gettext_lazy("Your need “%(title)s” closed at its deadline"), title=title),
            body=Text(
                gettext_lazy(
                    "Proposals received: %(count)s, none accepted. Post the need again if you still need help."
                ),
                count=count,
            ),
            url=url,
        )
        for provider_id in proposers.get(rfq_id, []):
            for member in members.get(provider_id, []):
                notification_send(
                    recipient=member.user,
                    provider=member.provider,
                    verb="rfq.close",
                    title=Text(gettext_lazy("The need “%(title)s” closed without a choice"), title=title),
                    body=gettext_lazy("The merchant accepted no proposal before the deadline; yours is closed."),
                    url=reverse("portal:rfq_view", kwargs={"pk": rfq_id}),
                )
