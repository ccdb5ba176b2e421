"""入驻申请 in the portal: the application form, its status page and the licence file.

Applicants are not members of any provider yet, so these are not provider pages: each one
finds only the logged-in user's own applications (operators may also open licences)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from linke.errors import ApplicationError
from linke.models import AuditEvent

from ..choices import ApplicationStatus
from ..forms import ApplicationForm
from ..models import ProviderApplication
from ..services.applications import ACTION_LABELS, application_save_draft, application_submit
from ..transitions import OPEN_STATUSES, is_editable
from ..validators import LICENCE_MIME_TYPES, sniff_file_type


def open_application_of(user) -> ProviderApplication | None:
    return ProviderApplication.objects.filter(applicant=user, status__in=OPEN_STATUSES).first()


class ApplicationView(LoginRequiredMixin, View):
    """The application form: "Save draft" keeps what is there; "Submit for review" also submits."""

    template_name = "providers/applications/form.html"

    def render_page(self, form, application, error=None):
        return render(self.request, self.template_name, {"form": form, "application": application, "error": error})

    def get(self, request):
        application = open_application_of(request.user)
        if application is not None and not is_editable(application.status):
            return redirect("portal:application_status")
        return self.render_page(ApplicationForm(instance=application), application)

    def post(self, request):
        application = open_application_of(request.user)
        if application is not None and not is_editable(application.status):
            messages.error(request, _("Your application is under review and can no longer be edited."))
            return redirect("portal:application_status")
        form = ApplicationForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form, application, _("Please correct the marked fields."))
        try:
            application = application_save_draft(
                applicant=request.user, application=application, data=form.draft_data, licence=form.licence
            )
        except ApplicationError as error:
            form.add_errors(error.details)
            return self.render_page(form, application, error.message)
        if "submit" not in request.POST:
            messages.success(request, _("Draft saved. You can come back and finish it at any time."))
            return redirect("portal:apply")
        try:
            application_submit(application=application, actor=request.user)
        except ApplicationError as error:
            form.add_errors(error.details)
            message = _("Your draft is saved, but it cannot be submitted yet: %(reason)s") % {"reason": error.message}
            return self.render_page(form, application, message)
        messages.success(request, _("Thank you: your application is submitted. We will notify you of the decision."))
        return redirect("portal:application_status")


class ApplicationStatusView(LoginRequiredMixin, View):
    """The latest application: its state, what happened when, the operators' reason, and the way
    into the portal once approved. Earlier applications are listed below it."""

    template_name = "providers/applications/status.html"

    def get(self, request):
        applications = list(
            ProviderApplication.objects.filter(applicant=request.user)
            .select_related("provider")
            .order_by("-created_at", "-pk")
        )
        if not applications:
            return redirect("portal:apply")
        application = applications[0]
        events = AuditEvent.objects.filter(
            object_type=ProviderApplication._meta.label_lower, object_id=str(application.pk)
        ).order_by("created_at", "pk")
        timeline = [
            {
                "at": event.created_at,
                "label": ACTION_LABELS.get(event.action, event.action),
                "reason": event.reason,
                "by_operator": event.actor_id is not None and event.actor_id != request.user.pk,
            }
            for event in events
        ]
        return render(
            request,
            self.template_name,
            {
                "application": application,
                "earlier": applications[1:],
                "timeline": timeline,
                "statuses": ApplicationStatus,
                "can_edit": is_editable(application.status),
                "can_apply_again": application.status == ApplicationStatus.REJECTED,
            },
        )


class ApplicationLicenceView(LoginRequiredMixin, View):
    """Streams a business licence from private storage to its applicant or to an operator; to
    anyone else it does not exist."""

    def get(self, request, pk):
        applications = ProviderApplication.objects.exclude(licence="")
        if not request.user.has_perm("providers.view_providerapplication"):  # operators who review
            applications = applications.filter(applicant=request.user)
        application = get_object_or_404(applications, pk=pk)
        try:
            file = application.licence.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        kind = sniff_file_type(file)
        if kind is not None and kind.mime in LICENCE_MIME_TYPES:
            response = FileResponse(file, content_type=kind.mime, filename=f"licence-{application.pk}.{kind.extension}")
        else:  # not what the upload check lets in: never let a browser render it
            response = FileResponse(
                file, content_type="application/octet-stream", as_attachment=True, filename=f"licence-{application.pk}"
            )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
