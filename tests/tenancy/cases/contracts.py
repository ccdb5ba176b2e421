"""Isolation cases of the contracts domain's contracts routes (merged into tests/tenancy/test_isolation.py);
the shapes are those of tests/tenancy/cases/requests.py. Each own object is made in the state in which the
probed action succeeds, so that the probe of the own object proves the route works for its owner."""

from datetime import timedelta

from django.utils import timezone

from contracts.choices import ContractKind, ContractStatus, Side
from linke.tenancy import all_providers
from providers.choices import CooperationMode
from providers.models import Provider

from ...factories import MerchantFactory, ProviderFactory, StoreFactory
from ...factories.contracts import make_contract
from .requests import reference_rows

STATUS = ContractStatus


def _store(merchant):
    city, category = reference_rows()
    return StoreFactory(merchant=merchant, city=city, category=category)


def _ours(provider, status, **fields):
    merchant = MerchantFactory()
    return make_contract(provider, merchant, stores=[_store(merchant)], status=status, **fields)


def _theirs(merchant, status, **fields):
    return make_contract(ProviderFactory(), merchant, stores=[_store(merchant)], status=status, **fields)


def _later(days):
    return timezone.localdate() + timedelta(days=days)


def _pending_notice(by):
    """An active contract ending in 90 days, with `by`'s notice asking to end it in 5 (awaiting agreement)."""
    return {
        "end": _later(90),
        "notice_end_date": _later(5),
        "notice_by": by,
        "notice_at": timezone.now(),
        "notice_reason": "门店装修暂停营业",
    }


def draft(membership):
    return _ours(membership.provider, STATUS.DRAFT)


def proposed(membership):
    return _ours(membership.provider, STATUS.PROPOSED)


def active(membership):
    return _ours(membership.provider, STATUS.ACTIVE, end=_later(90))


def asked_to_end_early(membership):
    return _ours(membership.provider, STATUS.ACTIVE, **_pending_notice(Side.MERCHANT))


def upgradable(membership):
    with all_providers():
        Provider.objects.filter(pk=membership.provider_id).update(cooperation_modes=list(CooperationMode.values))
    return active(membership)


def proposed_to(merchant):
    return _theirs(merchant, STATUS.PROPOSED)


def active_of(merchant):
    return _theirs(merchant, STATUS.ACTIVE, end=_later(90))


def in_cooling_off(merchant):
    return _theirs(merchant, STATUS.SIGNED, kind=ContractKind.FULL_OPERATION, start=_later(3))


def notice_from_provider(merchant):
    return _theirs(merchant, STATUS.ACTIVE, **_pending_notice(Side.PROVIDER))


def title(contract):
    return contract.title


REASON = {"reason": "预算调整，暂不合作"}
NOTICE = {"end_date": _later(40).isoformat(), "reason": "经营方向调整"}
UPGRADE = {
    "title": "升级为代运营",
    "start_date": _later(1).isoformat(),
    "end_date": _later(120).isoformat(),
    "monthly_fee": "3000.00",
    "standards[0]kind": "short_videos",
    "standards[0]target": "8",
}

PROVIDER_ROUTES = {
    "portal:contract_detail": (active, title, ("get",)),
    "portal:contract_edit": (draft, title, ("get", "post")),
    "portal:contract_propose": (draft, title, ("post",)),
    "portal:contract_cancel": (proposed, title, ("get", ("post", REASON))),
    "portal:contract_notice": (active, title, ("get", ("post", NOTICE))),
    "portal:contract_notice_agree": (asked_to_end_early, title, ("post",)),
    "portal:contract_upgrade": (upgradable, title, ("get", "post")),
    "api:contract-detail": (draft, title, ("get", "patch")),
    "api:contract-propose": (draft, title, ("post",)),
    "api:contract-revise": (proposed, title, ("post",)),
    "api:contract-cancel": (proposed, title, (("post", REASON),)),
    "api:contract-notice": (active, title, (("post", NOTICE),)),
    "api:contract-agree-notice": (asked_to_end_early, title, ("post",)),
    "api:contract-upgrade": (upgradable, title, (("post", UPGRADE),)),
}
MERCHANT_ROUTES = {
    "merchant:contract_detail": (active_of, title, ("get",)),
    "merchant:contract_sign": (proposed_to, title, ("get", ("post", {"version": "1"}))),
    "merchant:contract_reject": (proposed_to, title, ("get", ("post", REASON))),
    "merchant:contract_cancel": (in_cooling_off, title, ("get", ("post", REASON))),
    "merchant:contract_notice": (active_of, title, ("get", ("post", NOTICE))),
    "merchant:contract_notice_agree": (notice_from_provider, title, ("post",)),
    "merchant:contract_return_to_pool": (active_of, title, (("post", {"agree": "yes"}),)),
    "api:merchant-contract-detail": (active_of, title, ("get",)),
    "api:merchant-contract-sign": (proposed_to, title, (("post", {"version": "1"}),)),
    "api:merchant-contract-reject": (proposed_to, title, (("post", REASON),)),
    "api:merchant-contract-cancel": (in_cooling_off, title, (("post", REASON),)),
    "api:merchant-contract-notice": (active_of, title, (("post", NOTICE),)),
    "api:merchant-contract-agree-notice": (notice_from_provider, title, ("post",)),
    "api:merchant-contract-return-to-pool": (active_of, title, (("post", {"agree": "true"}),)),
}
NOT_OWNED_ROUTES = {}
OWNER_OF = {}
