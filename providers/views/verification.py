"""身份验真码 pages: the member's own code and who verified the staff (portal), and the public
`/verify/` check with its impersonation report (no login, no tenant, rate-limited per client)."""

import segno
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from linke.actors import Actor
from linke.errors import ApplicationError
from linke.http import client_ip

from ..forms import ImpersonationReportForm, VerifyCodeForm
from ..models import VerificationEvent, display_code
from ..permissions import Action
from ..ratelimits import (
    lookup_limit_message,
    lookup_retry_after,
    rate_limit_context,
    report_limit_message,
    report_retry_after,
)
from ..rules import CODE_VALIDITY, VALID, code_is_well_formed, code_normalize
from ..selectors import verification_check, verification_code_get_live, verification_event_list
from ..services.verification import (
    VerificationResult,
    impersonation_report_create,
    verification_code_generate,
    verification_code_revoke,
    verification_lookup,
    verify_url,
)
from .base import ProviderListView, ProviderView

# --- Portal -----------------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class VerificationCodeView(ProviderView):
    """The member's live code, big, with its QR code; POST generates a new one."""

    required_action = Action.USE_VERIFICATION_CODE

    def get(self, request):
        code = verification_code_get_live(membership=request.membership)
        context = {"code": code, "validity_minutes": int(CODE_VALIDITY.total_seconds() // 60)}
        if code is not None:
            url = verify_url(code.code, request)
            qr = segno.make(url, error="m")
            context["verify_url"] = url
            # segno's own SVG of our own URL (the code's alphabet has no markup characters).
            context["qr_svg"] = mark_safe(  # noqa: S308
                qr.svg_inline(scale=4, light="#fff", svgclass="linke-qr", omitsize=True, title=code.display_code)
            )
        return render(request, "providers/verification/code.html", context)

    def post(self, request):
        try:
            verification_code_generate(actor=request.actor)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("New code generated. Your previous code no longer works."))
        return redirect("portal:verification_code")


class VerificationCodeRevokeView(ProviderView):
    required_action = Action.USE_VERIFICATION_CODE

    def post(self, request):
        code = verification_code_get_live(membership=request.membership)
        if code is not None:
            verification_code_revoke(actor=request.actor, code=code)
            messages.success(request, _("Your code was revoked: a check now shows it as revoked."))
        return redirect("portal:verification_code")


class VerificationEventListView(ProviderListView):
    """Who verified my staff: successful checks of the provider's codes (evidence of visits)."""

    model = VerificationEvent
    template_name = "providers/verification/events.html"
    context_object_name = "events"

    def scope_queryset(self, queryset):
        return verification_event_list(queryset, membership=self.request.membership)


# --- Public -----------------------------------------------------------------------------------


@never_cache
def verify(request):
    """The form: a code typed in goes to its result page (the QR code's target)."""
    form = VerifyCodeForm(request.GET if "code" in request.GET else None)
    if form.is_valid():
        return redirect("verify_result", code=form.cleaned_data["code"])
    return render(request, "providers/verification/verify.html", {"form": form, **rate_limit_context()})


def render_result(request, code, result, report_form=None, status=200, limited_message=""):
    """The check's answer; `result` is None when the client was over a rate limit (no lookup was made)."""
    if result is not None and not result.valid and report_form is None:
        report_form = ImpersonationReportForm()
    context = {
        "code": code,
        "code_display": display_code(normalized) if code_is_well_formed(normalized := code_normalize(code)) else code,
        "result": result,
        "report_form": report_form,
        "limited_message": limited_message,
        **rate_limit_context(),
    }
    return render(request, "providers/verification/result.html", context, status=status)


def limited(request, code, seconds: int, message: str):
    """429 with the time to wait, on the page and in `Retry-After`."""
    response = render_result(request, code, None, status=429, limited_message=message)
    response["Retry-After"] = str(seconds)
    return response


@never_cache
def verify_result(request, code):
    if (wait := lookup_retry_after(request)) is not None:
        return limited(request, code, wait, lookup_limit_message(wait))
    result = verification_lookup(
        raw_code=code,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        viewer=request.user,
    )
    return render_result(request, code, result)


@never_cache
@require_POST
def verify_report(request, code):
    """A one-step impersonation report from a failed check's page."""
    if (wait := report_retry_after(request)) is not None:
        return limited(request, code, wait, report_limit_message(wait))
    form = ImpersonationReportForm(request.POST)
    if form.is_valid():
        try:
            impersonation_report_create(
                actor=Actor.for_user(request.user), raw_code=code, data=form.cleaned_data, ip=client_ip(request)
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you. Your report went to Linke's operators, who will look into it."))
        return redirect("verify")
    outcome, _code = verification_check(code)
    if outcome == VALID:  # only a crafted POST gets here: the page offers no report for a valid code
        return redirect("verify")
    return render_result(request, code, VerificationResult(outcome=outcome), form)
