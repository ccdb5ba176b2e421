"""Reviews in the public directory: a review (through the service) moves its provider in the rating sort
and through the minimum-rating filter, and the profile shows the latest reviews (stars per point, text,
the merchant's name shortened, date, the provider's reply) in both languages, a page at a time."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.services.reviews import review_create, review_reply
from linke.actors import Actor
from merchants.tenancy import merchant_scope
from providers.choices import CooperationMode, ProviderStatus, Role
from providers.models import ProviderStanding
from providers.selectors import directory_reference_clear
from providers.services.directory import listing_refresh
from providers.tenancy import provider_scope

from ..factories import MerchantFactory, ProviderFactory
from ..query_counts import assert_query_baseline
from ..tenancy.cases.reviews import reviewable_contract

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_reference():
    directory_reference_clear()
    yield
    directory_reference_clear()


@pytest.fixture
def providers(cities, tracks):
    """阿尔法 (rated 4.50 by 10 reviews before this app wrote ratings: standing data as set), 贝塔 and 丙丁 (none)."""
    made = []
    for name, rating, count in [("阿尔法服务商", Decimal("4.50"), 10), ("贝塔服务商", None, 0), ("丙丁传媒", None, 0)]:
        provider = ProviderFactory(
            name=name, status=ProviderStatus.ACTIVE, cooperation_modes=[CooperationMode.SPECIALIZED]
        )
        provider.service_cities.set(cities[:1])
        provider.tracks.set(tracks[:1])
        ProviderStanding.objects.filter(provider=provider).update(rating=rating, review_count=count)
        made.append(provider)
    listing_refresh()
    return made


def review(provider, stars, *, merchant=None, text="服务专业，沟通顺畅。"):
    merchant = merchant or MerchantFactory(name="演示餐饮有限公司")
    contract = reviewable_contract(provider, merchant)
    professionalism, communication, results = stars
    with merchant_scope(merchant):
        return review_create(
            actor=Actor.for_merchant(merchant, user=merchant.owner),
            contract=contract,
            professionalism=professionalism,
            communication=communication,
            results=results,
            text=text,
        )


def listed(client, **params):
    page = client.get(reverse("directory"), params).context["page"]
    return [card.listing.name for card in [*page.featured, *page.cards]]


def test_reviews_lift_a_provider_in_the_rating_sort(client, providers, django_capture_on_commit_callbacks):
    alpha, beta, bingding = providers
    assert listed(client, sort="rating") == ["阿尔法服务商", "贝塔服务商", "丙丁传媒"]  # no rating: last, by id
    with django_capture_on_commit_callbacks(execute=True):
        review(bingding, (5, 5, 5))
        review(bingding, (5, 4, 5))
    with django_capture_on_commit_callbacks(execute=True):
        review(beta, (3, 3, 4))
    # 丙丁 (15 + 14) / 6 = 4.83, 阿尔法 4.50 (as it was set), 贝塔 10 / 3 = 3.33
    assert listed(client, sort="rating") == ["丙丁传媒", "阿尔法服务商", "贝塔服务商"]
    standings = ProviderStanding.objects.filter(provider__in=providers).select_related("provider")
    assert {row.provider.name: (row.rating, row.review_count) for row in standings} == {
        "阿尔法服务商": (Decimal("4.50"), 10),
        "贝塔服务商": (Decimal("3.33"), 1),
        "丙丁传媒": (Decimal("4.83"), 2),
    }


def test_the_minimum_rating_filter_reads_the_reviews(client, providers, django_capture_on_commit_callbacks):
    alpha, beta, bingding = providers
    assert listed(client, rating="4.0") == ["阿尔法服务商"]
    with django_capture_on_commit_callbacks(execute=True):
        review(beta, (4, 4, 4))
        review(bingding, (3, 4, 4))
    assert listed(client, rating="4.0", sort="rating") == ["阿尔法服务商", "贝塔服务商"]
    assert listed(client, rating="3.5", sort="rating") == ["阿尔法服务商", "贝塔服务商", "丙丁传媒"]


def test_the_profile_shows_the_reviews_in_chinese(client, providers, member, django_capture_on_commit_callbacks):
    alpha = providers[0]
    with django_capture_on_commit_callbacks(execute=True):
        written = review(alpha, (5, 4, 3), text="直播效果很好。\n下个月继续合作。")
    with provider_scope(alpha):
        review_reply(actor=Actor.member(member(Role.OWNER, provider=alpha)), review=written, text="感谢您的认可！")
    body = client.get(reverse("directory_profile", kwargs={"pk": alpha.pk}), HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = body.content.decode()
    today = timezone.localdate().isoformat()
    for text in ["演示餐饮…", "直播效果很好。\n下个月继续合作。", "感谢您的认可！", today, "评价"]:
        assert text in body, text
    assert "演示餐饮有限公司" not in body  # never the whole name
    assert body.count("bi-star-fill") == 5 + 4 + 3 + 1  # the three points, and the rating's star


def test_the_profile_shows_the_reviews_in_english(client, providers, django_capture_on_commit_callbacks):
    alpha = providers[0]
    with django_capture_on_commit_callbacks(execute=True):
        review(alpha, (5, 4, 3), merchant=MerchantFactory(name="KFC肯德基福州店"))
    body = client.get(reverse("directory_profile", kwargs={"pk": alpha.pk}), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in ["Reviews", "(1 review)", "KFC肯…", "Professionalism", "Communication", "Results", "5 of 5 stars"]:
        assert text in body, text
    assert "No reviews yet" not in body


def test_the_profile_pages_its_reviews_ten_at_a_time(client, providers, django_capture_on_commit_callbacks):
    alpha = providers[0]
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(12):
            review(alpha, (4, 4, 4), text=f"第{number:02d}条评价")
    url = reverse("directory_profile", kwargs={"pk": alpha.pk})
    first = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert [f"第{n:02d}条评价" in first for n in range(12)] == [False, False] + [True] * 10
    assert 'href="?reviews=2#reviews"' in first and "Newer reviews" not in first
    second = client.get(url + "?reviews=2", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert [f"第{n:02d}条评价" in second for n in range(12)] == [True, True] + [False] * 10
    assert 'href="?reviews=1#reviews"' in second and "Older reviews" not in second
    for crafted in ("99999999999999999999", "abc", "-1", "0"):
        assert client.get(url, {"reviews": crafted}).status_code == 200


def test_the_profile_runs_a_constant_number_of_queries_whatever_its_reviews(
    client, providers, categories, django_capture_on_commit_callbacks
):
    alpha = providers[0]

    def add(count):
        texts = []
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(count):
                texts.append(review(alpha, (5, 5, 4), text=f"评价{len(texts)}-{timezone.now().timestamp()}").text)
        return texts

    url = reverse("directory_profile", kwargs={"pk": alpha.pk})
    client.get(url)  # the directory's reference rows are loaded once per process, not per page
    assert_query_baseline("directory.profile", lambda: client.get(url), add, n=1)
