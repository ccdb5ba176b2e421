"""Domain events with a transactional outbox.

A lower layer tells the layers above it what happened without importing them:

* the emitting app declares its event types in its `events.py` (`event_type(...)`: a name, a payload
  version and every payload field, documented); together they are the one catalogue (`docs/events.md`,
  written by `manage.py event_catalogue`);
* its services call `emit(event_type, provider=..., payload=...)` inside their transaction: the event row
  commits or rolls back with the change;
* a higher app subscribes in its `subscribers.py` (imported when the apps are ready, `linke.apps`) with
  `@subscriber(event_type, name="app.what_it_does")`; webhooks will be one more subscriber.

After commit a task creates one delivery row per subscriber (unique per event and subscriber) and runs
each subscriber in its own task, inside the event's provider scope, in one transaction with marking the
delivery done: a subscriber's database work happens at most once, however often a task is retried or
repeated. A failing subscriber is retried with backoff; after the last attempt its delivery is `failed`
and operators can requeue it from the admin. A periodic sweep dispatches what was lost (a process killed
between commit and enqueue, a broker that was down), so every event reaches each subscriber registered
when it is dispatched once (subscribers added later do not see older events). "Once" is exact for a
subscriber's database work; an outside effect (an HTTP call) may repeat if its task dies after it.
"""

import json
import logging
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .actors import Actor
from .audit import PlatformAuditAction, audit_record
from .errors import PermissionDeniedError
from .locks import lock
from .models import DeliveryStatus, DomainEvent, EventDelivery
from .tenancy import tenant_scope

logger = logging.getLogger(__name__)

# An event not dispatched this long after it was written lost its dispatch (the on-commit enqueue runs
# within milliseconds); a pending delivery untouched this long lost its task (retries touch it well
# within, their backoff is at most 10 minutes).
DISPATCH_GRACE = timedelta(minutes=1)
DELIVERY_STALE = timedelta(minutes=15)


@dataclass(frozen=True)
class EventType:
    name: str
    version: int
    description: str
    fields: dict[str, str]  # payload field → what it holds

    def check(self, payload: dict) -> None:
        if set(payload) != set(self.fields):
            raise ValueError(f"{self.name} v{self.version} carries {sorted(self.fields)}; got {sorted(payload)}")

    def __str__(self):
        return self.name


CATALOGUE: dict[str, EventType] = {}
SUBSCRIBERS: dict[str, dict[str, Callable]] = {}


def event_type(name: str, *, version: int, description: str, fields: dict[str, str]) -> EventType:
    """Declare an event type (once, in the emitting app's `events.py`). A payload change that breaks
    subscribers is a new version."""
    if name in CATALOGUE:
        raise ValueError(f"event type {name} is declared twice")
    CATALOGUE[name] = declared = EventType(name=name, version=version, description=description, fields=fields)
    return declared


def subscriber(event: EventType, *, name: str):
    """`@subscriber(MEMBER_LEFT, name="merchants.reassign_leads")`: run `handler(event)` once per event of
    that type, after it commits, inside its provider's scope (a `DomainEvent`: `.payload`, `.provider_id`)."""

    def register(handler: Callable) -> Callable:
        handlers = SUBSCRIBERS.setdefault(event.name, {})
        if name in handlers:
            raise ValueError(f"subscriber {name} of {event.name} is registered twice")
        handlers[name] = handler
        return handler

    return register


def emit(event: EventType, *, provider, payload: dict) -> DomainEvent:
    """Write a domain event in the caller's transaction (`provider`: the tenant it concerns, or None);
    its subscribers run after commit. Raises ValueError when the payload does not match the catalogue."""
    event.check(payload)
    row = DomainEvent.objects.create(type=event.name, version=event.version, provider=provider, payload=payload)
    # robust: a broker that is down must not fail the request whose change has committed (nor skip the
    # callbacks after this one); the sweep dispatches the event later.
    transaction.on_commit(lambda: _enqueue_dispatch(row.pk), robust=True)
    return row


def _enqueue_dispatch(event_id: int) -> None:
    from .tasks import dispatch_event_task

    dispatch_event_task.delay(event_id)


# Events of one `emit_many` dispatched per task message: a set-based job's 100,000 events are 200 messages.
DISPATCH_CHUNK = 500


def emit_many(event: EventType, rows: list[tuple[int | None, dict]]) -> list[int]:
    """`emit` for set-based work: one event per (provider id or None, payload) of `rows`, written in one
    INSERT in the caller's transaction; after commit they are dispatched in chunks of `DISPATCH_CHUNK` (one
    task message each, every event then exactly as `emit`'s). Checks every payload before writing any;
    returns the events' ids. The guarantees are `emit`'s: rolled back with the change, each subscriber at
    most once per event, the sweep dispatches a chunk that was lost.

    The rows travel as one JSON document (`[[provider id, payload], ...]`, expanded by the server): a
    release's 5,000 events a batch cost milliseconds to send, where building model instances and binding
    their fields one by one (`bulk_create`) took most of the batch."""
    for _provider_id, payload in rows:
        event.check(payload)
    if not rows:
        return []
    document = json.dumps([[provider_id, payload] for provider_id, payload in rows])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {DomainEvent._meta.db_table} (type, version, provider_id, payload, created_at) "  # noqa: S608 - the model's table
            "SELECT %s, %s, (event.item ->> 0)::bigint, event.item -> 1, %s "
            "FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS event(item, n) ORDER BY event.n "
            "RETURNING id",
            [event.name, event.version, timezone.now(), document],
        )
        event_ids = [event_id for (event_id,) in cursor.fetchall()]
    transaction.on_commit(lambda: _enqueue_dispatch_chunks(event_ids), robust=True)
    return event_ids


def _enqueue_dispatch_chunks(event_ids: list[int]) -> None:
    from .tasks import dispatch_event_task

    dispatch_event_task.chunks([(event_id,) for event_id in event_ids], DISPATCH_CHUNK).apply_async()


def event_dispatch(event_id: int) -> list[str]:
    """Create the missing deliveries of an event (one per subscriber of its type) and queue every pending
    one. Idempotent: a repeated dispatch creates nothing twice. Returns the subscribers queued."""
    from .tasks import deliver_event_task

    with transaction.atomic():
        event = lock(DomainEvent.objects.filter(pk=event_id)).first()
        if event is None:
            return []
        EventDelivery.objects.bulk_create(
            [EventDelivery(event=event, subscriber=name) for name in SUBSCRIBERS.get(event.type, {})],
            ignore_conflicts=True,
        )
        pending = list(event.deliveries.filter(status=DeliveryStatus.PENDING).values_list("subscriber", flat=True))
        if event.dispatched_at is None:
            event.dispatched_at = timezone.now()
            event.save(update_fields=["dispatched_at"])
        transaction.on_commit(lambda: [deliver_event_task.delay(event_id, name) for name in pending], robust=True)
    return pending


def event_deliver(event_id: int, subscriber_name: str, *, last_attempt: bool = False) -> bool:
    """Run one subscriber for one event, at most once: the delivery row is locked, the subscriber runs
    and the delivery is marked delivered in one transaction. A failure rolls the subscriber's writes back,
    is recorded (the delivery is `failed` after the last attempt) and raised, for the task to retry.
    Returns whether the subscriber ran."""
    try:
        with transaction.atomic():
            delivery = lock(
                EventDelivery.objects.select_related("event").filter(event_id=event_id, subscriber=subscriber_name)
            ).first()
            if delivery is None or delivery.status != DeliveryStatus.PENDING:
                return False
            handler = SUBSCRIBERS.get(delivery.event.type, {}).get(subscriber_name)
            if handler is None:
                raise LookupError(f"no subscriber {subscriber_name} of {delivery.event.type} is registered")
            event = delivery.event
            with tenant_scope(provider=event.provider_id) if event.provider_id else nullcontext():
                handler(event)
            delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, timezone.now()
            delivery.attempts += 1
            delivery.save(update_fields=["status", "delivered_at", "attempts", "updated_at"])
    except Exception as error:
        # Only a delivery still pending records the failure: another worker may have delivered it while
        # this one waited for the lock (a repeated task), and that must stay delivered.
        EventDelivery.objects.filter(
            event_id=event_id, subscriber=subscriber_name, status=DeliveryStatus.PENDING
        ).update(
            attempts=F("attempts") + 1,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            status=DeliveryStatus.FAILED if last_attempt else DeliveryStatus.PENDING,
            updated_at=timezone.now(),
        )
        logger.warning("event %s: subscriber %s failed: %s", event_id, subscriber_name, error)
        raise
    logger.info("event %s delivered to %s", event_id, subscriber_name)
    return True


def events_sweep() -> tuple[int, int]:
    """Dispatch what was lost: events never dispatched, and pending deliveries no task is working on.
    Each is marked as it is queued again, so that it is queued at most once per grace period however long
    the workers are away. Set-based (a query and an update each); returns how many were queued."""
    from .tasks import deliver_event_task, dispatch_event_task

    now = timezone.now()
    lost_events = list(
        DomainEvent.objects.filter(dispatched_at__isnull=True, created_at__lt=now - DISPATCH_GRACE)
        .filter(Q(swept_at__isnull=True) | Q(swept_at__lt=now - DISPATCH_GRACE))
        .values_list("pk", flat=True)
    )
    lost_deliveries = list(
        EventDelivery.objects.filter(
            status=DeliveryStatus.PENDING, updated_at__lt=now - DELIVERY_STALE, event__dispatched_at__isnull=False
        ).values_list("pk", "event_id", "subscriber")
    )
    DomainEvent.objects.filter(pk__in=lost_events).update(swept_at=now)
    EventDelivery.objects.filter(pk__in=[pk for pk, _event, _name in lost_deliveries]).update(updated_at=now)
    for event_id in lost_events:
        dispatch_event_task.delay(event_id)
    for _pk, event_id, name in lost_deliveries:
        deliver_event_task.delay(event_id, name)
    return len(lost_events), len(lost_deliveries)


def event_deliveries_retry(*, actor: Actor, deliveries) -> int:
    """Operators requeue failed deliveries (after fixing what made the subscriber fail)."""
    from .tasks import deliver_event_task

    if not actor.is_operator:
        raise PermissionDeniedError()
    ids = [delivery.pk for delivery in deliveries]
    with transaction.atomic():
        failed = list(lock(EventDelivery.objects.filter(pk__in=ids, status=DeliveryStatus.FAILED)))
        EventDelivery.objects.filter(pk__in=[delivery.pk for delivery in failed]).update(
            status=DeliveryStatus.PENDING, updated_at=timezone.now()
        )
        for delivery in failed:
            audit_record(
                action=PlatformAuditAction.EVENT_DELIVERIES_RETRY,
                obj=delivery,
                actor=actor,
                before={"status": DeliveryStatus.FAILED, "attempts": delivery.attempts},
                after={"status": DeliveryStatus.PENDING},
            )
        transaction.on_commit(lambda: [deliver_event_task.delay(d.event_id, d.subscriber) for d in failed], robust=True)
    return len(failed)


def catalogue_markdown() -> str:
    """The event catalogue as a document (`docs/events.md`)."""
    lines = [
        "# Domain events",
        "",
        "Written by `python manage.py event_catalogue > docs/events.md` from the `events.py` of each app;",
        "a test fails when this file and the code disagree. How events travel: `linke/events.py`.",
        "",
    ]
    for event in sorted(CATALOGUE.values(), key=lambda declared: declared.name):
        lines += [f"## `{event.name}` (version {event.version})", "", event.description, ""]
        lines += ["| payload field | what it holds |", "| --- | --- |"]
        lines += [f"| `{field}` | {meaning} |" for field, meaning in event.fields.items()]
        subscribers = sorted(SUBSCRIBERS.get(event.name, {}))
        lines += ["", f"Subscribers: {', '.join(f'`{name}`' for name in subscribers) or 'none yet'}.", ""]
    return "\n".join(lines).rstrip() + "\n"
