"""Views of the cross-cutting pieces: the public landing page, the language switch, notifications."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
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
    """A person's notifications, in the shell of the channel that links to it (`layout`: the provider
    portal's, or the merchant centre's, whose URL conf mounts it with `layout="merchant/base.html"`)."""

    paginate_by = 20
    layout = "base.html"

    def get(self, request):
        notifications = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
        page_obj = Paginator(notifications, self.paginate_by).get_page(request.GET.get("page"))
        return render(
            request,
            "portal/notifications.html",
            {
                "notifications": page_obj.object_list,
                "page_obj": page_obj,
                "can_check_email_delivery": _may_check_email_delivery(request.user),
                "layout": self.layout,
            },
        )


@login_required
@require_POST
def notifications_read(request):
    count = notification_mark_read(recipient=request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("portal:notifications")


def _may_check_email_delivery(user) -> bool:
    """The email delivery check is a tool for developers and operators (it proves the Celery worker
    and the mail server work); providers have no use for it."""
    return settings.DEBUG or user.is_staff


@login_required
@require_POST
def notifications_test(request):
    """Send the user a notification; its email is sent by the Celery worker (a visible round trip)."""
    if not _may_check_email_delivery(request.user):
        raise Http404
    notification_send(
        recipient=request.user,
        verb="test",
        title=gettext_lazy("Email delivery check"),
        body=gettext_lazy("If this message has reached your mailbox, email notifications work."),
        url=reverse("portal:notifications"),
    )
    messages.success(request, _("Email delivery check sent: the email should arrive in a minute or two."))
    return redirect("portal:notifications")
