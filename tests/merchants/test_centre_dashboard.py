"""The merchant dashboard (/merchant/): stores, the providers it is in touch with, requests sent and their
answers, and its lead status (who holds it, until when), in a number of queries that does not grow."""

from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from linke.tenancy import all_providers
from merchants.choices import ClaimStatus, RequestStatus
from merchants.models import CooperationRequest, LeadClaim
from merchants.selectors.centre import merchant_dashboard
from merchants.tenancy import merchant_scope
from merchants.views import centre
from providers.choices import CooperationMode, Role

from ..conftest import client_for_user
from ..factories import ProviderFactory
from ..factories.merchants import LeadFactory, StoreFactory
from ..query_counts import assert_query_baseline

pytestmark = pytest.mark.django_db
HOME = "/merchant/"


def client_of(user):
    client = client_for_user(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def send(merchant, provider, *, status=RequestStatus.OPEN, reason="", answered=None, message="想做团购"):
    """A cooperation request as the requests area's services leave it."""
    return CooperationRequest.objects.create(
        provider=provider,
        merchant=merchant,
        mode=CooperationMode.SPECIALIZED,
        message=message,
        status=status,
        sent_by=merchant.owner,
        decline_reason=reason,
        answered_at=answered,
    )


def claim(lead, membership, *, days=30, status=ClaimStatus.ACTIVE):
    now = timezone.now()
    with all_providers():
        return LeadClaim.objects.create(
            provider=membership.provider,
            lead=lead,
            claimed_by=membership,
            status=status,
            claimed_at=now,
            expires_at=now + timedelta(days=days),
            ended_at=None if status == ClaimStatus.ACTIVE else now,
        )


@pytest.fixture
def own_lead(merchant, cities, categories):
    return LeadFactory(city=cities[0], category=categories["hotpot"], merchant=merchant, source="signup")


def test_a_new_merchant_is_told_what_to_do_next(merchant):
    body = client_of(merchant.owner).get(HOME).content.decode()
    assert "Add your first store so that providers can serve it." in body
    assert "Once you add a store, providers serving its city can find you in the lead pool" in body
    assert "You have not sent a cooperation request yet." in body
    assert "No provider has answered you yet." in body


def test_without_a_mobile_the_dashboard_says_why_the_merchant_is_no_lead(merchant):
    merchant.contact_mobile = ""
    merchant.save(update_fields=["contact_mobile"])
    body = client_of(merchant.owner).get(HOME).content.decode()
    assert "You are not in the lead pool: your profile has no contact mobile" in body
    assert f'href="{reverse("merchant:profile")}">Add one</a>' in body


def test_the_dashboard_shows_stores_requests_answers_and_who_holds_the_lead(
    merchant, other_merchant, provider, other_provider, member, own_lead, cities, categories
):
    StoreFactory(merchant=merchant, city=cities[0], category=categories["hotpot"])
    StoreFactory(merchant=merchant, city=cities[0], category=categories["bbq"])
    StoreFactory(merchant=other_merchant, city=cities[0], category=categories["bbq"])
    answered_at = timezone.now() - timedelta(days=1)
    send(merchant, other_provider, status=RequestStatus.DECLINED, reason="暂不服务该城市", answered=answered_at)
    send(merchant, provider)
    send(other_merchant, ProviderFactory(name="别家的服务商"))
    holder = claim(own_lead, member(Role.BD))
    body = client_of(merchant.owner).get(HOME).content.decode()
    with merchant_scope(merchant):
        dashboard = merchant_dashboard(merchant)
    assert (dashboard.store_count, dashboard.request_counts) == (2, {"open": 1, "declined": 1})
    assert [(contact.name, contact.holds_until, contact.answered_at) for contact in dashboard.providers] == [
        ("贝塔服务商", None, answered_at),
        ("阿尔法服务商", holder.expires_at, None),
    ]
    assert "暂不服务该城市" in body and "Awaiting an answer" in body and "Declined" in body
    held_until = timezone.localtime(holder.expires_at).strftime("%Y-%m-%d %H:%M")
    assert f"<strong>阿尔法服务商</strong> holds you as a lead until {held_until}" in body
    assert "别家的服务商" not in body and other_merchant.name not in body
    assert f'href="{reverse("merchant:lead_status")}"' in body
    assert f'href="{reverse("merchant:request_list")}"' in body and "See all 2 requests" in body


def test_an_ended_claim_is_not_shown_as_holding_the_merchant(merchant, member, own_lead, cities):
    claim(own_lead, member(Role.BD), status=ClaimStatus.RELEASED)
    body = client_of(merchant.owner).get(HOME).content.decode()
    assert "You are in the lead pool: providers serving Fuzhou may claim you and contact you." in body
    assert "阿尔法服务商" not in body


def test_an_opted_out_merchant_is_told_no_provider_can_claim_it(merchant, own_lead):
    own_lead.opted_out_at = timezone.now()
    own_lead.save(update_fields=["opted_out_at"])
    body = client_of(merchant.owner).get(HOME).content.decode()
    assert "that you do not want to be contacted: no provider can claim you as a lead." in body


def test_the_dashboard_shows_the_latest_five_requests(merchant, cities):
    for number in range(7):
        send(merchant, ProviderFactory(name=f"服务商{number}号"))
    body = client_of(merchant.owner).get(HOME).content.decode()
    assert [f"服务商{number}号" in body for number in range(7)] == [False, False, True, True, True, True, True]


def test_links_to_pages_of_other_areas_fall_back_when_they_do_not_exist(monkeypatch):
    def missing(name):
        raise NoReverseMatch(name)

    monkeypatch.setattr(centre, "reverse", missing)
    assert centre.optional_url("merchant:request_list") == ""


def test_the_dashboard_runs_the_same_queries_whatever_the_merchant_has(merchant, member, own_lead, cities, categories):
    client = client_of(merchant.owner)
    claim(own_lead, member(Role.BD))

    def add_rows(count):
        shown = []
        for _ in range(count):
            provider = ProviderFactory()
            send(merchant, provider, status=RequestStatus.DECLINED, reason="名额已满", answered=timezone.now())
            StoreFactory(merchant=merchant, city=cities[0], category=categories["hotpot"])
            shown.append(provider.name)
        return shown

    assert_query_baseline("merchant:home", lambda: client.get(HOME), add_rows, n=1)


def test_a_merchant_reads_its_notifications_in_the_merchant_centre(merchant_client, merchant):
    from linke.notifications import notification_send

    notification_send(
        recipient=merchant.owner, verb="request.decline", title="阿尔法服务商婉拒了您的合作意向", email=False
    )
    page = merchant_client.get(reverse("merchant:notifications"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "阿尔法服务商婉拒了您的合作意向" in page
    assert 'href="/merchant/notifications/"' in page  # the merchant centre's bell, not the portal's
    assert 'href="/portal/notifications/"' not in page
    read = merchant_client.post(reverse("portal:notifications_read"), {"next": "/merchant/notifications/"})
    assert read.status_code == 302 and read["Location"] == "/merchant/notifications/"
    assert merchant.owner.notifications.filter(read_at__isnull=True).count() == 0
