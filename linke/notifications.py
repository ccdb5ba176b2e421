"""In-app notifications; the email copy goes out from a Celery task after commit."""

from django.db import transaction
from django.utils import timezone

from .models import Notification


def notification_send(
    *, recipient, verb: str, title: str, body: str = "", url: str = "", provider=None, email: bool = True
) -> Notification:
    """Create an in-app notification and, after the surrounding transaction commits, email it."""
    from .tasks import send_notification_email_task

    notification = Notification.objects.create(
        recipient=recipient, provider=provider, verb=verb, title=title, body=body, url=url
    )
    if email:
        transaction.on_commit(lambda: send_notification_email_task.delay(notification.pk))
    return notification


def notification_mark_read(*, recipient, notification_id=None) -> int:
    """Mark one (or, without an id, every) unread notification of `recipient` as read."""
    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
