"""Who is acting: the one value every service takes as `actor`.

A channel makes it where it authenticates (`request.actor`): the provider portal and the API make a
member (or, later, an API key) actor, the merchant portal a merchant actor, the admin an operator actor,
tasks and commands the system actor. Services check what the actor may do and record it in the audit
trail; they never read the request. The tenant layers give `membership`, `api_key` and `merchant`
their meaning (`providers.Membership`, ...): this module knows them only by their attributes.
"""

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    MEMBER = "member", _("Provider member")
    API_KEY = "api_key", _("API key")
    MERCHANT = "merchant", _("Merchant")
    OPERATOR = "operator", _("Platform operator")
    USER = "user", _("Signed-in user")  # acting for themselves: an applicant, an invitee
    ANONYMOUS = "anonymous", _("Visitor")  # the public pages (/verify/)
    SYSTEM = "system", _("System")  # tasks, commands, domain-event subscribers


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    user: Any = None  # the person behind the action, when there is one (never for API keys and the system)
    membership: Any = None  # a member's membership in the provider they act for
    api_key: Any = None
    merchant: Any = None

    @classmethod
    def member(cls, membership) -> "Actor":
        return cls(ActorKind.MEMBER, user=membership.user, membership=membership)

    @classmethod
    def for_merchant(cls, merchant, *, user) -> "Actor":
        return cls(ActorKind.MERCHANT, user=user, merchant=merchant)

    @classmethod
    def operator(cls, user) -> "Actor":
        if not (user.is_active and user.is_staff):
            raise ValueError(f"{user} is not a platform operator")
        return cls(ActorKind.OPERATOR, user=user)

    @classmethod
    def for_user(cls, user) -> "Actor":
        """A signed-in person acting for themselves, or `ANONYMOUS` for a visitor who is not."""
        if user is None or not user.is_authenticated:
            return cls(ActorKind.ANONYMOUS)
        return cls(ActorKind.USER, user=user)

    @classmethod
    def system(cls) -> "Actor":
        return cls(ActorKind.SYSTEM)

    @property
    def is_operator(self) -> bool:
        return self.kind == ActorKind.OPERATOR

    @property
    def provider_id(self) -> int | None:
        """The provider a member (or API key) acts for; None for every other actor."""
        owner = self.membership or self.api_key
        return owner.provider_id if owner is not None else None

    def __str__(self):
        return str(self.user) if self.user is not None else str(self.kind.label)
