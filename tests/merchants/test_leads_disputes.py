# ruff: noqa: F811  (the `pool` fixture is imported from test_leads_fixtures)
"""Disputes of another provider's claim: opened by a bd or above, decided by an operator with a reason (in the
admin, with the evidence); upheld reassigns the lead, dismissed keeps the claim; both sides see the outcome."""

from datetime import timedelta

import pytest
from django.urls import reverse

from linke.actors import Actor
from linke.errors import ApplicationError, ConflictError, InvalidTransition, PermissionDeniedError
from linke.models import DomainEvent, Notification
from linke.tenancy import all_providers
from merchants.choices import ClaimEventKind, ClaimStatus, DisputeStatus
from merchants.models import AccountAssignment, ClaimEvent, LeadClaim, LeadDispute
from merchants.selectors.leads import claims_used_this_month
from merchants.services.leads import LeadNotFound, lead_claim_convert, lead_dispute_decide, lead_dispute_open
from providers.choices import Role
from providers.tenancy import provider_scope

from ..conftest import client_for, client_for_user
from .test_leads_fixtures import claim, claims_of, pool, set_standing  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def disputed(pool, member, other_provider):
    """阿尔法服务商's claim of a lead, and 贝塔服务商's bd who disputes it."""
    lead = pool.lead()
    held = claim(member(Role.BD), lead)
    disputer = member(Role.BD, provider=other_provider)
    return lead, held, disputer


def open_dispute(disputer, held, reason="我们上周已经上门拜访过这家店，有验真记录。"):
    with provider_scope(disputer.provider_id):
        return lead_dispute_open(actor=Actor.member(disputer), claim=held, reason=reason)


def kinds(claim_row):
    with all_providers():
        return list(ClaimEvent.objects.filter(claim=claim_row).order_by("pk").values_list("kind", "note"))


def test_a_dispute_is_an_operators_case_and_the_holder_learns_it_without_the_disputers_name(disputed, english):
    _lead, held, disputer = disputed
    dispute = open_dispute(disputer, held)
    assert (dispute.status, dispute.provider_id, dispute.raised_by_id) == (
        DisputeStatus.OPEN,
        disputer.provider_id,
        disputer.pk,
    )
    history = kinds(held)
    assert [kind for kind, _ in history] == [ClaimEventKind.CLAIMED, ClaimEventKind.DISPUTED]
    assert "贝塔" not in history[1][1]
    with all_providers():
        assert ClaimEvent.objects.filter(claim=held, kind=ClaimEventKind.DISPUTED).get().actor_name == ""
    with pytest.raises(ConflictError) as again:
        open_dispute(disputer, held)
    assert again.value.code == "dispute_exists"


def test_own_claims_and_leads_outside_the_pool_cannot_be_disputed(disputed, member, pool):
    _lead, held, _disputer = disputed
    with pytest.raises(LeadNotFound):
        open_dispute(held.claimed_by, held)
    with all_providers():
        assert LeadDispute.objects.count() == 0


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.VIEWER])
def test_operator_and_viewer_members_cannot_dispute(disputed, member, other_provider, role):
    _lead, held, _disputer = disputed
    with pytest.raises(PermissionDeniedError):
        open_dispute(member(role, provider=other_provider), held)


def test_a_dispute_needs_a_reason(disputed):
    _lead, held, disputer = disputed
    with pytest.raises(ApplicationError) as refused:
        open_dispute(disputer, held, reason="   ")
    assert refused.value.code == "reason_required"


def test_upholding_reassigns_the_lead_outside_the_quota(disputed, operator, other_provider, english):
    lead, held, disputer = disputed
    set_standing(other_provider, protection_days=30)
    dispute = open_dispute(disputer, held)
    lead_dispute_decide(
        actor=Actor.operator(operator), dispute=dispute, decision="upheld", reason="贝塔先拜访，有验真记录。"
    )
    dispute.refresh_from_db()
    assert (dispute.status, dispute.decision_reason, dispute.decided_by_id) == (
        DisputeStatus.UPHELD,
        "贝塔先拜访，有验真记录。",
        operator.pk,
    )
    assert claims_of(lead) == [("阿尔法服务商", ClaimStatus.REASSIGNED), ("贝塔服务商", ClaimStatus.ACTIVE)]
    with all_providers():
        new = LeadClaim.objects.get(lead=lead, status=ClaimStatus.ACTIVE)
        owners = list(
            AccountAssignment.objects.filter(lead=lead, ended_at__isnull=True).values_list("member_id", flat=True)
        )
    assert new.expires_at - new.claimed_at == timedelta(days=30)
    assert (new.claimed_by_id, owners) == (disputer.pk, [disputer.pk])
    assert [kind for kind, _ in kinds(held)] == [
        ClaimEventKind.CLAIMED,
        ClaimEventKind.DISPUTED,
        ClaimEventKind.REASSIGNED,
        ClaimEventKind.DISPUTE_DECIDED,
    ]
    assert kinds(held)[-1][1] == "Upheld: the lead goes to the disputing provider · 贝塔先拜访，有验真记录。"
    assert [kind for kind, _ in kinds(new)] == [ClaimEventKind.REASSIGNED]
    with provider_scope(other_provider):
        assert claims_used_this_month(other_provider) == 0
    released = DomainEvent.objects.get(type="lead.released")
    assert released.payload == {"claim_id": held.pk, "lead_id": lead.pk, "why": "reassigned"}
    assert DomainEvent.objects.filter(type="lead.claimed", provider=other_provider).count() == 1
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {
        disputer.user_id,
        held.claimed_by.user_id,
    }
    with pytest.raises(InvalidTransition):  # decided once
        lead_dispute_decide(actor=Actor.operator(operator), dispute=dispute, decision="dismissed", reason="再议")


def test_dismissing_keeps_the_claim_and_tells_both_sides(disputed, operator, english):
    lead, held, disputer = disputed
    dispute = open_dispute(disputer, held)
    lead_dispute_decide(actor=Actor.operator(operator), dispute=dispute, decision="dismissed", reason="证据不足。")
    assert claims_of(lead) == [("阿尔法服务商", ClaimStatus.ACTIVE)]
    assert kinds(held)[-1] == (ClaimEventKind.DISPUTE_DECIDED, "Dismissed: the claim stands · 证据不足。")
    page = client_for(disputer).get(reverse("portal:lead_disputes")).content.decode()
    assert "证据不足。" in page and "Dismissed: the claim stands" in page
    holder_page = client_for(held.claimed_by).get(reverse("portal:lead_claim_detail", kwargs={"pk": held.pk}))
    assert "证据不足。" in holder_page.content.decode()


def test_only_operators_decide(disputed, member, english):
    _lead, held, disputer = disputed
    dispute = open_dispute(disputer, held)
    with pytest.raises(PermissionDeniedError, match="Only platform operators decide disputes."):
        lead_dispute_decide(actor=Actor.member(member(Role.OWNER)), dispute=dispute, decision="upheld", reason="x")
    with all_providers():
        assert LeadDispute.objects.get().status == DisputeStatus.OPEN


def test_a_decision_needs_a_reason_and_a_known_decision(disputed, operator):
    _lead, held, disputer = disputed
    dispute = open_dispute(disputer, held)
    for decision, reason, code in (("upheld", " ", "reason_required"), ("maybe", "x", "invalid_decision")):
        with pytest.raises(ApplicationError) as refused:
            lead_dispute_decide(actor=Actor.operator(operator), dispute=dispute, decision=decision, reason=reason)
        assert refused.value.code == code
    with all_providers():
        assert LeadDispute.objects.get().status == DisputeStatus.OPEN


def test_upholding_a_claim_that_ended_is_refused(disputed, operator, merchant):
    lead, held, disputer = disputed
    dispute = open_dispute(disputer, held)
    lead_claim_convert(claim=held)
    with pytest.raises(InvalidTransition) as refused:
        lead_dispute_decide(actor=Actor.operator(operator), dispute=dispute, decision="upheld", reason="x")
    assert refused.value.code == "claim_not_active"
    assert claims_of(lead) == [("阿尔法服务商", ClaimStatus.CONVERTED)]


def test_the_admin_case_shows_the_evidence_and_decides_through_the_service(disputed, operator, english):
    lead, held, disputer = disputed
    dispute = open_dispute(disputer, held)
    client = client_for_user(operator)
    page = client.get(reverse("admin:merchants_leaddispute_change", args=[dispute.pk])).content.decode()
    assert "Claims of the lead" in page and "阿尔法服务商" in page and "Verified visits at the merchant" in page
    assert 'value="uphold_selected"' in page
    changelist = reverse("admin:merchants_leaddispute_changelist")
    asked = client.post(changelist, {"action": "dismiss_selected", "_selected_action": [dispute.pk]})
    assert asked.status_code == 200 and "Both providers read this reason" in asked.content.decode()
    done = client.post(
        changelist,
        {"action": "dismiss_selected", "_selected_action": [dispute.pk], "apply": "1", "reason": "证据不足。"},
    )
    assert done.status_code == 302
    with all_providers():
        assert LeadDispute.objects.get().status == DisputeStatus.DISMISSED
    index = client.get(reverse("admin:index")).content.decode()
    assert "Lead claim disputes to decide" in index


def test_the_portal_dispute_form(disputed, other_provider, english):
    _lead, held, disputer = disputed
    client = client_for(disputer)
    url = reverse("portal:lead_claim_dispute", kwargs={"pk": held.pk})
    form = client.get(url).content.decode()
    assert "is claimed by another provider until" in form and "阿尔法服务商" not in form
    assert client.post(url, {"reason": ""}).status_code == 200
    response = client.post(url, {"reason": "我们先联系的商家。"})
    assert response.status_code == 302
    with all_providers():
        assert LeadDispute.objects.filter(provider=other_provider).count() == 1
