# ruff: noqa: F811  (the `pool` fixture is imported from test_leads_fixtures)
"""Extending a claim once by 15 days (a verified visit through the `verification.succeeded` subscriber, or a
proposal), and converting it (the contracts issue's call)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from linke.actors import Actor
from linke.errors import InvalidTransition
from linke.models import DomainEvent
from linke.tenancy import all_providers
from merchants.choices import ClaimEventKind, ClaimStatus, ExtensionReason
from merchants.models import ClaimEvent, LeadClaim, Visit
from merchants.services.leads import lead_claim_convert, lead_claim_extend
from providers.choices import Role
from providers.services.verification import verification_code_generate, verification_lookup

from ..conftest import client_for_user
from .test_leads_fixtures import claim, make_due, pool  # noqa: F401

pytestmark = pytest.mark.django_db


def refreshed(claim_row) -> LeadClaim:
    with all_providers():
        return LeadClaim.objects.get(pk=claim_row.pk)


def history(claim_row) -> list[str]:
    with all_providers():
        return list(ClaimEvent.objects.filter(claim=claim_row).order_by("pk").values_list("kind", flat=True))


def test_a_claim_is_extended_once_by_15_days(pool, member, english):
    made = claim(member(Role.BD), pool.lead())
    extended = lead_claim_extend(claim=made, reason=ExtensionReason.PROPOSAL)
    assert extended.expires_at - made.expires_at == timedelta(days=15)
    assert extended.extension_reason == ExtensionReason.PROPOSAL
    assert history(made) == [ClaimEventKind.CLAIMED, ClaimEventKind.EXTENDED]
    event = DomainEvent.objects.get(type="lead.extended")
    assert event.payload == {
        "claim_id": made.pk,
        "lead_id": made.lead_id,
        "reason": "proposal",
        "expires_at": extended.expires_at.isoformat(),
    }
    with pytest.raises(InvalidTransition) as refused:
        lead_claim_extend(claim=made, reason=ExtensionReason.VISIT)
    assert refused.value.code == "claim_already_extended"
    assert refreshed(made).expires_at == extended.expires_at
    assert history(made) == [ClaimEventKind.CLAIMED, ClaimEventKind.EXTENDED]


@pytest.fixture
def visited(pool, member, merchant, django_capture_on_commit_callbacks):
    """A lead of `merchant` claimed by the provider's bd, whose live code the merchant can check."""
    bd = member(Role.BD)
    lead = pool.lead(merchant=merchant)
    made = claim(bd, lead)
    code = verification_code_generate(actor=Actor.member(bd))

    def check(ip, viewer=merchant.owner):
        with django_capture_on_commit_callbacks(execute=True):
            return verification_lookup(raw_code=code.code, ip=ip, viewer=viewer)

    return made, bd, check


def test_a_merchant_checking_a_bds_code_records_a_visit_and_extends_the_claim_once(visited, merchant):
    made, bd, check = visited
    assert check("203.0.113.1").valid
    with all_providers():
        visit = Visit.objects.get()
    assert (visit.provider_id, visit.merchant_id, visit.membership_id) == (made.provider_id, merchant.pk, bd.pk)
    assert refreshed(made).expires_at - made.expires_at == timedelta(days=15)
    assert refreshed(made).extension_reason == ExtensionReason.VISIT
    assert check("203.0.113.2").valid  # another check, from another network: another visit, no second extension
    with all_providers():
        assert Visit.objects.count() == 2
    assert refreshed(made).expires_at - made.expires_at == timedelta(days=15)
    assert history(made) == [ClaimEventKind.CLAIMED, ClaimEventKind.EXTENDED]


def test_an_anonymous_check_is_no_visit(visited):
    made, _bd, check = visited
    assert check("203.0.113.1", viewer=None).valid
    event = DomainEvent.objects.get(type="verification.succeeded")
    assert event.payload["viewer_user_id"] is None
    with all_providers():
        assert Visit.objects.count() == 0
    assert refreshed(made).extended_at is None


def test_a_check_after_an_anonymous_one_from_the_same_network_is_still_the_merchants_visit(visited, merchant):
    """A scan in a chat app before logging in, then the merchant's own check from the same wifi: one
    verification record (not two), and it is the merchant's visit."""
    made, _bd, check = visited
    assert check("203.0.113.1", viewer=None).valid and check("203.0.113.1").valid and check("203.0.113.1").valid
    with all_providers():
        assert list(Visit.objects.values_list("merchant_id", flat=True)) == [merchant.pk]
        assert made.claimed_by.verification_codes.get().events.count() == 1
    assert refreshed(made).extension_reason == ExtensionReason.VISIT


def test_the_verify_page_passes_the_signed_in_merchant(visited, merchant, django_capture_on_commit_callbacks):
    made, _bd, _check = visited
    with all_providers():
        code = made.claimed_by.verification_codes.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for_user(merchant.owner).get(reverse("verify_result", kwargs={"code": code.code}))
    assert response.status_code == 200
    with all_providers():
        assert Visit.objects.filter(merchant=merchant).count() == 1
    assert refreshed(made).extended_at is not None


def test_a_visit_without_a_claim_is_recorded_and_extends_nothing(
    pool, member, merchant, django_capture_on_commit_callbacks
):
    bd = member(Role.BD)
    code = verification_code_generate(actor=Actor.member(bd))
    with django_capture_on_commit_callbacks(execute=True):
        verification_lookup(raw_code=code.code, ip="203.0.113.1", viewer=merchant.owner)
    with all_providers():
        assert Visit.objects.filter(merchant=merchant, provider=bd.provider).count() == 1
    assert DomainEvent.objects.filter(type="lead.extended").count() == 0


def test_converting_ends_the_claim(pool, member):
    made = claim(member(Role.BD), pool.lead())
    converted = lead_claim_convert(claim=made)
    assert (converted.status, converted.ended_at is not None) == (ClaimStatus.CONVERTED, True)
    assert history(made) == [ClaimEventKind.CLAIMED, ClaimEventKind.CONVERTED]
    assert DomainEvent.objects.get(type="lead.converted").payload == {"claim_id": made.pk, "lead_id": made.lead_id}
    with pytest.raises(InvalidTransition):
        lead_claim_convert(claim=made)
    with pytest.raises(InvalidTransition) as refused:
        lead_claim_extend(claim=made, reason=ExtensionReason.VISIT)
    assert refused.value.code == "claim_not_active"


def test_a_claim_past_its_end_is_not_extended_even_before_the_release_runs(pool, member):
    made = claim(member(Role.BD), pool.lead())
    make_due(made, days_ago=2)
    with pytest.raises(InvalidTransition) as refused:
        lead_claim_extend(claim=made, reason=ExtensionReason.PROPOSAL)
    assert refused.value.code == "claim_not_active"
    assert refreshed(made).extended_at is None
