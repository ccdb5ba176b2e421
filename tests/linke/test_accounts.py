"""Sign-up, email verification, login, MFA enrolment and the language switch, through allauth's real views."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from linke.models import User

from ..factories.linke import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_up(client, **overrides):
    data = {
        "email": "new.bd@agency.test",
        "display_name": "王小明",
        "mobile": "138 1234 5678",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | overrides
    return client.post(reverse("account_signup"), data)


def test_sign_up_verify_email_then_log_in(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.bd@agency.test")
    assert (user.display_name, str(user.mobile)) == ("王小明", "+8613812345678")

    # Not verified yet: mandatory verification keeps the door shut.
    client.logout()
    refused = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert refused.status_code == 302 and refused.url == reverse("account_email_verification_sent")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body).group(1)
    assert client.post(link).status_code == 302
    assert user.emailaddress_set.get().verified

    client.logout()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert client.get(reverse("portal:home")).context["user"] == user


def test_sign_up_refuses_a_landline_and_keeps_what_was_typed(client):
    response = sign_up(client, mobile="010-12345678")
    assert response.status_code == 200
    form = response.context["form"]
    assert "mobile" in form.errors
    assert form.data["display_name"] == "王小明" and form.data["email"] == "new.bd@agency.test"
    assert not User.objects.filter(email="new.bd@agency.test").exists()


def test_sign_up_page_is_chinese_by_default(client):
    response = client.get(reverse("account_signup"))
    assert response.headers["Content-Language"] == "zh-hans"
    assert "注册" in response.content.decode()


def test_language_switch_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("account_login")})
    assert response.status_code == 302
    page = client.get(reverse("account_login"))
    assert page.headers["Content-Language"] == "en"
    assert "Sign In" in page.content.decode() or "Sign in" in page.content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert client.get(reverse("account_login")).headers["Content-Language"] == "zh-hans"


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_totp_enrolment_then_login_asks_for_the_code(client):
    user = UserFactory(email="mfa@agency.test")
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    # Enrolling a second factor asks for the password again first.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate"))
    client.post(response.url, {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200 and "code" in wrong.context["form"].errors
    assert not Authenticator.objects.filter(user=user).exists()

    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    client.logout()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302 and response.url == reverse("portal:home")


# --- Failed logins lock out an account at an address, not everyone behind it -------------------------------
@pytest.fixture
def behind_a_proxy(settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    cache.clear()  # allauth's counters live in the cache


def attempt(email, password, address):
    response = Client().post(reverse("account_login"), {"login": email, "password": password}, HTTP_X_REAL_IP=address)
    if response.status_code == 302:
        return "in"
    codes = [error.code for error in response.context["form"].non_field_errors().as_data()]
    return "locked" if "too_many_login_attempts" in codes else "refused"


@pytest.mark.usefixtures("behind_a_proxy", "frozen_rate_window")
def test_wrong_passwords_for_one_account_do_not_lock_out_the_others_at_the_same_address():
    alice, bob = UserFactory(email="alice@office.test"), UserFactory(email="bob@office.test")
    assert [attempt(alice.email, "wrong", "203.0.113.9") for _ in range(6)] == ["refused"] * 5 + ["locked"]
    for colleague in (UserFactory(email="carol@office.test"), UserFactory(email="dave@office.test")):
        assert [attempt(colleague.email, "wrong", "203.0.113.9") for _ in range(4)] == ["refused"] * 4  # typos
    assert attempt(bob.email, PASSWORD, "203.0.113.9") == "in"  # a colleague behind the same address
    assert attempt(alice.email, PASSWORD, "198.51.100.4") == "in"  # alice from her phone's address
    assert attempt(alice.email, PASSWORD, "203.0.113.9") == "locked"  # not from where it was attacked
