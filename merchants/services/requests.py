"""合作意向: a merchant's cooperation requests to a provider, and the provider's answer.

The merchant sends a request (`request_send`) and may withdraw it while it is open (`request_withdraw`);
the provider reads it (`request_mark_read`) and declines it with a reason (`request_decline`). Every
write locks its rows, records an audit event in its transaction and notifies after commit.

The provider may also answer with a contract proposal (`request_answer_with_proposal`, called by the
contracts services when the proposal drafted from the request is sent)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.actors import Actor, ActorKind
from linke.audit import audit_record
from linke.errors import ApplicationError, ConflictError, PermissionDeniedError
from linke.events import emit
from linke.locks import hold, lock, relock
from linke.notifications import Text, notification_send
from providers.choices import CooperationMode, Role
from providers.models import Membership, Provider
from providers.permissions import Action, require
from providers.tenancy import provider_scope

from ..choices import RequestAuditAction, RequestStatus
from ..events import REQUEST_ANSWERED, REQUEST_RECEIVED
from ..models import CooperationRequest, CooperationRequestStore, Lead, Merchant, Store
from ..rules import REQUESTS_PER_DAY
from ..transitions import REQUEST_TRANSITIONS, assert_transition

# The provider's members who hear of a new request: those who may answer it.
ANSWERING_ROLES = (Role.OWNER, Role.ADMIN, Role.BD)
# The calendar day of the daily limit is China's, whatever the server's time zone.
LIMIT_TIME_ZONE = ZoneInfo("Asia/Shanghai")
OPEN_PER_STORE = "request_one_open_per_store"


class RequestLimitReached(ApplicationError):
    """The merchant sent `REQUESTS_PER_DAY` requests today (429 on the API)."""

    code = "request_daily_limit"
    http_status = 429


def day_start(moment: datetime) -> datetime:
    """Midnight (Asia/Shanghai) of the calendar day of `moment`."""
    return datetime.combine(moment.astimezone(LIMIT_TIME_ZONE).date(), time.min, tzinfo=LIMIT_TIME_ZONE)


def _require_merchant(actor: Actor) -> Merchant:
    if actor.kind != ActorKind.MERCHANT or actor.merchant is None:
        raise PermissionDeniedError(_("Only a merchant can send or withdraw cooperation requests."))
    return actor.merchant


def _refuse_open_duplicates(provider: Provider, stores: list[Store]) -> None:
    """One open request per provider and store: name the stores that already have one."""
    taken = list(
        CooperationRequestStore.objects.filter(provider=provider, store__in=stores, is_open=True)
        .order_by("store__name")
        .values_list("store__name", flat=True)
    )
    if taken:
        raise ConflictError(
            _(
                "You already have an open request to %(provider)s for %(stores)s: "
                "wait for its answer or withdraw it first."
            )
            % {"provider": provider.name, "stores": "、".join(taken)},
            code="request_open_exists",
        )


def _answering_members(provider: Provider) -> list[Membership]:
    with provider_scope(provider):
        return list(
            Membership.objects.active()
            .filter(provider=provider, role__in=ANSWERING_ROLES)
            .select_related("user")
            .order_by("pk")
        )


def _close_stores(request: CooperationRequest) -> None:
    """The request's stores are free again: a new request to the provider for them is possible."""
    CooperationRequestStore.objects.filter(request=request, is_open=True).update(is_open=False)


def request_send(*, actor: Actor, provider: Provider, stores, mode: str, message: str) -> CooperationRequest:
    """Send `provider` a cooperation request for some of the merchant's own `stores`, in one of the modes
    the provider offers. Refused when the provider is not active, when a store already has an open request
    to this provider (the partial unique index `request_one_open_per_store` decides a race; the loser gets
    the same message) and beyond `REQUESTS_PER_DAY` requests per calendar day (counted under a lock on the
    merchant row, so parallel sends cannot overshoot). Emits `request.received`; notifies the provider's
    owner, admins and BD staff and confirms to the merchant (in-app and email, after commit). If the
    merchant is a lead, the provider gets an account owner (跟进人) for it: its owner. Runs in the merchant's
    scope (the merchant channel)."""
    merchant = _require_merchant(actor)
    stores = list(stores)
    message = (message or "").strip()
    if not stores:
        raise ApplicationError(_("Choose at least one of your stores."), code="stores_required")
    if any(store.merchant_id != merchant.pk for store in stores):
        raise ApplicationError(_("You can only send requests for your own stores."), code="store_not_yours")
    if not message:
        raise ApplicationError(_("Write a message to the provider."), code="message_required")
    with transaction.atomic():
        merchant = lock(Merchant.objects.filter(pk=merchant.pk)).get()
        provider = hold(provider)  # a suspension waits for this request, or this request sees it
        if not provider.is_in_good_standing:
            raise ConflictError(
                _("%(provider)s cannot receive cooperation requests at the moment.") % {"provider": provider.name},
                code="provider_not_active",
            )
        if mode not in provider.cooperation_modes:
            raise ApplicationError(
                _("%(provider)s does not offer “%(mode)s”.")
                % {"provider": provider.name, "mode": dict(CooperationMode.choices).get(mode, mode)},
                code="mode_not_offered",
            )
        now = timezone.now()
        sent_today = CooperationRequest.objects.filter(merchant=merchant, created_at__gte=day_start(now)).count()
        if sent_today >= REQUESTS_PER_DAY:
            tomorrow = day_start(now) + timedelta(days=1)
            raise RequestLimitReached(
                _("You can send at most %(limit)s cooperation requests a day. Try again tomorrow.")
                % {"limit": REQUESTS_PER_DAY},
                details={"limit": REQUESTS_PER_DAY, "resets_at": tomorrow.isoformat()},
            )
        _refuse_open_duplicates(provider, stores)
        try:
            with transaction.atomic():
                request = CooperationRequest.objects.create(
                    provider=provider, merchant=merchant, mode=mode, message=message, sent_by=actor.user
                )
                CooperationRequestStore.objects.bulk_create(
                    [CooperationRequestStore(request=request, store=store, provider=provider) for store in stores]
                )
        except IntegrityError as exc:  # a concurrent request for one of these stores has just committed
            if getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) != OPEN_PER_STORE:
                raise
            _refuse_open_duplicates(provider, stores)
            raise ConflictError(
                _("You already have an open request to this provider for this store."), code="request_open_exists"
            ) from exc
        store_ids = sorted(store.pk for store in stores)
        audit_record(
            action=RequestAuditAction.SEND,
            obj=request,
            actor=actor,
            provider=provider,
            after={"mode": mode, "stores": store_ids},
        )
        emit(
            REQUEST_RECEIVED,
            provider=provider,
            payload={"request_id": request.pk, "merchant_id": merchant.pk, "mode": mode, "store_ids": store_ids},
        )
        members = _answering_members(provider)
        _ensure_account_owner(actor, provider, merchant, members)
        title = Text(gettext_lazy("New cooperation request from %(merchant)s"), merchant=merchant.name)
        body = Text(
            gettext_lazy("%(merchant)s would like to work with you (%(mode)s) for %(count)s store(s)."),
            merchant=merchant.name,
            mode=CooperationMode(mode).label,
            count=len(stores),
        )
        url = reverse("portal:request_detail", kwargs={"pk": request.pk})
        for member in members:
            notification_send(
                recipient=member.user, provider=provider, verb=RequestAuditAction.SEND, title=title, body=body, url=url
            )
        notification_send(
            recipient=actor.user,
            verb=RequestAuditAction.SEND,
            title=Text(gettext_lazy("Your request was sent to %(provider)s"), provider=provider.name),
            body=Text(gettext_lazy("You will be notified when %(provider)s answers."), provider=provider.name),
            url=reverse("merchant:request_detail", kwargs={"pk": request.pk}),
        )
    return request


def _ensure_account_owner(actor: Actor, provider: Provider, merchant: Merchant, members: list[Membership]) -> None:
    """A merchant who asked a provider to get in touch is looked after there: the lead gets an account
    owner (the provider's owner, until an admin reassigns it), unless it has one."""
    owner = next((member for member in members if member.role == Role.OWNER), None)
    lead = lock(Lead.objects.filter(merchant=merchant)).first()
    if lead is None or owner is None:
        return
    from .accounts import account_ensure

    with provider_scope(provider):
        account_ensure(actor=actor, provider=provider, lead=lead, member=owner, why="request")


def request_mark_read(*, actor: Actor, request: CooperationRequest) -> CooperationRequest:
    """The provider has seen the request (any member: it is the provider's unread state, not a person's).
    One conditional UPDATE: reading twice, or two members at once, keeps the first time."""
    require(actor, Action.VIEW, provider=request.provider_id)
    if request.read_at is None:
        now = timezone.now()
        if CooperationRequest.objects.filter(pk=request.pk, read_at__isnull=True).update(read_at=now):
            request.read_at = now
        else:
            request.refresh_from_db(fields=["read_at"])
    return request


@transaction.atomic
def request_decline(*, actor: Actor, request: CooperationRequest, reason: str) -> CooperationRequest:
    """Decline an open request with a reason (owner, admins, BD staff). The stores are freed (the merchant
    may ask again), `request.answered` is emitted and the merchant is notified with the reason."""
    reason = (reason or "").strip()
    membership = require(actor, Action.ANSWER_REQUESTS, provider=request.provider_id, fresh=True)
    if not reason:
        raise ApplicationError(_("Give the merchant a reason for declining."), code="reason_required")
    request = relock(request, "merchant__owner", "provider")
    assert_transition(request.status, RequestStatus.DECLINED, table=REQUEST_TRANSITIONS)
    now = timezone.now()
    request.status = RequestStatus.DECLINED
    request.decline_reason, request.answered_by, request.answered_at = reason, membership, now
    request.read_at = request.read_at or now
    request.save(update_fields=["status", "decline_reason", "answered_by", "answered_at", "read_at"])
    _close_stores(request)
    audit_record(
        action=RequestAuditAction.DECLINE,
        obj=request,
        actor=actor,
        provider=request.provider,
        before={"status": RequestStatus.OPEN},
        after={"status": RequestStatus.DECLINED},
        reason=reason,
    )
    emit(
        REQUEST_ANSWERED,
        provider=request.provider,
        payload={"request_id": request.pk, "merchant_id": request.merchant_id, "answer": "declined", "reason": reason},
    )
    notification_send(
        recipient=request.merchant.owner,
        verb=RequestAuditAction.DECLINE,
        title=Text(gettext_lazy("%(provider)s declined your cooperation request"), provider=request.provider.name),
        body=Text(gettext_lazy("Their reason: %(reason)s"), reason=reason),
        url=reverse("merchant:request_detail", kwargs={"pk": request.pk}),
    )
    return request


@transaction.atomic
def request_answer_with_proposal(*, actor: Actor, request: CooperationRequest) -> CooperationRequest:
    """Answer an open request with a contract proposal (owner, admins, BD staff): called by
    `contracts.services.contracts.contract_propose` in its transaction, which notifies the merchant of the
    proposal (so nothing is sent from here). The stores are freed (the merchant may ask again) and
    `request.answered` is emitted with `answer="proposal"`. Audited."""
    membership = require(actor, Action.ANSWER_REQUESTS, provider=request.provider_id, fresh=True)
    request = relock(request, "provider")
    assert_transition(request.status, RequestStatus.PROPOSED, table=REQUEST_TRANSITIONS)
    now = timezone.now()
    request.status, request.answered_by, request.answered_at = RequestStatus.PROPOSED, membership, now
    request.read_at = request.read_at or now
    request.save(update_fields=["status", "answered_by", "answered_at", "read_at"])
    _close_stores(request)
    audit_record(
        action=RequestAuditAction.ANSWER_WITH_PROPOSAL,
        obj=request,
        actor=actor,
        provider=request.provider,
        before={"status": RequestStatus.OPEN},
        after={"status": RequestStatus.PROPOSED},
    )
    emit(
        REQUEST_ANSWERED,
        provider=request.provider,
        payload={"request_id": request.pk, "merchant_id": request.merchant_id, "answer": "proposal", "reason": ""},
    )
    return request


@transaction.atomic
def request_withdraw(*, actor: Actor, request: CooperationRequest) -> CooperationRequest:
    """The merchant withdraws its open request: the stores are freed; the provider sees it as withdrawn."""
    merchant = _require_merchant(actor)
    if request.merchant_id != merchant.pk:
        raise PermissionDeniedError(_("Only the merchant who sent a request can withdraw it."))
    request = relock(request)
    assert_transition(request.status, RequestStatus.WITHDRAWN, table=REQUEST_TRANSITIONS)
    request.status = RequestStatus.WITHDRAWN
    request.save(update_fields=["status"])
    _close_stores(request)
    audit_record(
        action=RequestAuditAction.WITHDRAW,
        obj=request,
        actor=actor,
        provider=request.provider,
        before={"status": RequestStatus.OPEN},
        after={"status": RequestStatus.WITHDRAWN},
    )
    return request
