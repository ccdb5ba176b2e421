from .models import Notification


def portal(request):
    """What the portal shell shows on every page: the unread notification count and what the
    current member may do (`provider_can.manage_team`, ...: the permission matrix, for menus)."""
    from providers.permissions import Action, can

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notification_count": 0, "provider_can": {}}
    membership = getattr(request, "membership", None)
    return {
        "unread_notification_count": lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
        "provider_can": {action.value: can(membership, action) for action in Action},
    }
