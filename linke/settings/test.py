"""Tests: real PostgreSQL, eager Celery (a few tests start a real worker), fast hashing,
and django-zeal raising on any N+1 query."""

import atexit
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import BROKER_DIR, CELERY_BROKER_URL, INSTALLED_APPS, MIDDLEWARE, REDIS_URL

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
INSTALLED_APPS = [*INSTALLED_APPS, "zeal"]
MIDDLEWARE = [*MIDDLEWARE, "zeal.middleware.zeal_middleware"]
ZEAL_RAISE = True
ZEAL_ALLOWLIST = [
    # allauth looks its email addresses up one by one during login; that is its code, not ours.
    {"model": "account.EmailAddress"},
    # Django and allauth read the session and the user more than once while logging in (the session's
    # user, then the user by email; the session again after it is cycled). zeal attributes each read to
    # the first project frame on the stack, our outermost middleware, and takes two for an N+1.
    {"model": "linke.User", "field": "get()"},
    {"model": "sessions.Session", "field": "get()"},
]

# Uploads made by tests go to a temporary folder, not var/media, removed when the run ends.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="linke-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)


def _test_redis_database(url: str) -> str:
    """Tests clear their cache and consume their queues: with Redis they get database 15 of it,
    never the database the development stack uses."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/15"))


if REDIS_URL:
    REDIS_URL = _test_redis_database(REDIS_URL)
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
if CELERY_BROKER_URL.startswith("redis"):
    CELERY_BROKER_URL = _test_redis_database(CELERY_BROKER_URL)
else:
    # The filesystem broker of the tests lives beside, not inside, the development queue.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "test-queue"),
        "data_folder_out": str(BROKER_DIR / "test-queue"),
        "control_folder": str(BROKER_DIR / "test-control"),
    }
