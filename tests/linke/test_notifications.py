import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.urls import reverse

from linke.actors import Actor
from linke.celery import app as celery_app
from linke.models import Notification
from linke.notifications import notification_send
from linke.tasks import send_notification_email_task

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_notification_is_stored_and_emailed_after_commit(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = notification_send(recipient=user, verb="test", title="合同已签署", body="详情见门户")
        assert len(mail.outbox) == 0  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "合同已签署" in mail.outbox[0].subject
    notification.refresh_from_db()
    assert notification.emailed_at is not None


@pytest.mark.django_db
def test_a_retried_email_task_sends_once(user):
    notification = notification_send(recipient=user, verb="test", title="t", email=False)
    send_notification_email_task.delay(notification.pk)
    send_notification_email_task.delay(notification.pk)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_task_for_a_deleted_notification_returns_quietly(user):
    send_notification_email_task.delay(987654321)
    assert mail.outbox == []


@pytest.mark.django_db
def test_unread_count_and_mark_read(client, user):
    for title in ("a", "b"):
        notification_send(recipient=user, verb="test", title=title, email=False)
    client.force_login(user)
    assert client.get(reverse("api:notification-list")).json()["count"] == 2
    assert client.post(reverse("api:notification-mark-read")).json() == {"marked": 2}
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_emails_a_notification_sent_by_this_process(user, tmp_path, monkeypatch):
    """Through the real broker (Redis with REDIS_URL, else the filesystem transport) and a worker process."""
    broker_dir, mail_dir = tmp_path / "broker", tmp_path / "mail"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "linke.settings.local",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_DIR": str(broker_dir),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(mail_dir),
        "DJANGO_READ_DOT_ENV": "0",
        # the broker this process sends to (with Redis: the tests' own database of it)
        "CELERY_BROKER_URL": celery_app.conf.broker_url,
        "REDIS_URL": settings.REDIS_URL,
    }
    options = {}
    if celery_app.conf.broker_url.startswith("filesystem"):
        options = {
            "data_folder_in": str(broker_dir / "queue"),
            "data_folder_out": str(broker_dir / "queue"),
            "control_folder": str(broker_dir / "control"),
        }
        for folder in ("queue", "control"):
            (broker_dir / folder).mkdir(parents=True)
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)

    notification = notification_send(recipient=user, verb="test", title="真实队列测试", email=False)
    with celery_app.connection_for_write(transport_options=options) as connection_:
        send_notification_email_task.apply_async((notification.pk,), connection=connection_)  # queued, no worker yet

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "linke",
            "worker",
            "--pool",
            "solo",
            "--queues",
            "notifications",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and worker.poll() is None:
            notification.refresh_from_db()
            if notification.emailed_at:
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert notification.emailed_at is not None, f"the worker did not send the email:\n{output[-3000:]}"
    sent = "".join(path.read_text() for path in mail_dir.iterdir())
    assert user.email in sent


@pytest.mark.django_db
def test_a_line_break_in_a_name_does_not_lose_the_email(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=user, verb="test", title="张三\n加入了团队")
    assert mail.outbox[0].subject == "【林客】张三 加入了团队"


def test_client_ip_takes_the_proxys_entry_and_ignores_garbage(settings, rf):
    from linke.http import client_ip

    settings.CLIENT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "203.0.113.7"
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="not-an-ip", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


@pytest.mark.django_db
def test_purge_deletes_only_long_read_notifications_in_one_statement(user, django_assert_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    from linke.tasks import purge_read_notifications_task

    old, recent, unread = (notification_send(recipient=user, verb="t", title=t, email=False) for t in "abc")
    Notification.objects.filter(pk=old.pk).update(read_at=timezone.now() - timedelta(days=200))
    Notification.objects.filter(pk=recent.pk).update(read_at=timezone.now() - timedelta(days=10))
    with django_assert_num_queries(1):
        assert purge_read_notifications_task.delay().get() == 1
    assert set(Notification.objects.values_list("title", flat=True)) == {"b", "c"}


def test_every_beat_entry_names_a_registered_task_on_a_declared_queue():
    from django.conf import settings

    from linke.celery import Queue

    celery_app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        task = celery_app.tasks[entry["task"]]
        assert task.queue in set(Queue)
        assert entry["options"]["expires"] > 0


@pytest.mark.django_db
def test_notifications_are_written_in_the_recipients_language(client, user, member, provider):
    from django.utils import translation

    from providers.choices import Role
    from providers.services.team import membership_change_role

    owner, bd = member(Role.OWNER), member(Role.BD)
    client.force_login(bd.user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    bd.user.refresh_from_db()
    assert bd.user.language == "en"
    from providers.tenancy import provider_scope

    with translation.override("zh-hans"), provider_scope(provider):  # the owner acts in Chinese
        membership_change_role(membership=bd, actor=Actor.member(owner), role=Role.OPERATOR)
    notification = Notification.objects.get(recipient=bd.user)
    assert notification.title == f"Your role in {provider.name} is now Operations"
