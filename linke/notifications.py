"""In-app notifications, written in the recipient's language; the email copy goes out from a
Celery task after commit."""

from django.db import transaction
from django.utils import timezone, translation

from .models import Notification


class Text:
    """A message written in its reader's language, not the sender's:
    `Text(gettext_lazy("%(user)s joined %(provider)s"), user=..., provider=...)` is translated when the
    notification is made for its recipient. Parameters may be lazy too (a role's label)."""

    def __init__(self, message, **params):
        self.message, self.params = message, params

    def __str__(self):
        text = str(self.message)
        return text % {key: str(value) for key, value in self.params.items()} if self.params else text


def notification_send(
    *, recipient, verb: str, title, body="", url: str = "", provider=None, email: bool = True
) -> Notification:
    """Create an in-app notification (`title`, `body`: a `Text`, a lazy or a plain string, rendered in
    `recipient.language`) and, after the surrounding transaction commits, email it."""
    from .tasks import send_notification_email_task

    with translation.override(recipient.language):
        title, body = str(title), str(body)
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
