# ruff: noqa: F811  (the `pool` fixture is imported from test_leads_fixtures)
"""The lead pool pages and API: what each provider sees of a lead (masked mobile, "claimed until" without the
holder), the filters in the URL, claiming, the private pool per role, and query counts that do not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linke.actors import Actor
from linke.tenancy import all_providers
from merchants.choices import ClaimEventKind, ClaimStatus
from merchants.models import AccountAssignment, ClaimEvent, LeadClaim
from merchants.selectors.leads import mask_mobile
from merchants.services.accounts import account_ensure
from providers.choices import Role
from providers.tenancy import provider_scope

from ..conftest import client_for
from ..query_counts import assert_query_baseline
from .test_leads_fixtures import claim, claims_of, pool, set_standing  # noqa: F401

pytestmark = pytest.mark.django_db


def local_minute(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def test_mobiles_are_masked_except_for_the_holder_and_others_see_only_claimed_until(
    pool, member, other_provider, english
):
    mine, theirs, free = pool.lead(mobile="+8613812345678"), pool.lead(mobile="+8613987654321"), pool.lead()
    claim(member(Role.BD), mine)
    held = claim(member(Role.BD, provider=other_provider), theirs)
    page = client_for(member(Role.OWNER)).get(reverse("portal:lead_pool")).content.decode()
    assert "13812345678" in page
    assert "139****4321" in page and "13987654321" not in page
    assert f"claimed until {local_minute(held.expires_at)}" in page
    assert "贝塔服务商" not in page
    assert mask_mobile(free.mobile) in page
    assert "1 of 10 claims used this month" in page


def test_the_pool_shows_only_the_providers_cities_and_tracks_newest_first(pool, member):
    older, newer = pool.lead(merchant_name="老店火锅"), pool.lead(merchant_name="新店烧烤", category=pool.bbq)
    pool.lead(merchant_name="北京的店", city=pool.beijing)
    pool.lead(merchant_name="美甲的店", category=pool.nails)
    pool.lead(merchant_name="不想被联系", opted_out_at=timezone.now())
    response = client_for(member(Role.VIEWER)).get(reverse("portal:lead_pool"))
    assert [lead.pk for lead in response.context["leads"]] == [newer.pk, older.pk]


def test_the_filters_are_in_the_url(pool, member, other_provider):
    hotpot, bbq = pool.lead(merchant_name="老码头火锅"), pool.lead(merchant_name="串串烧烤", category=pool.bbq)
    claim(member(Role.BD, provider=other_provider), bbq)
    client = client_for(member(Role.VIEWER))

    def shown(**query):
        return [lead.pk for lead in client.get(reverse("portal:lead_pool"), query).context["leads"]]

    assert shown(category=pool.bbq.pk) == [bbq.pk]
    assert shown(availability="available") == [hotpot.pk]
    assert shown(availability="claimed") == [bbq.pk]
    assert shown(q="码头") == [hotpot.pk]
    assert shown(city=pool.fuzhou.pk) == [bbq.pk, hotpot.pk]
    assert shown(city=pool.beijing.pk) == [bbq.pk, hotpot.pk]  # not a city of the provider: dropped
    assert shown(city="abc", category="99999999999999999999", availability="everything") == [bbq.pk, hotpot.pk]
    assert client.get(reverse("portal:lead_pool"), {"q": "\x00"}).status_code == 400  # the crafted-input guard


def test_the_pool_pages_by_fifty_with_its_size_and_answers_404_past_the_last_page(pool, member, english):
    made = [pool.lead(merchant_name=f"分页{n}号店") for n in range(52)]
    client = client_for(member(Role.VIEWER))

    def shown(**query):
        response = client.get(reverse("portal:lead_pool"), query)
        assert response.status_code == 200
        page = response.context["page_obj"]
        return [lead.pk for lead in response.context["leads"]], page.paginator.count, response.content.decode()

    newest_first = [lead.pk for lead in reversed(made)]
    first, size, html = shown()
    assert (first, size) == (newest_first[:50], 52) and "Page 1 of 2" in html
    assert shown(page=2)[:2] == (newest_first[50:], 52) and "Page 2 of 2" in shown(page=2)[2]
    assert shown(page="last")[:2] == (newest_first[50:], 52)
    assert shown(q="分页1")[:2] == ([lead.pk for lead in reversed(made) if "分页1" in lead.merchant_name], 11)
    for page in (3, 0, "x"):
        assert client.get(reverse("portal:lead_pool"), {"page": page}).status_code == 404
    nothing, size, html = shown(q="没有这家店")
    assert (nothing, size) == ([], 0) and "No leads match" in html
    assert client.get(reverse("portal:lead_pool"), {"q": "没有这家店", "page": 2}).status_code == 404


def test_a_provider_without_a_pool_sees_an_empty_one(member, english):
    response = client_for(member(Role.VIEWER)).get(reverse("portal:lead_pool"))  # no service city, no track
    assert response.status_code == 200
    assert list(response.context["leads"]) == [] and "No leads match" in response.content.decode()


def test_a_bd_claims_from_the_pool_page_and_a_viewer_may_not(pool, member, english):
    lead = pool.lead()
    viewer = client_for(member(Role.VIEWER))
    assert viewer.post(reverse("portal:lead_claim", kwargs={"pk": lead.pk})).status_code == 403
    assert claims_of(lead) == []
    response = client_for(member(Role.BD)).post(reverse("portal:lead_claim", kwargs={"pk": lead.pk}), follow=True)
    with all_providers():
        made = LeadClaim.objects.get(lead=lead)
    assert response.redirect_chain[-1][0] == reverse("portal:lead_claim_detail", kwargs={"pk": made.pk})
    assert "is in your private pool until" in response.content.decode()


def test_a_refused_claim_says_why(pool, member, provider, english):
    set_standing(provider, lead_quota=0)
    lead = pool.lead()
    response = client_for(member(Role.BD)).post(reverse("portal:lead_claim", kwargs={"pk": lead.pk}), follow=True)
    assert "You have used all 0 claims of this month." in response.content.decode()
    assert claims_of(lead) == []


def test_a_bd_sees_the_leads_assigned_to_them_and_the_owner_sees_all(pool, member, provider, english):
    first_bd, second_bd, owner = member(Role.BD), member(Role.BD), member(Role.OWNER)
    first, second = claim(first_bd, pool.lead()), claim(second_bd, pool.lead())

    def listed(membership):
        return [c.pk for c in client_for(membership).get(reverse("portal:lead_claims")).context["claims"]]

    assert listed(first_bd) == [first.pk]
    assert sorted(listed(owner)) == sorted([first.pk, second.pk])
    # reassigned to the second bd: the second sees it as its account owner, the first still as its claimer
    with all_providers():
        AccountAssignment.objects.filter(lead=first.lead).update(member=second_bd)
    assert listed(first_bd) == [first.pk]
    assert sorted(listed(second_bd)) == sorted([first.pk, second.pk])
    page = client_for(second_bd).get(reverse("portal:lead_claims")).content.decode()
    assert "14 d 23 h left" in page and "data-linke-lead-countdown" in page and "lead-countdown.js" in page


def test_a_bd_sees_the_claim_they_made_of_a_merchant_the_owner_looks_after(pool, member, provider):
    """A merchant who sent a request has the provider's owner as account owner; the bd who then claims it
    keeps seeing the claim (it used their quota)."""
    owner, bd = member(Role.OWNER), member(Role.BD)
    lead = pool.lead()
    with provider_scope(provider):
        account_ensure(actor=Actor.member(owner), provider=provider, lead=lead, member=owner, why="request")
    made = claim(bd, lead)
    assert client_for(bd).get(reverse("portal:lead_claim_detail", kwargs={"pk": made.pk})).status_code == 200
    assert [c.pk for c in client_for(bd).get(reverse("portal:lead_claims")).context["claims"]] == [made.pk]


def test_the_claim_page_shows_the_full_contact_and_the_history(pool, member, english):
    bd = member(Role.BD)
    made = claim(bd, pool.lead(mobile="+8613812345678"))
    page = client_for(bd).get(reverse("portal:lead_claim_detail", kwargs={"pk": made.pk})).content.decode()
    assert "13812345678" in page and "Claimed" in page and str(bd.user) in page


def test_pool_query_count_does_not_grow_with_rows(pool, member, other_provider):
    client = client_for(member(Role.BD))
    theirs = member(Role.BD, provider=other_provider)
    made = []

    def add_rows(k):
        rows = [pool.lead(merchant_name=f"线索{len(made) + i}号店") for i in range(k)]
        for row in rows[::2]:
            claim(theirs, row)
        made.extend(rows)
        return [row.merchant_name for row in rows]

    set_standing(other_provider, lead_quota=100)
    count = assert_query_baseline("leads.pool", lambda: client.get(reverse("portal:lead_pool")), add_rows, n=1)
    add_rows(47)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("portal:lead_pool"))
    assert len(response.context["leads"]) == 50
    assert len(captured) == count


def test_the_quota_is_counted_on_its_index(pool, member):
    """The plan PostgreSQL picks for the quota's count, sequential scans made as costly as they can be:
    this month's `claimed` entries of the provider from the partial index `claim_event_quota`, whatever
    its history. (The pool's own plans, on the partial index `lead_pool`, are the benchmark's: on a few
    rows the planner rightly prefers other indexes.)"""
    made = claim(member(Role.BD), pool.lead())
    with all_providers():  # a long history of other entries, which the count must not read
        entry = {"provider_id": made.provider_id, "claim": made, "kind": ClaimEventKind.EXTENDED}
        ClaimEvent.objects.bulk_create(ClaimEvent(**entry, created_at=made.claimed_at) for _ in range(300))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE merchants_claimevent")
    with CaptureQueriesContext(connection) as captured:
        assert client_for(member(Role.BD)).get(reverse("portal:lead_pool")).status_code == 200
    [quota] = [q["sql"] for q in captured.captured_queries if "merchants_claimevent" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {quota}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "using claim_event_quota on merchants_claimevent" in plan, plan


def test_private_pool_query_count_does_not_grow_with_rows(pool, member, provider):
    set_standing(provider, lead_quota=100)
    owner = member(Role.OWNER)
    bd = member(Role.BD)
    client = client_for(owner)

    def add_rows(k):
        return [
            claim(
                bd, pool.lead(merchant_name=f"私海{LeadClaim.__name__}{i}-{timezone.now().timestamp()}")
            ).lead.merchant_name
            for i in range(k)
        ]

    count = assert_query_baseline(
        "leads.private_pool", lambda: client.get(reverse("portal:lead_claims")), add_rows, n=1
    )
    add_rows(47)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("portal:lead_claims"))
    assert len(response.context["claims"]) == 50
    assert len(captured) == count


# --- API ------------------------------------------------------------------------------------


def test_api_pool_filters_masks_and_claims(pool, member, other_provider):
    mine, theirs = pool.lead(mobile="+8613812345678"), pool.lead(mobile="+8613987654321")
    held = claim(member(Role.BD, provider=other_provider), theirs)
    client = client_for(member(Role.BD))
    listed = client.get(reverse("api:lead-list")).json()["results"]
    assert [(row["id"], row["mobile"], row["held_by_us"]) for row in listed] == [
        (theirs.pk, "139****4321", False),
        (mine.pk, "138****5678", False),
    ]
    assert listed[0]["held_claim_id"] == held.pk and listed[0]["held_until"] is not None
    assert [
        row["id"] for row in client.get(reverse("api:lead-list"), {"availability": "available"}).json()["results"]
    ] == [mine.pk]
    bad = client.get(reverse("api:lead-list"), {"city": "abc"})
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")
    created = client.post(reverse("api:lead-claim", kwargs={"pk": mine.pk}))
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["lead"]["mobile"], [h["kind"] for h in body["history"]]) == (
        "active",
        "13812345678",
        ["claimed"],
    )
    refused = client.post(reverse("api:lead-claim", kwargs={"pk": theirs.pk}))
    assert (refused.status_code, refused.json()["code"]) == (409, "lead_claimed")
    assert "贝塔服务商" not in refused.content.decode()


def test_api_claims_disputes_and_errors(pool, member, other_provider, provider):
    lead = pool.lead()
    held = claim(member(Role.BD, provider=other_provider), lead)
    bd = member(Role.BD)
    client = client_for(bd)
    mine = claim(bd, pool.lead())
    assert [row["id"] for row in client.get(reverse("api:claim-list")).json()["results"]] == [mine.pk]
    detail = client.get(reverse("api:claim-detail", kwargs={"pk": mine.pk})).json()
    assert [h["kind"] for h in detail["history"]] == ["claimed"]
    assert client.get(reverse("api:claim-detail", kwargs={"pk": held.pk})).status_code == 404
    response = client.post(reverse("api:claim-dispute", kwargs={"pk": held.pk}), {"reason": "我们先拜访的。"})
    assert response.status_code == 201 and response.json()["status"] == "open"
    again = client.post(reverse("api:claim-dispute", kwargs={"pk": held.pk}), {"reason": "再说一次。"})
    assert (again.status_code, again.json()["code"]) == (409, "dispute_exists")
    assert client.post(reverse("api:claim-dispute", kwargs={"pk": mine.pk}), {"reason": "x"}).status_code == 404
    disputes = client.get(reverse("api:dispute-list")).json()["results"]
    assert [(row["lead_id"], row["status"]) for row in disputes] == [(lead.pk, "open")]
    set_standing(provider, lead_quota=1)
    quota = client.post(reverse("api:lead-claim", kwargs={"pk": pool.lead().pk}))
    assert (quota.status_code, quota.json()["code"]) == (409, "lead_quota_reached")
    with all_providers():
        assert LeadClaim.objects.filter(status=ClaimStatus.ACTIVE).count() == 2
