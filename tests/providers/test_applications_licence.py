"""The business licence: sniffed by content, at most 5 MB, stored privately, shown only to its
applicant and to operators."""

import math

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from linke.errors import ConflictError
from providers.demo import demo_png
from providers.models import ProviderApplication
from providers.validators import LICENCE_MAX_BYTES, validate_licence_file

from ..factories import UserFactory
from ..factories.providers import ProviderApplicationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media", "english")]

PNG = demo_png(16, 16)
PNG_OF_FACTORY = demo_png(8, 8)  # ProviderApplicationFactory's licence
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 300
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 300


def upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize(("content", "name"), [(PNG, "执照.png"), (PDF, "licence.pdf"), (JPEG, "licence.jpg")])
def test_real_pdf_jpeg_and_png_are_accepted(content, name):
    validate_licence_file(upload(content, name))


@pytest.mark.parametrize(
    ("content", "kind"), [(ELF, "ELF"), (WINDOWS_EXE, "EXE"), (b"just some text, not a scan", None)]
)
def test_a_renamed_executable_is_refused_whatever_its_name(content, kind):
    with pytest.raises(ValidationError) as caught:
        validate_licence_file(upload(content, "licence.pdf"))
    assert caught.value.code == "licence_type"
    named = f": its content is of type {kind}," if kind else ","  # a type is named only when recognised
    assert caught.value.messages == [
        f"This file is not a PDF, JPEG or PNG{named} whatever its name says. "
        "Please upload a scan or photo of the business licence."
    ]


def test_five_megabytes_is_the_limit():
    exactly = PNG + b"\x00" * (LICENCE_MAX_BYTES - len(PNG))
    validate_licence_file(upload(exactly, "licence.png"))
    with pytest.raises(ValidationError) as caught:
        validate_licence_file(upload(exactly + b"\x00", "licence.png"))
    assert caught.value.code == "licence_too_large"
    assert "at most 5 MB" in caught.value.messages[0]


def test_the_portal_refuses_a_renamed_executable_and_keeps_only_the_valid_answers(user, private_media):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    response = client.post(
        reverse("portal:apply"), {"legal_name": "某公司", "licence": upload(WINDOWS_EXE, "licence.pdf"), "save": ""}
    )
    assert response.status_code == 200
    assert "its content is of type EXE" in response.content.decode()
    application = ProviderApplication.objects.get()
    assert (application.legal_name, application.licence.name) == ("某公司", "")
    assert not (private_media / "private").exists() or not any((private_media / "private").rglob("*.*"))


def test_the_stored_file_is_named_by_its_content_not_by_the_uploader(user, private_media):
    client = Client()
    client.force_login(user)
    client.post(reverse("portal:apply"), {"legal_name": "某公司", "licence": upload(PNG, "../../etc/licence.pdf")})
    application = ProviderApplication.objects.get()
    assert application.licence.name.startswith("licences/") and application.licence.name.endswith(".png")
    assert "etc" not in application.licence.name
    assert (private_media / "private" / application.licence.name).read_bytes() == PNG


@pytest.fixture
def application(db):
    return ProviderApplicationFactory(licence=SimpleUploadedFile("licence.png", PNG))


def test_the_applicant_sees_the_licence_inline(application):
    client = Client()
    client.force_login(application.applicant)
    response = client.get(reverse("portal:application_licence", kwargs={"pk": application.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'inline; filename="licence-{application.pk}.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PNG


def test_an_operator_sees_any_licence(application, operator):
    client = Client()
    client.force_login(operator)
    response = client.get(reverse("portal:application_licence", kwargs={"pk": application.pk}))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG


def test_anyone_else_gets_404(application):
    client = Client()
    client.force_login(UserFactory())
    url = reverse("portal:application_licence", kwargs={"pk": application.pk})
    assert client.get(url).status_code == 404
    assert client.get(reverse("portal:application_licence", kwargs={"pk": application.pk + 1000})).status_code == 404
    assert Client().get(url).status_code == 302  # anonymous: to the login page


def test_the_licence_is_not_under_a_public_url(application, private_media):
    assert (private_media / "private" / application.licence.name).exists()
    assert Client().get(f"/media/private/{application.licence.name}").status_code == 404


# --- Replaced files go, uploads are limited ------------------------------------------------------------
def stored_files(private_media):
    return sorted(path.name for path in (private_media / "private").rglob("*") if path.is_file())


def test_a_replaced_licence_file_is_deleted_once_the_change_commits(
    user, private_media, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:apply"), {"legal_name": "某公司", "licence": upload(PNG, "a.png")})
    first = ProviderApplication.objects.get().licence.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:apply"), {"legal_name": "某公司", "licence": upload(PDF, "b.pdf")})
    application = ProviderApplication.objects.get()
    assert application.licence.name != first and application.licence.name.endswith(".pdf")
    assert stored_files(private_media) == [application.licence.name.rsplit("/", 1)[1]]


def test_uploads_are_limited_per_user_and_the_refusal_says_when_to_try_again(user, private_media, frozen_rate_window):
    from providers.ratelimits import UPLOADS_PER_HOUR

    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    for _ in range(UPLOADS_PER_HOUR):
        assert (
            client.post(reverse("portal:apply"), {"legal_name": "某公司", "licence": upload(PNG, "a.png")}).status_code
            == 302
        )
    refused = client.post(reverse("portal:apply"), {"legal_name": "另一家公司", "licence": upload(PNG, "a.png")})
    assert refused.status_code == 200
    [message] = refused.context["form"].sections[1].errors["licence"]
    assert message.startswith("You have uploaded 20 files in the last hour. You can upload again in ")
    assert ProviderApplication.objects.get().legal_name == "另一家公司"  # the rest was still saved
    application_id = ProviderApplication.objects.get().pk
    api = APIClient()
    api.force_login(user)
    limited = api.patch(
        reverse("api:application-detail", kwargs={"pk": application_id}),
        {"licence": upload(PNG, "a.png")},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (limited.status_code, limited.json()["code"]) == (429, "rate_limited")
    wait = int(limited["Retry-After"])
    assert 0 < wait <= 3600 and limited.json()["message"].endswith(f"again in {math.ceil(wait / 60)} minutes.")
    assert message.endswith(f"in {math.ceil(wait / 60)} minutes.")


def test_a_rejected_applicant_starts_again_with_the_previous_answers(cities, tracks, operator, private_media):
    from linke.actors import Actor
    from providers.services.applications import application_reject

    rejected = ProviderApplicationFactory(status="submitted", service_cities=cities, tracks=tracks)
    application_reject(actor=Actor.operator(operator), application=rejected, reason="执照模糊")
    client = Client(headers={"accept-language": "en"})
    client.force_login(rejected.applicant)
    assert "Apply again with these answers" in client.get(reverse("portal:application_status")).content.decode()
    response = client.post(reverse("portal:application_start_again"))
    assert (response.status_code, response.url) == (302, reverse("portal:apply"))
    again = ProviderApplication.objects.get(status="draft")
    assert (again.legal_name, again.credit_code, again.contact_name) == (
        rejected.legal_name,
        rejected.credit_code,
        rejected.contact_name,
    )
    assert set(again.service_cities.all()) == set(cities) and set(again.tracks.all()) == set(tracks)
    assert again.licence.name != rejected.licence.name and again.licence.read() == PNG_OF_FACTORY
    again.licence.seek(0)
    page = client.get(reverse("portal:apply")).content.decode()
    assert f'value="{rejected.legal_name}"' in page and "A licence file is on record." in page
    assert client.post(reverse("portal:application_start_again")).status_code == 302  # a second time: refused
    assert ProviderApplication.objects.filter(status="draft").count() == 1


def test_starting_again_while_a_draft_is_open_stores_no_file(cities, tracks, operator, private_media):
    from linke.actors import Actor
    from providers.services.applications import application_reject

    rejected = ProviderApplicationFactory(status="submitted", service_cities=cities, tracks=tracks)
    application_reject(actor=Actor.operator(operator), application=rejected, reason="执照模糊")
    client = Client(headers={"accept-language": "en"})
    client.force_login(rejected.applicant)
    client.post(reverse("portal:application_start_again"), follow=True)
    files_after_the_first = sorted(path.name for path in private_media.rglob("*") if path.is_file())
    for _ in range(3):
        refused = client.post(reverse("portal:application_start_again"), follow=True)
        assert [str(m) for m in refused.context["messages"]] == [
            "You already have an application in progress: please continue that one."
        ]
    assert sorted(path.name for path in private_media.rglob("*") if path.is_file()) == files_after_the_first
    assert len(files_after_the_first) == 2  # the rejected application's licence and the new draft's copy


def test_a_draft_that_does_not_commit_leaves_no_licence_file(user, private_media):
    from linke.actors import Actor
    from providers.services.applications import application_save_draft

    ProviderApplicationFactory(applicant=user, status="draft", licence=None)  # the open one
    with pytest.raises(ConflictError):
        application_save_draft(actor=Actor.for_user(user), data={"legal_name": "第二家"}, licence=upload(PNG, "b.png"))
    assert [path for path in private_media.rglob("*") if path.is_file()] == []


def test_the_api_starts_again_as_the_portal_does(cities, tracks, operator, private_media):
    from linke.actors import Actor
    from providers.services.applications import application_reject

    rejected = ProviderApplicationFactory(status="submitted", service_cities=cities, tracks=tracks)
    application_reject(actor=Actor.operator(operator), application=rejected, reason="执照模糊")
    api = APIClient()
    api.force_login(rejected.applicant)
    response = api.post(reverse("api:application-start-again"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["legal_name"], body["credit_code"]) == (
        "draft",
        rejected.legal_name,
        rejected.credit_code,
    )
    again = api.post(reverse("api:application-start-again"), HTTP_ACCEPT_LANGUAGE="en")
    assert (again.status_code, again.json()["code"]) == (409, "application_already_open")
    assert ProviderApplication.objects.filter(applicant=rejected.applicant, status="draft").count() == 1


def test_the_api_cannot_start_again_without_a_rejected_application(user):
    api = APIClient()
    api.force_login(user)
    response = api.post(reverse("api:application-start-again"))
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
