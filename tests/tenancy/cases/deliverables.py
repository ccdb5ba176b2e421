"""Isolation cases of the contracts domain's deliverables routes (merged into tests/tenancy/test_isolation.py);
the shapes are those of tests/tenancy/cases/requests.py.

`deliverable_of()` is also a way to put a deliverable (with an evidence file, when asked) in place without
the rules."""

import itertools

from django.core.files.base import ContentFile

from contracts.choices import DeliverableStatus
from contracts.models import Deliverable
from linke.tenancy import all_providers
from providers.models import private_storage

from ...factories import MerchantFactory, ProviderFactory, StoreFactory
from ...factories.contracts import make_contract, make_deliverable
from .requests import reference_rows

_numbers = itertools.count(1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LINK = "https://www.douyin.com/video/7300000000000000009"


def deliverable_of(provider, merchant, *, status=DeliverableStatus.PENDING, with_file=False):
    """A deliverable of an active specialized contract of `provider` with `merchant` (a new store); its
    title is unique (a marker that shows it)."""
    city, category = reference_rows()
    store = StoreFactory(merchant=merchant, city=city, category=category)
    contract = make_contract(provider, merchant, stores=[store])
    deliverable = make_deliverable(contract, status=status, title=f"交付物隔离第{next(_numbers)}号")
    if with_file:
        name = private_storage.save(f"deliverables/isolation-{deliverable.pk}.pdf", ContentFile(PDF))
        with all_providers():
            Deliverable.objects.filter(pk=deliverable.pk).update(evidence_file=name, evidence_name="证据.pdf")
        deliverable.refresh_from_db()
    return deliverable


def to_submit(membership):
    return deliverable_of(membership.provider, MerchantFactory())


def with_file(membership):
    return deliverable_of(membership.provider, MerchantFactory(), status=DeliverableStatus.SUBMITTED, with_file=True)


def to_answer(merchant):
    return deliverable_of(ProviderFactory(), merchant, status=DeliverableStatus.SUBMITTED)


def merchant_file(merchant):
    return deliverable_of(ProviderFactory(), merchant, status=DeliverableStatus.SUBMITTED, with_file=True)


def kpi_result_of(provider, merchant):
    from datetime import date
    from decimal import Decimal

    from django.utils import timezone

    from contracts.choices import ContractKind
    from contracts.models import KpiResult

    city, category = reference_rows()
    store = StoreFactory(merchant=merchant, city=city, category=category)
    contract = make_contract(
        provider, merchant, stores=[store], kind=ContractKind.FULL_OPERATION, title=f"指标合同第{next(_numbers)}号"
    )
    with all_providers():
        standard = contract.standards.first()
        return KpiResult.objects.create(
            contract=contract,
            provider=provider,
            merchant=merchant,
            standard=standard,
            period=date(2027, 1, 1),
            target=standard.target,
            actual=Decimal("1.00"),
            met=False,
            evaluated_at=timezone.now(),
        )


def title(deliverable):
    return deliverable.title


def contract_title(result):
    with all_providers():
        return result.contract.title


SUBMIT = {"links": LINK}
REJECT = {"reason": "画面太暗，请重拍"}

PROVIDER_ROUTES = {
    "portal:deliverable_detail": (to_submit, title, ("get",)),
    "portal:deliverable_submit": (to_submit, title, (("post", SUBMIT),)),
    "portal:deliverable_evidence": (with_file, title, ("get",)),
    "api:deliverable-detail": (to_submit, title, ("get",)),
    "api:deliverable-submit": (to_submit, title, (("post", SUBMIT),)),
    "api:deliverable-evidence": (with_file, title, ("get",)),
    "api:kpi-result-detail": (
        lambda membership: kpi_result_of(membership.provider, MerchantFactory()),
        contract_title,
        ("get",),
    ),
}
MERCHANT_ROUTES = {
    "merchant:deliverable_detail": (to_answer, title, ("get",)),
    "merchant:deliverable_accept": (to_answer, title, ("post",)),
    "merchant:deliverable_reject": (to_answer, title, (("post", REJECT),)),
    "merchant:deliverable_evidence": (merchant_file, title, ("get",)),
    "api:merchant-deliverable-detail": (to_answer, title, ("get",)),
    "api:merchant-deliverable-accept": (to_answer, title, ("post",)),
    "api:merchant-deliverable-reject": (to_answer, title, (("post", REJECT),)),
    "api:merchant-deliverable-evidence": (merchant_file, title, ("get",)),
    "api:merchant-kpi-result-detail": (
        lambda merchant: kpi_result_of(ProviderFactory(), merchant),
        contract_title,
        ("get",),
    ),
}
NOT_OWNED_ROUTES = {}
OWNER_OF = {}
