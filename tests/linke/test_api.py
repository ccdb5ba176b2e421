import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from providers.choices import Role

pytestmark = pytest.mark.django_db


def test_unauthenticated_api_error_is_json_with_a_stable_code():
    response = APIClient().get(reverse("api:me"))
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert body["message"]


def test_missing_object_is_json_404(member):
    client = APIClient()
    client.force_login(member(Role.OWNER).user)
    response = client.get(reverse("api:team-detail", kwargs={"pk": 999999}))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_user_without_provider_is_refused_provider_resources(user):
    client = APIClient()
    client.force_login(user)
    response = client.get(reverse("api:team-list"))
    assert response.status_code == 403
    assert response.json()["code"] == "no_provider"


def test_me_lists_memberships_and_current_provider(member, provider):
    membership = member(Role.BD)
    client = APIClient()
    client.force_login(membership.user)
    body = client.get(reverse("api:me")).json()
    assert body["current_provider_id"] == provider.pk
    assert body["memberships"] == [{"provider_id": provider.pk, "provider_name": provider.name, "role": "bd"}]


def test_openapi_schema_is_valid_openapi_3(client):
    from drf_spectacular.validation import validate_schema

    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # against the official OpenAPI 3 JSON schema
    assert "/api/v1/team/{id}/" in schema["paths"]


def test_api_docs_use_vendored_swagger_ui(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_an_unknown_api_url_is_json_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_page_url_that_does_not_exist_is_the_html_404(client):
    response = client.get("/portal/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_invalid_mobile_through_the_api_is_a_field_error_not_a_500(member):
    client = APIClient()
    client.force_login(member(Role.OWNER).user)
    response = client.patch(reverse("api:profile"), {"contact_mobile": "abc"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "contact_mobile" in response.json()["details"]
