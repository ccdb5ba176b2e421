"""API twin of the application page: /api/v1/applications/ (the current user's own applications)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse
from rest_framework.test import APIClient

from providers.choices import ApplicationStatus as S
from providers.demo import demo_png
from providers.models import ProviderApplication

from ..factories import UserFactory
from ..factories.providers import ProviderApplicationFactory
from ..query_counts import assert_query_baseline

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media", "english")]
LIST = reverse("api:application-list")


def api_for(user) -> APIClient:
    client = APIClient(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def detail(application, action="detail"):
    return reverse(f"api:application-{action}", kwargs={"pk": application.pk})


def test_create_a_draft_then_complete_it_with_a_licence_and_submit(user, cities, tracks):
    api = api_for(user)
    created = api.post(LIST, {"legal_name": "福州林客科技有限公司", "credit_code": "91350100m000100y43"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["credit_code"], body["licence"]) == ("draft", "91350100M000100Y43", None)

    application = ProviderApplication.objects.get(pk=body["id"])
    patched = api.patch(
        detail(application),
        {
            "legal_representative": "陈林",
            "contact_name": "王小明",
            "contact_mobile": "13912345678",
            "service_cities": [city.pk for city in cities],
            "tracks": [track.slug for track in tracks],
            "cooperation_modes": ["specialized", "full_operation"],
            "access_mode": "both",
            "introduction": "专注餐饮赛道。",
            "licence": SimpleUploadedFile("licence.png", demo_png(16, 16), content_type="image/png"),
        },
        format="multipart",
    )
    assert patched.status_code == 200, patched.json()
    body = patched.json()
    assert body["licence"] == f"http://testserver{reverse('portal:application_licence', kwargs={'pk': application.pk})}"
    assert (body["contact_mobile"], body["tracks"], body["access_mode"]) == (
        "+8613912345678",
        ["dining", "beauty"],
        "both",
    )
    assert sorted(body["service_cities"]) == sorted(city.pk for city in cities)

    submitted = api.post(detail(application, "submit"))
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted" and submitted.json()["submitted_at"]


def test_submitting_an_incomplete_draft_answers_the_missing_fields(user):
    api = api_for(user)
    application_id = api.post(LIST, {"legal_name": "某公司"}, format="json").json()["id"]
    response = api.post(reverse("api:application-submit", kwargs={"pk": application_id}))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "application_incomplete"
    assert "licence" in body["details"] and "legal_name" not in body["details"]
    assert ProviderApplication.objects.get(pk=application_id).status == S.DRAFT


def test_invalid_values_are_refused_with_the_field(user):
    response = api_for(user).post(
        LIST,
        {
            "credit_code": "91350100M000100Y44",
            "licence": SimpleUploadedFile("licence.pdf", b"MZ\x90\x00" + b"\0" * 300),
        },
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and set(body["details"]) == {"credit_code", "licence"}
    assert "should be 3, not 4" in body["details"]["credit_code"][0]
    assert not ProviderApplication.objects.exists()


def test_a_second_open_application_is_a_conflict(user):
    api = api_for(user)
    api.post(LIST, {"legal_name": "甲公司"}, format="json")
    response = api.post(LIST, {"legal_name": "乙公司"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "application_already_open")


def test_a_submitted_application_cannot_be_patched(user):
    application = ProviderApplicationFactory(applicant=user, status=S.SUBMITTED)
    response = api_for(user).patch(detail(application), {"legal_name": "改名"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
    assert ProviderApplication.objects.get(pk=application.pk).legal_name == application.legal_name


def test_another_users_application_is_404_and_unchanged(user, cities, tracks):
    theirs = ProviderApplicationFactory(service_cities=cities, tracks=tracks, legal_name="别人的公司")
    before = model_to_dict(theirs)
    api = api_for(user)
    for response in (
        api.get(detail(theirs)),
        api.patch(detail(theirs), {"legal_name": "抢注"}, format="json"),
        api.post(detail(theirs, "submit")),
    ):
        assert response.status_code == 404
        assert "别人的公司" not in response.content.decode()
    assert model_to_dict(ProviderApplication.objects.get(pk=theirs.pk)) == before
    assert api.get(LIST).json()["results"] == []


def test_the_list_shows_only_ones_own_applications_newest_first(user, cities, tracks):
    old = ProviderApplicationFactory(applicant=user, status=S.REJECTED)
    new = ProviderApplicationFactory(applicant=user)
    ProviderApplicationFactory()  # someone else's
    response = api_for(user).get(LIST)
    assert [row["id"] for row in response.json()["results"]] == [new.pk, old.pk]


def test_the_list_costs_the_same_queries_for_more_rows(user, cities, tracks):
    api = api_for(user)

    def add_rows(count):
        return [
            ProviderApplicationFactory(
                applicant=user, status=S.REJECTED, service_cities=cities, tracks=tracks
            ).legal_name
            for _ in range(count)
        ]

    assert_query_baseline("api:application-list", lambda: api.get(LIST), add_rows)


def test_anonymous_is_refused():
    response = APIClient().get(LIST)
    assert response.status_code == 403 and response.json()["code"] == "not_authenticated"


def test_the_schema_documents_the_application_endpoints(operator):
    response = api_for(UserFactory()).get(reverse("api-schema"), {"format": "json"})
    paths = response.json()["paths"]
    assert {"/api/v1/applications/", "/api/v1/applications/{id}/", "/api/v1/applications/{id}/submit/"} <= set(paths)
    assert "multipart/form-data" in paths["/api/v1/applications/"]["post"]["requestBody"]["content"]
