"""跟进人 pages and their API twins: who sees which merchants, the filters in the URL, one merchant's history,
the bulk reassignment, refusals, crafted input, and query counts that do not grow with the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from linke.actors import Actor
from merchants.services.accounts import account_reassign
from providers.choices import Role
from providers.tenancy import provider_scope

from ..conftest import client_for
from ..query_counts import assert_query_baseline
from .accounts_helpers import assign, hold, owners

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LIST, REASSIGN = reverse("portal:account_list"), reverse("portal:account_reassign")
API_LIST, API_REASSIGN = reverse("api:account-list"), reverse("api:account-reassign")


@pytest.fixture
def team(member):
    return {
        "owner": member(Role.OWNER),
        "admin": member(Role.ADMIN),
        "bd": member(Role.BD),
        "other_bd": member(Role.BD),
        "viewer": member(Role.VIEWER),
    }


@pytest.fixture
def book(team, cities, categories):
    """Three merchants: two of `bd` (one in 福州 held, one in 北京), one of `other_bd` in 福州."""
    held, beijing = assign(team["bd"], city=cities[0], category=categories["hotpot"]) + assign(
        team["bd"], city=cities[1], category=categories["nails"]
    )
    hold(held)
    (theirs,) = assign(team["other_bd"], city=cities[0], category=categories["bbq"])
    return {"held": held, "beijing": beijing, "theirs": theirs}


def api_for(membership):
    api = APIClient()
    api.force_login(membership.user)
    return api


def listed(response):
    return [assignment.pk for assignment in response.context["assignments"]]


def api_listed(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- who sees what ------------------------------------------------------------------------------------


def test_the_owner_sees_every_merchant_with_checkboxes(team, book):
    page = client_for(team["owner"]).get(LIST)
    assert sorted(listed(page)) == sorted(a.pk for a in book.values())
    body = page.content.decode()
    assert 'name="assignments"' in body and 'name="to_member"' in body
    assert book["held"].lead.merchant_name in body and str(team["bd"].user) in body


def test_a_bd_sees_only_the_merchants_assigned_to_them_and_no_reassign_form(team, book):
    page = client_for(team["bd"]).get(LIST)
    assert sorted(listed(page)) == sorted([book["held"].pk, book["beijing"].pk])
    assert 'name="to_member"' not in page.content.decode()
    assert sorted(api_listed(api_for(team["bd"]).get(API_LIST))) == sorted([book["held"].pk, book["beijing"].pk])


def test_a_viewer_reads_an_empty_list_and_cannot_reassign(provider, team, book):
    page = client_for(team["viewer"]).get(LIST)
    assert page.status_code == 200 and listed(page) == []
    before = owners(provider)
    response = client_for(team["viewer"]).post(
        REASSIGN, {"assignments": [book["theirs"].pk], "to_member": team["bd"].pk}
    )
    assert response.status_code == 403
    api = api_for(team["viewer"]).post(
        API_REASSIGN, {"assignments": [book["theirs"].pk], "to_member": team["bd"].pk}, format="json"
    )
    assert api.status_code == 403 and api.json()["code"] == "permission_denied"
    assert owners(provider) == before


def test_a_bd_cannot_reassign(provider, team, book):
    before = owners(provider)
    data = {"assignments": [book["theirs"].pk], "to_member": team["bd"].pk}
    assert client_for(team["bd"]).post(REASSIGN, data).status_code == 403
    assert api_for(team["bd"]).post(API_REASSIGN, data, format="json").status_code == 403
    assert owners(provider) == before


# --- filters ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["held", "beijing", "theirs"]),
        ({"owner": "bd"}, ["held", "beijing"]),
        ({"owner": "other_bd"}, ["theirs"]),
        ({"city": 0}, ["held", "theirs"]),
        ({"city": 1}, ["beijing"]),
        ({"held": "true"}, ["held"]),
        ({"held": "false"}, ["beijing", "theirs"]),
        ({"owner": "bd", "city": 0, "held": "true"}, ["held"]),
    ],
)
def test_filters_in_the_url(query, expected, team, book, cities):
    params = {
        key: team[value].pk if key == "owner" else cities[value].pk if key == "city" else value
        for key, value in query.items()
    }
    expected_pks = sorted(book[name].pk for name in expected)
    assert sorted(listed(client_for(team["owner"]).get(LIST, params))) == expected_pks
    assert sorted(api_listed(api_for(team["admin"]).get(API_LIST, params))) == expected_pks


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "\x00", "-1"])
def test_crafted_filters_are_never_a_server_error(value, team, book):
    page = client_for(team["owner"]).get(LIST, {"owner": value, "city": value, "held": value})
    assert page.status_code in (200, 400)
    api = api_for(team["owner"]).get(API_LIST, {"owner": value, "city": value})
    assert api.status_code == 400 and api.json()["code"] in ("invalid", "malformed_request")


def test_the_api_row_says_everything_the_list_shows(team, book, cities):
    (row,) = [r for r in api_for(team["owner"]).get(API_LIST).json()["results"] if r["id"] == book["held"].pk]
    assert (row["lead_id"], row["merchant_name"], row["city"], row["category"]) == (
        book["held"].lead_id,
        book["held"].lead.merchant_name,
        cities[0].name,
        "火锅",
    )
    assert row["held_until"] is not None and row["ended_at"] is None
    assert (row["owner"]["id"], row["owner"]["role"]) == (team["bd"].pk, "bd")


# --- detail and history -----------------------------------------------------------------------------


def test_the_detail_shows_the_history_of_account_owners(provider, team, book):
    with provider_scope(provider):
        (moved,) = account_reassign(
            actor=Actor.member(team["owner"]), assignments=[book["held"]], to_member=team["other_bd"]
        )
    page = client_for(team["admin"]).get(reverse("portal:account_detail", kwargs={"pk": moved.pk}))
    history = [(row.member_id, row.ended_at is None, row.assigned_by) for row in page.context["history"]]
    assert history == [(team["bd"].pk, False, None), (team["other_bd"].pk, True, team["owner"].user)]
    assert page.context["current"].pk == moved.pk
    body = api_for(team["admin"]).get(reverse("api:account-detail", kwargs={"pk": moved.pk})).json()
    assert [(row["owner"]["id"], row["ended_at"] is None, row["assigned_by"]) for row in body["history"]] == [
        (team["bd"].pk, False, None),
        (team["other_bd"].pk, True, team["owner"].user.email),
    ]
    # the old row's page still opens for the owner and admins, and shows the same history
    old = client_for(team["owner"]).get(reverse("portal:account_detail", kwargs={"pk": book["held"].pk}))
    assert old.status_code == 200 and old.context["current"].pk == moved.pk


def test_a_bd_opens_only_their_own_merchants(team, book):
    client, api = client_for(team["bd"]), api_for(team["bd"])
    assert client.get(reverse("portal:account_detail", kwargs={"pk": book["held"].pk})).status_code == 200
    assert client.get(reverse("portal:account_detail", kwargs={"pk": book["theirs"].pk})).status_code == 404
    assert api.get(reverse("api:account-detail", kwargs={"pk": book["theirs"].pk})).status_code == 404


# --- reassigning --------------------------------------------------------------------------------------


def test_the_list_reassigns_the_ticked_merchants(provider, team, book):
    data = {"assignments": [book["held"].pk, book["theirs"].pk], "to_member": team["admin"].pk, "next": LIST}
    response = client_for(team["owner"]).post(REASSIGN, data, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"2 merchants are now looked after by {team['admin'].user}."
    ]
    active = {lead: member_id for lead, member_id, is_active in owners(provider) if is_active}
    assert active == {
        book["held"].lead_id: team["admin"].pk,
        book["theirs"].lead_id: team["admin"].pk,
        book["beijing"].lead_id: team["bd"].pk,
    }


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"assignments": ["abc"], "to_member": "1"},
        {"assignments": ["99999999999999999999"], "to_member": "99999999999999999999"},
        {"assignments": [], "to_member": "1"},
    ],
)
def test_the_portal_refuses_bad_reassign_input_with_a_message(data, provider, team, book):
    before = owners(provider)
    response = client_for(team["owner"]).post(REASSIGN, data, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert owners(provider) == before


def test_the_portal_does_not_reassign_another_providers_merchants(
    provider, other_provider, member, team, cities, categories
):
    (foreign,) = assign(member(Role.BD, provider=other_provider), city=cities[0], category=categories["hotpot"])
    before = owners(other_provider)
    response = client_for(team["owner"]).post(
        REASSIGN, {"assignments": [foreign.pk], "to_member": team["bd"].pk}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert owners(other_provider) == before


def test_the_api_reassigns_in_bulk(provider, team, book):
    ids = [book["held"].pk, book["beijing"].pk]
    response = api_for(team["admin"]).post(
        API_REASSIGN, {"assignments": ids, "to_member": team["other_bd"].pk}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and len(body["assignments"]) == 2
    assert {member_id for _lead, member_id, active in owners(provider) if active} == {team["other_bd"].pk}


def test_the_api_refusals_have_stable_codes(provider, other_provider, member, team, book):
    api = api_for(team["owner"])
    stranger = member(Role.BD, provider=other_provider)
    (foreign,) = assign(stranger, city=book["held"].lead.city, category=book["held"].lead.category)
    before = owners(provider), owners(other_provider)
    cases = [
        ({"assignments": [foreign.pk], "to_member": team["bd"].pk}, 404, "not_found"),
        ({"assignments": [book["held"].pk], "to_member": stranger.pk}, 404, "not_found"),
        ({"assignments": [book["held"].pk], "to_member": team["viewer"].pk}, 400, "invalid_account_owner"),
        ({"assignments": [2**63], "to_member": team["bd"].pk}, 400, "invalid"),  # beyond bigint
        ({"assignments": [], "to_member": team["bd"].pk}, 400, "invalid"),
        ({"assignments": "\x00", "to_member": team["bd"].pk}, 400, "malformed_request"),
    ]
    for data, status, code in cases:
        response = api.post(API_REASSIGN, data, format="json")
        assert (response.status_code, response.json()["code"]) == (status, code), data
    assert (owners(provider), owners(other_provider)) == before
    with provider_scope(provider):
        account_reassign(actor=Actor.member(team["owner"]), assignments=[book["held"]], to_member=team["admin"])
    stale = api.post(API_REASSIGN, {"assignments": [book["held"].pk], "to_member": team["bd"].pk}, format="json")
    assert (stale.status_code, stale.json()["code"]) == (409, "assignment_changed")


# --- query counts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "url", "api"), [("accounts.list", LIST, False), ("accounts.list (API)", API_LIST, True)]
)
def test_the_lists_do_not_query_per_row(key, url, api, team, cities, categories):
    client = api_for(team["owner"]) if api else client_for(team["owner"])
    made = []

    def add_rows(k):
        rows = assign(team["bd"], n=k, city=cities[0], category=categories["hotpot"])
        for row in rows[::2]:
            hold(row)
        made.extend(rows)
        return [row.lead.merchant_name for row in rows]

    count = assert_query_baseline(key, lambda: client.get(url), add_rows, n=1)
    shown = add_rows(47)  # 50 rows in all: a full page
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert all(name in response.content.decode() for name in shown) and len(made) == 50
    assert len(captured) == count
