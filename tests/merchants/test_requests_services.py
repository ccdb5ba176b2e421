"""Cooperation requests, the rules: sending (own stores, an active provider, an offered mode, one open request
per provider and store also under two concurrent sends, the daily limit), declining, withdrawing, reading,
the transition table, and what is recorded and told (audit, events, notifications, the account owner)."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from linke.actors import Actor
from linke.errors import ApplicationError, ConflictError, InvalidTransition, PermissionDeniedError
from linke.models import AuditEvent, DomainEvent, Notification
from linke.tenancy import all_providers
from merchants.choices import RequestStatus
from merchants.models import AccountAssignment, CooperationRequest, CooperationRequestStore
from merchants.rules import REQUESTS_PER_DAY
from merchants.services import requests as services
from merchants.services.requests import (
    RequestLimitReached,
    day_start,
    request_decline,
    request_mark_read,
    request_send,
    request_withdraw,
)
from merchants.tenancy import merchant_scope
from merchants.transitions import REQUEST_TRANSITIONS, assert_transition
from providers.choices import CooperationMode, ProviderStatus, Role
from providers.models import Provider
from providers.tenancy import provider_scope

from ..factories import LeadFactory, StoreFactory
from ..tenancy.cases.requests import make_request

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

FULL = CooperationMode.FULL_OPERATION
SPECIALIZED = CooperationMode.SPECIALIZED


@pytest.fixture
def team(provider, member):
    """The provider offers both modes; one member in every role."""
    Provider.objects.filter(pk=provider.pk).update(cooperation_modes=[SPECIALIZED, FULL])
    provider.refresh_from_db()
    return {role: member(role) for role in Role}


@pytest.fixture
def shops(merchant, cities, districts, categories):
    return [
        StoreFactory(merchant=merchant, name=name, city=cities[0], district=districts[0], category=categories["hotpot"])
        for name in ("老张火锅（五四路店）", "老张火锅（台江店）")
    ]


def merchant_actor(merchant):
    return Actor.for_merchant(merchant, user=merchant.owner)


def send(merchant, provider, stores, mode=FULL, message="想做抖音团购，下月开始。"):
    with merchant_scope(merchant):
        return request_send(
            actor=merchant_actor(merchant), provider=provider, stores=stores, mode=mode, message=message
        )


def requests_of(merchant):
    with all_providers():
        return list(CooperationRequest.objects.filter(merchant=merchant).values_list("status", flat=True))


def open_lines():
    return sorted(CooperationRequestStore.objects.filter(is_open=True).values_list("store__name", flat=True))


# --- send -----------------------------------------------------------------------------------------


def test_send_creates_an_open_request_and_tells_both_sides(
    merchant, provider, team, shops, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = send(merchant, provider, shops)

    assert (sent.status, sent.mode, sent.message, sent.read_at) == (RequestStatus.OPEN, FULL, sent.message, None)
    assert sent.sent_by == merchant.owner
    lines = CooperationRequestStore.objects.filter(request=sent).values_list("store", "provider", "is_open")
    assert sorted(lines) == sorted((shop.pk, provider.pk, True) for shop in shops)
    audit = AuditEvent.objects.get(action="request.send")
    assert (audit.object_id, audit.provider_id, audit.actor_id) == (str(sent.pk), provider.pk, merchant.owner_id)
    event = DomainEvent.objects.get(type="request.received")
    assert event.provider_id == provider.pk
    assert event.payload == {
        "request_id": sent.pk,
        "merchant_id": merchant.pk,
        "mode": FULL,
        "store_ids": sorted(shop.pk for shop in shops),
    }
    told = {team[role].user for role in (Role.OWNER, Role.ADMIN, Role.BD)}
    provider_side = Notification.objects.filter(provider=provider)
    assert set(provider_side.values_list("recipient", flat=True)) == {user.pk for user in told}
    assert provider_side.first().title == f"{merchant.name}发来新的合作意向"  # in the recipient's language (Chinese)
    assert provider_side.first().url == f"/portal/requests/{sent.pk}/"
    confirmation = Notification.objects.get(recipient=merchant.owner)
    assert confirmation.title == f"您的合作意向已发送给{provider.name}"
    assert confirmation.url == f"/merchant/requests/{sent.pk}/"
    assert sorted(message.to[0] for message in mail.outbox) == sorted([u.email for u in told] + [merchant.owner.email])


def test_a_store_of_another_merchant_is_refused(merchant, other_merchant, provider, team, shops, cities, categories):
    theirs = StoreFactory(merchant=other_merchant, city=cities[0], category=categories["nails"])
    with pytest.raises(ApplicationError, match="your own stores") as refused:
        send(merchant, provider, [shops[0], theirs])
    assert refused.value.code == "store_not_yours"
    assert requests_of(merchant) == []


@pytest.mark.parametrize("status", [ProviderStatus.SUSPENDED, ProviderStatus.TERMINATED])
def test_a_provider_that_is_not_active_receives_no_request(status, merchant, provider, team, shops):
    Provider.objects.filter(pk=provider.pk).update(status=status)
    with pytest.raises(ConflictError, match="cannot receive cooperation requests") as refused:
        send(merchant, provider, shops)
    assert refused.value.code == "provider_not_active"
    assert requests_of(merchant) == []
    assert Notification.objects.count() == 0


def test_a_mode_the_provider_does_not_offer_is_refused(merchant, provider, team, shops):
    Provider.objects.filter(pk=provider.pk).update(cooperation_modes=[SPECIALIZED])
    provider.refresh_from_db()
    with pytest.raises(ApplicationError, match="does not offer “Full operation”") as refused:
        send(merchant, provider, shops, mode=FULL)
    assert refused.value.code == "mode_not_offered"
    assert requests_of(merchant) == []


def test_an_empty_message_or_no_store_is_refused(merchant, provider, team, shops):
    with pytest.raises(ApplicationError) as no_message:
        send(merchant, provider, shops, message="  \n ")
    with pytest.raises(ApplicationError) as no_store:
        send(merchant, provider, [])
    assert (no_message.value.code, no_store.value.code) == ("message_required", "stores_required")
    assert requests_of(merchant) == []


def test_only_a_merchant_sends(provider, team, shops):
    with pytest.raises(PermissionDeniedError), provider_scope(provider):
        request_send(actor=Actor.member(team[Role.OWNER]), provider=provider, stores=shops, mode=FULL, message="hi")


def test_one_open_request_per_provider_and_store_with_a_message_naming_the_store(
    merchant, provider, other_provider, team, shops
):
    send(merchant, provider, [shops[0]])
    with pytest.raises(ConflictError) as refused:
        send(merchant, provider, shops)
    assert refused.value.code == "request_open_exists"
    assert str(refused.value.message) == (
        f"You already have an open request to {provider.name} for 老张火锅（五四路店）: "
        "wait for its answer or withdraw it first."
    )
    assert requests_of(merchant) == [RequestStatus.OPEN]
    # Another store at the same provider, or the same store at another provider, is fine.
    send(merchant, provider, [shops[1]])
    Provider.objects.filter(pk=other_provider.pk).update(cooperation_modes=[FULL])
    send(merchant, other_provider, [shops[0]])
    assert requests_of(merchant) == [RequestStatus.OPEN] * 3


def test_the_database_constraint_refuses_what_the_python_check_missed(merchant, provider, team, shops, monkeypatch):
    """As when a concurrent send commits between the check and the insert: the unique index refuses the
    second one, the same friendly message is given and nothing of it is left."""
    send(merchant, provider, [shops[0]])
    check = services._refuse_open_duplicates
    calls = []

    def misses_the_first_time(*args):
        calls.append(args)
        if len(calls) > 1:
            check(*args)

    monkeypatch.setattr(services, "_refuse_open_duplicates", misses_the_first_time)
    with pytest.raises(ConflictError, match="for 老张火锅（五四路店）") as refused:
        send(merchant, provider, shops)
    assert refused.value.code == "request_open_exists"
    assert len(calls) == 2
    assert requests_of(merchant) == [RequestStatus.OPEN]
    assert CooperationRequestStore.objects.count() == 1
    assert AuditEvent.objects.filter(action="request.send").count() == 1
    assert DomainEvent.objects.filter(type="request.received").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sends_for_the_same_store_leave_one_open_request(merchant, provider, team, shops):
    barrier = threading.Barrier(2)
    outcomes = []

    def send_concurrently(message):
        try:
            barrier.wait()
            send(merchant, provider, [shops[0]], message=message)
            outcomes.append("sent")
        except ApplicationError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send_concurrently, args=(f"第{n}次",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes, key=str).count("sent") == 1
    refusal = next(outcome for outcome in outcomes if outcome != "sent")
    assert isinstance(refusal, ConflictError)
    assert refusal.code == "request_open_exists"
    assert "老张火锅（五四路店）" in str(refusal.message)
    assert requests_of(merchant) == [RequestStatus.OPEN]
    assert CooperationRequestStore.objects.filter(store=shops[0], is_open=True).count() == 1


def test_the_daily_limit_counts_the_requests_sent_since_midnight_in_shanghai(
    merchant, provider, other_provider, team, shops
):
    today = day_start(timezone.now())
    for n in range(REQUESTS_PER_DAY):
        make_request(other_provider, merchant, status=RequestStatus.WITHDRAWN, message=f"今天第{n}个")
    with all_providers():
        first = CooperationRequest.objects.filter(merchant=merchant).order_by("pk").first()
        CooperationRequest.objects.filter(pk=first.pk).update(created_at=today)  # the first second of today
    with pytest.raises(RequestLimitReached, match=f"at most {REQUESTS_PER_DAY} cooperation requests a day") as refused:
        send(merchant, provider, shops)
    assert (refused.value.code, refused.value.http_status) == ("request_daily_limit", 429)
    assert refused.value.details == {
        "limit": REQUESTS_PER_DAY,
        "resets_at": (today + timedelta(days=1)).isoformat(),
    }
    assert len(requests_of(merchant)) == REQUESTS_PER_DAY
    with all_providers():  # one of them was in fact sent yesterday, a second before midnight
        CooperationRequest.objects.filter(pk=first.pk).update(created_at=today - timedelta(seconds=1))
    assert send(merchant, provider, shops).status == RequestStatus.OPEN


def test_day_start_is_midnight_in_shanghai():
    moment = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # 00:30 on 2 March in Shanghai
    assert day_start(moment) == datetime(2026, 3, 1, 16, 0, tzinfo=UTC)
    assert day_start(datetime(2026, 3, 1, 15, 59, tzinfo=UTC)) == datetime(2026, 2, 28, 16, 0, tzinfo=UTC)


def test_a_merchant_who_is_a_lead_gets_the_providers_owner_as_account_owner(
    merchant, provider, team, shops, cities, categories
):
    lead = LeadFactory(merchant=merchant, city=cities[0], category=categories["hotpot"])
    send(merchant, provider, [shops[0]])
    send(merchant, provider, [shops[1]])
    with provider_scope(provider):
        owners = list(AccountAssignment.objects.filter(lead=lead).values_list("member", "ended_at", "assigned_by"))
    assert owners == [(team[Role.OWNER].pk, None, None)]  # the merchant's request decided nobody's work
    event = DomainEvent.objects.get(type="account_owner.changed")
    assert event.payload == {
        "lead_id": lead.pk,
        "membership_id": team[Role.OWNER].pk,
        "previous_membership_id": None,
        "why": "request",
    }


# --- decline --------------------------------------------------------------------------------------


def decline(membership, request, reason="本月档期已满，下月再联系。"):
    with provider_scope(membership.provider):
        return request_decline(actor=Actor.member(membership), request=request, reason=reason)


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN, Role.BD])
def test_decline_with_a_reason_frees_the_stores_and_tells_the_merchant(
    role, merchant, provider, team, shops, django_capture_on_commit_callbacks
):
    sent = send(merchant, provider, shops)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        declined = decline(team[role], sent)

    declined.refresh_from_db()
    assert (declined.status, declined.decline_reason, declined.answered_by) == (
        RequestStatus.DECLINED,
        "本月档期已满，下月再联系。",
        team[role],
    )
    assert declined.answered_at is not None and declined.read_at == declined.answered_at
    assert open_lines() == []
    audit = AuditEvent.objects.get(action="request.decline")
    assert (audit.reason, audit.before, audit.after) == (
        "本月档期已满，下月再联系。",
        {"status": "open"},
        {"status": "declined"},
    )
    assert DomainEvent.objects.get(type="request.answered").payload == {
        "request_id": sent.pk,
        "merchant_id": merchant.pk,
        "answer": "declined",
        "reason": "本月档期已满，下月再联系。",
    }
    told = Notification.objects.get(recipient=merchant.owner, verb="request.decline")
    assert (told.title, told.body) == (
        f"{provider.name}婉拒了您的合作意向",
        "原因：本月档期已满，下月再联系。",
    )
    assert [m.to for m in mail.outbox] == [[merchant.owner.email]]
    assert "本月档期已满" in mail.outbox[0].body
    # The stores are free: the merchant may ask again.
    assert send(merchant, provider, shops).status == RequestStatus.OPEN


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.VIEWER])
def test_operators_and_viewers_cannot_decline(role, merchant, provider, team, shops):
    sent = send(merchant, provider, shops)
    with pytest.raises(PermissionDeniedError, match="answer cooperation requests"):
        decline(team[role], sent)
    sent.refresh_from_db()
    assert (sent.status, sent.decline_reason, sent.answered_by) == (RequestStatus.OPEN, "", None)
    assert open_lines() == sorted(shop.name for shop in shops)


def test_a_decline_needs_a_reason(merchant, provider, team, shops):
    sent = send(merchant, provider, shops)
    with pytest.raises(ApplicationError, match="reason") as refused:
        decline(team[Role.BD], sent, reason=" \n")
    assert refused.value.code == "reason_required"
    sent.refresh_from_db()
    assert sent.status == RequestStatus.OPEN
    assert not AuditEvent.objects.filter(action="request.decline").exists()


def test_a_member_of_another_provider_cannot_decline(merchant, provider, other_provider, team, shops, member):
    sent = send(merchant, provider, shops)
    stranger = member(Role.OWNER, provider=other_provider)
    with pytest.raises(PermissionDeniedError), all_providers():
        request_decline(actor=Actor.member(stranger), request=sent, reason="不是我的")
    sent.refresh_from_db()
    assert sent.status == RequestStatus.OPEN


# --- withdraw -------------------------------------------------------------------------------------


def test_the_merchant_withdraws_an_open_request_and_its_stores_are_free(merchant, provider, team, shops):
    sent = send(merchant, provider, shops)
    with merchant_scope(merchant):
        withdrawn = request_withdraw(actor=merchant_actor(merchant), request=sent)
    assert withdrawn.status == RequestStatus.WITHDRAWN
    assert open_lines() == []
    audit = AuditEvent.objects.get(action="request.withdraw")
    assert (audit.provider_id, audit.after) == (provider.pk, {"status": "withdrawn"})
    assert send(merchant, provider, shops).status == RequestStatus.OPEN


def test_another_merchant_cannot_withdraw(merchant, other_merchant, provider, team, shops):
    sent = send(merchant, provider, shops)
    with pytest.raises(PermissionDeniedError), all_providers():
        request_withdraw(actor=merchant_actor(other_merchant), request=sent)
    assert requests_of(merchant) == [RequestStatus.OPEN]


# --- the transition table, exhaustively -----------------------------------------------------------


@pytest.mark.parametrize("current", RequestStatus.values)
@pytest.mark.parametrize("target", RequestStatus.values)
def test_the_transition_table(current, target):
    allowed = {("open", "proposed"), ("open", "declined"), ("open", "withdrawn")}
    assert (target in REQUEST_TRANSITIONS[current]) == ((current, target) in allowed)
    if (current, target) in allowed:
        assert_transition(current, target, table=REQUEST_TRANSITIONS)
    else:
        with pytest.raises(InvalidTransition):
            assert_transition(current, target, table=REQUEST_TRANSITIONS)


@pytest.mark.parametrize("current", RequestStatus.values)
@pytest.mark.parametrize("verb", ["decline", "withdraw"])
def test_each_service_moves_only_an_open_request(verb, current, merchant, provider, team):
    request = make_request(provider, merchant, status=current)
    actor = Actor.member(team[Role.BD]) if verb == "decline" else merchant_actor(merchant)

    def act():
        with all_providers():
            if verb == "decline":
                return request_decline(actor=actor, request=request, reason="不合适")
            return request_withdraw(actor=actor, request=request)

    if current == RequestStatus.OPEN:
        assert act().status == {"decline": RequestStatus.DECLINED, "withdraw": RequestStatus.WITHDRAWN}[verb]
    else:
        with pytest.raises(InvalidTransition):
            act()
        request.refresh_from_db()
        assert request.status == current


# --- read -----------------------------------------------------------------------------------------


def test_reading_keeps_the_first_time(merchant, provider, team):
    request = make_request(provider, merchant)
    with provider_scope(provider):
        opened_meanwhile = CooperationRequest.objects.get(pk=request.pk)  # read before anyone opened it
        first = request_mark_read(actor=Actor.member(team[Role.VIEWER]), request=request).read_at
        again = request_mark_read(actor=Actor.member(team[Role.BD]), request=opened_meanwhile)
        assert request_mark_read(actor=Actor.member(team[Role.BD]), request=request).read_at == first
    assert first is not None
    assert again.read_at == first
    with all_providers():
        assert CooperationRequest.objects.get(pk=request.pk).read_at == first
