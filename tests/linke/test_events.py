"""Domain events: written with the change (the outbox), dispatched after commit, each subscriber at most
once per event, retried with backoff, swept when a dispatch was lost; the transitions that others care
about emit them."""

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from linke import events as events_module
from linke.actors import Actor
from linke.errors import InvalidTransition
from linke.events import (
    CATALOGUE,
    SUBSCRIBERS,
    catalogue_markdown,
    emit,
    event_deliver,
    event_deliveries_retry,
    event_type,
    subscriber,
)
from linke.models import AuditEvent, DomainEvent, EventDelivery, Notification
from linke.tasks import deliver_event_task, dispatch_event_task, sweep_events_task
from linke.tenancy import current_scope
from providers.choices import Role
from providers.services.applications import application_approve, application_reject
from providers.services.status import provider_suspend
from providers.services.team import membership_change_role, membership_deactivate, ownership_transfer
from providers.tenancy import provider_scope

from ..factories.providers import ProviderApplicationFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def happened():
    """A test event type with one subscriber whose calls are recorded (`calls`) and who writes a row,
    so that a rolled-back attempt can be told from a committed one; `fail_times` makes it fail first."""
    declared = event_type("test.happened", version=1, description="A test event.", fields={"n": "a number"})
    state = {"calls": [], "fail_times": 0, "scopes": []}

    @subscriber(declared, name="tests.record")
    def record(event):
        state["calls"].append(event.payload["n"])
        state["scopes"].append(current_scope())
        Notification.objects.create(recipient=state["recipient"], verb="test.happened", title=str(event.payload["n"]))
        if state["fail_times"]:
            state["fail_times"] -= 1
            raise ConnectionError("the mail server is away")

    yield declared, state
    CATALOGUE.pop(declared.name)
    SUBSCRIBERS.pop(declared.name, None)


@pytest.fixture
def eager_retries(monkeypatch):
    """Eager tasks retry as a worker does (Celery retries an eager task only when it does not propagate
    the exception, which the test settings make it do) and a failed task fails in the worker, not here."""
    from linke.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


@pytest.fixture
def recorded(happened, user):
    declared, state = happened
    state["recipient"] = user
    return declared, state


def written(state):
    return list(Notification.objects.filter(verb="test.happened").values_list("title", flat=True))


def test_an_event_rolled_back_with_its_change_is_never_dispatched(
    recorded, provider, django_capture_on_commit_callbacks
):
    declared, state = recorded
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            emit(declared, provider=provider, payload={"n": 1})
            raise RuntimeError("the change failed")
    assert (callbacks, DomainEvent.objects.count(), state["calls"]) == ([], 0, [])


def test_a_committed_event_reaches_its_subscriber_once_inside_its_providers_scope(
    recorded, provider, django_capture_on_commit_callbacks
):
    declared, state = recorded
    with django_capture_on_commit_callbacks(execute=True):
        event = emit(declared, provider=provider, payload={"n": 7})
    assert state["calls"] == [7] and written(state) == ["7"]
    assert state["scopes"] == [{"_enabled": True, "provider": provider.pk}]
    delivery = EventDelivery.objects.get(event=event)
    assert (delivery.subscriber, delivery.status, delivery.attempts) == ("tests.record", "delivered", 1)
    event.refresh_from_db()
    assert event.dispatched_at is not None and (event.type, event.version) == ("test.happened", 1)


def test_repeated_dispatches_and_deliveries_run_the_subscriber_once(recorded, provider):
    declared, state = recorded
    event = emit(declared, provider=provider, payload={"n": 3})  # the on-commit dispatch is not run here
    for _ in range(3):
        dispatch_event_task.delay(event.pk)
        deliver_event_task.delay(event.pk, "tests.record")
    assert state["calls"] == [3] and written(state) == ["3"]
    assert EventDelivery.objects.filter(event=event).count() == 1


@pytest.mark.usefixtures("eager_retries")
def test_a_failing_subscriber_is_retried_and_succeeds_once(recorded, provider, django_capture_on_commit_callbacks):
    declared, state = recorded
    state["fail_times"] = 1
    with django_capture_on_commit_callbacks(execute=True):
        event = emit(declared, provider=provider, payload={"n": 5})
    assert state["calls"] == [5, 5]  # failed once, then succeeded
    assert written(state) == ["5"]  # the failed attempt's write was rolled back with it
    delivery = EventDelivery.objects.get(event=event)
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert delivery.last_error == "ConnectionError: the mail server is away"


@pytest.mark.usefixtures("eager_retries")
def test_a_subscriber_that_keeps_failing_ends_failed_and_operators_can_requeue_it(
    recorded, provider, operator, django_capture_on_commit_callbacks
):
    declared, state = recorded
    state["fail_times"] = 100
    with django_capture_on_commit_callbacks(execute=True):
        event = emit(declared, provider=provider, payload={"n": 9})
    delivery = EventDelivery.objects.get(event__type="test.happened")
    assert (delivery.status, delivery.attempts, written(state)) == ("failed", 9, [])  # 1 try + 8 retries
    state["fail_times"] = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert event_deliveries_retry(actor=Actor.operator(operator), deliveries=[delivery]) == 1
    delivery.refresh_from_db()
    assert (delivery.status, written(state)) == ("delivered", ["9"])
    retried = AuditEvent.objects.get(action="event_delivery.retry")
    assert (retried.actor, retried.object_id, retried.before["attempts"]) == (operator, str(delivery.pk), 9)
    assert event.pk == delivery.event_id


def test_an_event_whose_dispatch_was_lost_is_swept_and_delivered_once(
    recorded, provider, django_capture_on_commit_callbacks
):
    declared, state = recorded
    event = emit(declared, provider=provider, payload={"n": 11})  # committed, but the enqueue never happened
    assert sweep_events_task.delay().get() == (0, 0)  # too young: its dispatch may still be on the way
    DomainEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_events_task.delay().get() == (1, 0)
    assert sweep_events_task.delay().get() == (0, 0)
    assert state["calls"] == [11] and written(state) == ["11"]


def test_a_pending_delivery_whose_task_was_lost_is_swept(recorded, provider):
    declared, state = recorded
    event = emit(declared, provider=provider, payload={"n": 13})
    DomainEvent.objects.filter(pk=event.pk).update(dispatched_at=timezone.now())
    EventDelivery.objects.create(event=event, subscriber="tests.record")  # its task died with its worker
    EventDelivery.objects.filter(event=event).update(updated_at=timezone.now() - timedelta(minutes=20))
    assert sweep_events_task.delay().get() == (0, 1)
    assert state["calls"] == [13]


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_event_at_once_run_the_subscriber_once(recorded, provider):
    declared, state = recorded
    # committed with its delivery, not yet delivered (emit() would deliver at once: no transaction here)
    event = DomainEvent.objects.create(type=declared.name, version=1, provider=provider, payload={"n": 17})
    EventDelivery.objects.create(event=event, subscriber="tests.record")
    barrier, ran = threading.Barrier(2), []

    def deliver():
        try:
            barrier.wait()
            ran.append(event_deliver(event.pk, "tests.record"))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(ran) == [False, True] and state["calls"] == [17] and written(state) == ["17"]


@pytest.mark.django_db(transaction=True)
def test_a_worker_failing_while_another_delivers_leaves_the_event_delivered(recorded, provider, monkeypatch):
    """A repeated task waits for the row lock while the first one delivers, then fails (a lock timeout):
    its failure must not reopen the delivery, or the subscriber would run again."""
    declared, state = recorded
    event = DomainEvent.objects.create(type=declared.name, version=1, provider=provider, payload={"n": 19})
    EventDelivery.objects.create(event=event, subscriber="tests.record")
    real_lock, waited = events_module.lock, []

    def lock_then_time_out(queryset):
        if waited:
            return real_lock(queryset)
        waited.append(True)
        other = threading.Thread(target=lambda: (event_deliver(event.pk, "tests.record"), connection.close()))
        other.start()
        other.join()
        raise OperationalError("canceling statement due to lock timeout")

    monkeypatch.setattr(events_module, "lock", lock_then_time_out)
    with pytest.raises(OperationalError):
        event_deliver(event.pk, "tests.record")
    delivery = EventDelivery.objects.get(event=event)
    assert (delivery.status, delivery.attempts, state["calls"]) == ("delivered", 1, [19])


def test_the_sweep_queues_a_lost_event_again_only_once_per_grace_period(recorded, provider, monkeypatch):
    declared, state = recorded
    event = emit(declared, provider=provider, payload={"n": 23})
    DomainEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    queued = []
    monkeypatch.setattr(dispatch_event_task, "delay", queued.append)  # the workers are away
    assert [sweep_events_task.delay().get() for _ in range(3)] == [(1, 0), (0, 0), (0, 0)]
    DomainEvent.objects.filter(pk=event.pk).update(swept_at=timezone.now() - timedelta(minutes=2))
    assert sweep_events_task.delay().get() == (1, 0)
    assert queued == [event.pk, event.pk] and state["calls"] == []


def test_a_broker_down_at_commit_does_not_fail_the_change(
    recorded, provider, monkeypatch, django_capture_on_commit_callbacks
):
    declared, state = recorded

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("the broker is not answering")

    monkeypatch.setattr(dispatch_event_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        event = emit(declared, provider=provider, payload={"n": 29})
    event.refresh_from_db()
    assert (event.dispatched_at, state["calls"]) == (None, [])  # left for the sweep


def test_a_payload_must_match_the_catalogue(happened, provider):
    declared, _state = happened
    with pytest.raises(ValueError, match="carries"):
        emit(declared, provider=provider, payload={"n": 1, "extra": 2})
    with pytest.raises(ValueError, match="declared twice"):
        event_type("test.happened", version=2, description="", fields={})
    assert not DomainEvent.objects.exists()


# --- The transitions others care about emit --------------------------------------------------------
def events():
    return [(event.type, event.provider_id, event.payload) for event in DomainEvent.objects.order_by("pk")]


def test_suspension_emits_with_the_reason(provider, operator):
    provider_suspend(actor=Actor.operator(operator), provider=provider, reason="投诉核实")
    assert events() == [("provider.suspended", provider.pk, {"status_before": "active", "reason": "投诉核实"})]


def test_approval_emits_the_new_provider_and_its_owner(cities, tracks, operator, private_media):
    application = ProviderApplicationFactory(status="submitted", service_cities=cities, tracks=tracks)
    application_approve(actor=Actor.operator(operator), application=application)
    application.refresh_from_db()
    owner = application.provider.membership_set.model.objects
    with provider_scope(application.provider):
        owner = owner.get()
    assert events() == [
        (
            "application.approved",
            application.provider_id,
            {
                "application_id": application.pk,
                "applicant_id": application.applicant_id,
                "owner_membership_id": owner.pk,
            },
        ),
        (
            "member.joined",
            application.provider_id,
            {"membership_id": owner.pk, "user_id": application.applicant_id, "role": "owner", "via": "application"},
        ),
    ]


def test_rejection_emits_without_a_provider(cities, tracks, operator, private_media):
    application = ProviderApplicationFactory(status="submitted", service_cities=cities, tracks=tracks)
    application_reject(actor=Actor.operator(operator), application=application, reason="资料不实")
    assert events() == [
        (
            "application.rejected",
            None,
            {"application_id": application.pk, "applicant_id": application.applicant_id, "reason": "资料不实"},
        )
    ]


def test_team_changes_emit(provider, member):
    owner, bd, admin = member(Role.OWNER), member(Role.BD), member(Role.ADMIN)
    with provider_scope(provider):
        membership_change_role(actor=Actor.member(owner), membership=bd, role=Role.OPERATOR)
        membership_deactivate(actor=Actor.member(owner), membership=bd, reason="离职")
        ownership_transfer(actor=Actor.member(owner), provider=provider, to_membership=admin)
    member_payload = {"membership_id": bd.pk, "user_id": bd.user_id}
    assert events() == [
        ("member.role_changed", provider.pk, member_payload | {"role_before": "bd", "role": "operator"}),
        ("member.left", provider.pk, member_payload | {"role": "operator", "reason": "离职"}),
        (
            "member.role_changed",
            provider.pk,
            {"membership_id": owner.pk, "user_id": owner.user_id, "role_before": "owner", "role": "admin"},
        ),
        (
            "member.role_changed",
            provider.pk,
            {"membership_id": admin.pk, "user_id": admin.user_id, "role_before": "admin", "role": "owner"},
        ),
    ]


def test_a_refused_transition_emits_nothing(provider, operator):
    provider_suspend(actor=Actor.operator(operator), provider=provider, reason="第一次")
    with pytest.raises(InvalidTransition):
        provider_suspend(actor=Actor.operator(operator), provider=provider, reason="第二次")
    assert [event[0] for event in events()] == ["provider.suspended"]


# --- The one catalogue -----------------------------------------------------------------------------
def test_the_published_catalogue_is_the_one_in_the_code(capsys):
    call_command("event_catalogue")
    printed = capsys.readouterr().out
    assert printed == catalogue_markdown()
    assert (ROOT / "docs" / "events.md").read_text() == printed, "run: manage.py event_catalogue > docs/events.md"
    for name in ["application.approved", "member.left", "provider.suspended", "provider.terminated"]:
        assert f"## `{name}` (version 1)" in printed


# --- emit_many: the set-based emit ----------------------------------------------------------------


def test_emit_many_writes_every_event_in_one_insert_and_delivers_each_once(
    recorded, provider, other_provider, django_capture_on_commit_callbacks, monkeypatch
):
    from django.test.utils import CaptureQueriesContext

    declared, state = recorded
    monkeypatch.setattr(events_module, "DISPATCH_CHUNK", 2)  # 5 events: three task messages
    rows = [(provider.pk, {"n": n}) for n in range(4)] + [(other_provider.pk, {"n": 4})]
    with django_capture_on_commit_callbacks(execute=True):
        with CaptureQueriesContext(connection) as captured:
            ids = events_module.emit_many(declared, rows)
        assert [q["sql"].split()[0] for q in captured.captured_queries] == ["INSERT"]
    assert sorted(state["calls"]) == [0, 1, 2, 3, 4]
    assert sorted(DomainEvent.objects.filter(pk__in=ids).values_list("provider_id", flat=True)) == sorted(
        [provider.pk] * 4 + [other_provider.pk]
    )
    assert EventDelivery.objects.filter(event_id__in=ids, status="delivered").count() == 5
    assert {tuple(sorted(scope.items())) for scope in state["scopes"]} == {
        (("_enabled", True), ("provider", provider.pk)),
        (("_enabled", True), ("provider", other_provider.pk)),
    }


def test_emit_many_checks_every_payload_before_writing(happened, provider):
    declared, _state = happened
    with pytest.raises(ValueError, match="carries"):
        events_module.emit_many(declared, [(provider.pk, {"n": 1}), (provider.pk, {"wrong": 2})])
    assert DomainEvent.objects.count() == 0


def test_emit_many_rolls_back_with_the_change(recorded, provider, django_capture_on_commit_callbacks):
    declared, state = recorded
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            events_module.emit_many(declared, [(provider.pk, {"n": 1}), (None, {"n": 2})])
            raise RuntimeError("the change failed")
    assert (callbacks, DomainEvent.objects.count(), state["calls"]) == ([], 0, [])


def test_emit_many_of_nothing_writes_nothing(happened):
    declared, _state = happened
    assert events_module.emit_many(declared, []) == []
    assert DomainEvent.objects.count() == 0
