"""Deactivating a member forces the reassignment of the merchants they look after, in the same step: refused
without a successor (nothing changes), done with one (everything moves, the codes are revoked as before);
the team page asks to whom and the API takes `successor`."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from linke.actors import Actor
from linke.errors import ApplicationError
from linke.models import AuditEvent, DomainEvent, Notification
from linke.tenancy import all_providers
from providers.choices import Role
from providers.models import Membership, VerificationCode
from providers.services.team import membership_deactivate
from providers.tenancy import provider_scope

from ..conftest import client_for
from .accounts_helpers import assign, owners

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def place(cities, categories):
    return {"city": cities[0], "category": categories["hotpot"]}


@pytest.fixture
def owner(member):
    return member(Role.OWNER, user__language="en")


@pytest.fixture
def leaving(member, place):
    """A bd who looks after two merchants and has a live verification code."""
    bd = member(Role.BD)
    assign(bd, n=2, **place)
    with all_providers():
        VerificationCode.objects.create(
            provider=bd.provider, membership=bd, code="7KQ2-M9XD", expires_at=timezone.now() + timedelta(minutes=10)
        )
    return bd


def state(*memberships):
    with all_providers():
        return [Membership.objects.values_list("is_active", flat=True).get(pk=m.pk) for m in memberships]


def live_codes(membership):
    with all_providers():
        return VerificationCode.objects.filter(membership=membership, revoked_at__isnull=True).count()


def deactivate(owner, membership, successor=None):
    with provider_scope(owner.provider_id):
        return membership_deactivate(actor=Actor.member(owner), membership=membership, successor=successor)


def test_deactivation_without_a_successor_is_refused_and_changes_nothing(provider, owner, leaving):
    before = owners(provider)
    with pytest.raises(ApplicationError) as refused:
        deactivate(owner, leaving)
    assert refused.value.code == "successor_required"
    assert "looks after 2 merchants" in str(refused.value.message)
    assert refused.value.details == {"holdings": [{"label": "2 merchants", "count": 2}]}
    assert state(leaving) == [True] and live_codes(leaving) == 1
    assert owners(provider) == before
    assert not AuditEvent.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize("who", ["themselves", "inactive", "viewer", "other provider"])
def test_a_successor_who_cannot_take_over_is_refused(who, provider, other_provider, owner, member, leaving):
    successor = {
        "themselves": lambda: leaving,
        "inactive": lambda: member(Role.BD, is_active=False),
        "viewer": lambda: member(Role.VIEWER),
        "other provider": lambda: member(Role.BD, provider=other_provider),
    }[who]()
    before = owners(provider)
    with pytest.raises(ApplicationError) as refused:
        deactivate(owner, leaving, successor)
    assert refused.value.code == "successor_required"
    assert state(leaving) == [True] and live_codes(leaving) == 1 and owners(provider) == before


def test_deactivation_with_a_successor_hands_everything_over_in_one_step(provider, owner, member, leaving):
    successor = member(Role.BD, user__language="en")
    held = sorted(lead for lead, _member, _active in owners(provider))
    deactivate(owner, leaving, successor)
    assert state(leaving) == [False] and live_codes(leaving) == 0  # the codes go as before
    assert [row for row in owners(provider) if row[2]] == [(lead, successor.pk, True) for lead in held]
    assert [row for row in owners(provider) if not row[2]] == [(lead, leaving.pk, False) for lead in held]
    moved = DomainEvent.objects.filter(type="account_owner.changed", payload__why="member_left")
    assert sorted(moved.values_list("payload__lead_id", flat=True)) == held
    assert AuditEvent.objects.get(action="membership.deactivate").after == {
        "is_active": False,
        "codes_revoked": 1,
        "invitations_withdrawn": 0,
        "handed_over_to": successor.pk,
    }
    audit = AuditEvent.objects.get(action="account.hand_over")
    assert (audit.actor, audit.before, audit.after["count"]) == (owner.user, {"owners": [leaving.pk]}, 2)
    assert list(Notification.objects.filter(recipient=successor.user).values_list("title", flat=True)) == [
        "2 merchants were assigned to you"
    ]


def test_a_member_who_looks_after_nobody_needs_no_successor(provider, owner, member):
    bd = member(Role.BD)
    deactivate(owner, bd)
    assert state(bd) == [False]
    assert "handed_over_to" not in AuditEvent.objects.get(action="membership.deactivate").after


# --- the team page and the API --------------------------------------------------------------------


def test_the_member_page_asks_to_whom_and_shows_what_they_hold(provider, owner, member, leaving):
    admin, colleague = member(Role.ADMIN), member(Role.BD)
    viewer, gone = member(Role.VIEWER), member(Role.BD, is_active=False)
    client = client_for(owner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("portal:team_member", kwargs={"pk": leaving.pk}))
    body = page.content.decode()
    assert page.context["holdings"] == ["2 merchants"]
    assert "looks after 2 merchants" in body and 'name="successor"' in body
    offered = [m.pk for m in page.context["successors"]]
    assert offered == [owner.pk, admin.pk, colleague.pk]  # not the leaving member, a viewer or an inactive one
    assert viewer.pk not in offered and gone.pk not in offered

    quiet = client.get(reverse("portal:team_member", kwargs={"pk": colleague.pk}))
    assert 'name="successor"' not in quiet.content.decode()  # nothing to hand over, nothing asked


def test_the_portal_deactivates_with_the_chosen_successor(provider, owner, member, leaving):
    successor = member(Role.BD)
    client = client_for(owner)
    url = reverse("portal:team_member_deactivate", kwargs={"pk": leaving.pk})
    refused = client.post(url, follow=True)
    assert [m.level_tag for m in refused.context["messages"]] == ["error"]
    assert state(leaving) == [True]
    done = client.post(url, {"successor": successor.pk}, follow=True)
    assert [m.level_tag for m in done.context["messages"]] == ["success"]
    assert state(leaving) == [False]
    assert {member_id for _lead, member_id, active in owners(provider) if active} == {successor.pk}


@pytest.mark.parametrize("successor", ["", "abc", "99999999999999999999", "\x00"])
def test_the_portal_refuses_a_made_up_successor(successor, provider, owner, leaving):
    response = client_for(owner).post(
        reverse("portal:team_member_deactivate", kwargs={"pk": leaving.pk}), {"successor": successor}
    )
    assert response.status_code in (302, 400)
    assert state(leaving) == [True]


def test_the_api_deactivates_with_a_successor_and_names_the_missing_one(
    provider, other_provider, owner, member, leaving
):
    successor, stranger = member(Role.ADMIN), member(Role.BD, provider=other_provider)
    api = APIClient()
    api.force_login(owner.user)
    url = reverse("api:team-deactivate", kwargs={"pk": leaving.pk})
    for body in ({}, {"successor": None}, {"successor": stranger.pk}):
        refused = api.post(url, body, format="json")
        assert refused.status_code == 400 and refused.json()["code"] == "successor_required", body
    huge = api.post(url, {"successor": 2**40}, format="json")
    assert huge.status_code == 400 and huge.json()["code"] == "invalid"
    assert state(leaving) == [True]
    done = api.post(url, {"successor": successor.pk, "reason": "离职"}, format="json")
    assert done.status_code == 200 and done.json()["is_active"] is False
    assert {member_id for _lead, member_id, active in owners(provider) if active} == {successor.pk}
