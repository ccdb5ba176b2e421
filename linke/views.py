"""Views of the cross-cutting pieces: the public landing page, the language switch, notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .models import Notification
from .notifications import notification_mark_read, notification_send
from .users import user_set_language


def set_language(request):
    """Django's language switch, remembered on the account: notifications and emails follow it."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=request.POST.get("language", ""))
    return response


def landing(request):
    return render(request, "public/landing.html")


class NotificationListView(LoginRequiredMixin, View):
    paginate_by = 20

    def get(self, request):
        notifications = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
        page_obj = Paginator(notifications, self.paginate_by).get_page(request.GET.get("page"))
        return render(
            request, "portal/notifications.html", {"notifications": page_obj.object_list, "page_obj": page_obj}
        )


@login_required
@require_POST
def notifications_read(request):
    count = notification_mark_read(recipient=request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("portal:notifications")


@login_required
@require_POST
def notifications_test(request):
    """Send the user a notification; its email is sent by the Celery worker (a visible round trip)."""
    notification_send(
        recipient=request.user,
        verb="test",
        title=gettext_lazy("Test notification"),
        body=gettext_lazy("If you can read this in your email, the Celery worker is running."),
        url=reverse("portal:notifications"),
    )
    messages.success(request, _("Test notification created; the worker will email it in a moment."))
    return redirect("portal:notifications")
