"""The Celery app, its queues and the one decorator every task uses."""

import enum
import os

from celery import Celery
from django.db import InterfaceError, OperationalError
from kombu import Queue as KombuQueue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linke.settings.local")

app = Celery("linke")
app.config_from_object("django.conf:settings", namespace="CELERY")


class Queue(enum.StrEnum):
    RATINGS = "ratings"
    SLA = "sla"
    WEBHOOKS = "webhooks"
    NOTIFICATIONS = "notifications"
    DEFAULT = "default"


app.conf.task_queues = [KombuQueue(queue.value) for queue in Queue]


@app.on_after_configure.connect
def _make_broker_folders(sender, **kwargs):
    """The filesystem broker (used without Redis) needs its folders before the first message."""
    for folder in ("data_folder_in", "control_folder"):
        if path := (sender.conf.broker_transport_options or {}).get(folder):
            os.makedirs(path, exist_ok=True)


app.autodiscover_tasks()


def task(*, queue: Queue, **options):
    """`@task(queue=Queue.SLA)`: a shared task with the project's reliability defaults.

    Late acknowledgement (a task dies with its worker, not silently), retries with exponential
    backoff on database hiccups, and an explicit queue. Tasks must be idempotent: a unique
    constraint, not luck, makes a retried task harmless.
    """
    defaults = {
        "queue": queue.value,
        "acks_late": True,
        "reject_on_worker_lost": True,
        "autoretry_for": (OperationalError, InterfaceError),
        "retry_backoff": True,
        "retry_backoff_max": 600,
        "retry_jitter": True,
        "max_retries": 5,
    }
    return app.task(**(defaults | options))
