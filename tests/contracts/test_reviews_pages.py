"""Review pages: the merchant writes a review from the contract's page (stars as radio groups, what was typed
kept on an error), reads its reviews; the provider reads the reviews of its contracts with filters in the URL
and replies once; the review panel of the contract's page on both sides; constant query counts."""

import pytest
from django.urls import reverse

from contracts.choices import ContractStatus, DeliverableStatus
from contracts.models import Review
from linke.tenancy import all_providers
from providers.choices import Role

from ..conftest import client_for
from ..factories import MerchantFactory, StoreFactory
from ..factories.contracts import make_contract, make_deliverable
from ..query_counts import assert_query_baseline
from ..tenancy.cases.requests import reference_rows
from ..tenancy.cases.reviews import make_review, reviewable_contract

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

REVIEW = {"professionalism": "5", "communication": "4", "results": "5", "text": "响应及时，效果明显。"}


def create_url(contract):
    return reverse("merchant:review_create", kwargs={"pk": contract.pk})


def reviews_of(contract):
    with all_providers():
        return list(
            Review.objects.filter(contract=contract).values_list("professionalism", "communication", "results", "text")
        )


# --- the merchant writes a review -------------------------------------------------------------------


def test_the_review_form_offers_five_stars_per_point(merchant_client, merchant, provider):
    contract = reviewable_contract(provider, merchant)
    body = merchant_client.get(create_url(contract)).content.decode()
    assert "Review 阿尔法服务商" in body
    for point in ("professionalism", "communication", "results"):
        for stars in range(1, 6):
            assert f'name="{point}" value="{stars}" class="btn-check"' in body
    assert 'maxlength="2000"' in body


def test_a_merchant_publishes_a_review_and_lands_on_the_contract(merchant_client, merchant, provider):
    contract = reviewable_contract(provider, merchant)
    response = merchant_client.post(create_url(contract), REVIEW)
    assert response.status_code == 302
    assert response["Location"] == reverse("merchant:contract_detail", kwargs={"pk": contract.pk})
    assert reviews_of(contract) == [(5, 4, 5, "响应及时，效果明显。")]
    page = merchant_client.get(response["Location"]).content.decode()
    assert "Thank you: your review of 阿尔法服务商 is on its public profile." in page
    assert "响应及时，效果明显。" in page  # the panel shows it
    assert "The provider has not replied yet." in page


def test_an_invalid_review_keeps_what_was_typed(merchant_client, merchant, provider):
    contract = reviewable_contract(provider, merchant)
    response = merchant_client.post(
        create_url(contract), {"professionalism": "4", "results": "9", "text": "  很好\u202e  "}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="professionalism" value="4" class="btn-check" id="id_professionalism_3" required checked' in body
    assert "Give this point from 1 to 5 stars." in body  # communication missing
    assert "Select a valid choice. 9 is not one of the available choices." in body
    assert "The text cannot contain invisible or text-direction characters (U+202E)." in body
    assert "很好\u202e" in body
    assert reviews_of(contract) == []


def test_a_contract_not_reviewable_yet_says_when(merchant_client, merchant, provider):
    city, category = reference_rows()
    contract = make_contract(provider, merchant, stores=[StoreFactory(merchant=merchant, city=city, category=category)])
    make_deliverable(contract, status=DeliverableStatus.SUBMITTED)
    body = merchant_client.get(create_url(contract)).content.decode()
    assert "You can review this contract once one of its deliverables is accepted or the contract has ended." in body
    assert 'name="professionalism"' not in body
    response = merchant_client.post(create_url(contract), REVIEW)
    assert response.status_code == 200
    assert reviews_of(contract) == []


def test_a_reviewed_contract_leads_to_the_review(merchant_client, merchant, provider):
    contract = reviewable_contract(provider, merchant)
    review = make_review(contract)
    response = merchant_client.get(create_url(contract))
    assert response.status_code == 302
    assert response["Location"] == reverse("merchant:review_list") + f"?contract={contract.pk}"
    body = merchant_client.get(response["Location"]).content.decode()
    assert review.text in body and "You have reviewed this contract already." in body
    again = merchant_client.post(create_url(contract), REVIEW | {"text": "再写一次"}).content.decode()
    assert "This contract has been reviewed already: a contract is reviewed once." in again
    assert len(reviews_of(contract)) == 1


@pytest.mark.parametrize("pk", ["99999999999999999999", "0"])
def test_a_made_up_contract_is_not_found(merchant_client, pk):
    assert merchant_client.get(f"/merchant/contracts/{pk}/review/").status_code == 404


def test_a_nul_in_the_text_is_a_bad_request(merchant_client, merchant, provider):
    contract = reviewable_contract(provider, merchant)
    assert merchant_client.post(create_url(contract), REVIEW | {"text": "好\x00"}).status_code == 400
    assert reviews_of(contract) == []


def test_the_merchant_reads_its_reviews_and_the_replies(merchant_client, merchant, provider, other_merchant):
    mine = make_review(reviewable_contract(provider, merchant), stars=(3, 3, 4), reply="感谢反馈，我们会改进。")
    theirs = make_review(reviewable_contract(provider, other_merchant))
    body = merchant_client.get(reverse("merchant:review_list")).content.decode()
    assert mine.text in body and "感谢反馈，我们会改进。" in body and "3.3" in body
    assert theirs.text not in body
    assert f'href="{reverse("merchant:review_list")}"' in body  # the menu


def test_the_merchant_list_runs_the_same_queries_whatever_it_holds(merchant_client, merchant):
    from ..factories import ProviderFactory

    def add(count):
        return [make_review(reviewable_contract(ProviderFactory(), merchant), reply="谢谢").text for _ in range(count)]

    assert_query_baseline("reviews.merchant_list", lambda: merchant_client.get(reverse("merchant:review_list")), add)


# --- the provider reads and replies -----------------------------------------------------------------


def test_the_provider_reads_the_reviews_of_its_contracts(member, merchant, provider, other_provider):
    client = client_for(member(Role.OWNER))
    mine = make_review(reviewable_contract(provider, merchant))
    theirs = make_review(reviewable_contract(other_provider, merchant))
    body = client.get(reverse("portal:review_list")).content.decode()
    assert mine.text in body and "演示餐饮有限公司" in body and mine.contract.title in body
    assert theirs.text not in body
    assert f'action="{reverse("portal:review_reply", kwargs={"pk": mine.pk})}"' in body
    assert f'href="{reverse("portal:review_list")}"' in body  # the menu


def test_the_filters_stay_in_the_url(member, merchant, provider):
    client = client_for(member(Role.OWNER))
    happy = make_review(reviewable_contract(provider, merchant), stars=(5, 5, 5), reply="谢谢")
    unhappy = make_review(reviewable_contract(provider, merchant), stars=(2, 3, 4))
    silent = make_review(reviewable_contract(provider, merchant), stars=(4, 4, 5))

    def shown(query):
        body = client.get(reverse("portal:review_list") + query).content.decode()
        return [review.text in body for review in (happy, unhappy, silent)]

    assert shown("") == [True, True, True]
    assert shown("?replied=no") == [False, True, True]
    assert shown("?replied=yes") == [True, False, False]
    assert shown("?stars=3") == [False, True, False]
    assert shown("?stars=4&replied=no") == [False, True, False]
    assert shown("?stars=9") == [True, True, True]  # not a choice: the filter form says so, nothing filtered
    assert client.get(reverse("portal:review_list") + "?replied=%00").status_code == 400


def test_who_may_not_reply_sees_no_form(member, merchant, provider):
    review = make_review(reviewable_contract(provider, merchant))
    body = client_for(member(Role.BD)).get(reverse("portal:review_list")).content.decode()
    assert review.text in body and "Not answered yet." in body
    assert reverse("portal:review_reply", kwargs={"pk": review.pk}) not in body


def test_the_provider_list_runs_the_same_queries_whatever_it_holds(member, provider):
    client = client_for(member(Role.OWNER))

    def add(count):
        return [make_review(reviewable_contract(provider, MerchantFactory())).text for _ in range(count)]

    assert_query_baseline("reviews.provider_list", lambda: client.get(reverse("portal:review_list")), add)


def test_the_provider_replies_from_the_list(member, merchant, provider):
    client = client_for(member(Role.ADMIN))
    review = make_review(reviewable_contract(provider, merchant))
    url = reverse("portal:review_reply", kwargs={"pk": review.pk})
    response = client.post(url, {"text": "感谢您的认可！"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:review_list") + f"#review-{review.pk}"
    with all_providers():
        assert Review.objects.get().reply == "感谢您的认可！"
    body = client.get(reverse("portal:review_list")).content.decode()
    assert "Your reply to 演示餐饮有限公司 is published under the review." in body
    assert url not in body  # answered: no form any more
    assert client.get(url).status_code == 302  # the reply page leads back to the list


def test_an_invalid_reply_comes_back_with_what_was_typed(member, merchant, provider):
    client = client_for(member(Role.OWNER))
    review = make_review(reviewable_contract(provider, merchant))
    url = reverse("portal:review_reply", kwargs={"pk": review.pk})
    body = client.post(url, {"text": "好" * 2001}).content.decode()
    assert "Ensure this value has at most 2000 characters (it has 2001)." in body
    assert "好" * 2001 in body
    assert review.text in body
    with all_providers():
        assert Review.objects.get().reply == ""


def test_a_bd_cannot_open_the_reply_page(member, merchant, provider):
    review = make_review(reviewable_contract(provider, merchant))
    client = client_for(member(Role.BD))
    url = reverse("portal:review_reply", kwargs={"pk": review.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": "谢谢"}).status_code == 403
    with all_providers():
        assert Review.objects.get().reply == ""


# --- the panel on the contract's page ---------------------------------------------------------------


def test_the_merchant_panel_offers_to_write_a_review_when_allowed(merchant_client, merchant, provider):
    reviewable = reviewable_contract(provider, merchant)
    body = merchant_client.get(reverse("merchant:contract_detail", kwargs={"pk": reviewable.pk})).content.decode()
    assert f'href="{create_url(reviewable)}"' in body and "Write a review" in body

    city, category = reference_rows()
    running = make_contract(provider, merchant, stores=[StoreFactory(merchant=merchant, city=city, category=category)])
    body = merchant_client.get(reverse("merchant:contract_detail", kwargs={"pk": running.pk})).content.decode()
    assert create_url(running) not in body
    assert "You can review this contract once one of its deliverables is accepted or the contract has ended." in body


def test_the_provider_panel_shows_the_review_and_the_reply_button(member, merchant, provider):
    contract = reviewable_contract(provider, merchant, status=ContractStatus.COMPLETED)
    review = make_review(contract, stars=(4, 5, 3))
    detail = reverse("portal:contract_detail", kwargs={"pk": contract.pk})
    reply_url = reverse("portal:review_reply", kwargs={"pk": review.pk})
    owner_page = client_for(member(Role.OWNER)).get(detail).content.decode()
    assert review.text in owner_page and "4 of 5 stars" in owner_page and f'href="{reply_url}"' in owner_page
    bd_page = client_for(member(Role.BD)).get(detail).content.decode()
    assert review.text in bd_page and reply_url not in bd_page


def test_the_panel_shows_the_reply_to_both_sides(member, merchant_client, merchant, provider):
    contract = reviewable_contract(provider, merchant)
    make_review(contract, reply="感谢您的信任，下季度继续合作！")
    for client, url in [
        (client_for(member(Role.OWNER)), reverse("portal:contract_detail", kwargs={"pk": contract.pk})),
        (merchant_client, reverse("merchant:contract_detail", kwargs={"pk": contract.pk})),
    ]:
        body = client.get(url).content.decode()
        assert "感谢您的信任，下季度继续合作！" in body and "The provider's reply" in body


def test_a_contract_never_signed_has_no_review_panel(member, merchant, provider):
    city, category = reference_rows()
    draft = make_contract(
        provider,
        merchant,
        stores=[StoreFactory(merchant=merchant, city=city, category=category)],
        status=ContractStatus.DRAFT,
    )
    body = (
        client_for(member(Role.OWNER)).get(reverse("portal:contract_detail", kwargs={"pk": draft.pk})).content.decode()
    )
    assert 'id="review-panel-heading"' not in body
