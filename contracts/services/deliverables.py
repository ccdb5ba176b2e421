"""Deliverables (交付物): the provider submits evidence, the merchant accepts or rejects it; what nobody
answers within 72 hours is accepted automatically; each month of a full-operation contract gets its
deliverables from the delivery standards; the SLA check records breaches and escalates repeated ones to
compliance; the KPIs of each month are evaluated against the actual figures.

Invariants and how they hold under concurrency:
* a deliverable's status changes only under its row lock, checked against `DELIVERABLE_TRANSITIONS`; the
  person-facing services lock the contract first (`hold`, which leaves foreign-key checks free), then the
  deliverable; the set-based jobs lock deliverables in batches (`FOR UPDATE SKIP LOCKED`, so they skip
  rows a person is working on) and touch a contract only after their batch has committed;
* one month's deliverables once: the unique index `deliverable_once_per_standard_month` and
  `INSERT … ON CONFLICT DO NOTHING`;
* one `SlaBreach` per deliverable: `breached_at` set under the row lock, and the one-to-one's unique index
  with `ON CONFLICT (deliverable_id) DO NOTHING`;
* one escalation per breach: `SlaBreach.escalated_at`, set for the breaches an escalation counts, under a
  transaction-level advisory lock that serialises the escalation step of concurrent runs;
* one KPI result per standard and month: the unique constraint and `ON CONFLICT … DO UPDATE`.

Every person's action records a timeline row (`ContractEvent`), an audit event and a domain event in its
transaction and notifies the other side after commit. The set-based jobs record the timeline rows and the
events (not one audit row per deliverable: the timeline and the event record each change, as
`merchants.services.leads.leads_release_expired` does) and send one notification per contract and
recipient per batch."""

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.actors import Actor, ActorKind
from linke.audit import audit_record
from linke.errors import ApplicationError, ConflictError, PermissionDeniedError
from linke.events import emit, emit_many
from linke.locks import hold, relock
from linke.models import AuditEvent, Notification, User
from linke.notifications import Text, notification_send
from linke.tenancy import all_providers
from merchants.models import Merchant
from providers.models import Membership, private_storage
from providers.permissions import MATRIX, Action, require
from providers.tenancy import provider_scope
from providers.validators import sniff_file_type

from ..choices import (
    ContractEventKind,
    ContractKind,
    ContractStatus,
    DeliverableAuditAction,
    DeliverableStatus,
    Side,
    StandardKind,
)
from ..events import (
    CONTRACT_ENDED,
    DELIVERABLE_ACCEPTED,
    DELIVERABLE_REJECTED,
    DELIVERABLE_SUBMITTED,
    SLA_BREACH_RECORDED,
    SLA_ESCALATED,
)
from ..models import Contract, ContractEvent, Deliverable, DeliveryStandard, GmvRecord, KpiResult, SlaBreach
from ..rules import (
    AUTO_ACCEPT_AFTER,
    AUTO_ACCEPT_NOTICE_BEFORE,
    ESCALATION_BREACHES,
    ESCALATION_WINDOW,
    SLA_GRACE,
    end_of_day,
    month_end,
    month_start,
)
from ..transitions import DELIVERABLE_TRANSITIONS, assert_transition
from ..validators import EVIDENCE_NOTE_MAX_LENGTH, clean_evidence_links, validate_evidence_file

logger = logging.getLogger(__name__)

# The calendar of deliverables and months is China's, whatever the server's time zone.
TIME_ZONE = "Asia/Shanghai"
SHANGHAI = ZoneInfo(TIME_ZONE)
# A month's short videos are generated up to this many per standard (a target beyond it is a typo).
MONTHLY_VIDEOS_MAX = 100
# A month has at most 744 hours: more livestream hours than that are a typo.
LIVESTREAM_HOURS_MAX = Decimal(744)
REASON_MAX_LENGTH = 1000
# Rows per transaction of the set-based jobs: short row locks, bounded statements.
BATCH = 5000
# Contracts whose deliverables are still due: the SLA check records breaches of these only.
RUNNING_STATUSES = (
    ContractStatus.SIGNED,
    ContractStatus.ACTIVE,
    ContractStatus.COMPLETED,
    ContractStatus.EXPIRED,
    ContractStatus.TERMINATED,
)
# Contracts a month's KPIs are evaluated for: those that ran in it (ended ones included).
RAN_STATUSES = (ContractStatus.ACTIVE, ContractStatus.COMPLETED, ContractStatus.EXPIRED, ContractStatus.TERMINATED)
# A deliverable is worked on while its contract is signed or running.
WORKABLE_STATUSES = (ContractStatus.SIGNED, ContractStatus.ACTIVE)
# The provider's members who hear of deliverables: those who work on them (owner, admins, operators).
DELIVERY_ROLES = tuple(sorted(MATRIX[Action.WORK_DELIVERABLES]))
DELIVERABLE_OBJECT_TYPE = Deliverable._meta.label_lower


def _bigint_array(values) -> str:
    """A `bigint[]` literal sent as one text parameter (see `merchants.services.leads._bigint_array`)."""
    return "{" + ",".join(str(int(value)) for value in values) + "}"


def _in_product_language(message: str, **params) -> str:
    """A text stored for both sides (a timeline note, a generated title): in the product's language."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message)
    return text % params if params else text


def _positional(template: str, *names: str) -> str:
    """A translated Python template (`%(number)s`) as one for PostgreSQL's `format()` (`%1$s`), so that a
    translation may order its parameters as its language needs; a literal % is kept literal."""
    template = template.replace("%%", "%").replace("%", "%%")
    for position, name in enumerate(names, start=1):
        template = template.replace(f"%%({name})s", f"%{position}$s")
    return template


def _local_minute(moment: datetime) -> str:
    return timezone.localtime(moment, SHANGHAI).strftime("%Y-%m-%d %H:%M")


# --- notifications ----------------------------------------------------------------------------------


def _delivery_members(provider_id: int) -> list[Membership]:
    """The active members of a provider who work on deliverables (owner, admins, operators)."""
    with provider_scope(provider_id):
        return list(
            Membership.objects.active()
            .filter(provider_id=provider_id, role__in=DELIVERY_ROLES)
            .select_related("user")
            .order_by("pk")
        )


# --- notifications of the set-based jobs ---------------------------------------------------------------

_URL_SENTINEL = 9_000_000_000_000_000_001


def _url_template(name: str) -> str:
    """A URL of a page with an id (`portal:deliverable_detail`) with the id left for SQL to fill in."""
    return reverse(name, kwargs={"pk": _URL_SENTINEL}).replace(str(_URL_SENTINEL), "{id}")


def _in_each_language(message, *names: str) -> str:
    """`message` (a lazy translation with `%(name)s` parameters) in every language of the product, as
    PostgreSQL `format()` templates keyed by language code (a JSON object), parameters in `names` order."""
    import json

    templates = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            templates[code] = _positional(str(message), *names)
    return json.dumps(templates)


# Per contract of the given deliverables, one notification to the merchant's owner and one to each of the
# provider's delivery staff, each in its recipient's language (`linke_user.language`), written in one
# statement. Parameters of the messages, in this order: %(count)s deliverables, %(contract)s title,
# %(deliverables)s their titles, %(when)s (the earliest automatic acceptance, China time).
_NOTIFY_SQL = f"""
WITH per_contract AS (
    SELECT deliverable.contract_id, count(*) AS total, min(deliverable.id) AS first_id,
           string_agg({{listed}}, '、' ORDER BY deliverable.due_at, deliverable.id) AS listed,
           to_char(min(deliverable.submitted_at + %(auto_accept)s) AT TIME ZONE %(time_zone)s,
                   'YYYY-MM-DD HH24:MI') AS accepted_at
    FROM {Deliverable._meta.db_table} AS deliverable
    WHERE deliverable.id = ANY(%(deliverables)s::bigint[])
    GROUP BY deliverable.contract_id
), recipient AS (
    SELECT per_contract.*, contract.title, NULL::bigint AS provider_id, merchant.owner_id AS user_id,
           %(merchant_url)s AS one_url, %(merchant_contract_url)s AS many_url
    FROM per_contract
    JOIN {Contract._meta.db_table} AS contract ON contract.id = per_contract.contract_id
    JOIN {Merchant._meta.db_table} AS merchant ON merchant.id = contract.merchant_id
    WHERE %(to_merchant)s
    UNION ALL
    SELECT per_contract.*, contract.title, contract.provider_id, membership.user_id,
           %(portal_url)s, %(portal_contract_url)s
    FROM per_contract
    JOIN {Contract._meta.db_table} AS contract ON contract.id = per_contract.contract_id
    JOIN {Membership._meta.db_table} AS membership
         ON membership.provider_id = contract.provider_id AND membership.is_active
        AND membership.role = ANY(%(roles)s)
    WHERE %(to_provider)s
)
INSERT INTO {Notification._meta.db_table} (recipient_id, provider_id, verb, title, body, url, created_at)
SELECT recipient.user_id, recipient.provider_id, %(verb)s,
       left(format(coalesce(%(titles)s::jsonb ->> person.language, %(titles)s::jsonb ->> %(default)s),
                   recipient.total, recipient.title, recipient.listed, recipient.accepted_at), 200),
       format(coalesce(%(bodies)s::jsonb ->> person.language, %(bodies)s::jsonb ->> %(default)s),
              recipient.total, recipient.title, recipient.listed, recipient.accepted_at),
       replace(CASE WHEN recipient.total = 1 THEN recipient.one_url ELSE recipient.many_url END, '{{id}}',
               (CASE WHEN recipient.total = 1 THEN recipient.first_id ELSE recipient.contract_id END)::text),
       %(now)s
FROM recipient JOIN {User._meta.db_table} AS person ON person.id = recipient.user_id AND person.is_active
RETURNING id
"""  # noqa: S608 - table names from the models
_LISTED = {
    "titles": "deliverable.title",
    "titles_due": "deliverable.title || ' (' || to_char(deliverable.due_at AT TIME ZONE %(time_zone)s, "
    "'YYYY-MM-DD HH24:MI') || ')'",
}


def _notify_contracts(
    cursor, deliverable_ids, *, verb: str, title, body, merchant: bool = True, provider: bool = True, listed="titles"
) -> int:
    """`notification_send` for set-based work: per contract of `deliverable_ids`, `title` and `body` (lazy
    translations with the parameters of `_NOTIFY_SQL`) to the merchant's owner and/or the provider's delivery
    staff, in one statement in the caller's transaction; the emails go out after commit, queued in chunks (as
    `emit_many` dispatches events). Returns how many notifications were written."""
    from linke.tasks import send_notification_email_task

    if not deliverable_ids:
        return 0
    names = ("count", "contract", "deliverables", "when")
    cursor.execute(
        _NOTIFY_SQL.replace("{listed}", _LISTED[listed]),
        {
            "deliverables": _bigint_array(deliverable_ids),
            "auto_accept": AUTO_ACCEPT_AFTER,
            "time_zone": TIME_ZONE,
            "to_merchant": merchant,
            "to_provider": provider,
            "roles": list(DELIVERY_ROLES),
            "merchant_url": _url_template("merchant:deliverable_detail"),
            "merchant_contract_url": _url_template("merchant:contract_detail"),
            "portal_url": _url_template("portal:deliverable_detail"),
            "portal_contract_url": _url_template("portal:contract_detail"),
            "verb": verb,
            "titles": _in_each_language(title, *names),
            "bodies": _in_each_language(body, *names),
            "default": settings.LANGUAGE_CODE,
            "now": timezone.now(),
        },
    )
    ids = [pk for (pk,) in cursor.fetchall()]
    if ids:
        transaction.on_commit(
            lambda: send_notification_email_task.chunks([(pk,) for pk in ids], 500).apply_async(), robust=True
        )
    return len(ids)


def _portal_url(deliverable_id: int) -> str:
    return reverse("portal:deliverable_detail", kwargs={"pk": deliverable_id})


def _merchant_url(deliverable_id: int) -> str:
    return reverse("merchant:deliverable_detail", kwargs={"pk": deliverable_id})


def _notify_provider(deliverable: Deliverable, *, verb, title: Text, body: Text) -> None:
    for member in _delivery_members(deliverable.provider_id):
        notification_send(
            recipient=member.user,
            provider=deliverable.provider,
            verb=verb,
            title=title,
            body=body,
            url=_portal_url(deliverable.pk),
        )


def _timeline(deliverable: Deliverable, *, kind: str, side: str, actor: Actor, note: str = "", at=None):
    return ContractEvent.objects.create(
        contract_id=deliverable.contract_id,
        provider_id=deliverable.provider_id,
        merchant_id=deliverable.merchant_id,
        kind=kind,
        side=side,
        actor_name=str(actor)[:150] if actor.user is not None else "",
        note=note,
        created_at=at or timezone.now(),
    )


# --- the provider submits ---------------------------------------------------------------------------


def _invalid(field: str, error: ValidationError, code: str | None = None) -> ApplicationError:
    messages = error.messages
    return ApplicationError(messages[0], code=code or error.code or "invalid", details={field: messages})


def _clean_reported_amount(deliverable: Deliverable, value) -> Decimal | None:
    """The hours a livestream deliverable delivered: required for one, refused for any other."""
    is_livestream = deliverable.standard_id is not None and deliverable.standard.kind == StandardKind.LIVESTREAM_HOURS
    if value in (None, ""):
        if is_livestream:
            raise ApplicationError(
                _("Give the livestream hours delivered this month."),
                code="reported_amount_required",
                details={"reported_amount": [_("Give the livestream hours delivered this month.")]},
            )
        return None
    if not is_livestream:
        message = _("Only a livestream deliverable reports an amount of hours.")
        raise ApplicationError(message, code="reported_amount_not_applicable", details={"reported_amount": [message]})
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if (
        amount is None
        or not amount.is_finite()
        or amount <= 0
        or amount > LIVESTREAM_HOURS_MAX
        or amount != amount.quantize(Decimal("0.01"))
    ):
        message = _("Give the hours as a number above 0 and at most 744, with at most two decimals.")
        raise ApplicationError(message, code="reported_amount_invalid", details={"reported_amount": [message]})
    return amount.quantize(Decimal("0.01"))


def _store_evidence(deliverable: Deliverable, file) -> str:
    """Store `file` as the deliverable's evidence, named by its sniffed content (never by the name the
    provider chose, which is kept as `evidence_name` to show). The file it replaces stays in storage: it
    is the evidence of the earlier, rejected submission."""
    extension = sniff_file_type(file).extension
    deliverable.evidence_file.save(f"{uuid.uuid4().hex}.{extension}", file, save=False)
    deliverable.evidence_name = PurePath(getattr(file, "name", "") or f"evidence.{extension}").name[:200]
    return deliverable.evidence_file.name


def deliverable_submit(
    *, actor: Actor, deliverable: Deliverable, links, file=None, note: str = "", reported_amount=None
) -> Deliverable:
    """The provider submits a deliverable's evidence: up to 5 http(s) links and/or one file (a PDF, JPEG,
    PNG or MP4 by content, at most 20 MB), a note, and for a livestream deliverable the hours delivered.
    Preconditions: the actor works on deliverables (owner, admins, operators: WORK_DELIVERABLES, checked on a
    fresh read of the membership); the deliverable is to deliver or was rejected; its contract is signed or
    active (`contract_not_running`); at least a link or a file (`evidence_required`; a resubmission may keep
    the file it had). Runs in the provider's scope.

    Side effects, in one transaction: the evidence and `submitted` (the 72 hours before automatic
    acceptance start again), a timeline row, an audit event (`before.rejected_at` on a resubmission: the
    response time of the KPI), `deliverable.submitted`; after commit the merchant is notified."""
    try:
        links = clean_evidence_links(links)
    except ValidationError as error:
        raise _invalid("links", error) from error
    note = (note or "").strip() if isinstance(note, str) else ""
    if len(note) > EVIDENCE_NOTE_MAX_LENGTH:
        message = _("The note may be at most %(limit)s characters long.") % {"limit": f"{EVIDENCE_NOTE_MAX_LENGTH:,}"}
        raise ApplicationError(message, code="note_too_long", details={"note": [message]})
    if file is not None:
        try:
            validate_evidence_file(file)
        except ValidationError as error:
            raise _invalid("file", error) from error
    stored = []
    try:
        with transaction.atomic():
            require(actor, Action.WORK_DELIVERABLES, provider=deliverable.provider_id, fresh=True)
            contract = hold(Contract(pk=deliverable.contract_id))
            deliverable = relock(deliverable, "standard", "merchant__owner", "provider")
            if contract.status not in WORKABLE_STATUSES:
                raise ConflictError(
                    _("The contract is %(status)s: its deliverables can no longer be submitted.")
                    % {"status": contract.get_status_display()},
                    code="contract_not_running",
                )
            assert_transition(deliverable.status, DeliverableStatus.SUBMITTED, table=DELIVERABLE_TRANSITIONS)
            amount = _clean_reported_amount(deliverable, reported_amount)
            if not links and file is None and not deliverable.evidence_file:
                message = _("Add at least a link or a file as evidence.")
                raise ApplicationError(message, code="evidence_required", details={"links": [message]})
            now = timezone.now()
            resubmission = deliverable.status == DeliverableStatus.REJECTED
            before = {"status": deliverable.status}
            if resubmission:
                before["rejected_at"] = deliverable.decided_at.isoformat() if deliverable.decided_at else None
            if file is not None:
                stored.append(_store_evidence(deliverable, file))
            deliverable.status = DeliverableStatus.SUBMITTED
            deliverable.evidence_links, deliverable.evidence_note, deliverable.reported_amount = links, note, amount
            deliverable.submitted_at, deliverable.submitted_by = now, actor.user
            deliverable.auto_accept_notice_at = None
            deliverable.save(
                update_fields=[
                    "status",
                    "evidence_links",
                    "evidence_file",
                    "evidence_name",
                    "evidence_note",
                    "reported_amount",
                    "submitted_at",
                    "submitted_by",
                    "auto_accept_notice_at",
                ]
            )
            _timeline(
                deliverable,
                kind=ContractEventKind.DELIVERABLE_SUBMITTED,
                side=Side.PROVIDER,
                actor=actor,
                note=deliverable.title,
                at=now,
            )
            after = {"status": DeliverableStatus.SUBMITTED, "links": links, "file": deliverable.evidence_file.name}
            if amount is not None:
                after["reported_amount"] = str(amount)
            audit_record(
                action=DeliverableAuditAction.SUBMIT,
                obj=deliverable,
                actor=actor,
                provider=deliverable.provider,
                before=before,
                after=after,
            )
            emit(
                DELIVERABLE_SUBMITTED,
                provider=deliverable.provider,
                payload={
                    "deliverable_id": deliverable.pk,
                    "contract_id": deliverable.contract_id,
                    "merchant_id": deliverable.merchant_id,
                    "resubmission": resubmission,
                },
            )
            notification_send(
                recipient=deliverable.merchant.owner,
                verb=DeliverableAuditAction.SUBMIT,
                title=Text(
                    gettext_lazy("%(provider)s submitted “%(deliverable)s”"),
                    provider=deliverable.provider.name,
                    deliverable=deliverable.title,
                ),
                body=Text(
                    gettext_lazy(
                        "Check it and accept or reject it. Without your answer it is accepted automatically "
                        "on %(when)s."
                    ),
                    when=_local_minute(now + AUTO_ACCEPT_AFTER),
                ),
                url=_merchant_url(deliverable.pk),
            )
    except BaseException:
        for name in stored:  # its row was rolled back: nothing names the file
            deliverable.evidence_file.storage.delete(name)
        raise
    return deliverable


# A file chosen in a submission that failed for another reason is kept aside, named by a signed token the
# page carries (for one deliverable, a day), so that the next submission need not choose it again.
KEPT_FILE_SALT = "contracts.deliverable.kept_file"
KEPT_FILE_MAX_AGE = 24 * 3600
KEPT_FOLDER = "deliverables/kept"


def evidence_keep(file, *, deliverable_id: int) -> str:
    """Store a valid evidence file aside (private storage) and return the token that names it."""
    extension = sniff_file_type(file).extension
    path = private_storage.save(f"{KEPT_FOLDER}/{uuid.uuid4().hex}.{extension}", file)
    name = PurePath(getattr(file, "name", "") or f"evidence.{extension}").name[:200]
    return signing.dumps({"deliverable": deliverable_id, "path": path, "name": name}, salt=KEPT_FILE_SALT)


def evidence_kept(token, *, deliverable_id: int) -> dict | None:
    """What a kept-file token names (`path`, `name`), if it is ours, recent, for this deliverable and the
    file is still there; else None."""
    try:
        kept = signing.loads(str(token or ""), salt=KEPT_FILE_SALT, max_age=KEPT_FILE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(kept, dict) or kept.get("deliverable") != deliverable_id:
        return None
    path = str(kept.get("path", ""))
    if not path.startswith(f"{KEPT_FOLDER}/") or ".." in path or not private_storage.exists(path):
        return None
    return {"path": path, "name": str(kept.get("name", ""))}


def evidence_kept_file(kept: dict) -> File:
    """The kept file, open, with the name the provider chose (to submit)."""
    return File(private_storage.open(kept["path"], "rb"), name=kept["name"])


def evidence_kept_discard(kept: dict) -> None:
    """Delete a kept file once its submission committed (the deliverable holds its own copy)."""
    private_storage.delete(kept["path"])


# --- the merchant accepts or rejects ----------------------------------------------------------------


def _merchant_decides(actor: Actor, deliverable: Deliverable) -> None:
    if actor.kind != ActorKind.MERCHANT or actor.merchant is None:
        raise PermissionDeniedError(_("Only the merchant of a contract accepts or rejects its deliverables."))
    if deliverable.merchant_id != actor.merchant.pk:
        raise PermissionDeniedError(_("You can only accept or reject the deliverables of your own contracts."))


def deliverable_accept(*, actor: Actor, deliverable: Deliverable) -> Deliverable:
    """The merchant accepts a submitted deliverable of its own contract (for good). Runs in the merchant's
    scope. Side effects, in one transaction: `accepted`, a timeline row, an audit event,
    `deliverable.accepted`; the provider's delivery staff are notified after commit. When it was the last
    outstanding deliverable of a specialized contract, the contract completes (`contract_complete_if_delivered`)."""
    _merchant_decides(actor, deliverable)
    with transaction.atomic():
        contract = hold(Contract(pk=deliverable.contract_id))
        deliverable = relock(deliverable, "provider", "merchant")
        assert_transition(deliverable.status, DeliverableStatus.ACCEPTED, table=DELIVERABLE_TRANSITIONS)
        now = timezone.now()
        deliverable.status, deliverable.decided_at, deliverable.decided_by = DeliverableStatus.ACCEPTED, now, actor.user
        deliverable.auto_accepted = False
        deliverable.save(update_fields=["status", "decided_at", "decided_by", "auto_accepted"])
        _timeline(
            deliverable,
            kind=ContractEventKind.DELIVERABLE_ACCEPTED,
            side=Side.MERCHANT,
            actor=actor,
            note=deliverable.title,
            at=now,
        )
        audit_record(
            action=DeliverableAuditAction.ACCEPT,
            obj=deliverable,
            actor=actor,
            provider=deliverable.provider,
            before={"status": DeliverableStatus.SUBMITTED},
            after={"status": DeliverableStatus.ACCEPTED},
        )
        emit(
            DELIVERABLE_ACCEPTED,
            provider=deliverable.provider,
            payload={
                "deliverable_id": deliverable.pk,
                "contract_id": deliverable.contract_id,
                "merchant_id": deliverable.merchant_id,
                "automatic": False,
            },
        )
        _notify_provider(
            deliverable,
            verb=DeliverableAuditAction.ACCEPT,
            title=Text(
                gettext_lazy("%(merchant)s accepted “%(deliverable)s”"),
                merchant=deliverable.merchant.name,
                deliverable=deliverable.title,
            ),
            body=Text(gettext_lazy("The deliverable is done.")),
        )
        _complete_if_delivered(contract)
    return deliverable


def deliverable_reject(*, actor: Actor, deliverable: Deliverable, reason: str) -> Deliverable:
    """The merchant rejects a submitted deliverable of its own contract with a reason (at most 1,000
    characters); the provider submits it again. Runs in the merchant's scope. Side effects, in one
    transaction: `rejected` with the reason, a timeline row, an audit event, `deliverable.rejected`; the
    provider's delivery staff are notified with the reason after commit."""
    _merchant_decides(actor, deliverable)
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        message = _("Tell the provider why you reject it: they will redo it.")
        raise ApplicationError(message, code="reason_required", details={"reason": [message]})
    if len(reason) > REASON_MAX_LENGTH:
        message = _("The reason may be at most %(limit)s characters long.") % {"limit": f"{REASON_MAX_LENGTH:,}"}
        raise ApplicationError(message, code="reason_too_long", details={"reason": [message]})
    with transaction.atomic():
        hold(Contract(pk=deliverable.contract_id))
        deliverable = relock(deliverable, "provider", "merchant")
        assert_transition(deliverable.status, DeliverableStatus.REJECTED, table=DELIVERABLE_TRANSITIONS)
        now = timezone.now()
        deliverable.status, deliverable.decided_at, deliverable.decided_by = DeliverableStatus.REJECTED, now, actor.user
        deliverable.rejection_reason = reason
        deliverable.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
        _timeline(
            deliverable,
            kind=ContractEventKind.DELIVERABLE_REJECTED,
            side=Side.MERCHANT,
            actor=actor,
            note=f"{deliverable.title}\n{reason}",
            at=now,
        )
        audit_record(
            action=DeliverableAuditAction.REJECT,
            obj=deliverable,
            actor=actor,
            provider=deliverable.provider,
            before={"status": DeliverableStatus.SUBMITTED},
            after={"status": DeliverableStatus.REJECTED},
            reason=reason,
        )
        emit(
            DELIVERABLE_REJECTED,
            provider=deliverable.provider,
            payload={
                "deliverable_id": deliverable.pk,
                "contract_id": deliverable.contract_id,
                "merchant_id": deliverable.merchant_id,
                "reason": reason,
            },
        )
        _notify_provider(
            deliverable,
            verb=DeliverableAuditAction.REJECT,
            title=Text(
                gettext_lazy("%(merchant)s rejected “%(deliverable)s”"),
                merchant=deliverable.merchant.name,
                deliverable=deliverable.title,
            ),
            body=Text(gettext_lazy("Their reason: %(reason)s. Redo it and submit it again."), reason=reason),
        )
    return deliverable


def contract_complete_if_delivered(*, contract_id: int) -> bool:
    """Complete an active specialized contract once every one of its deliverables is accepted (a
    full-operation contract runs to its end date instead). Locks the contract (`hold`), so that two last
    acceptances at once complete it once. Side effects, in the caller's transaction or its own: `completed`
    with the platform as the side that ended it, a timeline row, an audit event, `contract.ended`; both
    sides are notified after commit. Returns whether it completed the contract."""
    with transaction.atomic(), all_providers():  # called from either side's scope, or from a task
        return _complete_if_delivered(hold(Contract(pk=contract_id)))


def _complete_if_delivered(contract: Contract) -> bool:
    """`contract_complete_if_delivered` of a contract the caller holds (`hold`), in its transaction."""
    with all_providers():  # the deliverables, the merchant and the members of the contract at hand
        if contract.kind != ContractKind.SPECIALIZED or contract.status != ContractStatus.ACTIVE:
            return False
        deliverables = Deliverable.objects.filter(contract_id=contract.pk)
        if not deliverables.exists() or deliverables.exclude(status=DeliverableStatus.ACCEPTED).exists():
            return False
        from ..transitions import CONTRACT_TRANSITIONS

        assert_transition(contract.status, ContractStatus.COMPLETED, table=CONTRACT_TRANSITIONS)
        now = timezone.now()
        contract.status, contract.ended_by, contract.ended_at = ContractStatus.COMPLETED, Side.PLATFORM, now
        contract.save(update_fields=["status", "ended_by", "ended_at"])
        ContractEvent.objects.create(
            contract=contract,
            provider_id=contract.provider_id,
            merchant_id=contract.merchant_id,
            kind=ContractEventKind.ENDED,
            side=Side.PLATFORM,
            note=_in_product_language(gettext_lazy("Completed: every deliverable was accepted.")),
            created_at=now,
        )
        audit_record(
            action=DeliverableAuditAction.COMPLETE_CONTRACT,
            obj=contract,
            actor=Actor.system(),
            provider=contract.provider,
            before={"status": ContractStatus.ACTIVE},
            after={"status": ContractStatus.COMPLETED},
            reason="every deliverable accepted",
        )
        emit(
            CONTRACT_ENDED,
            provider=contract.provider,
            payload={
                "contract_id": contract.pk,
                "merchant_id": contract.merchant_id,
                "status": ContractStatus.COMPLETED,
                "ended_by": Side.PLATFORM,
                "reason": "",
                "return_to_pool": contract.return_to_pool,
            },
        )
        title = Text(gettext_lazy("Contract %(contract)s is completed"), contract=contract.title)
        body = Text(gettext_lazy("Every deliverable was accepted."))
        owner = Merchant.objects.select_related("owner").get(pk=contract.merchant_id).owner
        verb = DeliverableAuditAction.COMPLETE_CONTRACT
        url = _contract_url("merchant", contract.pk)
        notification_send(recipient=owner, verb=verb, title=title, body=body, url=url)
        for member in _delivery_members(contract.provider_id):
            notification_send(
                recipient=member.user,
                provider=contract.provider,
                verb=verb,
                title=title,
                body=body,
                url=_contract_url("portal", contract.pk),
            )
    return True


def _contract_url(namespace: str, contract_id: int) -> str:
    return reverse(f"{namespace}:contract_detail", kwargs={"pk": contract_id})


# --- set-based: automatic acceptance ------------------------------------------------------------------

_D = Deliverable._meta.db_table
_TIMELINE = ContractEvent._meta.db_table

# Submitted 72 hours ago or more, oldest first from the partial index `deliverable_awaiting`, locked (rows
# a merchant is answering right now are skipped until the next run), accepted in the same statement with
# their timeline rows.
_AUTO_ACCEPT_SQL = f"""
WITH accepted AS (
    UPDATE {_D} SET status = %(accepted)s, auto_accepted = true, decided_at = %(now)s, decided_by_id = NULL
    WHERE id = ANY(ARRAY(
        SELECT id FROM {_D} WHERE status = %(submitted)s AND submitted_at <= %(cutoff)s
        ORDER BY submitted_at, id LIMIT %(batch)s FOR UPDATE SKIP LOCKED
    ))
    RETURNING id, contract_id, provider_id, merchant_id, title
), timeline AS (
    INSERT INTO {_TIMELINE} (contract_id, provider_id, merchant_id, kind, side, actor_name, note, created_at)
    SELECT contract_id, provider_id, merchant_id, %(kind)s, %(side)s, '', title, %(now)s FROM accepted
)
SELECT id, contract_id, provider_id, merchant_id, title FROM accepted ORDER BY contract_id, id
"""  # noqa: S608 - table names from the models

# Submitted 48 hours ago or more and not told yet: the merchant hears that they will be accepted.
_AUTO_ACCEPT_NOTICE_SQL = f"""
UPDATE {_D} SET auto_accept_notice_at = %(now)s
WHERE id = ANY(ARRAY(
    SELECT id FROM {_D}
    WHERE status = %(submitted)s AND submitted_at <= %(cutoff)s AND auto_accept_notice_at IS NULL
    ORDER BY submitted_at, id LIMIT %(batch)s FOR UPDATE SKIP LOCKED
))
RETURNING id, contract_id, provider_id, merchant_id, title, submitted_at
"""  # noqa: S608


ACCEPTED_TITLE = gettext_lazy("%(count)s deliverable(s) of %(contract)s accepted automatically")
ACCEPTED_BODY = gettext_lazy("Nobody answered within 72 hours of the submission: %(deliverables)s.")
NOTICE_TITLE = gettext_lazy("%(count)s deliverable(s) of %(contract)s will be accepted automatically")
NOTICE_BODY = gettext_lazy(
    "%(deliverables)s will be accepted automatically at %(when)s unless you accept or reject them first."
)
BREACH_TITLE = gettext_lazy("%(count)s deadline(s) missed on %(contract)s")
BREACH_BODY = gettext_lazy("Not submitted 24 hours after the due time: %(deliverables)s.")
# What the set-based jobs tell, per contract: verb, title, body, to the merchant, to the provider, how the
# deliverables are listed.
NOTICES = {
    "auto_accepted": (DeliverableAuditAction.ACCEPT.value, ACCEPTED_TITLE, ACCEPTED_BODY, True, True, "titles"),
    "auto_accept_notice": ("deliverable.auto_accept_notice", NOTICE_TITLE, NOTICE_BODY, True, False, "titles"),
    "sla_breach": ("sla.breach", BREACH_TITLE, BREACH_BODY, True, True, "titles_due"),
}


def _notify_after_commit(notice: str, deliverable_ids: list[int]) -> None:
    """Once the batch has committed, a task writes its notifications (`deliverables_notify`): the batch's
    transaction, and so its row locks, ends without them."""
    if not deliverable_ids:
        return
    from ..tasks import deliverables_notify_task

    transaction.on_commit(lambda: deliverables_notify_task.delay(notice, deliverable_ids), robust=True)


def deliverables_notify(*, notice: str, deliverable_ids: list[int]) -> int:
    """The notifications of one batch of a set-based job (`notice`: auto_accepted, auto_accept_notice or
    sla_breach; see `NOTICES`): per contract of the deliverables, one to the merchant's owner and/or one to
    each of the provider's delivery staff, in their languages, in one statement (`_notify_contracts`); emailed
    after commit. Run by `deliverables_notify_task` after the batch committed; a repeated task repeats the
    notifications (as a repeated email would), nothing else. Returns how many were written."""
    verb, title, body, merchant, provider, listed = NOTICES[notice]
    with transaction.atomic(), connection.cursor() as cursor:
        return _notify_contracts(
            cursor,
            deliverable_ids,
            verb=verb,
            title=title,
            body=body,
            merchant=merchant,
            provider=provider,
            listed=listed,
        )


def deliverables_auto_accept(*, now=None, batch: int = BATCH) -> int:
    """Accept every deliverable submitted 72 hours ago or more that nobody answered (`auto_accepted`), and
    tell the merchant 24 hours before (`auto_accept_notice_at`, once per submission: a resubmission starts
    again), set-based: per batch one statement accepts and writes the timeline rows, then `deliverable.accepted`
    (`automatic`) is emitted for them (`emit_many`) and the merchant and the provider's delivery staff are
    notified, one notification per contract. Batches are separate transactions with `FOR UPDATE SKIP LOCKED`
    (short locks; a deliverable being answered right now waits for the next run). Specialized contracts whose
    last deliverable was accepted complete after their batch committed (`contract_complete_if_delivered`).
    Returns how many deliverables were accepted."""
    now = now or timezone.now()
    accepted_total = 0
    params = {
        "accepted": DeliverableStatus.ACCEPTED,
        "submitted": DeliverableStatus.SUBMITTED,
        "cutoff": now - AUTO_ACCEPT_AFTER,
        "now": now,
        "batch": batch,
        "kind": ContractEventKind.DELIVERABLE_AUTO_ACCEPTED,
        "side": Side.PLATFORM,
    }
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_AUTO_ACCEPT_SQL, params)
            rows = cursor.fetchall()
            emit_many(
                DELIVERABLE_ACCEPTED,
                [
                    (
                        provider_id,
                        {
                            "deliverable_id": pk,
                            "contract_id": contract_id,
                            "merchant_id": merchant_id,
                            "automatic": True,
                        },
                    )
                    for pk, contract_id, provider_id, merchant_id, _title in rows
                ],
            )
            _notify_after_commit("auto_accepted", [row[0] for row in rows])
        for contract_id in _specialized(row[1] for row in rows):
            contract_complete_if_delivered(contract_id=contract_id)
        accepted_total += len(rows)
        if len(rows) < batch:
            break
    _auto_accept_notices(now=now, batch=batch)
    return accepted_total


def _specialized(contract_ids) -> list[int]:
    with all_providers():
        return list(
            Contract.objects.filter(
                pk__in=set(contract_ids), kind=ContractKind.SPECIALIZED, status=ContractStatus.ACTIVE
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _auto_accept_notices(*, now, batch: int) -> int:
    """The merchant hears, once per submission, that deliverables submitted 48 hours ago or more will be
    accepted automatically 72 hours after their submission (one notification per contract and batch)."""

    params = {
        "submitted": DeliverableStatus.SUBMITTED,
        "cutoff": now - (AUTO_ACCEPT_AFTER - AUTO_ACCEPT_NOTICE_BEFORE),
        "now": now,
        "batch": batch,
    }
    told = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_AUTO_ACCEPT_NOTICE_SQL, params)
            rows = cursor.fetchall()
            _notify_after_commit("auto_accept_notice", [row[0] for row in rows])
        told += len(rows)
        if len(rows) < batch:
            return told


# --- set-based: the SLA check ---------------------------------------------------------------------------

_BREACH = SlaBreach._meta.db_table
_CONTRACT = Contract._meta.db_table

# One batch in one statement: the overdue deliverables (to deliver or rejected, no breach yet, due more
# than 24 hours ago, of a contract that runs or ran, due by its end date), from the small partial index
# `deliverable_sla_due` in order of their due time, locked (SKIP LOCKED: a deliverable being submitted
# right now is left to its submission), marked `breached_at`; their breaches (the unique one-to-one makes
# any repeat a no-op) and their timeline rows.
_SLA_BATCH_SQL = f"""
WITH marked AS (
    UPDATE {_D} SET breached_at = %(now)s
    WHERE id = ANY(ARRAY(
        SELECT candidate.id FROM {_D} AS candidate
        JOIN {_CONTRACT} AS contract ON contract.id = candidate.contract_id
        WHERE candidate.status IN (%(pending)s, %(rejected)s) AND candidate.breached_at IS NULL
          AND candidate.due_at < %(cutoff)s AND contract.status = ANY(%(running)s)
          AND candidate.due_at <= ((contract.end_date + 1)::timestamp AT TIME ZONE %(time_zone)s)
        ORDER BY candidate.due_at LIMIT %(batch)s FOR UPDATE OF candidate SKIP LOCKED
    ))
    RETURNING id, contract_id, provider_id, merchant_id, due_at, title
), breach AS (
    INSERT INTO {_BREACH} (deliverable_id, contract_id, provider_id, merchant_id, due_at, recorded_at)
    SELECT id, contract_id, provider_id, merchant_id, due_at, %(now)s FROM marked
    ON CONFLICT (deliverable_id) DO NOTHING
    RETURNING id, deliverable_id, contract_id, provider_id, merchant_id, due_at
), timeline AS (
    INSERT INTO {_TIMELINE} (contract_id, provider_id, merchant_id, kind, side, actor_name, note, created_at)
    SELECT breach.contract_id, breach.provider_id, breach.merchant_id, %(kind)s, %(side)s, '',
           format(%(note)s, marked.title, to_char(breach.due_at AT TIME ZONE %(time_zone)s, 'YYYY-MM-DD HH24:MI')),
           %(now)s
    FROM breach JOIN marked ON marked.id = breach.deliverable_id
)
SELECT breach.id, breach.contract_id, breach.provider_id, breach.merchant_id, breach.deliverable_id,
       breach.due_at, marked.title
FROM breach JOIN marked ON marked.id = breach.deliverable_id
ORDER BY breach.contract_id, breach.id
"""  # noqa: S608 - table names from the models

# The contracts of a batch's breaches that now have ESCALATION_BREACHES or more breaches recorded within
# the window that no escalation counted yet, and were not escalated within the window (one escalation per
# contract and 30 days): those breaches are marked escalated, in one statement.
_ESCALATE_SQL = f"""
WITH candidate AS (
    SELECT id, contract_id FROM {_BREACH}
    WHERE contract_id = ANY(%(contracts)s::bigint[]) AND escalated_at IS NULL AND recorded_at >= %(since)s
    ORDER BY id FOR UPDATE
), due AS (
    SELECT contract_id FROM candidate GROUP BY contract_id
    HAVING count(*) >= %(threshold)s AND NOT EXISTS (
        SELECT 1 FROM {_BREACH} AS earlier
        WHERE earlier.contract_id = candidate.contract_id AND earlier.escalated_at >= %(since)s
    )
)
UPDATE {_BREACH} AS breach SET escalated_at = %(now)s
FROM candidate JOIN due ON due.contract_id = candidate.contract_id
WHERE breach.id = candidate.id
RETURNING breach.contract_id, breach.provider_id, breach.merchant_id, breach.id
"""  # noqa: S608
# Any constant names the escalation step's advisory lock: one key of this app's own.
_ESCALATION_LOCK = 10_100_001


@dataclass(frozen=True)
class SlaCheckResult:
    breaches: int
    escalations: int
    batches: int


def sla_check(*, now=None, batch: int = BATCH) -> SlaCheckResult:
    """Record one `SlaBreach` for every deliverable not submitted 24 hours after its due time, and escalate
    contracts with 3 breaches within 30 days to compliance. Set-based, in batches of `batch`, each its own
    transaction (short row locks) of two statements: the batch (`_SLA_BATCH_SQL`: mark, breach, timeline) and
    its escalations (`_ESCALATE_SQL`); then `sla.breach_recorded` and `sla.escalated` are emitted
    (`emit_many`) and both sides are notified: one notification per contract and batch to the merchant's owner
    and to each of the provider's delivery staff. Nothing is loaded but the batch's breaches.

    Exactly once under repeated and concurrent runs: a deliverable is breached under its row lock (SKIP
    LOCKED: two runs take different rows) and the unique one-to-one refuses a second breach; an escalation
    counts breaches not escalated yet, under a transaction-level advisory lock (concurrent runs escalate one
    after the other, each seeing what the other committed) and marks them (`escalated_at`), so that the
    next escalation of the contract needs 3 new breaches within 30 days. `sla.escalated` carries the
    contract and its breaches; compliance opens a case from it. Contracts that never ran (drafts, proposals,
    rejected or cancelled ones) and deliverables due after their contract's end date get no breach."""
    now = now or timezone.now()
    params = {
        "now": now,
        "cutoff": now - SLA_GRACE,
        "pending": DeliverableStatus.PENDING,
        "rejected": DeliverableStatus.REJECTED,
        "running": list(RUNNING_STATUSES),
        "time_zone": TIME_ZONE,
        "batch": batch,
        "kind": ContractEventKind.BREACH_RECORDED,
        "side": Side.PLATFORM,
        "note": _positional(_in_product_language(gettext_lazy("%(deliverable)s, due %(due)s")), "deliverable", "due"),
    }
    breaches = escalations = batches = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_SLA_BATCH_SQL, params)
            rows = cursor.fetchall()
            if rows:
                escalations += _escalate(cursor, sorted({row[1] for row in rows}), now=now)
            emit_many(
                SLA_BREACH_RECORDED,
                [
                    (
                        provider_id,
                        {
                            "breach_id": pk,
                            "deliverable_id": deliverable_id,
                            "contract_id": contract_id,
                            "merchant_id": merchant_id,
                            "due_at": due_at.isoformat(),
                        },
                    )
                    for pk, contract_id, provider_id, merchant_id, deliverable_id, due_at, _title in rows
                ],
            )
            _notify_after_commit("sla_breach", [row[4] for row in rows])
        breaches += len(rows)
        batches += 1
        if len(rows) < batch:
            break
    logger.info("SLA check: %s breaches recorded, %s contracts escalated", breaches, escalations)
    return SlaCheckResult(breaches=breaches, escalations=escalations, batches=batches)


def _escalate(cursor, contract_ids: list[int], *, now) -> int:
    """The escalation step of one SLA batch (in its transaction): see `sla_check`. Returns how many
    contracts were escalated."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ESCALATION_LOCK])
    cursor.execute(
        _ESCALATE_SQL,
        {
            "contracts": _bigint_array(contract_ids),
            "since": now - ESCALATION_WINDOW,
            "threshold": ESCALATION_BREACHES,
            "now": now,
        },
    )
    escalated = defaultdict(list)
    for contract_id, provider_id, merchant_id, breach_id in cursor.fetchall():
        escalated[(contract_id, provider_id, merchant_id)].append(breach_id)
    if not escalated:
        return 0
    note = _in_product_language(
        gettext_lazy("%(count)s deadlines missed within 30 days: the platform's compliance team will review them.")
    )
    ContractEvent.objects.bulk_create(
        [
            ContractEvent(
                contract_id=contract_id,
                provider_id=provider_id,
                merchant_id=merchant_id,
                kind=ContractEventKind.SLA_ESCALATED,
                side=Side.PLATFORM,
                note=note % {"count": len(breach_ids)},
                created_at=now,
            )
            for (contract_id, provider_id, merchant_id), breach_ids in sorted(escalated.items())
        ]
    )
    emit_many(
        SLA_ESCALATED,
        [
            (provider_id, {"contract_id": contract_id, "merchant_id": merchant_id, "breach_ids": sorted(breach_ids)})
            for (contract_id, provider_id, merchant_id), breach_ids in sorted(escalated.items())
        ],
    )
    return len(escalated)


# --- set-based: KPI evaluation --------------------------------------------------------------------------

_STANDARD = DeliveryStandard._meta.db_table
_KPI = KpiResult._meta.db_table
_GMV = GmvRecord._meta.db_table
_AUDIT = AuditEvent._meta.db_table

# Each standard of each full-operation contract that ran in the month, with its actual figure, upserted
# as the month's KPI result, and one timeline row per contract ("2 of 3 met"), in one statement.
# * monthly GMV: the sum of the records attributed to the contract ordered in the month (refunds are
#   negative records: orders minus refunds);
# * short videos: the month's video deliverables accepted (by the merchant or automatically);
# * livestream hours: the hours reported by the month's accepted livestream deliverables;
# * response hours (a ceiling): the longest time from a rejection of one of the contract's deliverables
#   to its resubmission (the audit trail's `deliverable.reject` → next `deliverable.submit`), among those
#   resubmitted in the month or still waiting at its end (counted up to the end, or now if sooner); 0
#   when there is none.
_KPI_SQL = f"""
WITH ran AS (
    SELECT id, provider_id, merchant_id FROM {_CONTRACT}
    WHERE kind = %(full_operation)s AND status = ANY(%(ran)s)
      AND start_date <= %(last)s AND end_date >= %(first)s{{only_contracts}}
), figure AS (
    SELECT standard.id AS standard_id, standard.kind, standard.target,
           ran.id AS contract_id, ran.provider_id, ran.merchant_id,
           round(CASE standard.kind
               WHEN %(gmv)s THEN (
                   SELECT coalesce(sum(record.amount), 0) FROM {_GMV} AS record
                   WHERE record.contract_id = ran.id
                     AND record.ordered_at >= %(since)s AND record.ordered_at < %(until)s)
               WHEN %(videos)s THEN (
                   SELECT count(*) FROM {_D} AS deliverable
                   WHERE deliverable.standard_id = standard.id AND deliverable.period = %(first)s
                     AND deliverable.status = %(accepted)s)
               WHEN %(livestream)s THEN (
                   SELECT coalesce(sum(deliverable.reported_amount), 0) FROM {_D} AS deliverable
                   WHERE deliverable.standard_id = standard.id AND deliverable.period = %(first)s
                     AND deliverable.status = %(accepted)s)
               ELSE (
                   SELECT coalesce(max(extract(epoch FROM answered.at - rejection.created_at) / 3600), 0)
                   FROM {_D} AS deliverable
                   JOIN {_AUDIT} AS rejection ON rejection.object_type = %(object_type)s
                        AND rejection.object_id = deliverable.id::text AND rejection.action = %(reject)s
                        AND rejection.created_at < %(until)s
                   CROSS JOIN LATERAL (
                       SELECT least(coalesce(min(submission.created_at), 'infinity'), %(until)s) AS at
                       FROM {_AUDIT} AS submission
                       WHERE submission.object_type = %(object_type)s AND submission.object_id = rejection.object_id
                         AND submission.action = %(submit)s AND submission.created_at > rejection.created_at
                   ) AS answered
                   WHERE deliverable.contract_id = ran.id AND answered.at >= %(since)s)
           END, 2) AS actual
    FROM ran JOIN {_STANDARD} AS standard ON standard.contract_id = ran.id
), result AS (
    INSERT INTO {_KPI} (contract_id, provider_id, merchant_id, standard_id, period, target, actual, met, evaluated_at)
    SELECT contract_id, provider_id, merchant_id, standard_id, %(first)s, target, actual,
           CASE WHEN kind = %(response)s THEN actual <= target ELSE actual >= target END, %(now)s
    FROM figure
    ON CONFLICT (standard_id, period) DO UPDATE
        SET target = EXCLUDED.target, actual = EXCLUDED.actual, met = EXCLUDED.met, evaluated_at = EXCLUDED.evaluated_at
    RETURNING contract_id, provider_id, merchant_id, met
), timeline AS (
    INSERT INTO {_TIMELINE} (contract_id, provider_id, merchant_id, kind, side, actor_name, note, created_at)
    SELECT contract_id, provider_id, merchant_id, %(kind)s, %(side)s, '',
           format(%(note)s, %(label)s, count(*) FILTER (WHERE met), count(*)), %(now)s
    FROM result GROUP BY contract_id, provider_id, merchant_id
)
SELECT count(*) FROM result
"""  # noqa: S608 - table names from the models


def kpis_evaluate(*, month: date, contract_ids=None, now=None) -> int:
    """Evaluate `month`'s KPIs of every full-operation contract that ran in it (active then; ended since
    included) or of those of `contract_ids`, against the actual figures (see `_KPI_SQL` for each), in one
    statement: each standard's `KpiResult` for the month is written or replaced (`ON CONFLICT … DO UPDATE`:
    re-evaluating a month replaces its figures), met when the actual reaches the target (for response
    hours, a ceiling: when it stays at or below it), and each contract gets a timeline row ("2 of 3 met").
    Figures are to 2 places. Returns how many results were written."""
    now = now or timezone.now()
    first, last = month_start(month), month_end(month)
    since = datetime.combine(first, time.min, tzinfo=SHANGHAI)
    until = min(end_of_day(last), now)
    params = {
        "first": first,
        "last": last,
        "since": since,
        "until": until,
        "now": now,
        "full_operation": ContractKind.FULL_OPERATION,
        "ran": list(RAN_STATUSES),
        "gmv": StandardKind.MONTHLY_GMV,
        "videos": StandardKind.SHORT_VIDEOS,
        "livestream": StandardKind.LIVESTREAM_HOURS,
        "response": StandardKind.RESPONSE_HOURS,
        "accepted": DeliverableStatus.ACCEPTED,
        "object_type": DELIVERABLE_OBJECT_TYPE,
        "reject": DeliverableAuditAction.REJECT.value,
        "submit": DeliverableAuditAction.SUBMIT.value,
        "kind": ContractEventKind.KPI_EVALUATED,
        "side": Side.PLATFORM,
        "label": f"{first:%Y-%m}",
        "note": _positional(
            _in_product_language(gettext_lazy("%(month)s: %(met)s of %(total)s KPIs met")), "month", "met", "total"
        ),
    }
    only_contracts = ""
    if contract_ids is not None:
        only_contracts = " AND id = ANY(%(contract_ids)s::bigint[])"
        params["contract_ids"] = _bigint_array(contract_ids)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_KPI_SQL.format(only_contracts=only_contracts), params)
        (written,) = cursor.fetchone()
    logger.info("KPIs of %s: %s results written", f"{first:%Y-%m}", written)
    return written


# --- set-based: the months of full operation ------------------------------------------------------------

# One statement creates every missing deliverable of the month: each covered contract's short-video
# standard gives N deliverables (N = the target, rounded up), the k-th due at the end of day ⌈k·days/N⌉ of
# the days the contract covers in that month (so never before its start nor after its end); a livestream
# standard gives one, due at the end of its last covered day. The unique index makes a re-run a no-op.
_GENERATE_SQL = f"""
INSERT INTO {Deliverable._meta.db_table} (
    provider_id, merchant_id, contract_id, standard_id, period, sequence, title, due_at, status,
    evidence_links, evidence_file, evidence_name, evidence_note, rejection_reason, auto_accepted, created_at
)
SELECT unit.provider_id, unit.merchant_id, unit.contract_id, unit.standard_id, %(first)s, unit.sequence,
       CASE unit.kind
           WHEN %(videos)s THEN format(%(video_title)s, unit.sequence, unit.total, %(label)s)
           ELSE format(%(livestream_title)s, trim_scale(unit.target)::text, %(label)s)
       END,
       ((unit.first_day + ceil(unit.sequence * (unit.last_day - unit.first_day + 1)::numeric / unit.total)::int - 1)
           + time '23:59:59') AT TIME ZONE %(time_zone)s,
       %(pending)s, '[]'::jsonb, '', '', '', '', false, now()
FROM (
    SELECT contract.id AS contract_id, contract.provider_id, contract.merchant_id,
           standard.id AS standard_id, standard.kind, standard.target, units.total, sequence,
           greatest(contract.start_date, %(first)s::date) AS first_day,
           least(contract.end_date, %(last)s::date) AS last_day
    FROM {Contract._meta.db_table} AS contract
    JOIN {DeliveryStandard._meta.db_table} AS standard ON standard.contract_id = contract.id
    CROSS JOIN LATERAL (
        SELECT CASE standard.kind WHEN %(videos)s THEN least(ceil(standard.target)::int, %(videos_max)s) ELSE 1 END
    ) AS units(total)
    CROSS JOIN LATERAL generate_series(1, units.total) AS sequence
    WHERE contract.kind = %(full_operation)s AND contract.status = %(active)s
      AND contract.start_date <= %(last)s AND contract.end_date >= %(first)s
      AND standard.kind IN (%(videos)s, %(livestream)s){{only_contracts}}
) AS unit
ON CONFLICT (standard_id, period, sequence) WHERE standard_id IS NOT NULL DO NOTHING
"""  # noqa: S608 - table names from the models


def monthly_deliverables_generate(*, month: date, contract_ids=None) -> int:
    """Create `month`'s deliverables of every active full-operation contract covering that month (or of
    those of `contract_ids` that are), from its delivery standards, in one statement: short videos, target
    N → "短视频 k/N · 2027-01" due through the days the contract covers in the month; livestream hours → one
    "直播 · X 小时 · 2027-01" due at the month's (or the contract's) end, for which the provider reports the
    hours delivered when submitting. Monthly GMV and response hours are KPIs only (`kpis_evaluate`).
    Idempotent (the unique index `deliverable_once_per_standard_month`): a re-run, or two at once, create
    nothing twice. Titles are written in the product's language (`LANGUAGE_CODE`). No notification: the
    deliverable board lists them. A contract that starts later in the month gets its month when it starts
    (the activation calls this with its id). Returns how many deliverables were created."""
    first, last = month_start(month), month_end(month)
    params = {
        "first": first,
        "last": last,
        "label": f"{first:%Y-%m}",
        "videos": StandardKind.SHORT_VIDEOS,
        "livestream": StandardKind.LIVESTREAM_HOURS,
        "videos_max": MONTHLY_VIDEOS_MAX,
        "video_title": _positional(
            _in_product_language(gettext_lazy("Short video %(number)s/%(total)s · %(month)s")),
            "number",
            "total",
            "month",
        ),
        "livestream_title": _positional(
            _in_product_language(gettext_lazy("Livestream · %(hours)s hours · %(month)s")), "hours", "month"
        ),
        "time_zone": TIME_ZONE,
        "pending": DeliverableStatus.PENDING,
        "full_operation": ContractKind.FULL_OPERATION,
        "active": ContractStatus.ACTIVE,
    }
    only_contracts = ""
    if contract_ids is not None:
        only_contracts = " AND contract.id = ANY(%(contract_ids)s::bigint[])"
        params["contract_ids"] = _bigint_array(contract_ids)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_GENERATE_SQL.format(only_contracts=only_contracts), params)
        created = cursor.rowcount
    logger.info("deliverables of %s: %s created", f"{first:%Y-%m}", created)
    return created
