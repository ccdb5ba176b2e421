"""The reviews a provider's public profile shows (`PublicReview`): written by the contracts app's review
services, in their transactions, so that the copy commits (or rolls back) with the review it copies.

The contracts app owns the reviews and their rules; this layer only keeps what the public may read (it
cannot import contracts: CONVENTIONS §1, standing data). The provider's rating and review count are the
standing's (`standing.standing_set_reviews`)."""

from datetime import datetime

from ..models import PublicReview


def public_review_publish(
    *,
    provider_id: int,
    review_id: int,
    merchant_label: str,
    professionalism: int,
    communication: int,
    results: int,
    text: str,
    created_at: datetime,
) -> PublicReview:
    """Show a new review on the provider's profile. Idempotent: publishing the same `review_id` again
    rewrites its copy (the unique `review_id` keeps one)."""
    review, _created = PublicReview.objects.update_or_create(
        review_id=review_id,
        defaults={
            "provider_id": provider_id,
            "merchant_label": merchant_label,
            "professionalism": professionalism,
            "communication": communication,
            "results": results,
            "text": text,
            "created_at": created_at,
        },
    )
    return review


def public_review_reply(*, review_id: int, reply: str, replied_at: datetime) -> int:
    """Show the provider's reply under its published review; returns the rows changed (0 when the review
    was never published)."""
    return PublicReview.objects.filter(review_id=review_id).update(reply=reply, replied_at=replied_at)
