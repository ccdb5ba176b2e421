"""Reviews, the rules: when a merchant may review (an accepted deliverable or an ended contract), once per
contract also under two concurrent creates, the text and the stars, the provider's one reply (also under
two concurrent replies), the rating arithmetic and the standing it writes, and what is recorded and told
(public copy, timeline, audit, events, notifications)."""

import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from contracts.choices import ContractStatus, DeliverableStatus
from contracts.models import ContractEvent, Review
from contracts.rules import review_rating, reviewer_label
from contracts.services.reviews import review_create, review_reply, review_standing_refresh
from linke.actors import Actor
from linke.errors import ApplicationError, ConflictError, PermissionDeniedError
from linke.models import AuditEvent, DomainEvent, Notification
from linke.tenancy import all_providers
from merchants.tenancy import merchant_scope
from providers.choices import Role
from providers.models import DirectoryListing, ProviderStanding, PublicReview
from providers.tenancy import provider_scope

from ..factories import MerchantFactory, StoreFactory
from ..factories.contracts import make_contract, make_deliverable
from ..tenancy.cases.requests import reference_rows
from ..tenancy.cases.reviews import make_review, reviewable_contract

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TEXT = "响应及时，短视频效果明显，门店客流增加。"


def as_merchant(merchant):
    return Actor.for_merchant(merchant, user=merchant.owner)


def write(merchant, contract, stars=(5, 4, 5), text=TEXT):
    professionalism, communication, results = stars
    with merchant_scope(merchant):
        return review_create(
            actor=as_merchant(merchant),
            contract=contract,
            professionalism=professionalism,
            communication=communication,
            results=results,
            text=text,
        )


def reply(membership, review, text="感谢认可！"):
    with provider_scope(membership.provider):
        return review_reply(actor=Actor.member(membership), review=review, text=text)


def contract_without_acceptance(
    provider, merchant, *, status=ContractStatus.ACTIVE, deliverable=DeliverableStatus.SUBMITTED
):
    city, category = reference_rows()
    contract = make_contract(
        provider, merchant, stores=[StoreFactory(merchant=merchant, city=city, category=category)], status=status
    )
    if deliverable:
        make_deliverable(contract, status=deliverable)
    return contract


def standing(provider):
    row = ProviderStanding.objects.get(provider=provider)
    return row.rating, row.review_count


# --- when a review may be written -------------------------------------------------------------------


@pytest.mark.parametrize(
    "deliverable", [None, DeliverableStatus.PENDING, DeliverableStatus.SUBMITTED, DeliverableStatus.REJECTED]
)
def test_a_running_contract_without_an_accepted_deliverable_cannot_be_reviewed(provider, merchant, deliverable):
    contract = contract_without_acceptance(provider, merchant, deliverable=deliverable)
    with pytest.raises(ApplicationError) as refused:
        write(merchant, contract)
    assert refused.value.code == "review_not_yet"
    assert str(refused.value.message) == (
        "You can review this contract once one of its deliverables is accepted or the contract has ended."
    )
    with all_providers():
        assert Review.objects.count() == 0
        assert ContractEvent.objects.filter(kind="reviewed").count() == 0
    assert PublicReview.objects.count() == 0


@pytest.mark.parametrize(
    "status", [ContractStatus.SIGNED, ContractStatus.PROPOSED, ContractStatus.REJECTED, ContractStatus.CANCELLED]
)
def test_a_contract_that_never_ran_or_runs_without_acceptance_is_refused(provider, merchant, status):
    contract = contract_without_acceptance(provider, merchant, status=status, deliverable=None)
    with pytest.raises(ApplicationError, match="once one of its deliverables is accepted"):
        write(merchant, contract)


def test_after_a_deliverable_is_accepted_the_merchant_reviews(provider, merchant, django_capture_on_commit_callbacks):
    contract = reviewable_contract(provider, merchant)
    with django_capture_on_commit_callbacks(execute=True):
        review = write(merchant, contract, stars=(5, 4, 5))
    with all_providers():
        stored = Review.objects.get()
    assert (stored.pk, stored.contract_id, stored.provider_id, stored.merchant_id) == (
        review.pk,
        contract.pk,
        provider.pk,
        merchant.pk,
    )
    assert (stored.professionalism, stored.communication, stored.results, stored.text) == (5, 4, 5, TEXT)
    assert stored.written_by == merchant.owner
    assert stored.stars == Decimal("4.7")
    assert standing(provider) == (Decimal("4.67"), 1)


@pytest.mark.parametrize("status", [ContractStatus.COMPLETED, ContractStatus.TERMINATED, ContractStatus.EXPIRED])
def test_an_ended_contract_is_reviewed_without_an_accepted_deliverable(provider, merchant, status):
    contract = contract_without_acceptance(provider, merchant, status=status, deliverable=DeliverableStatus.PENDING)
    review = write(merchant, contract, stars=(3, 3, 4))
    assert (review.professionalism, review.communication, review.results) == (3, 3, 4)


def test_a_contract_is_reviewed_once(provider, merchant):
    contract = reviewable_contract(provider, merchant)
    write(merchant, contract)
    with pytest.raises(ConflictError) as refused:
        write(merchant, contract, stars=(1, 1, 1), text="改主意了")
    assert refused.value.code == "review_exists"
    assert str(refused.value.message) == "This contract has been reviewed already: a contract is reviewed once."
    with all_providers():
        assert list(Review.objects.values_list("professionalism", "text")) == [(5, TEXT)]
    assert PublicReview.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_reviews_of_one_contract_leave_one(provider, merchant):
    contract = reviewable_contract(provider, merchant)
    barrier = threading.Barrier(2)
    outcomes = []

    def review_concurrently(text):
        try:
            barrier.wait()
            write(merchant, contract, text=text)
            outcomes.append("written")
        except ApplicationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=review_concurrently, args=(f"第{n}条评价",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["review_exists", "written"]
    with all_providers():
        assert Review.objects.filter(contract=contract).count() == 1
        assert ContractEvent.objects.filter(contract=contract, kind="reviewed").count() == 1
    assert PublicReview.objects.count() == 1
    assert AuditEvent.objects.filter(action="review.create").count() == 1
    assert DomainEvent.objects.filter(type="review.created").count() == 1
    assert standing(provider) == (Decimal("4.67"), 1)


def test_a_merchant_cannot_review_another_merchants_contract(provider, merchant, other_merchant):
    contract = reviewable_contract(provider, other_merchant)
    with pytest.raises(PermissionDeniedError, match="You can only review your own contracts."):
        write(merchant, contract)


def test_only_a_merchant_reviews(provider, merchant, member):
    contract = reviewable_contract(provider, merchant)
    with provider_scope(provider), pytest.raises(PermissionDeniedError, match="Only the merchant of a contract"):
        review_create(
            actor=Actor.member(member(Role.OWNER)),
            contract=contract,
            professionalism=5,
            communication=5,
            results=5,
            text=TEXT,
        )


@pytest.mark.parametrize(
    ("stars", "text", "code"),
    [
        ((0, 4, 5), TEXT, "stars_invalid"),
        ((5, 6, 5), TEXT, "stars_invalid"),
        ((5, "4", 5), TEXT, "stars_invalid"),
        ((True, 4, 5), TEXT, "stars_invalid"),
        ((5, 4, 5), "", "text_required"),
        ((5, 4, 5), " \n\t\u200b ", "text_required"),
        ((5, 4, 5), None, "text_required"),
        ((5, 4, 5), "好评\x00", "text_hidden_characters"),
        ((5, 4, 5), "\u202e评好", "text_hidden_characters"),
        ((5, 4, 5), "好" * 2001, "text_too_long"),
    ],
)
def test_bad_stars_or_text_are_refused_and_nothing_is_written(provider, merchant, stars, text, code):
    contract = reviewable_contract(provider, merchant)
    with pytest.raises(ApplicationError) as refused:
        write(merchant, contract, stars=stars, text=text)
    assert refused.value.code == code
    with all_providers():
        assert Review.objects.count() == 0


def test_text_is_kept_stripped_with_its_line_breaks_up_to_2000_characters(provider, merchant):
    review = write(
        merchant, reviewable_contract(provider, merchant), text="  第一行\r\n第二行👍\n" + "好" * 1991 + "  "
    )
    assert review.text == "第一行\n第二行👍\n" + "好" * 1991
    assert len(review.text) == 2000


def test_too_long_says_how_long(provider, merchant):
    with pytest.raises(ApplicationError) as refused:
        write(merchant, reviewable_contract(provider, merchant), text="好" * 2345)
    assert str(refused.value.message) == "The text may be at most 2,000 characters long; it has 2,345."


# --- what a review records and tells ----------------------------------------------------------------


def test_a_review_is_recorded_published_and_told(provider, merchant, member, django_capture_on_commit_callbacks):
    owner, admin, operator = member(Role.OWNER), member(Role.ADMIN), member(Role.OPERATOR)
    member(Role.BD), member(Role.VIEWER)
    contract = reviewable_contract(provider, merchant)
    with django_capture_on_commit_callbacks(execute=True):
        review = write(merchant, contract, stars=(5, 4, 5))

    public = PublicReview.objects.get()
    assert (public.provider_id, public.review_id, public.merchant_label, public.text) == (
        provider.pk,
        review.pk,
        "演示餐饮…",
        TEXT,
    )
    assert (public.professionalism, public.communication, public.results, public.reply) == (5, 4, 5, "")
    with all_providers():
        event = ContractEvent.objects.get(contract=contract, kind="reviewed")
    assert (event.side, event.actor_name, event.note) == ("merchant", str(merchant.owner), "4.7 / 5")
    audit = AuditEvent.objects.get(action="review.create")
    assert (audit.object_id, audit.provider_id, audit.actor_id) == (str(review.pk), provider.pk, merchant.owner.pk)
    assert audit.after == {"professionalism": 5, "communication": 4, "results": 5}
    domain = DomainEvent.objects.get(type="review.created")
    assert domain.provider_id == provider.pk
    assert domain.payload == {
        "review_id": review.pk,
        "contract_id": contract.pk,
        "merchant_id": merchant.pk,
        "professionalism": 5,
        "communication": 4,
        "results": 5,
    }
    told = Notification.objects.filter(verb="review.create").order_by("recipient_id")
    assert sorted(n.recipient_id for n in told) == sorted(m.user_id for m in (owner, admin, operator))
    assert {n.title for n in told} == {f"演示餐饮有限公司 评价了“{contract.title}”"}  # in the reader's language
    assert {n.url for n in told} == {f"/portal/reviews/#review-{review.pk}"}
    assert len(mail.outbox) == 3


# --- the reply --------------------------------------------------------------------------------------


def test_the_provider_replies_once(provider, merchant, member, django_capture_on_commit_callbacks):
    owner = member(Role.OWNER)
    review = write(merchant, reviewable_contract(provider, merchant))
    with django_capture_on_commit_callbacks(execute=True):
        replied = reply(owner, review, "  感谢您的认可！\r\n我们会继续努力。 ")
    assert replied.reply == "感谢您的认可！\n我们会继续努力。"
    assert replied.replied_by == owner.user and replied.replied_at is not None
    public = PublicReview.objects.get()
    assert (public.reply, public.replied_at) == ("感谢您的认可！\n我们会继续努力。", replied.replied_at)
    with all_providers():
        event = ContractEvent.objects.get(kind="review_replied")
    assert (event.contract_id, event.side, event.actor_name) == (review.contract_id, "provider", str(owner.user))
    assert AuditEvent.objects.get(action="review.reply").after == {"reply": "感谢您的认可！\n我们会继续努力。"}
    assert DomainEvent.objects.get(type="review.replied").payload == {
        "review_id": review.pk,
        "contract_id": review.contract_id,
        "merchant_id": merchant.pk,
    }
    told = Notification.objects.get(verb="review.reply")
    assert (told.recipient, told.title, told.body) == (
        merchant.owner,
        "阿尔法服务商 回复了您的评价",
        "感谢您的认可！\n我们会继续努力。",
    )
    assert told.url == f"/merchant/reviews/#review-{review.pk}"

    with pytest.raises(ConflictError) as refused:
        reply(member(Role.ADMIN), review, "再回复一次")
    assert refused.value.code == "reply_exists"
    with all_providers():
        assert Review.objects.get().reply == "感谢您的认可！\n我们会继续努力。"
    assert AuditEvent.objects.filter(action="review.reply").count() == 1


@pytest.mark.parametrize("role", [Role.BD, Role.VIEWER])
def test_only_owner_admins_and_operators_reply(provider, merchant, member, role):
    review = make_review(reviewable_contract(provider, merchant))
    with pytest.raises(PermissionDeniedError, match="Only the owner, admins and operators can reply to reviews."):
        reply(member(role), review)
    with all_providers():
        assert Review.objects.get().reply == ""


def test_a_member_of_another_provider_cannot_reply(provider, other_provider, merchant, member):
    review = make_review(reviewable_contract(provider, merchant))
    with pytest.raises(PermissionDeniedError):
        reply(member(Role.OWNER, provider=other_provider), review)


@pytest.mark.parametrize(
    ("text", "code"), [("", "text_required"), ("\u200b", "text_required"), ("好" * 2001, "text_too_long")]
)
def test_a_reply_needs_visible_text(provider, merchant, member, text, code):
    review = make_review(reviewable_contract(provider, merchant))
    with pytest.raises(ApplicationError) as refused:
        reply(member(Role.OWNER), review, text)
    assert refused.value.code == code


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_replies_leave_one(provider, merchant, member):
    review = make_review(reviewable_contract(provider, merchant))
    owner, admin = member(Role.OWNER), member(Role.ADMIN)
    barrier = threading.Barrier(2)
    outcomes = []

    def reply_concurrently(membership, text):
        try:
            barrier.wait()
            reply(membership, review, text)
            outcomes.append("replied")
        except ApplicationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=reply_concurrently, args=args) for args in ((owner, "甲"), (admin, "乙"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["replied", "reply_exists"]
    with all_providers():
        assert Review.objects.get().reply in {"甲", "乙"}
        assert ContractEvent.objects.filter(kind="review_replied").count() == 1
    assert AuditEvent.objects.filter(action="review.reply").count() == 1


# --- the rating -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points_total", "count", "rating"),
    [
        (0, 0, None),
        (14, 1, Decimal("4.67")),
        (24, 2, Decimal("4.00")),
        (3, 1, Decimal("1.00")),
        (15, 1, Decimal("5.00")),
    ],
)
def test_the_rating_is_the_mean_of_the_averages_two_places_half_up(points_total, count, rating):
    assert review_rating(points_total, count) == rating


def test_half_a_hundredth_rounds_up():
    # 3 reviews with 41 points: 41 / 9 = 4.555… → 4.56; 40 reviews with 183 points: 183 / 120 = 1.525
    # exactly → 1.53 (half even would say 1.52).
    assert review_rating(41, 3) == Decimal("4.56")
    assert review_rating(183, 40) == Decimal("1.53")


def test_reviews_5_4_5_and_3_3_4_make_a_rating_of_4_00(provider, merchant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        write(merchant, reviewable_contract(provider, merchant), stars=(5, 4, 5))
    assert standing(provider) == (Decimal("4.67"), 1)
    with django_capture_on_commit_callbacks(execute=True):
        other = MerchantFactory(name="别家烧烤店")
        write(other, reviewable_contract(provider, other), stars=(3, 3, 4))
    assert standing(provider) == (Decimal("4.00"), 2)
    listing = DirectoryListing.objects.get(provider=provider)
    assert (listing.rating, listing.review_count) == (Decimal("4.00"), 2)


def test_the_refresh_counts_only_the_providers_own_reviews(provider, other_provider, merchant):
    make_review(reviewable_contract(provider, merchant), stars=(1, 1, 1))
    make_review(reviewable_contract(provider, merchant), stars=(5, 5, 5))
    make_review(reviewable_contract(other_provider, merchant), stars=(2, 2, 2))
    assert review_standing_refresh([provider.pk, other_provider.pk]) == 2
    assert standing(provider) == (Decimal("3.00"), 2)
    assert standing(other_provider) == (Decimal("2.00"), 1)
    assert review_standing_refresh([provider.pk, other_provider.pk]) == 0  # nothing changed: nothing written


def test_a_provider_without_reviews_has_no_rating(provider):
    ProviderStanding.objects.filter(provider=provider).update(rating=Decimal("4.50"), review_count=3)
    review_standing_refresh([provider.pk])
    assert standing(provider) == (None, 0)


@pytest.mark.parametrize(
    ("name", "label"),
    [("演示餐饮有限公司", "演示餐饮…"), ("老王烧烤", "老…"), ("KFC", "K…"), (" 阿  尔法餐饮 ", "阿 尔法…")],
)
def test_the_public_name_is_shortened(name, label):
    assert reviewer_label(name) == label
