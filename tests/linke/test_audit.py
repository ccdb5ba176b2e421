import pytest
from django.db import DatabaseError, connection, transaction

from linke.audit import audit_record
from linke.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(provider, user):
    return audit_record(
        action="provider.suspend",
        obj=provider,
        actor=user,
        provider=provider,
        before={"status": "active"},
        after={"status": "suspended"},
        reason="test",
    )


def test_record_stores_actor_object_and_change(event, provider, user):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.object_type, stored.object_id) == (
        "provider.suspend",
        "providers.provider",
        str(provider.pk),
    )
    assert (stored.actor, stored.provider, stored.before, stored.after) == (
        user,
        provider,
        {"status": "active"},
        {"status": "suspended"},
    )


def test_database_refuses_update(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    assert AuditEvent.objects.get(pk=event.pk).reason == "test"


def test_database_refuses_delete(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_database_refuses_raw_sql_update(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE linke_auditevent SET action = 'rewritten'")
    assert AuditEvent.objects.get(pk=event.pk).action == "provider.suspend"
