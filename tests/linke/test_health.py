import pytest
from django.test import override_settings

from linke.celery import app as celery_app

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:9/0"  # nothing listens on the discard port


def test_healthy_when_database_cache_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok"}}


def test_503_when_cache_is_down(client):
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_PORT}}
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"].startswith("error")


def test_503_when_broker_is_down(client, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "broker_url", CLOSED_PORT)
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")
    assert response.json()["checks"]["database"] == "ok"
