import pytest
from django.db import DatabaseError, connection, transaction

from linke.actors import Actor
from linke.audit import audit_record
from linke.models import AuditEvent
from providers.choices import AuditAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(provider, user):
    return audit_record(
        action=AuditAction.PROVIDER_SUSPEND,
        obj=provider,
        actor=Actor.for_user(user),
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
    assert (stored.actor, stored.actor_kind, stored.provider, stored.before, stored.after) == (
        user,
        "user",
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


def test_a_change_made_in_a_request_records_the_visitors_ip(client, member, provider):
    from django.urls import reverse

    from providers.choices import Role

    owner = member(Role.OWNER)
    client.force_login(owner.user)
    client.post(
        reverse("portal:settings"), {"introduction": "新的介绍", "access_mode": "native"}, REMOTE_ADDR="203.0.113.5"
    )
    assert AuditEvent.objects.get(action="provider.update").ip_address == "203.0.113.5"


def test_a_change_made_outside_a_request_has_no_ip(event):
    assert event.ip_address is None


def test_the_admin_lists_and_filters_actions_by_their_labels(client, event, operator):
    from django.urls import reverse
    from django.utils import translation

    client.force_login(operator)
    with translation.override("zh-hans"):
        page = client.get(reverse("admin:linke_auditevent_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = page.content.decode()
    assert "服务商已暂停" in body and ">provider.suspend<" not in body
    filtered = client.get(reverse("admin:linke_auditevent_changelist"), {"action": "provider.suspend"})
    assert filtered.context["cl"].result_count == 1
