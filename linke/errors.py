"""Errors with a stable machine-readable `code` and a translated `message`.

Services raise `ApplicationError` subclasses; the API turns every error into
`{"code": ..., "message": ..., "details": ...}`; portal views show `message`."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_scopes.exceptions import ScopeError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


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


_DRF_CODES = {
    exceptions.NotAuthenticated: ("not_authenticated", _("Authentication credentials were not provided.")),
    exceptions.AuthenticationFailed: ("authentication_failed", _("Incorrect authentication credentials.")),
    exceptions.PermissionDenied: ("permission_denied", _("You do not have permission to perform this action.")),
    exceptions.NotFound: ("not_found", _("Not found.")),
    exceptions.MethodNotAllowed: ("method_not_allowed", None),
    exceptions.Throttled: ("rate_limited", None),
    exceptions.ValidationError: ("invalid", _("The submitted data is not valid.")),
    exceptions.ParseError: ("malformed_request", None),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", None),
    exceptions.NotAcceptable: ("not_acceptable", None),
}


def api_exception_handler(exc, context):
    """Every API error is JSON: a stable `code`, a translated `message`, optional `details`."""
    if isinstance(exc, ApplicationError):
        return Response({"code": exc.code, "message": str(exc.message), "details": exc.details}, status=exc.http_status)
    if isinstance(exc, (Http404, ScopeError)):
        # A scope error in an API view means "not in your tenant": same answer as missing.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    code, message = next(((c, m) for cls, (c, m) in _DRF_CODES.items() if isinstance(exc, cls)), ("error", None))
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"code": code, "message": str(message), "details": detail}
    else:
        text = detail.get("detail") if isinstance(detail, dict) else detail
        response.data = {"code": code, "message": str(message or text)}
    return response
