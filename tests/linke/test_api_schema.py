"""schemathesis over the whole OpenAPI schema, in-process through the WSGI app, as an anonymous visitor, a
viewer and an owner: no answer is a server error, and every answer, errors included, is what the schema
documents (status, content type, body, headers). Bounded and derandomised, so the suite stays fast and a
failure repeats."""

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from providers.choices import Role

from ..factories import MembershipFactory, ProviderFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def served_schema() -> schemathesis.schemas.BaseSchema:
    """The schema as /api/schema/ serves it, built without a request (collection has no database), with
    requests going straight to the WSGI app."""
    from drf_spectacular.renderers import OpenApiJsonRenderer

    from linke.api.schema import SchemaGenerator
    from linke.wsgi import application

    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = application
    return loaded


schema = served_schema()


@pytest.fixture
def in_test_transaction(db):
    """As Django's test client does, keep the connection open at each request's end: the requests run
    inside the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def session_headers(user) -> dict:
    """A browser's session and CSRF token (the API's session authentication checks both on writes)."""
    client = Client()
    client.force_login(user)
    secret = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={secret}", "X-CSRFToken": secret}


@pytest.fixture
def headers_of(in_test_transaction):
    provider = ProviderFactory()
    owner = MembershipFactory(provider=provider, role=Role.OWNER)
    viewer = MembershipFactory(provider=provider, role=Role.VIEWER)
    return {"anonymous": {}, "viewer": session_headers(viewer.user), "owner": session_headers(owner.user)}


@schema.parametrize()
@settings(
    max_examples=12,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_every_answer_is_documented_and_none_is_a_server_error(case, headers_of):
    for who in ("anonymous", "viewer", "owner"):  # the same request from each of them
        case.call_and_validate(headers=headers_of[who], checks=CHECKS)
