"""Isolation cases of the contracts domain's reviews routes (merged into tests/tenancy/test_isolation.py);
the shapes are those of tests/tenancy/cases/requests.py.

`reviewable_contract()` and `make_review()` are also the review tests' way to put a contract that may be
reviewed, and a review, in place without the rules."""

import itertools

from contracts.choices import DeliverableStatus
from contracts.models import Review
from linke.tenancy import all_providers

from ...factories import MerchantFactory, ProviderFactory, StoreFactory
from ...factories.contracts import make_contract, make_deliverable
from .requests import reference_rows

_numbers = itertools.count(1)


def reviewable_contract(provider, merchant, **fields):
    """An active contract of `provider` with `merchant` (a new store) with one accepted deliverable; its
    title is unique (a marker that shows it)."""
    city, category = reference_rows()
    store = StoreFactory(merchant=merchant, city=city, category=category)
    fields.setdefault("title", f"评价合同第{next(_numbers)}号")
    contract = make_contract(provider, merchant, stores=[store], **fields)
    make_deliverable(contract, status=DeliverableStatus.ACCEPTED)
    return contract


def make_review(contract, *, stars=(5, 4, 5), text=None, reply=""):
    """A review of `contract` written directly (no rules, no public copy, no rating); its text is unique."""
    from django.utils import timezone

    professionalism, communication, results = stars
    with all_providers():
        return Review.objects.create(
            contract=contract,
            provider_id=contract.provider_id,
            merchant_id=contract.merchant_id,
            professionalism=professionalism,
            communication=communication,
            results=results,
            text=text or f"评价内容第{next(_numbers)}条：服务很专业",
            written_by=contract.merchant.owner,
            reply=reply,
            replied_at=timezone.now() if reply else None,
        )


def received(membership):
    return make_review(reviewable_contract(membership.provider, MerchantFactory()))


def written(merchant):
    return make_review(reviewable_contract(ProviderFactory(), merchant))


def to_review(merchant):
    return reviewable_contract(ProviderFactory(), merchant)


def review_text(review):
    return review.text


def contract_title(contract):
    return contract.title


REPLY = {"text": "感谢您的认可，我们会继续努力！"}
REVIEW = {"professionalism": "5", "communication": "4", "results": "5", "text": "响应及时，效果明显。"}

PROVIDER_ROUTES = {
    "portal:review_reply": (received, review_text, ("get", ("post", REPLY))),
    "api:review-detail": (received, review_text, ("get",)),
    "api:review-reply": (received, review_text, (("post", REPLY),)),
}
MERCHANT_ROUTES = {
    "merchant:review_create": (to_review, contract_title, ("get", ("post", REVIEW))),
    "api:merchant-review-detail": (written, review_text, ("get",)),
}
NOT_OWNED_ROUTES = {}
OWNER_OF = {}
