"""Settings load in each mode, in a fresh interpreter, the way `manage.py` would load them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    environment = (
        {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | {"DJANGO_READ_DOT_ENV": "0"} | env
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_development_settings_load_with_debug_on():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.LANGUAGE_CODE)",
        DJANGO_SETTINGS_MODULE="linke.settings.local",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True zh-hans"


def test_production_settings_pass_the_deployment_checklist():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="linke.settings.production",
        DJANGO_SECRET_KEY="x" * 20 + "production-secret-from-the-environment-0123456789",
        DJANGO_ALLOWED_HOSTS="linke.example.com",
        DJANGO_SITE_URL="https://linke.example.com",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = manage(
        "check",
        DJANGO_SETTINGS_MODULE="linke.settings.production",
        DJANGO_ALLOWED_HOSTS="x.example.com",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_refuse_to_start_without_redis():
    result = manage(
        "check",
        DJANGO_SETTINGS_MODULE="linke.settings.production",
        DJANGO_ALLOWED_HOSTS="x.example.com",
        DJANGO_SECRET_KEY="y" * 60,
        DJANGO_SITE_URL="https://x.example.com",
        REDIS_URL="",
    )
    assert result.returncode != 0
    assert "REDIS_URL is required" in result.stderr


def test_production_settings_refuse_to_start_without_the_site_address():
    result = manage(
        "check",
        DJANGO_SETTINGS_MODULE="linke.settings.production",
        DJANGO_ALLOWED_HOSTS="x.example.com",
        DJANGO_SECRET_KEY="y" * 60,
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode != 0
    assert "DJANGO_SITE_URL" in result.stderr


def test_in_development_links_point_at_the_port_make_run_serves():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SITE_URL)",
        DJANGO_SETTINGS_MODULE="linke.settings.local",
        PORT="8123",
    )
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8123"
