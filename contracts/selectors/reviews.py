"""Reads of the contracts domain's reviews area: whether a contract may be reviewed, the review lists of
both sides, the figures of a provider's rating, and the review panel of a contract's page.

Each list takes the channel's scoped queryset, so a provider sees the reviews of its contracts and a
merchant the reviews it wrote, and nothing else."""

from dataclasses import dataclass

from django.db.models import Count, F, QuerySet, Sum

from linke.tenancy import all_providers

from ..choices import ContractStatus, DeliverableStatus, Side
from ..models import Contract, Deliverable, Review
from ..rules import review_rating

# A contract may be reviewed once it has ended this way (SPEC §5: "or a contract ends"); a rejected or a
# cancelled one never ran, or ran less than its cooling-off: nothing to review unless a deliverable was
# accepted.
ENDED_STATUSES = (ContractStatus.COMPLETED, ContractStatus.TERMINATED, ContractStatus.EXPIRED)


def contract_reviewable(contract: Contract) -> bool:
    """Whether the merchant may review `contract` (setting the review aside): it has ended, or one of its
    deliverables has been accepted. One query at most, inside the caller's scope."""
    if contract.status in ENDED_STATUSES:
        return True
    return Deliverable.objects.filter(contract_id=contract.pk, status=DeliverableStatus.ACCEPTED).exists()


def _points_total():
    return F("professionalism") + F("communication") + F("results")


def review_list(queryset: QuerySet) -> QuerySet:
    """Reviews newest first, with the contract, the merchant, the provider and who replied (both sides).
    `points_total` is the sum of the three points (3–15), for the filters."""
    return (
        queryset.select_related("contract", "merchant", "provider", "replied_by")
        .annotate(points_total=_points_total())
        .order_by("-created_at", "-pk")
    )


def review_detail(queryset: QuerySet) -> QuerySet:
    """One review with what its pages and API show."""
    return review_list(queryset)


def review_rating_figures(provider_ids: list[int]) -> dict[int, tuple]:
    """{provider id: (rating, review count)} of the providers of `provider_ids` that have reviews, in one
    grouped query. Every merchant's reviews of a provider count, whoever asks: read across the tenant
    dimensions on purpose (the rating is public standing data)."""
    with all_providers():
        rows = (
            Review.objects.filter(provider_id__in=provider_ids)
            .values("provider_id")
            .annotate(points=Sum(_points_total()), count=Count("pk"))
            .values_list("provider_id", "points", "count")
        )
        return {provider_id: (review_rating(points, count), count) for provider_id, points, count in rows}


@dataclass(frozen=True)
class ReviewPanel:
    """The reviews panel of a contract's page: the review (and reply), or what the reader may do."""

    side: str
    contract: Contract
    review: Review | None
    reviewable: bool  # the merchant may write the review now

    @property
    def can_write(self) -> bool:
        return self.side == Side.MERCHANT and self.review is None and self.reviewable

    @property
    def awaits_reply(self) -> bool:
        """A review without a reply yet (the provider's "reply" button, for those who may reply)."""
        return self.review is not None and not self.review.reply


def contract_detail_context(*, contract, side: str) -> dict:
    """What this area adds to a contract's detail page (`side`: "provider" or "merchant"), rendered by
    templates/contracts/reviews/_contract_panel.html: `review_panel`. Two queries at most, in the page's
    scope. A contract that was never signed has no panel (None)."""
    if contract.signed_at is None:
        return {"review_panel": None}
    review = review_detail(Review.objects.filter(contract_id=contract.pk)).first()
    reviewable = review is not None or contract_reviewable(contract)
    return {"review_panel": ReviewPanel(side=side, contract=contract, review=review, reviewable=reviewable)}
