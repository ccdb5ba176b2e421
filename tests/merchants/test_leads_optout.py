# ruff: noqa: F811  (the `pool` fixture is imported from test_leads_fixtures)
"""A merchant opts out of the lead pool (and back in): the holder's claim ends, no provider can claim it; the
merchant's page and API show who holds it until when."""

import pytest
from django.urls import reverse
from django.utils import timezone

from linke.actors import Actor
from linke.errors import PermissionDeniedError
from linke.models import AuditEvent, DomainEvent
from linke.tenancy import all_providers
from merchants.choices import ClaimEventKind, ClaimStatus
from merchants.models import AccountAssignment, ClaimEvent, Lead
from merchants.services.leads import LeadNotFound, lead_opt_in, lead_opt_out
from providers.choices import Role

from ..conftest import client_for_user
from .test_leads_fixtures import claim, claims_of, pool  # noqa: F401

pytestmark = pytest.mark.django_db


def as_merchant(merchant):
    return Actor.for_merchant(merchant, user=merchant.owner)


def test_opting_out_ends_the_claim_and_no_provider_can_claim_afterwards(pool, member, merchant, other_provider):
    lead = pool.lead(merchant=merchant)
    held = claim(member(Role.BD), lead)
    lead_opt_out(actor=as_merchant(merchant), lead=lead)
    lead.refresh_from_db()
    assert lead.opted_out_at is not None
    assert claims_of(lead) == [("阿尔法服务商", ClaimStatus.OPTED_OUT)]
    with all_providers():
        assert list(ClaimEvent.objects.filter(claim=held).values_list("kind", flat=True)) == [
            ClaimEventKind.CLAIMED,
            ClaimEventKind.OPTED_OUT,
        ]
        assert AccountAssignment.objects.filter(lead=lead, ended_at__isnull=True).count() == 0
    event = DomainEvent.objects.get(type="lead.released")
    assert event.payload == {"claim_id": held.pk, "lead_id": lead.pk, "why": "opted_out"}
    assert AuditEvent.objects.filter(action="lead.opt_out", object_id=str(lead.pk)).count() == 1
    with pytest.raises(LeadNotFound):
        claim(member(Role.BD, provider=other_provider), lead)
    assert claims_of(lead) == [("阿尔法服务商", ClaimStatus.OPTED_OUT)]


def test_opting_back_in_returns_the_lead_to_the_pool(pool, member, merchant):
    lead = pool.lead(merchant=merchant)
    lead_opt_out(actor=as_merchant(merchant), lead=lead)
    lead_opt_out(actor=as_merchant(merchant), lead=lead)  # idempotent
    lead_opt_in(actor=as_merchant(merchant), lead=lead)
    lead.refresh_from_db()
    assert lead.opted_out_at is None
    assert claim(member(Role.BD), lead).status == ClaimStatus.ACTIVE
    assert AuditEvent.objects.filter(object_type="merchants.lead").count() == 2


def test_only_the_merchant_itself_opts_out(pool, merchant, other_merchant):
    lead = pool.lead(merchant=merchant)
    with pytest.raises(PermissionDeniedError):
        lead_opt_out(actor=as_merchant(other_merchant), lead=lead)
    lead.refresh_from_db()
    assert lead.opted_out_at is None


def test_the_merchant_page_names_its_holder_and_opts_out(pool, member, merchant, english):
    lead = pool.lead(merchant=merchant)
    held = claim(member(Role.BD), lead)
    client = client_for_user(merchant.owner)
    page = client.get(reverse("merchant:lead_status")).content.decode()
    until = timezone.localtime(held.expires_at).strftime("%Y-%m-%d %H:%M")
    assert f"阿尔法服务商 holds you as a lead until {until}" in page
    response = client.post(reverse("merchant:lead_status"), {"action": "opt_out"}, follow=True)
    assert "Providers can no longer claim you as a lead." in response.content.decode()
    assert Lead.objects.get(pk=lead.pk).opted_out_at is not None
    client.post(reverse("merchant:lead_status"), {"action": "opt_in"})
    assert Lead.objects.get(pk=lead.pk).opted_out_at is None


def test_a_merchant_outside_the_pool_is_told_so(merchant, english):
    client = client_for_user(merchant.owner)
    assert "You are not in the lead pool" in client.get(reverse("merchant:lead_status")).content.decode()
    response = client.post(reverse("merchant:lead_status"), {"action": "opt_out"}, follow=True)
    assert "There is nothing to change" in response.content.decode()


def test_the_merchant_api_shows_the_status_and_opts_out_and_in(pool, member, merchant):
    lead = pool.lead(merchant=merchant)
    held = claim(member(Role.BD), lead)
    client = client_for_user(merchant.owner)
    status = client.get(reverse("api:merchant-lead")).json()
    assert status == {
        "in_pool": True,
        "has_lead": True,
        "opted_out_at": None,
        "holder": "阿尔法服务商",
        "held_until": timezone.localtime(held.expires_at).isoformat(),
    }
    after = client.post(reverse("api:merchant-lead-opt-out")).json()
    assert (after["in_pool"], after["holder"], after["opted_out_at"] is not None) == (False, "", True)
    assert client.post(reverse("api:merchant-lead-opt-in")).json()["in_pool"] is True


def test_the_merchant_api_without_a_lead(merchant):
    client = client_for_user(merchant.owner)
    assert client.get(reverse("api:merchant-lead")).json()["has_lead"] is False
    response = client.post(reverse("api:merchant-lead-opt-out"))
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
