"""评价: the merchant's one review of a contract and the provider's one reply.

The merchant reviews its own contract once one of the contract's deliverables has been accepted or the
contract has ended (`review_create`); the provider's owner, admins and operators reply once
(`review_reply`). Each write is atomic, records a timeline row, an audit event and a domain event in its
transaction, publishes what the public profile shows (`providers.PublicReview`, through the providers
layer's service) and notifies the other side after commit. After a review commits, the provider's rating
and review count are recomputed from all its reviews and written into its standing, which refreshes the
directory listing (`review_standing_refresh`)."""

import logging
import unicodedata
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.actors import Actor, ActorKind
from linke.audit import audit_record
from linke.errors import ApplicationError, ConflictError, PermissionDeniedError
from linke.events import emit
from linke.locks import relock
from linke.notifications import Text, notification_send
from providers.models import Membership
from providers.permissions import MATRIX, Action, require
from providers.services.public_reviews import public_review_publish, public_review_reply
from providers.services.standing import standing_set_reviews
from providers.tenancy import provider_scope

from ..choices import ContractEventKind, ReviewAuditAction, Side
from ..events import REVIEW_CREATED, REVIEW_REPLIED
from ..models import Contract, ContractEvent, Review
from ..rules import REVIEW_TEXT_MAX_LENGTH, reviewer_label
from ..selectors.reviews import contract_reviewable, review_rating_figures

logger = logging.getLogger(__name__)

POINTS = ("professionalism", "communication", "results")
# Line breaks and tabs are part of a text; any other control character, a surrogate or a character that
# changes the reading direction (U+202E makes "好评" read backwards) is not.
ALLOWED_CONTROLS = {"\n", "\t"}
DIRECTION_CHARACTERS = {chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)}


class ReviewExists(ConflictError):
    code = "review_exists"
    default_message = gettext_lazy("This contract has been reviewed already: a contract is reviewed once.")


class ReplyExists(ConflictError):
    code = "reply_exists"
    default_message = gettext_lazy("This review has a reply already: a review is answered once.")


def clean_review_text(text, *, what: str = "review") -> str:
    """A review's or a reply's text as it is kept: line breaks made "\\n", stripped, at most
    `REVIEW_TEXT_MAX_LENGTH` characters, with something visible in it and no hidden characters. Raises
    `ApplicationError` (`text_required`, `text_too_long`, `text_hidden_characters`) saying what is wrong."""
    text = text if isinstance(text, str) else ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    hidden = sorted(
        {
            char
            for char in text
            if char in DIRECTION_CHARACTERS
            or (unicodedata.category(char) in {"Cc", "Cs"} and char not in ALLOWED_CONTROLS)
        }
    )
    if hidden:
        raise ApplicationError(
            _("The text cannot contain invisible or text-direction characters (%(characters)s).")
            % {"characters": ", ".join(f"U+{ord(char):04X}" for char in hidden)},
            code="text_hidden_characters",
        )
    if not any(not char.isspace() and unicodedata.category(char) != "Cf" for char in text):
        message = (
            _("Write a few words about working with this provider.")
            if what == "review"
            else _("Write your reply to the merchant.")
        )
        raise ApplicationError(message, code="text_required")
    if len(text) > REVIEW_TEXT_MAX_LENGTH:
        raise ApplicationError(
            _("The text may be at most %(limit)s characters long; it has %(length)s.")
            % {"limit": f"{REVIEW_TEXT_MAX_LENGTH:,}", "length": f"{len(text):,}"},
            code="text_too_long",
        )
    return text


def _stars(points: dict) -> dict:
    """Each point a whole number of stars from 1 to 5 (`stars_invalid` otherwise)."""
    for name, value in points.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ApplicationError(
                _("Give each point from 1 to 5 stars."), code="stars_invalid", details={"field": name}
            )
    return points


def _optional_url(name: str, **kwargs) -> str:
    """A page of another area of the contracts app (the contract's page), or "" until it exists."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def _timeline(review: Review, *, kind: str, side: str, actor: Actor, note: str = "") -> ContractEvent:
    return ContractEvent.objects.create(
        contract_id=review.contract_id,
        provider_id=review.provider_id,
        merchant_id=review.merchant_id,
        kind=kind,
        side=side,
        actor_name=str(actor.user)[:150] if actor.user is not None else "",
        note=note,
        created_at=timezone.now(),
    )


def _repliers(provider) -> list[Membership]:
    """The provider's members who may reply to a review: those told of a new one."""
    with provider_scope(provider):
        return list(
            Membership.objects.active()
            .filter(provider=provider, role__in=MATRIX[Action.REPLY_REVIEWS])
            .select_related("user")
            .order_by("pk")
        )


def review_create(*, actor: Actor, contract: Contract, professionalism, communication, results, text) -> Review:
    """The merchant reviews its own `contract`: 1–5 stars on professionalism, communication and results,
    and a text. Preconditions: the actor is the contract's merchant; a deliverable of the contract has been
    accepted or the contract has ended (completed, terminated, expired: `review_not_yet` otherwise); the
    contract has no review (`review_exists`; the one-to-one decides a race, the loser gets the same
    message). Runs in the merchant's scope (the merchant channel).

    Side effects, in one transaction: the review, its public copy on the provider's profile, a timeline
    row, an audit event, `review.created`; after commit, the members who may reply are notified (in-app and
    email) and the provider's rating and review count are recomputed."""
    if actor.kind != ActorKind.MERCHANT or actor.merchant is None:
        raise PermissionDeniedError(_("Only the merchant of a contract can review it."))
    if contract.merchant_id != actor.merchant.pk:
        raise PermissionDeniedError(_("You can only review your own contracts."))
    points = _stars({"professionalism": professionalism, "communication": communication, "results": results})
    text = clean_review_text(text)
    with transaction.atomic():
        contract = Contract.objects.select_related("merchant", "provider").get(pk=contract.pk)
        if Review.objects.filter(contract_id=contract.pk).exists():
            raise ReviewExists()
        if not contract_reviewable(contract):
            raise ApplicationError(
                _("You can review this contract once one of its deliverables is accepted or the contract has ended."),
                code="review_not_yet",
            )
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    contract=contract,
                    provider_id=contract.provider_id,
                    merchant_id=contract.merchant_id,
                    written_by=actor.user,
                    text=text,
                    **points,
                )
        except IntegrityError as exc:  # a concurrent review of this contract has just committed
            if not Review.objects.filter(contract_id=contract.pk).exists():
                raise
            raise ReviewExists() from exc
        public_review_publish(
            provider_id=contract.provider_id,
            review_id=review.pk,
            merchant_label=reviewer_label(contract.merchant.name),
            text=text,
            created_at=review.created_at,
            **points,
        )
        _timeline(review, kind=ContractEventKind.REVIEWED, side=Side.MERCHANT, actor=actor, note=f"{review.stars} / 5")
        audit_record(action=ReviewAuditAction.CREATE, obj=review, actor=actor, provider=contract.provider, after=points)
        emit(
            REVIEW_CREATED,
            provider=contract.provider,
            payload={"review_id": review.pk, "contract_id": contract.pk, "merchant_id": contract.merchant_id, **points},
        )
        title = Text(
            gettext_lazy("%(merchant)s reviewed %(contract)s"), merchant=contract.merchant.name, contract=contract.title
        )
        body = Text(gettext_lazy("%(stars)s / 5 stars: %(text)s"), stars=review.stars, text=Truncator(text).chars(200))
        url = reverse("portal:review_list") + f"#review-{review.pk}"
        for member in _repliers(contract.provider):
            notification_send(
                recipient=member.user,
                provider=contract.provider,
                verb=ReviewAuditAction.CREATE,
                title=title,
                body=body,
                url=url,
            )
        review_standing_refresh_on_commit(contract.provider_id)
    return review


@transaction.atomic
def review_reply(*, actor: Actor, review: Review, text) -> Review:
    """The provider replies to a review of one of its contracts, once. Preconditions: the actor may reply
    (REPLY_REVIEWS: owner, admins, operators; checked against a fresh read of the membership); the review
    has no reply (`reply_exists`; the row lock makes two replies at once give one). Runs in the provider's
    scope. Side effects: the reply on the review and on its public copy, a timeline row, an audit event,
    `review.replied`; the merchant is notified after commit (in-app and email)."""
    require(actor, Action.REPLY_REVIEWS, provider=review.provider_id, fresh=True)
    text = clean_review_text(text, what="reply")
    review = relock(review, "contract", "merchant__owner", "provider")
    if review.reply:
        raise ReplyExists()
    review.reply, review.replied_by, review.replied_at = text, actor.user, timezone.now()
    review.save(update_fields=["reply", "replied_by", "replied_at"])
    public_review_reply(review_id=review.pk, reply=text, replied_at=review.replied_at)
    _timeline(review, kind=ContractEventKind.REVIEW_REPLIED, side=Side.PROVIDER, actor=actor)
    audit_record(
        action=ReviewAuditAction.REPLY, obj=review, actor=actor, provider=review.provider, after={"reply": text}
    )
    emit(
        REVIEW_REPLIED,
        provider=review.provider,
        payload={"review_id": review.pk, "contract_id": review.contract_id, "merchant_id": review.merchant_id},
    )
    notification_send(
        recipient=review.merchant.owner,
        verb=ReviewAuditAction.REPLY,
        title=Text(gettext_lazy("%(provider)s replied to your review"), provider=review.provider.name),
        body=Truncator(text).chars(200),
        url=_optional_url("merchant:review_list") + f"#review-{review.pk}",
    )
    return review


def review_standing_refresh(provider_ids: Iterable[int]) -> int:
    """Recompute the rating and review count of some providers from all their reviews (one grouped query)
    and write them into their standings (one statement, under the standings' locks; the directory
    listings are refreshed after commit). Safe to run at any time, any number of times: it only reads the
    reviews. Returns the number of standings changed."""
    return standing_set_reviews(provider_ids=provider_ids, figures_of=review_rating_figures)


def review_standing_refresh_on_commit(provider_id: int) -> None:
    """`review_standing_refresh` of one provider once the caller's transaction has committed. `robust`: a
    failure must not fail the review that has committed; the next review of the provider, or a call of
    `review_standing_refresh`, repairs the figures."""
    transaction.on_commit(lambda: review_standing_refresh([provider_id]), robust=True)
