"""跟进人 services: one owner per provider and merchant (also under concurrent first assignments), reassigning
one or many (history, events, one notification, one audit record), and who may do it to whom."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from linke.actors import Actor
from linke.errors import ApplicationError, ConflictError, PermissionDeniedError
from linke.models import AuditEvent, DomainEvent, Notification
from linke.tenancy import all_providers
from merchants.models import AccountAssignment
from merchants.services.accounts import account_ensure, account_reassign
from providers.choices import Role
from providers.tenancy import provider_scope

from ..factories import LeadFactory
from .accounts_helpers import assign, owners

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def place(cities, categories):
    return {"city": cities[0], "category": categories["hotpot"]}


def changes():
    """The `account_owner.changed` payloads, in order."""
    return list(
        DomainEvent.objects.filter(type="account_owner.changed").order_by("pk").values_list("payload", flat=True)
    )


def reassign(actor_membership, assignments, to_member):
    with provider_scope(actor_membership.provider_id):
        return account_reassign(actor=Actor.member(actor_membership), assignments=assignments, to_member=to_member)


# --- account_ensure -----------------------------------------------------------------------------------


def test_ensure_assigns_the_first_owner_once(provider, member, place):
    bd, other = member(Role.BD), member(Role.BD)
    (first,) = assign(bd, **place)
    with provider_scope(provider):
        again = account_ensure(actor=Actor.system(), provider=provider, lead=first.lead, member=other, why="request")
    assert again.pk == first.pk and again.member_id == bd.pk
    assert owners(provider) == [(first.lead_id, bd.pk, True)]
    assert changes() == [
        {"lead_id": first.lead_id, "membership_id": bd.pk, "previous_membership_id": None, "why": "claimed"}
    ]


def test_each_provider_has_its_own_owner_of_a_lead(provider, other_provider, member, place):
    mine, theirs = member(Role.BD), member(Role.BD, provider=other_provider)
    (assignment,) = assign(mine, **place)
    with provider_scope(other_provider):
        account_ensure(
            actor=Actor.system(), provider=other_provider, lead=assignment.lead, member=theirs, why="request"
        )
    assert owners(provider) == [(assignment.lead_id, mine.pk, True)]
    assert owners(other_provider) == [(assignment.lead_id, theirs.pk, True)]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_first_assignments_make_one_owner(provider, member, cities, categories):
    first, second = member(Role.BD), member(Role.BD)
    lead = LeadFactory(city=cities[0], category=categories["hotpot"])
    barrier = threading.Barrier(2)
    results, errors = {}, []

    def ensure(membership):
        try:
            with provider_scope(provider), transaction.atomic():
                barrier.wait()
                results[membership.pk] = account_ensure(
                    actor=Actor.member(membership), provider=provider, lead=lead, member=membership, why="claimed"
                ).pk
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ensure, args=(membership,)) for membership in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with all_providers():
        active = list(AccountAssignment.objects.filter(lead=lead, ended_at__isnull=True))
    assert len(active) == 1
    assert set(results.values()) == {active[0].pk}  # both callers got the one owner
    assert len(changes()) == 1


# --- account_reassign ---------------------------------------------------------------------------------


def test_reassigning_one_merchant_keeps_the_history(provider, member, place):
    owner, bd, colleague = member(Role.OWNER), member(Role.BD), member(Role.BD)
    (assignment,) = assign(bd, **place)
    (created,) = reassign(owner, [assignment], colleague)
    assert (created.member_id, created.assigned_by, created.ended_at) == (colleague.pk, owner.user, None)
    assert owners(provider) == [(assignment.lead_id, bd.pk, False), (assignment.lead_id, colleague.pk, True)]
    assignment.refresh_from_db()
    assert assignment.ended_at == created.assigned_at  # the history has no gap
    assert changes()[-1] == {
        "lead_id": assignment.lead_id,
        "membership_id": colleague.pk,
        "previous_membership_id": bd.pk,
        "why": "reassigned",
    }


def test_bulk_reassignment_is_set_based_audited_once_and_notifies_once(provider, member, place):
    owner, first, second = member(Role.ADMIN), member(Role.BD), member(Role.BD)
    target = member(Role.BD, user__language="en")  # notifications are written in the recipient's language
    assignments = assign(first, n=2, **place) + assign(second, n=1, **place)
    with CaptureQueriesContext(connection) as captured:
        created = reassign(owner, assignments, target)
    table = AccountAssignment._meta.db_table
    statements = [query["sql"] for query in captured]
    assert len([sql for sql in statements if sql.startswith(f'UPDATE "{table}"')]) == 1
    assert len([sql for sql in statements if sql.startswith(f'INSERT INTO "{table}"')]) == 1
    assert len(created) == 3
    leads = sorted(a.lead_id for a in assignments)
    assert [row for row in owners(provider) if row[2]] == [(lead, target.pk, True) for lead in leads]
    assert [(c["lead_id"], c["previous_membership_id"], c["why"]) for c in changes()[-3:]] == [
        (assignments[0].lead_id, first.pk, "reassigned"),
        (assignments[1].lead_id, first.pk, "reassigned"),
        (assignments[2].lead_id, second.pk, "reassigned"),
    ]
    audit = AuditEvent.objects.get(action="account.reassign")
    assert (audit.actor, audit.object_id, audit.after["count"], audit.before) == (
        owner.user,
        str(target.pk),
        3,
        {"owners": sorted([first.pk, second.pk])},
    )
    (notification,) = Notification.objects.filter(recipient=target.user)
    assert notification.title == "3 merchants were assigned to you"
    assert not Notification.objects.exclude(recipient=target.user).exists()


def test_merchants_already_with_the_member_are_left_as_they_are(provider, member, place):
    owner, bd = member(Role.OWNER), member(Role.BD)
    assignments = assign(bd, n=2, **place)
    before = owners(provider)
    assert reassign(owner, assignments, bd) == []
    assert owners(provider) == before
    assert not AuditEvent.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize("role", [Role.BD, Role.OPERATOR, Role.VIEWER])
def test_only_the_owner_and_admins_reassign(role, provider, member, place):
    actor, bd = member(role), member(Role.BD)
    assignments = assign(bd, **place)
    before = owners(provider)
    with pytest.raises(PermissionDeniedError, match="Only the owner and admins can assign account owners."):
        reassign(actor, assignments, actor if role == Role.BD else member(Role.BD))
    assert owners(provider) == before and not AuditEvent.objects.exists()


@pytest.mark.parametrize("target", ["other provider", "inactive", "viewer", "operator"])
def test_merchants_go_only_to_an_active_member_who_works_them(target, provider, other_provider, member, place):
    owner, bd = member(Role.OWNER), member(Role.BD)
    to_member = {
        "other provider": lambda: member(Role.BD, provider=other_provider),
        "inactive": lambda: member(Role.BD, is_active=False),
        "viewer": lambda: member(Role.VIEWER),
        "operator": lambda: member(Role.OPERATOR),
    }[target]()
    assignments = assign(bd, **place)
    before = owners(provider)
    with pytest.raises(ApplicationError) as refused:
        reassign(owner, assignments, to_member)
    assert refused.value.code == "invalid_account_owner"
    assert owners(provider) == before and not Notification.objects.exists()


def test_a_merchant_reassigned_meanwhile_stops_the_whole_batch(provider, member, place):
    owner, bd, colleague, late = member(Role.OWNER), member(Role.BD), member(Role.BD), member(Role.BD)
    first, stale = assign(bd, n=2, **place)
    reassign(owner, [stale], colleague)  # someone else was quicker
    before = owners(provider)
    with pytest.raises(ConflictError) as refused:
        reassign(owner, [first, stale], late)
    assert refused.value.code == "assignment_changed"
    assert owners(provider) == before


def test_another_providers_assignment_cannot_be_reassigned(provider, other_provider, member, place):
    owner, bd = member(Role.OWNER), member(Role.BD)
    foreign = assign(member(Role.BD, provider=other_provider), **place)
    before = owners(other_provider)
    with pytest.raises(ConflictError):
        reassign(owner, foreign, bd)
    assert owners(other_provider) == before


@pytest.mark.django_db(transaction=True)
def test_two_admins_reassigning_to_each_other_at_once_queue_up_without_a_deadlock(provider, member, cities, categories):
    """Each locks itself (the actor) and the other (the new owner): in one statement, in id order, so the
    second waits for the first instead of each holding one row and waiting for the other's."""
    first, second = member(Role.ADMIN), member(Role.ADMIN)
    (looked_after_by_first,) = assign(first, city=cities[0], category=categories["hotpot"])
    (looked_after_by_second,) = assign(second, city=cities[0], category=categories["bbq"])
    barrier = threading.Barrier(2)
    errors = []

    def reassign(actor, assignment, to_member):
        try:
            with provider_scope(provider):
                barrier.wait()
                account_reassign(actor=Actor.member(actor), assignments=[assignment], to_member=to_member)
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=reassign, args=(first, looked_after_by_first, second)),
        threading.Thread(target=reassign, args=(second, looked_after_by_second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with all_providers():
        owners = dict(AccountAssignment.objects.filter(ended_at__isnull=True).values_list("lead_id", "member_id"))
    assert owners == {looked_after_by_first.lead_id: second.pk, looked_after_by_second.lead_id: first.pk}
