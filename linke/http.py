import ipaddress
from contextvars import ContextVar
from urllib.parse import unquote

from django.conf import settings
from django.utils.cache import patch_cache_control


def client_ip(request) -> str | None:
    """The visitor's IP, as rate limits (django-ratelimit's RATELIMIT_IP_META_KEY), audit records and
    verification events see it. `REMOTE_ADDR`, or behind a proxy the header named by
    `DJANGO_CLIENT_IP_META_KEY`; of a forwarded list the right-most entry counts (the one our proxy
    added: the entries to its left are whatever the client sent). Invalid values fall back."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    header = request.META.get(settings.CLIENT_IP_META_KEY, "")
    candidate = header.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


_request_ip: ContextVar[str | None] = ContextVar("linke_request_ip", default=None)


def rate_limit_ip(request) -> str:
    """The address django-ratelimit counts (RATELIMIT_IP_META_KEY): clients whose address is unknown (a Unix
    socket without the proxy's header) share one budget rather than escaping the limit or failing."""
    return client_ip(request) or "0.0.0.0"  # noqa: S104 (an address counted, not one bound)


def current_client_ip() -> str | None:
    """The IP of the request being served, for records written deep in services (the audit trail)
    that do not take the request; None in tasks and commands."""
    return _request_ip.get()


class ClientIPMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _request_ip.reset(token)


def has_nul(text: str) -> bool:
    return "\x00" in text


class RequestGuardMiddleware:
    """One guard at the edge: PostgreSQL cannot store a NUL character, so a request that carries one in its
    path, its query, a cookie (the session key is looked up in the database) or a form field answers 400
    (the stable error body under /api/, a page elsewhere) before any view sees it. (JSON and the API's form
    bodies are checked by the API's parsers, `linke.api.parsers`; the headers that are stored, such as the
    User-Agent, are cleaned where they are stored.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .errors import malformed_request

        if has_nul(request.path) or has_nul(unquote(request.META.get("QUERY_STRING", ""))):
            return malformed_request(request)
        if any(has_nul(key) or has_nul(value) for key, value in request.COOKIES.items()):
            return malformed_request(request)
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            if any(has_nul(key) or any(map(has_nul, values)) for key, values in request.POST.lists()):
                return malformed_request(request)
        return self.get_response(request)


FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class PrivateResponsesMiddleware:
    """What is made for a signed-in person, and every API answer, is never stored by a browser's or a proxy's
    cache (`Cache-Control: private, no-store`): a shared computer's back button shows nobody's portal."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/") or request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


# Row ids are PostgreSQL bigints: a larger id in a URL or a form cannot exist, and is answered as "not
# found" or "invalid" rather than sent to the database (which would fail).
MAX_ID = 2**63 - 1


def id_or_none(raw) -> int | None:
    """An id as typed in a query string or a form (ASCII digits only: `isdigit()` alone accepts "²"), or None."""
    text = str(raw or "")
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID else None
