"""The portal's home page: a newcomer sees where their application stands, a member their provider's
standing, and a suspended provider's members why and what to do."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linke.actors import Actor
from providers.choices import ApplicationStatus as S
from providers.choices import ProviderStatus, Role
from providers.services.status import provider_reinstate, provider_suspend

from ..factories.providers import ProviderApplicationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def home(user) -> str:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


# --- A signed-in user without a provider ------------------------------------------------------------
def test_without_an_application_the_home_offers_to_apply(user):
    body = home(user)
    assert "You are not a member of any provider yet" in body
    assert f'href="{reverse("portal:apply")}"' in body
    assert "under review" not in body


def test_a_submitted_application_is_under_review_since_its_submission(user):
    ProviderApplicationFactory(
        applicant=user,
        legal_name="福州林客科技有限公司",
        status=S.SUBMITTED,
        submitted_at=datetime(2026, 3, 2, 10, 30, tzinfo=SHANGHAI),
    )
    body = home(user)
    assert "Your application is under review" in body
    assert "福州林客科技有限公司: under review since 2026-03-02 10:30." in body
    assert "What happens next: a platform operator checks your company details and business licence" in body
    assert f'href="{reverse("portal:application_status")}"' in body
    assert "Apply to become a provider" not in body  # it cannot be edited, and a second one is refused


def test_a_draft_is_continued_from_the_home(user):
    application = ProviderApplicationFactory(applicant=user, status=S.DRAFT)
    body = home(user)
    assert "Finish your application" in body
    assert f'<a class="btn btn-primary" href="{reverse("portal:apply")}">' in body
    assert "Continue the application" in body
    saved = timezone.localtime(application.updated_at).strftime("%Y-%m-%d %H:%M")
    assert f"Last saved on {saved}." in body


def test_requested_changes_are_shown_with_the_way_to_make_them(user):
    ProviderApplicationFactory(applicant=user, status=S.CHANGES_REQUESTED, review_reason="营业执照照片不清晰")
    body = home(user)
    assert "The operators ask for changes to your application" in body
    assert "营业执照照片不清晰" in body
    assert "Make the changes" in body


def test_a_rejected_application_shows_the_reason_and_starts_again(user):
    ProviderApplicationFactory(applicant=user, status=S.REJECTED, review_reason="经营范围不符合要求")
    body = home(user)
    assert "Your application was not approved" in body
    assert "Why it was not approved" in body and "经营范围不符合要求" in body
    assert f'<form method="post" action="{reverse("portal:application_start_again")}"' in body
    assert "Apply again with these answers" in body


# --- A member: the provider's standing ----------------------------------------------------------------
def test_an_active_provider_has_a_green_badge_and_no_warning(member):
    body = home(member(Role.VIEWER).user)
    assert '<span class="badge rounded-pill text-bg-success">Active</span>' in body
    assert 'class="alert alert-warning' not in body


def test_a_suspended_provider_says_since_when_why_and_whom_to_contact(member, provider, operator, settings):
    settings.LINKE_SUPPORT_EMAIL = "help@linke.test"
    viewer = member(Role.VIEWER)
    provider_suspend(actor=Actor.operator(operator), provider=provider, reason="多名商家投诉虚假承诺")
    provider.refresh_from_db()
    since = timezone.localtime(provider.status_changed_at).strftime("%Y-%m-%d %H:%M")

    body = home(viewer.user)

    assert '<span class="badge rounded-pill text-bg-warning">Suspended</span>' in body
    assert "阿尔法服务商 is suspended" in body
    assert f"Since {since}, by decision of the platform operators." in body
    assert "多名商家投诉虚假承诺" in body
    assert "it answers that your provider is suspended" in body
    assert '<a class="alert-link" href="mailto:help@linke.test">help@linke.test</a>' in body


def test_the_standing_service_keeps_the_latest_reason_and_time_on_the_provider(provider, operator):
    before = timezone.now()
    provider_suspend(actor=Actor.operator(operator), provider=provider, reason="资质待复核")
    provider.refresh_from_db()
    assert (provider.status, provider.status_reason) == (ProviderStatus.SUSPENDED, "资质待复核")
    suspended_at = provider.status_changed_at
    assert suspended_at >= before

    provider_reinstate(actor=Actor.operator(operator), provider=provider, reason="复核通过")
    provider.refresh_from_db()
    assert (provider.status, provider.status_reason) == (ProviderStatus.ACTIVE, "复核通过")
    assert provider.status_changed_at > suspended_at
