"""Reads of the contracts domain's contracts area: the lists and the detail page of both sides, the merchants a
provider may propose to and their stores, and which actions a contract offers to whom.

Each list and detail reader takes the channel's scoped queryset (`Contract.objects.all()` inside the
provider's or the merchant's scope), so each side sees its own contracts and nothing else."""

from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from merchants.choices import ClaimStatus
from merchants.models import CooperationRequest, LeadClaim, Merchant, Store
from merchants.tenancy import merchant_scope
from providers.permissions import Action, can

from ..choices import ContractKind, ContractStatus, Side
from ..models import Contract, ContractEvent, ContractStore
from ..rules import NOTICE
from ..services.contracts import UPGRADABLE, cooling_off_ends, notice_pending, signed_terms_of, terms_fingerprint

BINDING = (ContractStatus.SIGNED, ContractStatus.ACTIVE)


def _with_stores(queryset: QuerySet) -> QuerySet:
    """The stores of each contract in one more query, through the contract's own rows (`ContractStore`), not
    `Store`'s scoped manager: the provider has no merchant scope and sees only the stores its contracts name."""
    stores = ContractStore.objects.select_related("store__city", "store__district", "store__category").order_by(
        "store__name", "store_id"
    )
    return queryset.prefetch_related(Prefetch("contract_stores", queryset=stores))


def contract_list(queryset: QuerySet) -> QuerySet:
    """Contracts newest first, with the merchant, the provider and the stores (a constant number of queries)."""
    return _with_stores(queryset.select_related("merchant", "provider").order_by("-created_at", "-pk"))


def contract_detail(queryset: QuerySet) -> QuerySet:
    """One contract with everything its page shows (both sides): parties, items, standards, stores, the
    contract it was upgraded from and the upgrades proposed from it."""
    return _with_stores(
        queryset.select_related("merchant", "provider", "created_by", "signed_by", "upgraded_from").prefetch_related(
            "items", "standards", Prefetch("upgrades", queryset=Contract.objects.order_by("-created_at", "-pk"))
        )
    )


def contract_timeline(contract: Contract) -> list[ContractEvent]:
    """The contract's timeline, oldest first (the same lines for both sides)."""
    return list(ContractEvent.objects.filter(contract=contract).order_by("created_at", "pk"))


def contract_store_choices(queryset: QuerySet) -> list[tuple[int, str]]:
    """(id, name) of the stores named by the contracts of `queryset` (the list's store filter), read through the
    contracts' own rows so that no merchant scope is needed on the provider's side."""
    lines = (
        ContractStore.objects.filter(contract__in=queryset)
        .order_by("store__name", "store_id")
        .distinct("store__name", "store_id")
        .values_list("store_id", "store__name")
    )
    return list(lines)


# --- what a provider may propose ------------------------------------------------------------------


def merchants_worked_with() -> QuerySet:
    """Inside a provider's scope: the merchants it works with, the only ones it may draft a contract for (the
    rule of `contract_draft`) — those that sent it a cooperation request, whose lead it holds, or to which it has
    proposed a contract."""
    requested = CooperationRequest.objects.values("merchant_id")
    held = LeadClaim.objects.filter(status=ClaimStatus.ACTIVE, lead__merchant__isnull=False).values("lead__merchant_id")
    contracted = Contract.objects.exclude(status=ContractStatus.DRAFT).values("merchant_id")
    return Merchant.objects.filter(Q(pk__in=requested) | Q(pk__in=held) | Q(pk__in=contracted)).order_by("name", "pk")


def proposal_stores(merchant: Merchant) -> QuerySet:
    """The stores of `merchant` a contract may cover. Call it only for a merchant of `merchants_worked_with()`:
    the merchant's scope is opened just long enough to build the query (the filter is part of it), so the
    queryset stays limited to that merchant's stores wherever it is evaluated later."""
    with merchant_scope(merchant):
        return Store.objects.filter(merchant=merchant).select_related("city", "district").order_by("name", "pk")


# --- which actions the page and the API offer -----------------------------------------------------


def contract_actions(contract: Contract, *, side: str, membership=None, now=None) -> frozenset[str]:
    """What `side` ("provider" with the member's `membership`, or "merchant") may do with the contract now, for
    the buttons of the pages and the `actions` of the API. The services decide for good; this hides the
    buttons that could not work, by the same rules (the transition table, the role, `cooling_off_ends`,
    `notice_pending`, `UPGRADABLE`).

    Provider: edit, propose, revise, cancel, notice, agree_notice, upgrade.
    Merchant: sign, reject, cancel, notice, agree_notice, return_to_pool."""
    now = now or timezone.now()
    status = contract.status
    binding = status in BINDING
    other_side_asks = (
        binding
        and notice_pending(contract)
        and contract.notice_by not in ("", side)
        and contract.notice_end_date >= timezone.localdate(now)
    )
    actions = set()
    if side == Side.PROVIDER:
        proposes = can(membership, Action.PROPOSE_CONTRACTS)
        signs_off = can(membership, Action.SIGN_OFF_CONTRACTS)
        if proposes and status == ContractStatus.DRAFT:
            actions |= {"edit", "propose", "cancel"}
        if proposes and status == ContractStatus.PROPOSED:
            actions |= {"revise", "cancel"}
        if signs_off and binding:
            actions.add("notice")
        if signs_off and other_side_asks:
            actions.add("agree_notice")
        if (
            proposes
            and contract.kind == ContractKind.SPECIALIZED
            and status in UPGRADABLE
            and ContractKind.FULL_OPERATION in contract.provider.cooperation_modes
        ):
            actions.add("upgrade")
        return frozenset(actions)
    if status == ContractStatus.PROPOSED:
        actions |= {"sign", "reject"}
    ends = cooling_off_ends(contract)
    if binding and ends is not None and now <= ends:
        actions.add("cancel")
    if binding:
        actions.add("notice")
    if other_side_asks:
        actions.add("agree_notice")
    if status == ContractStatus.PROPOSED or contract.signed_at is not None:
        actions.add("return_to_pool")
    return frozenset(actions)


def cooling_off_until(contract: Contract):
    """The moment the merchant's free cancellation ends (full operation, signed), else None."""
    return cooling_off_ends(contract)


def earliest_notice_end(today: date | None = None) -> date:
    """The first end date a notice given today reaches without the other side's agreement (30 days)."""
    return (today or timezone.localdate()) + NOTICE


# --- what the merchant signs ----------------------------------------------------------------------


def yuan(amount) -> str:
    """¥1,234.00 (two places, grouped)."""
    return f"¥{amount:,.2f}"


def percent(basis_points: int) -> str:
    """550 → "5.50"."""
    return f"{Decimal(basis_points) / 100:.2f}"


def fee_sentence(contract: Contract) -> str | None:
    """The sentence the merchant ticks to sign a full-operation contract, naming its fees; None otherwise."""
    if contract.kind != ContractKind.FULL_OPERATION:
        return None
    fee, commission = contract.monthly_fee, contract.commission_bp
    if fee is not None and commission is not None:
        return _(
            "I confirm the fixed monthly fee of %(fee)s and the commission of %(percent)s%% of attributed GMV."
        ) % {"fee": yuan(fee), "percent": percent(commission)}
    if fee is not None:
        return _("I confirm the fixed monthly fee of %(fee)s.") % {"fee": yuan(fee)}
    return _("I confirm the commission of %(percent)s%% of attributed GMV.") % {"percent": percent(commission or 0)}


def signing_fingerprint(contract: Contract) -> str:
    """The SHA-256 fingerprint the signature of the contract as it stands would record (the service's own
    snapshot, `signed_terms_of`), for the signing page."""
    return terms_fingerprint(signed_terms_of(contract))
