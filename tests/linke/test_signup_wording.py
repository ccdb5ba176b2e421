"""Sign-up and login wording: our catalogue overrides allauth's Chinese (linke/allauth_strings.py), and a
wrong mobile number gets one message with a mobile example."""

from pathlib import Path

import allauth
import django.contrib.auth
import pytest
from babel.messages.pofile import read_po
from django.test import Client
from django.urls import reverse
from django.utils import translation

from linke.allauth_strings import MESSAGES

MOBILE_ERROR = "Enter a valid mainland China mobile number, e.g. 138 1234 5678."


def source_msgids(package) -> set[str]:
    """The msgids a package uses today: its English catalogue lists them all."""
    with (Path(package.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po").open("rb") as file:
        return {message.id[0] if message.pluralizable else message.id for message in read_po(file) if message.id}


def test_every_overridden_message_is_still_one_that_allauth_or_django_shows():
    with translation.override("en"):  # the plural entries are lazy: in English they are their msgid
        overridden = [str(message) for message in MESSAGES]
    known = source_msgids(allauth) | source_msgids(django.contrib.auth)
    assert [msgid for msgid in overridden if msgid not in known] == []


@pytest.mark.django_db
@pytest.mark.parametrize("mobile", ["abc", "12345", "010 1234 5678", "+1 212 555 2368"])
def test_a_wrong_mobile_at_sign_up_gets_one_message_with_a_mobile_example(mobile):
    response = Client(headers={"accept-language": "en"}).post(
        reverse("account_signup"),
        {
            "email": "new@example.test",
            "password1": "Linke-pass-2026!",
            "password2": "Linke-pass-2026!",
            "display_name": "新人",
            "mobile": mobile,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["mobile"] == [MOBILE_ERROR]
    body = response.content.decode()
    assert body.count(MOBILE_ERROR) == 1 and "010 1234 5678" not in body.replace(mobile, "")
