"""Per-client limits on the public 身份验真码 check (page and API share one budget)."""

from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

# Per client IP, shared by the page and the public API (one group). The numbers are stated on the page.
LOOKUPS_PER_MINUTE = 20
LOOKUPS_PER_HOUR = 100
LOOKUP_RATE_GROUP = "verification-lookup"
REPORTS_PER_HOUR = 10


def lookup_rate_limit(view):
    """Counts every call against the client's lookup budget and sets `request.limited` (never blocks:
    the caller answers 429 itself, without looking the code up)."""
    for rate in (f"{LOOKUPS_PER_MINUTE}/m", f"{LOOKUPS_PER_HOUR}/h"):
        view = ratelimit(group=LOOKUP_RATE_GROUP, key="ip", rate=rate, block=False)(view)
    return view


def rate_limit_message() -> str:
    return _(
        "Too many checks from your network: at most %(minute)d a minute and %(hour)d an hour. Please wait a moment."
    ) % {
        "minute": LOOKUPS_PER_MINUTE,
        "hour": LOOKUPS_PER_HOUR,
    }


def rate_limit_context():
    return {"per_minute": LOOKUPS_PER_MINUTE, "per_hour": LOOKUPS_PER_HOUR}
