"""What the shells link to, and for whom: the API docs for those who set up integrations, the way back from
them, the public identity-code check from everywhere, the email delivery check only for developers and staff."""

import pytest
from django.test import Client
from django.urls import reverse

from linke.models import Notification
from providers.choices import Role

from ..conftest import client_for, client_for_user
from ..factories import UserFactory

pytestmark = pytest.mark.django_db

API_DOCS_LINK = f'href="{reverse("api-docs")}"'
VERIFY_LINK = f'href="{reverse("verify")}"'


# --- API docs ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "shown"),
    [(Role.OWNER, True), (Role.ADMIN, True), (Role.BD, False), (Role.OPERATOR, False), (Role.VIEWER, False)],
)
def test_the_api_docs_link_is_for_owners_and_admins(member, role, shown):
    body = client_for(member(role)).get(reverse("portal:home")).content.decode()
    assert (API_DOCS_LINK in body) is shown


def test_staff_see_the_api_docs_link_without_a_provider():
    staff = UserFactory(is_staff=True)
    body = client_for_user(staff).get(reverse("portal:home")).content.decode()
    assert API_DOCS_LINK in body


def test_a_newcomer_does_not_see_the_api_docs_link(user):
    body = client_for_user(user).get(reverse("portal:home")).content.decode()
    assert API_DOCS_LINK not in body


def test_the_api_docs_lead_back_to_the_portal(member):
    body = client_for(member(Role.OWNER)).get(reverse("api-docs")).content.decode()
    assert f'<a href="{reverse("portal:home")}">' in body
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in body  # still drf-spectacular's page
    assert "<script>" not in body  # no inline script: the policy's nonce is not needed


def test_the_api_docs_lead_a_visitor_back_to_the_landing_page():
    body = Client().get(reverse("api-docs")).content.decode()
    assert f'<a href="{reverse("landing")}">' in body and reverse("portal:home") not in body


# --- /verify/ ------------------------------------------------------------------------------------------
def test_the_landing_page_offers_the_identity_code_check():
    body = Client(headers={"accept-language": "en"}).get(reverse("landing")).content.decode()
    assert body.count(VERIFY_LINK) == 2  # the invitation on the page and the footer
    assert "Check a staff member's identity code" in body


@pytest.mark.parametrize("page", ["account_login", "account_signup"])
def test_the_footer_of_the_public_pages_links_to_the_identity_code_check(page):
    body = Client().get(reverse(page)).content.decode()
    footer = body[body.index("<footer") :]
    assert VERIFY_LINK in footer


def test_the_footer_of_the_portal_links_to_the_identity_code_check(member):
    body = client_for(member(Role.VIEWER)).get(reverse("portal:home")).content.decode()
    assert VERIFY_LINK in body[body.index("<footer") :]


# --- The email delivery check ------------------------------------------------------------------------------
def test_a_provider_member_neither_sees_nor_can_use_the_email_delivery_check(member, settings):
    settings.DEBUG = False
    client = client_for(member(Role.OWNER))
    body = client.get(reverse("portal:notifications")).content.decode()
    assert reverse("portal:notifications_test") not in body
    assert "Celery" not in body and "worker" not in body
    assert client.post(reverse("portal:notifications_test")).status_code == 404
    assert not Notification.objects.exists()


def test_staff_can_check_email_delivery(settings):
    settings.DEBUG = False
    staff = UserFactory(is_staff=True, language="en")  # the notification is written in the recipient's language
    client = client_for_user(staff)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    body = client.get(reverse("portal:notifications")).content.decode()
    assert f'action="{reverse("portal:notifications_test")}"' in body and "Check email delivery" in body
    response = client.post(reverse("portal:notifications_test"))
    assert response.status_code == 302
    notification = Notification.objects.get(recipient=staff)
    assert (notification.verb, notification.title) == ("test", "Email delivery check")


def test_in_development_everyone_sees_the_email_delivery_check(user, settings):
    settings.DEBUG = True
    body = client_for_user(user).get(reverse("portal:notifications")).content.decode()
    assert f'action="{reverse("portal:notifications_test")}"' in body
