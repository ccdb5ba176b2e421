"""`/healthz`: is every service this process depends on reachable?"""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .celery import app as celery_app

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    key, value = f"healthz:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("cache did not return the value just written")
    cache.delete(key)


def check_broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


@never_cache
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - a health check reports any failure
            logger.warning("health check %s failed: %s", name, exc)
            results[name] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503)
