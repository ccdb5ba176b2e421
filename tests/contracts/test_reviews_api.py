"""The reviews API: the merchant creates a review for a contract and lists its own (`merchant/reviews/`); the
provider lists, retrieves and replies (`reviews/`); errors are JSON with a stable code, bad input a 400."""

import pytest

from contracts.choices import DeliverableStatus
from contracts.models import Review
from linke.tenancy import all_providers
from providers.choices import Role

from ..conftest import client_for, client_for_user
from ..factories import StoreFactory
from ..factories.contracts import make_contract, make_deliverable
from ..query_counts import assert_query_baseline
from ..tenancy.cases.requests import reference_rows
from ..tenancy.cases.reviews import make_review, reviewable_contract

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MERCHANT_REVIEWS = "/api/v1/merchant/reviews/"
REVIEWS = "/api/v1/reviews/"


def body(contract, **fields):
    return {"contract": contract.pk, "professionalism": 5, "communication": 4, "results": 5, "text": "很专业"} | fields


def test_the_merchant_creates_a_review(merchant_client, merchant, provider):
    contract = reviewable_contract(provider, merchant)
    response = merchant_client.post(MERCHANT_REVIEWS, body(contract), content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    with all_providers():
        review = Review.objects.get()
    assert data == {
        "id": review.pk,
        "contract": {"id": contract.pk, "title": contract.title, "kind": "specialized"},
        "provider": {"id": provider.pk, "name": "阿尔法服务商"},
        "professionalism": 5,
        "communication": 4,
        "results": 5,
        "stars": "4.7",
        "text": "很专业",
        "created_at": data["created_at"],
        "reply": "",
        "replied_at": None,
    }
    again = merchant_client.post(MERCHANT_REVIEWS, body(contract), content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "review_exists"


def test_a_contract_not_reviewable_yet_is_refused(merchant_client, merchant, provider):
    city, category = reference_rows()
    contract = make_contract(provider, merchant, stores=[StoreFactory(merchant=merchant, city=city, category=category)])
    make_deliverable(contract, status=DeliverableStatus.PENDING)
    response = merchant_client.post(MERCHANT_REVIEWS, body(contract), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "review_not_yet"


def test_another_merchants_contract_is_not_found(merchant_client, provider, other_merchant):
    foreign = reviewable_contract(provider, other_merchant)
    response = merchant_client.post(MERCHANT_REVIEWS, body(foreign), content_type="application/json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    with all_providers():
        assert Review.objects.count() == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"contract": 2**63},
        {"contract": "abc"},
        {"professionalism": 6},
        {"results": "five"},
        {"communication": None},
        {"text": "好" * 2001},
        {"text": ["列表"]},
    ],
)
def test_bad_input_is_a_400(merchant_client, merchant, provider, fields):
    contract = reviewable_contract(provider, merchant)
    response = merchant_client.post(MERCHANT_REVIEWS, body(contract) | fields, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    ("text", "code"), [("   ", "text_required"), ("\u200b", "text_required"), ("好\x00", "malformed_request")]
)
def test_text_without_anything_visible_is_refused(merchant_client, merchant, provider, text, code):
    contract = reviewable_contract(provider, merchant)
    response = merchant_client.post(MERCHANT_REVIEWS, body(contract, text=text), content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == code


def test_the_merchant_lists_its_own_reviews(merchant_client, merchant, other_merchant, provider):
    mine = make_review(reviewable_contract(provider, merchant), reply="谢谢")
    make_review(reviewable_contract(provider, other_merchant))
    data = merchant_client.get(MERCHANT_REVIEWS).json()
    assert [(row["id"], row["reply"]) for row in data["results"]] == [(mine.pk, "谢谢")]
    assert merchant_client.get(f"{MERCHANT_REVIEWS}{mine.pk}/").json()["text"] == mine.text


def test_the_provider_lists_filters_and_replies(member, merchant, provider):
    client = client_for(member(Role.OPERATOR))
    answered = make_review(reviewable_contract(provider, merchant), stars=(5, 5, 5), reply="谢谢")
    open_one = make_review(reviewable_contract(provider, merchant), stars=(2, 2, 3))
    assert [row["id"] for row in client.get(REVIEWS).json()["results"]] == [open_one.pk, answered.pk]
    assert [row["id"] for row in client.get(REVIEWS + "?replied=no").json()["results"]] == [open_one.pk]
    assert [row["id"] for row in client.get(REVIEWS + "?stars=3").json()["results"]] == [open_one.pk]
    assert client.get(f"{REVIEWS}{open_one.pk}/").json()["merchant"] == {"id": merchant.pk, "name": "演示餐饮有限公司"}

    response = client.post(
        f"{REVIEWS}{open_one.pk}/reply/", {"text": "抱歉，我们会改进"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["reply"] == "抱歉，我们会改进" and response.json()["replied_at"]
    again = client.post(f"{REVIEWS}{open_one.pk}/reply/", {"text": "再说一次"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "reply_exists"


@pytest.mark.parametrize("role", [Role.BD, Role.VIEWER])
def test_who_may_not_reply_gets_a_403(member, merchant, provider, role):
    review = make_review(reviewable_contract(provider, merchant))
    client = client_for(member(role))
    assert client.get(f"{REVIEWS}{review.pk}/").status_code == 200
    response = client.post(f"{REVIEWS}{review.pk}/reply/", {"text": "谢谢"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_a_merchant_has_no_provider_reviews(merchant_client):
    assert merchant_client.get(REVIEWS).status_code == 403


def test_the_api_lists_run_a_constant_number_of_queries(member, merchant, provider):
    provider_client = client_for(member(Role.OWNER))
    merchant_client = client_for_user(merchant.owner)

    def add(count):
        made = []
        for _ in range(count):
            made.append(make_review(reviewable_contract(provider, merchant), reply="谢谢").text)
        return made

    assert_query_baseline("api:review-list", lambda: provider_client.get(REVIEWS), add)
    assert_query_baseline("api:merchant-review-list", lambda: merchant_client.get(MERCHANT_REVIEWS), add)
