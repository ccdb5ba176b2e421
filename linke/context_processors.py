from .models import Notification


def notifications(request):
    """The unread count of the bell in every page's shell (counted only when a page shows it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notification_count": 0}
    return {
        "unread_notification_count": lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    }
