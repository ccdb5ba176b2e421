"""What every response says about itself: a Content-Security-Policy always, and `private, no-store` when it
was made for a signed-in person or by the API."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from providers.choices import Role

from ..conftest import client_for
from ..factories.providers import ProviderApplicationFactory

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_signed_in_pages_and_every_api_answer_are_private_and_not_stored(member):
    owner = member(Role.OWNER)
    api = APIClient()
    api.force_login(owner.user)
    for response in (
        client_for(owner).get(reverse("portal:team")),
        client_for(owner).get(reverse("landing")),  # a public page, but seen signed in
        api.get(reverse("api:team-list")),
        APIClient().get(reverse("api:team-list")),  # refused, anonymously
        APIClient().get("/api/v1/public/verify/23456789AB/"),
    ):
        assert {"private", "no-store"} <= directives(response), response.request["PATH_INFO"]


def test_public_pages_seen_anonymously_are_left_cacheable(client):
    assert "no-store" not in directives(client.get(reverse("landing")))


def test_every_kind_of_response_carries_the_content_security_policy(member, operator, private_media):
    owner = member(Role.OWNER)
    application = ProviderApplicationFactory(applicant=owner.user)
    admin = Client()
    admin.force_login(operator)
    responses = {
        "public page": Client().get(reverse("landing")),
        "portal page": client_for(owner).get(reverse("portal:team")),
        "API answer": APIClient().get("/api/v1/public/verify/23456789AB/"),
        "API 404": APIClient().get("/api/v1/no-such-thing/"),
        "page 404": Client().get("/no-such-page/"),
        "guard 400": Client().get("/verify/%00/"),
        "file": client_for(owner).get(reverse("portal:application_licence", kwargs={"pk": application.pk})),
        "admin": admin.get(reverse("admin:index")),
        "API docs": Client().get(reverse("api-docs")),
        "health": Client().get(reverse("healthz")),
    }
    missing = [
        name
        for name, response in responses.items()
        if "default-src 'self'" not in response.get("Content-Security-Policy", "")
    ]
    assert missing == []
