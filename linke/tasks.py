import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from .celery import Queue, task
from .events import event_deliver, event_dispatch, events_sweep
from .locks import lock
from .models import Notification

logger = logging.getLogger(__name__)


def one_line(subject: str) -> str:
    """Email subjects are built from user-typed names; a line break in one would make Django refuse
    the message (BadHeaderError) on every retry."""
    return " ".join(subject.split())


@task(queue=Queue.NOTIFICATIONS, autoretry_for=(OperationalError, InterfaceError, smtplib.SMTPException, OSError))
def send_notification_email_task(notification_id: int) -> None:
    """Email one notification once: the row lock and `emailed_at` make a retry harmless."""
    with transaction.atomic():
        notification = lock(Notification.objects.select_related("recipient").filter(pk=notification_id)).first()
        if notification is None or notification.emailed_at is not None:
            return
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{notification.url}"
        send_mail(
            subject=one_line(f"【林客】{notification.title}"),
            message=body,
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    logger.info("notification %s emailed", notification_id)


@task(queue=Queue.DEFAULT)
def purge_read_notifications_task(days: int = 180) -> int:
    """Delete notifications read more than `days` ago, in one statement."""
    deleted, _ = Notification.objects.filter(read_at__lt=timezone.now() - timedelta(days=days)).delete()
    logger.info("purged %s read notifications", deleted)
    return deleted


@task(queue=Queue.NOTIFICATIONS, autoretry_for=(smtplib.SMTPException, OSError))
def send_email_task(subject: str, body: str, recipients: list[str]) -> None:
    """An email that has no in-app notification (e.g. an invitation to someone without an account).
    Sent by the worker, retried with backoff while the mail server is unreachable."""
    send_mail(subject=one_line(subject), message=body, from_email=None, recipient_list=recipients)
    logger.info("email %r sent to %s recipient(s)", subject, len(recipients))


@task(queue=Queue.DEFAULT)
def dispatch_event_task(event_id: int) -> None:
    """Create an event's deliveries and queue them (`linke.events.event_dispatch`)."""
    event_dispatch(event_id)


@task(queue=Queue.DEFAULT, bind=True, autoretry_for=(Exception,), max_retries=8)
def deliver_event_task(self, event_id: int, subscriber: str) -> None:
    """Run one subscriber for one event, at most once; a failing subscriber is retried with backoff."""
    event_deliver(event_id, subscriber, last_attempt=self.request.retries >= self.max_retries)


@task(queue=Queue.DEFAULT)
def sweep_events_task() -> tuple[int, int]:
    """Dispatch the events and deliveries whose dispatch was lost (`linke.events.events_sweep`)."""
    swept = events_sweep()
    logger.info("swept %s undispatched events and %s stale deliveries", *swept)
    return swept
