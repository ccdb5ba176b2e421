"""`make bench`'s settings, in process and for the gunicorn it starts: development's without DEBUG (what a
deployment runs, minus HTTPS), static files served as they are (no collectstatic), tasks run at once and
email kept in memory (the bench's data never reaches the development queue), and a bare view to measure
against (bench/urls.py)."""

from linke.settings.local import *  # noqa: F403
from linke.settings.local import STORAGES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
ROOT_URLCONF = "bench.urls"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
