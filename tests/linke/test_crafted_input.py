"""Crafted input is a 400 with the stable error body, never a 500 (what an attacker pass found)."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from linke.actors import Actor
from linke.tenancy import all_providers
from providers.choices import Role
from providers.models import CaseStudy, ImpersonationReport, VerificationEvent
from providers.services.verification import verification_code_generate

from ..conftest import client_for
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def api_for(membership):
    api = APIClient()
    api.force_login(membership.user)
    return api


def assert_error_body(response, status=400, code=None):
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) >= {"code", "message"} and body["message"]
    if code:
        assert body["code"] == code
    return body


# --- NUL bytes ---------------------------------------------------------------------------------------
def test_a_nul_byte_in_the_path_of_the_public_report_is_a_400(client):
    response = client.post("/verify/AB%00CD/report/", {"location": "春熙路"})
    assert response.status_code == 400
    assert "NUL" not in response.content.decode()  # the page says it in words, not in jargon
    assert not ImpersonationReport.objects.exists()


def test_a_nul_byte_in_an_api_path_or_query_is_the_error_body(member):
    api = api_for(member(Role.OWNER))
    assert_error_body(api.get("/api/v1/public/verify/AB%00CD/"), code="malformed_request")
    assert_error_body(api.get("/api/v1/team/?role=%00"), code="malformed_request")


def test_a_nul_byte_in_the_user_agent_still_records_the_visit(client, member):
    code = verification_code_generate(actor=Actor.member(member(Role.BD)))
    response = client.get(reverse("verify_result", kwargs={"code": code.code}), HTTP_USER_AGENT="Mozilla\x00/5.0")
    assert response.status_code == 200 and response.context["result"].valid
    with all_providers():
        (event,) = VerificationEvent.objects.all()
    assert event.user_agent == "Mozilla/5.0"


def test_a_check_from_an_unknown_address_is_answered_and_counted(client, member):
    """Behind a Unix socket without the proxy's header there is no address: the check still answers, and
    such clients share one budget instead of escaping the limit."""
    code = verification_code_generate(actor=Actor.member(member(Role.BD)))
    response = client.get(f"/api/v1/public/verify/{code.code}/", REMOTE_ADDR="")
    assert response.status_code == 200 and response.json()["valid"] is True
    with all_providers():
        (event,) = VerificationEvent.objects.all()
    assert event.ip_address is None


def test_a_nul_byte_in_a_case_studys_track_is_the_error_body(member, tracks):
    owner = member(Role.OWNER)
    response = api_for(owner).post(
        reverse("api:case-study-list"), {"title": "案例", "summary": "好", "track": "din\x00ing"}, format="json"
    )
    assert_error_body(response, code="malformed_request")
    portal = client_for(owner).post(reverse("portal:case_create"), {"title": "案例", "summary": "好", "track": "1\x00"})
    assert portal.status_code == 400
    with all_providers():
        assert not CaseStudy.objects.exists()


def test_a_nul_byte_in_a_form_field_is_a_400(member):
    response = client_for(member(Role.OWNER)).post(reverse("portal:switch_provider"), {"provider": "1\x00"})
    assert response.status_code == 400


# --- Lone surrogates, deep JSON, big bodies ----------------------------------------------------------
def test_a_lone_surrogate_in_a_choice_field_is_a_field_error(member):
    response = api_for(member(Role.OWNER)).post(
        reverse("api:service-package-list"),
        data='{"name": "套餐", "area": "\\ud800", "price": "10.00"}',
        content_type="application/json",
    )
    body = assert_error_body(response, code="invalid")
    assert list(body["details"]) == ["area"]


def test_json_nested_100000_levels_deep_is_the_error_body(member):
    deep = "[" * 100_000 + "]" * 100_000
    response = api_for(member(Role.OWNER)).patch(reverse("api:profile"), data=deep, content_type="application/json")
    assert_error_body(response, code="malformed_request")


def test_a_body_over_the_limit_is_the_error_body_not_an_html_page(member, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_for(member(Role.OWNER)).patch(
        reverse("api:profile"), data=json.dumps({"introduction": "长" * 2000}), content_type="application/json"
    )
    assert response["Content-Type"].startswith("application/json")
    assert_error_body(response, status=413, code="request_too_large")


def test_a_form_body_over_the_limit_is_413_too(member, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = {f"f{n}": "x" for n in range(50)}
    response = api_for(member(Role.OWNER)).post(reverse("api:invitation-list"), fields)
    assert_error_body(response, status=413, code="request_too_large")


def test_a_nul_byte_in_a_cookie_is_a_400_not_a_session_lookup(client, member):
    client.cookies["sessionid"] = "abcdefghijkl\x00mnop"
    page = client.get(reverse("verify"))
    assert page.status_code == 400
    api = client.get(reverse("api:team-list"))
    assert_error_body(api, code="malformed_request")


def test_an_email_longer_than_the_column_is_a_field_error(member):
    owner = member(Role.OWNER)
    email = "a" * 300 + "@example.test"
    page = client_for(owner).post(reverse("portal:invitation_create"), {"email": email, "role": "bd"})
    assert page.status_code == 200 and list(page.context["invitation_form"].errors) == ["email"]
    api = api_for(owner).post(reverse("api:invitation-list"), {"email": email, "role": "bd"}, format="json")
    assert list(assert_error_body(api, code="invalid")["details"]) == ["email"]


def test_switching_provider_with_a_next_that_is_no_address_goes_home(member):
    response = client_for(member(Role.OWNER)).post(reverse("portal:switch_provider"), {"provider": "0", "next": "foo"})
    assert (response.status_code, response.url) == (302, reverse("portal:home"))


# --- Names show what they say --------------------------------------------------------------------------
@pytest.mark.parametrize("hidden", ["\u202e", "\u200b", "\u2066", "\ufeff", "\x07"])
def test_invisible_and_direction_characters_are_refused_in_names(member, hidden, private_media):
    owner = member(Role.OWNER)
    applied = APIClient()
    applied.force_login(UserFactory())
    application = applied.post(reverse("api:application-list"), {"legal_name": f"林客{hidden}科技"}, format="json")
    assert assert_error_body(application, code="invalid")["details"]["legal_name"]
    package = api_for(owner).post(
        reverse("api:service-package-list"),
        {"name": f"套餐{hidden}", "area": "short_video", "price": "10.00"},
        format="json",
    )
    assert list(assert_error_body(package, code="invalid")["details"]) == ["name"]
    form = client_for(owner).post(reverse("portal:case_create"), {"title": f"案例{hidden}", "summary": "好"})
    assert "title" in form.context["form"].errors


def test_ordinary_chinese_names_with_punctuation_are_accepted():
    from linke.validators import validate_visible_name

    # The last two: a CJK Extension H character (Unicode 15, newer than Python 3.11's database) and a
    # private-use character, as rare characters of names are stored by GB 18030 systems.
    names = ["阿尔法服务商（福州）", "Linke Tech Co., Ltd.", "老码头·火锅", "美丽说 美甲", "张\U00031350", "王\ue000"]
    for name in names:
        validate_visible_name(name)


def test_a_body_that_is_not_json_says_so_in_the_reader_s_language(member):
    response = api_for(member(Role.OWNER)).patch(
        reverse("api:profile"), data=b"\xff{", content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert assert_error_body(response, code="malformed_request")["message"] == "请求正文不是有效的 JSON。"
