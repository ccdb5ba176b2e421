"""Errors with a stable machine-readable `code` and a translated `message`.

Services raise `ApplicationError` subclasses; the API turns every error into
`{"code": ..., "message": ..., "details": ...}`; portal views show `message`."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .tenancy import ScopeError


class ApplicationError(Exception):
    code = "application_error"
    default_message = _("The request could not be completed.")
    http_status = status.HTTP_400_BAD_REQUEST

    def __init__(self, message=None, *, code=None, details=None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.details = details or {}
        super().__init__(str(self.message))


class InvalidTransition(ApplicationError):
    code = "invalid_transition"
    default_message = _("This action is not possible in the current state.")
    http_status = status.HTTP_409_CONFLICT


class PermissionDeniedError(ApplicationError):
    code = "permission_denied"
    default_message = _("Your role does not allow this action.")
    http_status = status.HTTP_403_FORBIDDEN


class ConflictError(ApplicationError):
    code = "conflict"
    default_message = _("This conflicts with existing data.")
    http_status = status.HTTP_409_CONFLICT


class RateLimited(exceptions.Throttled):
    """429 with a sentence of ours that says when to try again, and that time in `Retry-After`."""

    def __init__(self, *, wait: int, detail):
        super().__init__(detail=detail)  # DRF's own "Expected available in …" would repeat it
        self.wait = wait


# DRF's default codes that get a different stable name here; every other code is kept as it is
# (DRF's own, e.g. "not_authenticated", or a permission class's `code`, e.g. "no_provider").
_CODE_NAMES = {"throttled": "rate_limited", "parse_error": "malformed_request"}


def api_exception_handler(exc, context):
    """Every API error is JSON: a stable `code`, a translated `message`, optional `details`."""
    if isinstance(exc, ApplicationError):
        return Response({"code": exc.code, "message": str(exc.message), "details": exc.details}, status=exc.http_status)
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return Response({"code": "request_too_large", "message": str(REQUEST_TOO_LARGE)}, status=413)
    if isinstance(exc, (Http404, ScopeError)):
        # A scope error in an API view means "not in your tenant": same answer as missing.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "message": str(_("The submitted data is not valid.")),
            "details": response.data,
        }
    else:
        code = getattr(exc.detail, "code", None) or exc.default_code
        response.data = {"code": _CODE_NAMES.get(code, code), "message": str(exc.detail)}
    return response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception):
    """404 of a URL that no view answered: JSON under /api/, the portal's page elsewhere."""
    if _is_api(request):
        return JsonResponse({"code": "not_found", "message": str(_("Not found."))}, status=404)
    return defaults.page_not_found(request, exception)


def malformed_request(request, message=None, *, code="malformed_request", status=400):
    """A request that cannot be processed as it is (a NUL character, a body over the limit): the stable
    error body under /api/, a page that says so elsewhere."""
    message = message or _("The request contains characters that cannot be processed. Please check what you entered.")
    if _is_api(request):
        return JsonResponse({"code": code, "message": str(message)}, status=status)
    return render(request, "400.html", {"message": message}, status=status)


def bad_request(request, exception):
    """Django's 400 (a suspicious request: a body or field count over the limits, a bad Host)."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return malformed_request(request, REQUEST_TOO_LARGE, code="request_too_large", status=413)
    return malformed_request(request, _("The request could not be understood."))


REQUEST_TOO_LARGE = _("The request is too large.")


def server_error(request):
    if _is_api(request):
        return JsonResponse(
            {"code": "server_error", "message": str(_("Something went wrong on our side."))}, status=500
        )
    return defaults.server_error(request)
