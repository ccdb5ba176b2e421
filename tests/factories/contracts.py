"""Contracts written directly (no rules, no services): the starting rows of the contracts tests and the
isolation cases. A signed one carries signed terms and a fingerprint made the simple way (tests of
signing itself go through `contract_sign`)."""

import hashlib
import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils import timezone

from contracts.choices import ContractKind, ContractStatus, DeliverableStatus, ServiceArea, ServiceLevel, StandardKind
from contracts.models import BINDING_STATUSES, Contract, ContractStore, Deliverable, DeliveryStandard, ServiceItem
from linke.tenancy import all_providers

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)
SIGNED = {
    ContractStatus.SIGNED,
    ContractStatus.ACTIVE,
    ContractStatus.COMPLETED,
    ContractStatus.EXPIRED,
    ContractStatus.TERMINATED,
}


def today() -> date:
    return timezone.localdate()


def end_of_day(day: date) -> datetime:
    """The moment a deliverable due on `day` is due: its last second, Asia/Shanghai (as `rules.end_of_day`)."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)


def make_contract(
    provider,
    merchant,
    *,
    stores,
    kind=ContractKind.SPECIALIZED,
    status=ContractStatus.ACTIVE,
    start=None,
    end=None,
    monthly_fee=None,
    commission_bp=None,
    items=1,
    standards=None,
    **fields,
):
    """A contract of `provider` with `merchant` for `stores`. Specialized: `items` service items (one
    short video, ¥1,000, due at the end). Full operation: `standards` ({StandardKind: target}, default a
    GMV target of ¥100,000 and 4 videos) and a fee (default ¥5,000 a month and 500 bp). Signed statuses get
    signed terms; signed/active full operation holds its stores (the exclusion constraint)."""
    start = start or today()
    number = next(_numbers)
    full = kind == ContractKind.FULL_OPERATION
    end = end or (start + timedelta(days=179) if full else start + timedelta(days=29))
    if full and monthly_fee is None and commission_bp is None:
        monthly_fee, commission_bp = Decimal("5000.00"), 500
    fields.setdefault("title", f"合作合同{number}号")
    fields.setdefault("created_by", fields.get("signed_by") or merchant.owner)
    signed = status in SIGNED
    with all_providers():
        contract = Contract.objects.create(
            provider=provider,
            merchant=merchant,
            kind=kind,
            status=ContractStatus.DRAFT,
            start_date=start,
            end_date=end,
            monthly_fee=monthly_fee,
            commission_bp=commission_bp,
            total_price=Decimal("1000.00") * (0 if full else items),
            **fields,
        )
        ContractStore.objects.bulk_create(
            [
                ContractStore(
                    contract=contract,
                    store=store,
                    period=DateRange(start, end, "[]"),
                    exclusive=full and status in BINDING_STATUSES,
                )
                for store in stores
            ]
        )
        if full:
            for standard_kind, target in (
                standards or {StandardKind.MONTHLY_GMV: Decimal("100000"), StandardKind.SHORT_VIDEOS: Decimal("4")}
            ).items():
                DeliveryStandard.objects.create(
                    contract=contract, provider=provider, merchant=merchant, kind=standard_kind, target=target
                )
        else:
            for position in range(items):
                ServiceItem.objects.create(
                    contract=contract,
                    provider=provider,
                    merchant=merchant,
                    area=ServiceArea.SHORT_VIDEO,
                    level=ServiceLevel.BASIC,
                    title=f"短视频拍摄{number}-{position + 1}",
                    unit_price=Decimal("1000.00"),
                    quantity=1,
                    due_date=end,
                    position=position,
                )
        update = {"status": status}
        if signed:
            terms = {"contract": contract.pk, "version": contract.version, "title": contract.title}
            update |= {
                "signed_at": timezone.now(),
                "signed_by": merchant.owner,
                "signed_terms": terms,
                "signed_fingerprint": hashlib.sha256(repr(sorted(terms.items())).encode()).hexdigest(),
            }
        if status == ContractStatus.PROPOSED or signed:
            update["proposed_at"] = timezone.now()
        Contract.objects.filter(pk=contract.pk).update(**update)
        contract.refresh_from_db()
    return contract


def make_deliverable(contract, *, due=None, status=DeliverableStatus.PENDING, **fields):
    """A deliverable of `contract` due at `due` (default: end of its end date), of its first item or
    standard."""
    with all_providers():
        item = contract.items.first()
        standard = None if item else contract.standards.first()
        fields.setdefault("title", f"交付物{next(_numbers)}号")
        if status != DeliverableStatus.PENDING:
            fields.setdefault("submitted_at", timezone.now())
            fields.setdefault("evidence_links", ["https://www.douyin.com/video/7300000000000000001"])
        return Deliverable.objects.create(
            contract=contract,
            provider_id=contract.provider_id,
            merchant_id=contract.merchant_id,
            service_item=item if item and not fields.get("standard") else None,
            standard=fields.pop("standard", standard if not item else None),
            period=fields.pop("period", None if item else contract.start_date.replace(day=1)),
            sequence=fields.pop("sequence", next(_numbers)),
            due_at=due or end_of_day(contract.end_date),
            status=status,
            **fields,
        )
