"""Standing data: operators set a provider's tier through the service (benefits copied from the SPEC §6
defaults, audited, the owner told, the directory refreshed); approval starts a provider at L1."""

from decimal import Decimal

import pytest
from django.urls import reverse

from linke.actors import Actor
from linke.errors import ApplicationError, PermissionDeniedError
from linke.models import AuditEvent, Notification
from providers.choices import ApplicationStatus, Role
from providers.models import DirectoryListing, ProviderStanding
from providers.services.applications import application_approve
from providers.services.directory import listing_refresh
from providers.services.standing import standing_set_tier

from ..factories.providers import ProviderApplicationFactory

pytestmark = pytest.mark.django_db

BENEFITS = ["tier", "lead_quota", "protection_days", "directory_boost", "featured_slots", "ad_credit"]


def benefits(provider):
    return tuple(ProviderStanding.objects.values_list(*BENEFITS).get(provider=provider))


def test_an_operator_sets_the_tier_and_its_benefits_are_copied(
    provider, member, operator, django_capture_on_commit_callbacks
):
    owner = member(Role.OWNER)
    ProviderStanding.objects.filter(provider=provider).update(score=Decimal("52.50"))
    listing_refresh([provider.pk])
    with django_capture_on_commit_callbacks(execute=True):
        standing_set_tier(actor=Actor.operator(operator), provider=provider, tier="L3", reason="季度评审结果")

    assert benefits(provider) == ("L3", 60, 45, 10, 1, Decimal("2000.00"))
    event = AuditEvent.objects.get(action="standing.set_tier")
    assert (event.provider_id, event.actor_id, event.reason) == (provider.pk, operator.pk, "季度评审结果")
    assert event.before == {
        "tier": "L1",
        "lead_quota": "10",
        "protection_days": "15",
        "directory_boost": "0",
        "featured_slots": "0",
        "ad_credit": "0.00",
    }
    assert event.after["tier"] == "L3" and event.after["directory_boost"] == "10"
    notification = Notification.objects.get(recipient=owner.user)
    assert notification.verb == "standing.set_tier"
    assert "季度评审结果" in notification.body
    listing = DirectoryListing.objects.get(provider=provider)
    assert (listing.tier, listing.directory_boost, listing.featured_slots, listing.recommended) == (
        "L3",
        10,
        1,
        Decimal("62.50"),
    )


def test_setting_a_lower_tier_takes_its_benefits_back(provider, operator):
    actor = Actor.operator(operator)
    standing_set_tier(actor=actor, provider=provider, tier="L5", reason="升级")
    standing_set_tier(actor=actor, provider=provider, tier="L2", reason="降级")
    assert benefits(provider) == ("L2", 30, 30, 5, 0, Decimal("500.00"))
    assert AuditEvent.objects.filter(action="standing.set_tier").count() == 2


def test_only_operators_set_a_tier_and_nothing_changes_on_refusal(provider, member):
    owner = member(Role.OWNER)
    with pytest.raises(PermissionDeniedError):
        standing_set_tier(actor=Actor.member(owner), provider=provider, tier="L5", reason="我们很厉害")
    assert benefits(provider) == ("L1", 10, 15, 0, 0, Decimal("0.00"))
    assert not AuditEvent.objects.filter(action="standing.set_tier").exists()


@pytest.mark.parametrize(("tier", "reason", "code"), [("L9", "原因", "tier_invalid"), ("L3", "  ", "reason_required")])
def test_a_wrong_tier_or_a_missing_reason_is_refused(provider, operator, tier, reason, code):
    with pytest.raises(ApplicationError) as refused:
        standing_set_tier(actor=Actor.operator(operator), provider=provider, tier=tier, reason=reason)
    assert refused.value.code == code
    assert benefits(provider) == ("L1", 10, 15, 0, 0, Decimal("0.00"))


def test_approval_creates_an_l1_standing_and_a_listing(cities, tracks, operator, django_capture_on_commit_callbacks):
    application = ProviderApplicationFactory(
        status=ApplicationStatus.SUBMITTED, service_cities=cities, tracks=tracks, legal_name="福州新锐传媒有限公司"
    )
    with django_capture_on_commit_callbacks(execute=True):
        application_approve(actor=Actor.operator(operator), application=application)
    application.refresh_from_db()
    assert benefits(application.provider) == ("L1", 10, 15, 0, 0, Decimal("0.00"))
    listing = DirectoryListing.objects.get(provider=application.provider)
    assert (listing.name, listing.is_listed, listing.tier, listing.name_initials) == (
        "福州新锐传媒有限公司",
        True,
        "L1",
        "fzxrcmyxgs",
    )
    assert listing.city_ids == sorted(city.pk for city in cities)


def test_the_admin_sets_a_tier_through_the_service_with_a_reason(provider, operator, client):
    client.force_login(operator)
    url = reverse("admin:providers_providerstanding_changelist")
    asked = client.post(url, {"action": "set_tier_l4", "_selected_action": [provider.pk]})
    assert asked.status_code == 200
    assert benefits(provider)[0] == "L1"  # nothing yet: the reason is asked first
    done = client.post(
        url, {"action": "set_tier_l4", "_selected_action": [provider.pk], "apply": "1", "reason": "认证通过"}
    )
    assert done.status_code == 302
    assert benefits(provider) == ("L4", 120, 60, 20, 3, Decimal("5000.00"))
    assert AuditEvent.objects.get(action="standing.set_tier").reason == "认证通过"


def test_the_admin_change_page_of_a_standing_is_read_only(provider, operator, client):
    client.force_login(operator)
    page = client.get(reverse("admin:providers_providerstanding_change", args=[provider.pk]))
    assert page.status_code == 200
    assert b'name="tier"' not in page.content and b'name="directory_boost"' not in page.content
