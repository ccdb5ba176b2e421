"""Per-client limits of the providers app: the public 身份验真码 check (page and API share one budget), its
impersonation reports, and licence uploads. Each answers how long until the client may try again, so that a
refusal can say when (and the API can send `Retry-After`)."""

import math

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

# The numbers are stated on the pages.
LOOKUPS_PER_MINUTE = 20
LOOKUPS_PER_HOUR = 100
REPORTS_PER_HOUR = 10
UPLOADS_PER_HOUR = 20


def _retry_after(request, *, group: str, key: str, rates: list[str]) -> int | None:
    """Count this request against each of `rates` (fixed windows in the shared cache); the seconds until
    every window has room again when one is exceeded, else None."""
    waits = []
    for rate in rates:
        usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
        if usage and usage["should_limit"]:
            waits.append(max(1, usage["time_left"]))  # a window ending this second: still "in 1 second"
    return max(waits) if waits else None


def lookup_retry_after(request) -> int | None:
    """Every check of a code, on the page or through the API, spends the client address's budget."""
    return _retry_after(
        request, group="verification-lookup", key="ip", rates=[f"{LOOKUPS_PER_MINUTE}/m", f"{LOOKUPS_PER_HOUR}/h"]
    )


def report_retry_after(request) -> int | None:
    """A report reveals whether the code is valid: it spends the lookup budget too."""
    reports = _retry_after(request, group="impersonation-report", key="ip", rates=[f"{REPORTS_PER_HOUR}/h"])
    lookups = lookup_retry_after(request)
    return max(filter(None, (reports, lookups)), default=None)


def upload_retry_after(request) -> int | None:
    """Licence uploads of a signed-in user (each one is kept until it is replaced)."""
    return _retry_after(request, group="licence-upload", key="user", rates=[f"{UPLOADS_PER_HOUR}/h"])


def wait_text(seconds: int) -> str:
    """ "in 40 seconds", "in 3 minutes": when the client may try again, for a sentence."""
    if seconds < 60:
        return ngettext("in %(count)d second", "in %(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("in %(count)d minute", "in %(count)d minutes", minutes) % {"count": minutes}


def lookup_limit_message(seconds: int) -> str:
    return _(
        "Too many checks from your network: at most %(minute)d a minute and %(hour)d an hour. "
        "You can check again %(when)s."
    ) % {"minute": LOOKUPS_PER_MINUTE, "hour": LOOKUPS_PER_HOUR, "when": wait_text(seconds)}


def report_limit_message(seconds: int) -> str:
    return _("Too many reports from your network: at most %(hour)d an hour. You can report again %(when)s.") % {
        "hour": REPORTS_PER_HOUR,
        "when": wait_text(seconds),
    }


def upload_limit_message(seconds: int) -> str:
    return _("You have uploaded %(count)d files in the last hour. You can upload again %(when)s.") % {
        "count": UPLOADS_PER_HOUR,
        "when": wait_text(seconds),
    }


def rate_limit_context():
    return {"per_minute": LOOKUPS_PER_MINUTE, "per_hour": LOOKUPS_PER_HOUR}
