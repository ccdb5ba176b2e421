"""入驻申请 in the portal: the application form, its status page and the licence file.

Applicants are not members of any provider yet: these portal pages need none, and each one
finds only the logged-in user's own applications (operators may also open licences)."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from linke.actors import Actor
from linke.errors import ApplicationError

from ..choices import ApplicationStatus
from ..forms import ApplicationForm
from ..models import ProviderApplication
from ..ratelimits import upload_limit_message, upload_retry_after
from ..selectors import application_get_open, application_list, application_timeline
from ..services.applications import application_save_draft, application_start_again, application_submit
from ..transitions import is_editable
from ..validators import LICENCE_MIME_TYPES, sniff_file_type
from .base import ProviderView


class ApplicationView(ProviderView):
    """The application form. Both buttons save what is valid (the licence file too, so that it need not be
    chosen again) and show what is not; "Submit for review" then submits when nothing is missing."""

    provider_required = False

    template_name = "providers/applications/form.html"

    def render_page(self, form, application, error=None):
        return render(self.request, self.template_name, {"form": form, "application": application, "error": error})

    def get(self, request):
        application = application_get_open(user=request.user)
        if application is not None and not is_editable(application.status):
            return redirect("portal:application_status")
        return self.render_page(ApplicationForm(instance=application), application)

    def post(self, request):
        application = application_get_open(user=request.user)
        if application is not None and not is_editable(application.status):
            messages.error(request, _("Your application is under review and can no longer be edited."))
            return redirect("portal:application_status")
        form = ApplicationForm(request.POST, request.FILES)
        form.is_valid()  # what is valid is saved below, the rest is shown with its error
        licence = form.licence
        if licence is not None and (wait := upload_retry_after(request)) is not None:
            form.refuse_licence(upload_limit_message(wait))
            licence = None
        try:
            application = application_save_draft(
                actor=Actor.for_user(request.user), application=application, data=form.draft_data, licence=licence
            )
        except ApplicationError as error:
            form.add_errors(error.details)
            return self.render_page(form, application, error.message)
        if form.has_errors:
            return self.render_page(form, application, _("What was valid is saved. Please correct the marked fields."))
        if "submit" not in request.POST:
            messages.success(request, _("Draft saved. You can come back and finish it at any time."))
            return redirect("portal:apply")
        try:
            application_submit(actor=Actor.for_user(request.user), application=application)
        except ApplicationError as error:
            form.add_errors(error.details)
            message = _("Your draft is saved, but it cannot be submitted yet: %(reason)s") % {"reason": error.message}
            return self.render_page(form, application, message)
        messages.success(request, _("Thank you: your application is submitted. We will notify you of the decision."))
        return redirect("portal:application_status")


class ApplicationStartAgainView(ProviderView):
    """A rejected applicant starts a new draft with their previous answers (and licence)."""

    provider_required = False
    http_method_names = ["post"]

    def post(self, request):
        if (wait := upload_retry_after(request)) is not None:  # the licence is copied: a new file
            messages.error(request, upload_limit_message(wait))
            return redirect("portal:application_status")
        try:
            application_start_again(actor=Actor.for_user(request.user))
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("portal:application_status")
        messages.success(
            request, _("Your previous answers are filled in. Check them, change what is needed, then submit.")
        )
        return redirect("portal:apply")


class ApplicationStatusView(ProviderView):
    """The latest application: its state, what happened when, the operators' reason, and the way
    into the portal once approved. Earlier applications are listed below it."""

    provider_required = False

    template_name = "providers/applications/status.html"

    def get(self, request):
        applications = application_list(user=request.user)
        if not applications:
            return redirect("portal:apply")
        application = applications[0]
        return render(
            request,
            self.template_name,
            {
                "application": application,
                "earlier": applications[1:],
                "timeline": application_timeline(application=application),
                "statuses": ApplicationStatus,
                "can_edit": is_editable(application.status),
                "can_apply_again": application.status == ApplicationStatus.REJECTED,
            },
        )


class ApplicationLicenceView(ProviderView):
    """Streams a business licence from private storage to its applicant or to an operator; to
    anyone else it does not exist."""

    provider_required = False

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
