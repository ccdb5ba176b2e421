"""The public provider directory /providers/: filters, sorts, Chinese and pinyin search (served by the
bigram index), featured slots, pagination, htmx partials, crafted input and the listing's refresh."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linke.actors import Actor
from providers.choices import CooperationMode, ProviderStatus, ServiceArea
from providers.models import DirectoryListing, Provider, ProviderStanding
from providers.selectors import DirectoryFilters, directory_queryset, directory_reference_clear
from providers.services.directory import listing_refresh, name_initials
from providers.services.profile import case_study_save, profile_item_delete, provider_update
from providers.services.standing import standing_set_tier
from providers.services.status import provider_reinstate, provider_suspend

from ..factories import ProviderFactory
from ..factories.providers import CaseStudyFactory, valid_credit_code

pytestmark = pytest.mark.django_db

S, F = CooperationMode.SPECIALIZED, CooperationMode.FULL_OPERATION


@pytest.fixture(autouse=True)
def fresh_reference():
    """The directory's in-process lookup of cities and tracks must not outlive a test's rows."""
    directory_reference_clear()
    yield
    directory_reference_clear()


def make(name, *, cities=(), tracks=(), modes=(), areas=(), intro="", status=ProviderStatus.ACTIVE, **standing):
    provider = ProviderFactory(
        name=name, introduction=intro, cooperation_modes=list(modes), service_areas=list(areas), status=status
    )
    provider.service_cities.set(cities)
    provider.tracks.set(tracks)
    certified = standing.pop("certified", ())
    if standing:
        ProviderStanding.objects.filter(provider=provider).update(**standing)
    provider.standing.certified_tracks.set(certified)
    return provider


@pytest.fixture
def listed(cities, tracks, categories):
    """Four providers (one suspended), created in this order:

    | name     | cities    | tracks    | modes | areas        | tier | score | boost | featured | rating   | GMV     |
    | 阿尔法    | 福州      | 餐饮      | S, F  | livestream   | L3   | 50    | 10    | 0        | 4.8 (20) | 100,000 |
    | 贝塔      | 北京      | 丽人      | S     | short_video  | L1   | 55    | 0     | 0        | 4.2 (5)  | 300,000 |
    | 丙丁传媒  | 福州 北京 | 餐饮 丽人 | F     | store_ops    | L4   | 10    | 20    | 3        | —        | 0       |
    | 戊己科技  | 福州      | 餐饮      | S     | livestream   | suspended                                      |

    Recommended: 阿尔法 60, 贝塔 55, 丙丁 30 (but featured)."""
    fuzhou, beijing = cities
    dining, beauty = tracks
    made = {
        "alpha": make(
            "阿尔法服务商",
            cities=[fuzhou],
            tracks=[dining],
            modes=[S, F],
            areas=[ServiceArea.LIVESTREAM],
            intro="福州火锅店的直播代运营团队",
            tier="L3",
            score=50,
            directory_boost=10,
            rating=Decimal("4.8"),
            review_count=20,
            gmv_served=100000,
            certified=[dining],
        ),
        "beta": make(
            "贝塔服务商",
            cities=[beijing],
            tracks=[beauty],
            modes=[S],
            areas=[ServiceArea.SHORT_VIDEO],
            intro="北京美甲美睫门店的探店短视频",
            tier="L1",
            score=55,
            rating=Decimal("4.2"),
            review_count=5,
            gmv_served=300000,
        ),
        "bingding": make(
            "丙丁传媒",
            cities=[fuzhou, beijing],
            tracks=[dining, beauty],
            modes=[F],
            areas=[ServiceArea.STORE_OPS],
            intro="烧烤和丽人门店的店铺运营",
            tier="L4",
            score=10,
            directory_boost=20,
            featured_slots=3,
        ),
        "suspended": make(
            "戊己科技",
            cities=[fuzhou],
            tracks=[dining],
            modes=[S],
            areas=[ServiceArea.LIVESTREAM],
            intro="福州火锅直播",
            status=ProviderStatus.SUSPENDED,
        ),
    }
    CaseStudyFactory(provider=made["bingding"], title="重庆火锅品牌全国推广")
    listing_refresh()
    return made


def names(response) -> list[str]:
    """The providers a directory page lists, featured first, in order."""
    page = response.context["page"]
    return [card.listing.name for card in [*page.featured, *page.cards]]


def get(client, HTTP_ACCEPT_LANGUAGE="zh-hans", **params):
    response = client.get(reverse("directory"), params, HTTP_ACCEPT_LANGUAGE=HTTP_ACCEPT_LANGUAGE)
    assert response.status_code == 200
    return response


# --- Sorts ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("recommended", ["丙丁传媒", "阿尔法服务商", "贝塔服务商"]),  # the featured one first, then 60, 55
        ("rating", ["阿尔法服务商", "贝塔服务商", "丙丁传媒"]),  # 4.8, 4.2, none yet
        ("gmv", ["贝塔服务商", "阿尔法服务商", "丙丁传媒"]),
        ("newest", ["丙丁传媒", "贝塔服务商", "阿尔法服务商"]),
    ],
)
def test_each_sort(client, listed, sort, expected):
    assert names(get(client, sort=sort)) == expected


def test_recommended_is_the_default_and_marks_the_featured_provider(client, listed):
    response = get(client, HTTP_ACCEPT_LANGUAGE="en")
    assert names(response) == ["丙丁传媒", "阿尔法服务商", "贝塔服务商"]
    page = response.context["page"]
    assert [card.featured for card in [*page.featured, *page.cards]] == [True, False, False]
    body = response.content.decode()
    assert body.count("Featured</span>") == 1
    assert reverse("directory_ranking") in body
    assert "capability score plus the tier's directory boost" in body


def test_without_featured_slots_recommended_is_score_plus_boost_then_id(client, listed):
    ProviderStanding.objects.filter(provider=listed["bingding"]).update(featured_slots=0)
    ProviderStanding.objects.filter(provider=listed["beta"]).update(score=60)  # 60 + 0 ties 阿尔法's 50 + 10
    listing_refresh()
    assert names(get(client)) == ["阿尔法服务商", "贝塔服务商", "丙丁传媒"]


# --- Filters ----------------------------------------------------------------------------------------
def filter_cases(cities, tracks, categories):
    fuzhou, beijing = cities
    dining, beauty = tracks
    return [
        ({"city": beijing.pk}, ["贝塔服务商", "丙丁传媒"]),
        ({"city": fuzhou.pk}, ["阿尔法服务商", "丙丁传媒"]),
        ({"industry": categories["hotpot"].parent_id}, ["阿尔法服务商", "丙丁传媒"]),
        ({"category": categories["nails"].pk}, ["贝塔服务商", "丙丁传媒"]),
        # both: 丙丁传媒 has a track in 美食 and one with 美甲美睫
        ({"industry": categories["hotpot"].parent_id, "category": categories["nails"].pk}, ["丙丁传媒"]),
        ({"track": dining.pk}, ["阿尔法服务商", "丙丁传媒"]),
        ({"mode": "full_operation"}, ["阿尔法服务商", "丙丁传媒"]),
        ({"area": "short_video"}, ["贝塔服务商"]),
        ({"tier": "L3"}, ["阿尔法服务商", "丙丁传媒"]),  # L3 and above
        ({"rating": "4.5"}, ["阿尔法服务商"]),
        ({"rating": "4.0"}, ["贝塔服务商", "阿尔法服务商"]),
        ({"certified": "on"}, ["阿尔法服务商"]),
        ({"certified": "on", "track": beauty.pk}, []),  # certified in the chosen track
        ({"city": fuzhou.pk, "track": beauty.pk, "mode": "full_operation"}, ["丙丁传媒"]),
    ]


def test_each_filter(client, listed, cities, tracks, categories):
    for params, expected in filter_cases(cities, tracks, categories):
        assert names(get(client, sort="gmv", **params)) == expected, params


def test_a_suspended_or_terminated_provider_is_not_listed(client, listed, cities, operator):
    assert "戊己科技" not in names(get(client, city=cities[0].pk))
    provider_suspend(actor=Actor.operator(operator), provider=listed["alpha"], reason="投诉核查中")
    listing_refresh([listed["alpha"].pk])
    assert names(get(client, sort="gmv")) == ["贝塔服务商", "丙丁传媒"]


def test_filters_stay_in_the_url_of_the_pages(client, listed, cities):
    for number in range(25):
        make(f"福州服务商{number:02d}", cities=[cities[0]])
    listing_refresh()
    body = get(client, city=cities[0].pk, sort="newest").content.decode()
    assert f'href="?city={cities[0].pk}&amp;sort=newest&amp;page=2"' in body
    assert f'<option value="{cities[0].pk}" selected>' in body


def test_the_filter_selects_follow_an_edit_of_their_rows_and_the_language(client, listed, cities):
    """The selects' options are rendered once a language and kept with the reference rows: an edit clears them."""
    fuzhou = cities[0]
    assert f'<option value="{fuzhou.pk}" selected>福州市</option>' in get(client, city=fuzhou.pk).content.decode()
    english = get(client, HTTP_ACCEPT_LANGUAGE="en", city=fuzhou.pk).content.decode()
    assert f'<option value="{fuzhou.pk}" selected>Fuzhou</option>' in english
    assert '<option value="4.5">4.5 stars and up</option>' in english
    fuzhou.name = "榕城"
    fuzhou.save()
    body = get(client).content.decode()
    assert f'<option value="{fuzhou.pk}">榕城</option>' in body and "福州市" not in body


def test_kept_cards_follow_the_rows_and_the_language(client, listed, cities):
    """A rendered card is kept by what it is made of: another count of reviews, language or city name shows."""
    assert "(20 reviews)" in get(client, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "（20 条评价）" in get(client).content.decode()
    ProviderStanding.objects.filter(provider=listed["alpha"]).update(review_count=21)
    listing_refresh()
    body = get(client, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "(21 reviews)" in body and "(20 reviews)" not in body
    cities[0].name_en = "Rongcheng"
    cities[0].save()
    assert "Rongcheng" in get(client, HTTP_ACCEPT_LANGUAGE="en").content.decode()


# --- Search -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("火锅", ["阿尔法服务商", "丙丁传媒"]),  # 2 characters: an introduction and a case-study title
        ("美甲", ["贝塔服务商"]),
        ("锅", ["阿尔法服务商", "丙丁传媒"]),  # 1 character
        ("代运营", ["阿尔法服务商"]),  # 3 characters
        ("美甲美睫", ["贝塔服务商"]),  # 4 characters
        ("重庆火锅", ["丙丁传媒"]),  # a case-study title
        ("丙丁", ["丙丁传媒"]),  # the name
        ("福州 直播", ["阿尔法服务商"]),  # every word
        ("火店", []),  # its characters, but not together
        ("bt", ["贝塔服务商"]),  # pinyin initials of 贝塔服务商
        ("AEF", ["阿尔法服务商"]),
        ("bdcm", ["丙丁传媒"]),
        ("zz", []),
    ],
)
def test_search(client, listed, q, expected):
    assert names(get(client, q=q, sort="gmv")) == expected


def test_search_finds_a_word_only_where_it_occurs_whole(client, cities):
    """The bigrams of 火锅店 (火锅, 锅店) both occur in “火锅 与 锅店”, but the word does not: ILIKE decides."""
    make("甲服务商", intro="火锅 与 锅店")
    make("乙服务商", intro="老街火锅店")
    listing_refresh()
    assert names(get(client, q="火锅店")) == ["乙服务商"]


@pytest.fixture
def scale_shaped(listed):
    """The four providers above among 3,000 others (names only), with fresh planner statistics."""
    Provider.objects.bulk_create(
        Provider(name=f"服务商{n}号", credit_code=valid_credit_code(100_000 + n)) for n in range(3000)
    )
    listing_refresh()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE providers_directorylisting")


def plan_of(queryset) -> str:
    """The plan PostgreSQL picks for `queryset` on the scale-shaped rows, with sequential scans made as
    costly as they can be (`SET LOCAL enable_seqscan = off`, inside the test's transaction): this asserts
    that the index exists and is the one chosen for the query; the benchmark measures the speed on the
    10,000 providers of the scale data."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        (DirectoryFilters(q="火锅"), "listing_search_bigrams"),
        (DirectoryFilters(q="美甲美睫"), "listing_search_bigrams"),
        (DirectoryFilters(q="bt"), "listing_initials_prefix"),
        (DirectoryFilters(city=1), "listing_city_ids"),
        (DirectoryFilters(track=1), "listing_track_ids"),
    ],
)
def test_the_search_and_filters_are_served_by_their_indexes(scale_shaped, filters, index):
    plan = plan_of(directory_queryset(filters))
    assert index in plan, plan
    assert "Seq Scan on providers_directorylisting" not in plan


def test_the_pinyin_initials_of_names():
    assert [name_initials(name) for name in ["阿尔法服务商", "重庆火锅", "KFC肯德基", "长沙 · 银行"]] == [
        "aeffws",
        "cqhg",
        "kfckdj",
        "csyh",
    ]


def test_the_bigram_function_of_the_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT linke_cjk_bigrams(%s)", ["火锅 KFC火锅"])
        assert cursor.fetchone()[0] == sorted({"火", "锅", "火锅", "k", "f", "c", "kf", "fc", "c火", "锅k"} - {"锅k"})


# --- Pagination ---------------------------------------------------------------------------------------
def test_page_two_continues_the_list_and_does_not_repeat_the_featured(client, cities):
    make("推荐服务商", score=0, tier="L5", featured_slots=5)
    for number in range(22):
        make(f"服务商{number:02d}", score=number)
    listing_refresh()
    first, second = get(client), get(client, page=2)
    expected = ["推荐服务商"] + [f"服务商{number:02d}" for number in range(21, -1, -1)]
    assert names(first) == expected[:21]
    assert names(second) == expected[21:]
    assert (first.context["page"].count, first.context["page"].num_pages) == (23, 2)
    assert second.context["page"].featured == []


def test_at_most_three_featured_providers_first_by_slots_then_recommendation(client, cities):
    for name, slots, score in [("甲", 1, 90), ("乙", 5, 10), ("丙", 3, 50), ("丁", 3, 60), ("戊", 0, 99)]:
        make(name, score=score, featured_slots=slots)
    listing_refresh()
    page = get(client).context["page"]
    assert [card.listing.name for card in page.featured] == ["乙", "丁", "丙"]
    assert [card.listing.name for card in page.cards] == ["戊", "甲"]


def test_other_sorts_have_no_featured_slots(client, listed):
    assert get(client, sort="rating").context["page"].featured == []


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "9" * 40, "２"])
def test_a_page_out_of_range_shows_the_nearest_page(client, listed, page):
    assert get(client, page=page).context["page"].number == 1


# --- Crafted input ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "params",
    [
        {"city": "9" * 30},
        {"city": "abc"},
        {"track": "-1"},
        {"q": "火" * 500},
        {"rating": "NaN"},
        {"tier": "L9"},
        {"sort": "name; DROP TABLE"},
        {"mode": ["specialized", "x"]},
    ],
)
def test_crafted_filters_are_ignored_with_a_message_never_a_500(client, listed, params):
    response = get(client, HTTP_ACCEPT_LANGUAGE="en", **params)
    assert "Some filters were not understood" in response.content.decode()
    assert len(names(response)) == 3


def test_a_nul_character_is_a_bad_request(client, listed):
    assert client.get(reverse("directory"), {"q": "火锅\x00"}).status_code == 400


# --- htmx -------------------------------------------------------------------------------------------
def test_htmx_gets_the_results_only_and_a_plain_get_the_whole_page(client, listed):
    whole = get(client, q="火锅")
    partial = client.get(reverse("directory"), {"q": "火锅"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" in whole.content.decode() and "<html" not in partial.content.decode()
    assert [t.name for t in partial.templates][0] == "directory/_results.html"
    assert names(partial) == names(whole) == ["丙丁传媒", "阿尔法服务商"]
    assert "HX-Request" in partial["Vary"] and "HX-Request" in whole["Vary"]


def test_a_history_restore_gets_the_whole_page(client, listed):
    response = client.get(
        reverse("directory"), {"q": "火锅"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_the_form_works_without_javascript_and_with_htmx(client, listed):
    body = get(client).content.decode()
    assert 'method="get" action="/providers/"' in body
    assert 'hx-get="/providers/"' in body and 'hx-push-url="true"' in body


def test_the_directory_is_public_and_renders_in_english(client, listed):
    body = get(client, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Find a service provider" in body and "L4 Gold" in body and "Full operation" in body


def test_the_ranking_page_publishes_the_tier_boosts(client):
    response = client.get(reverse("directory_ranking"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert "capability score (0–100) + directory boost of the tier" in body
    assert [(label, benefits.directory_boost) for label, benefits in response.context["tiers"]] == [
        ("L1 Rising", 0),
        ("L2 Growing", 5),
        ("L3 Preferred", 10),
        ("L4 Gold", 20),
        ("L5 Diamond", 30),
    ]


# --- The listing follows the services ---------------------------------------------------------------
def search(q):
    return list(directory_queryset(DirectoryFilters(q=q)).values_list("name", flat=True))


def test_the_listing_follows_profile_case_study_status_and_standing_changes(
    listed, operator, cities, django_capture_on_commit_callbacks
):
    beta = listed["beta"]
    owner = staff = Actor.operator(operator)  # the services' own tests cover members
    with django_capture_on_commit_callbacks(execute=True):
        provider_update(
            actor=owner, provider=beta, data={"introduction": "天津亲子门店", "service_cities": [cities[0]]}
        )
    assert search("亲子") == ["贝塔服务商"] and search("美甲") == []
    assert DirectoryListing.objects.get(pk=beta.pk).city_ids == [cities[0].pk]

    with django_capture_on_commit_callbacks(execute=True):
        study = case_study_save(
            actor=owner, provider=beta, data={"title": "儿童乐园暑期活动", "summary": "暑期客流翻倍"}
        )
    assert search("乐园") == ["贝塔服务商"]
    with django_capture_on_commit_callbacks(execute=True):
        profile_item_delete(actor=owner, item=study)
    assert search("乐园") == []

    with django_capture_on_commit_callbacks(execute=True):
        provider_suspend(actor=staff, provider=beta, reason="核查")
    assert DirectoryListing.objects.get(pk=beta.pk).is_listed is False
    with django_capture_on_commit_callbacks(execute=True):
        provider_reinstate(actor=staff, provider=beta, reason="核查完毕")
    assert DirectoryListing.objects.get(pk=beta.pk).is_listed is True

    with django_capture_on_commit_callbacks(execute=True):
        standing_set_tier(actor=staff, provider=beta, tier="L5", reason="评级")
    assert DirectoryListing.objects.values_list("tier", "recommended", "featured_slots").get(pk=beta.pk) == (
        "L5",
        Decimal("85.00"),
        5,
    )


def test_a_renamed_provider_gets_new_pinyin_initials(listed, operator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        provider_update(actor=Actor.operator(operator), provider=listed["beta"], data={"name": "林客之星"})
    assert DirectoryListing.objects.values_list("name", "name_initials").get(pk=listed["beta"].pk) == (
        "林客之星",
        "lkzx",
    )


def test_refresh_is_one_statement_for_any_number_of_providers_and_rewrites_only_changed_rows(listed):
    ProviderStanding.objects.filter(provider=listed["beta"]).update(score=70)
    before = DirectoryListing.objects.get(pk=listed["alpha"].pk).refreshed_at
    with CaptureQueriesContext(connection) as captured:
        assert listing_refresh() == 1  # only 贝塔's row changed
    statements = [q["sql"] for q in captured if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(statements) == 2  # the refresh and the GIN pending lists' merge; no name changed: no initials
    assert statements[0].startswith("\nINSERT INTO providers_directorylisting")
    assert DirectoryListing.objects.get(pk=listed["alpha"].pk).refreshed_at == before
    assert DirectoryListing.objects.get(pk=listed["beta"].pk).recommended == Decimal("70.00")
    assert listing_refresh([]) == 0


def test_the_refresh_command(listed, capsys):
    from django.core.management import call_command

    DirectoryListing.objects.all().delete()
    call_command("refresh_directory")
    assert DirectoryListing.objects.filter(is_listed=True).count() == 3
    assert "4 listings refreshed" in capsys.readouterr().out
