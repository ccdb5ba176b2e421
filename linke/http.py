from django.conf import settings


def client_ip(request) -> str | None:
    """The visitor's IP: `REMOTE_ADDR`, or the header a trusted proxy sets (`DJANGO_CLIENT_IP_META_KEY`,
    e.g. HTTP_X_REAL_IP). Rate limits (django-ratelimit) key on the same value."""
    if request is None:
        return None
    value = request.META.get(settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR", "")
    return value.split(",")[0].strip() or None
