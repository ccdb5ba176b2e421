from .models import Notification


def portal(request):
    """What the portal shell shows on every page: the unread notification count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notification_count": 0}
    return {
        "unread_notification_count": lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    }
