"""The merchants app's part of deactivating a member (`providers.handover`): the merchants they look after
(跟进人) go to the successor in the deactivation's transaction. Registered by `MerchantsConfig.ready()`."""

from django.utils.translation import ngettext

from providers import handover

from .models import AccountAssignment
from .services.accounts import account_hand_over, may_own_accounts


def holdings(membership) -> list[tuple[str, int]]:
    count = AccountAssignment.objects.filter(member=membership, ended_at__isnull=True).count()
    return [(ngettext("%(count)s merchant", "%(count)s merchants", count) % {"count": count}, count)]


def hand_over(membership, successor, actor) -> None:
    account_hand_over(actor=actor, membership=membership, successor=successor)


def register() -> None:
    handover.register("merchants.accounts", holdings=holdings, hand_over=hand_over, accepts=may_own_accounts)
