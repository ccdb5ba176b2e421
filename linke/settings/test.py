"""Tests: real PostgreSQL, eager Celery (a few tests start a real worker), fast hashing,
and django-zeal raising on any N+1 query."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, MIDDLEWARE

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
# allauth looks its email addresses up one by one during login; that is its code, not ours.
ZEAL_ALLOWLIST = [{"model": "account.EmailAddress"}]

# Uploads made by tests go to a temporary folder, not var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="linke-test-media-"))
