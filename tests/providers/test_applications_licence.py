"""The business licence: sniffed by content, at most 5 MB, stored privately, shown only to its
applicant and to operators."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from providers.demo import demo_png
from providers.models import ProviderApplication
from providers.validators import LICENCE_MAX_BYTES, validate_licence_file

from ..factories import UserFactory
from ..factories.providers import ProviderApplicationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media", "english")]

PNG = demo_png(16, 16)
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


def test_the_portal_refuses_a_renamed_executable_and_saves_nothing(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    response = client.post(
        reverse("portal:apply"), {"legal_name": "某公司", "licence": upload(WINDOWS_EXE, "licence.pdf"), "save": ""}
    )
    assert response.status_code == 200
    assert "its content is of type EXE" in response.content.decode()
    assert not ProviderApplication.objects.exists()


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
