"""Isolation cases of the contracts domain's money routes (merged into tests/tenancy/test_isolation.py);
the shapes are those of tests/tenancy/cases/requests.py.

`make_store`, `full_contract`, `make_statement` and `make_gmv` are also the money tests' way to put rows in
place without the services' rules."""

import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from contracts.choices import ContractKind, ContractStatus, GmvKind, StatementStatus
from contracts.models import GmvRecord, Statement
from linke.tenancy import all_providers

from ...factories import MerchantFactory, ProviderFactory, StoreFactory
from ...factories.contracts import make_contract
from .requests import reference_rows

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def make_store(merchant, **fields):
    city, category = reference_rows()
    return StoreFactory(merchant=merchant, city=city, category=category, **fields)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def months_ago(count: int) -> date:
    """The 1st of the month `count` months before this one."""
    month = first_of_month(timezone.localdate())
    for _ in range(count):
        month = first_of_month(month - timedelta(days=1))
    return month


def full_contract(provider, merchant, *, stores=None, start=None, end=None, status=ContractStatus.ACTIVE, **fields):
    """A full-operation contract (default: started two months ago, 180 days, ¥5,000 a month and 500 bp)."""
    start = start or months_ago(2)
    return make_contract(
        provider,
        merchant,
        stores=stores if stores is not None else [make_store(merchant)],
        kind=ContractKind.FULL_OPERATION,
        status=status,
        start=start,
        end=end or start + timedelta(days=179),
        **fields,
    )


def make_statement(contract, *, period=None, status=StatementStatus.ISSUED, total=Decimal("5000.00"), **fields):
    """A statement of `contract` for `period` (default: its first month), written directly."""
    period = period or first_of_month(contract.start_date)
    defaults = {
        "days_covered": 30,
        "fixed_fee": total,
        "gmv": Decimal("0.00"),
        "refunds": Decimal("0.00"),
        "commission_bp": contract.commission_bp or 0,
        "commission": Decimal("0.00"),
        "total": total,
        "issued_at": timezone.now(),
    }
    with all_providers():
        return Statement.objects.create(
            provider_id=contract.provider_id,
            merchant_id=contract.merchant_id,
            contract=contract,
            period=period,
            status=status,
            **(defaults | fields),
        )


def local(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def make_gmv(store, *, amount, ordered_at, contract=None, refund_of=None, order_no=None):
    """A GMV record written directly (attributed to `contract` as given, not by the rule)."""
    with all_providers():
        return GmvRecord.objects.create(
            order_no=order_no or f"T{next(_numbers):08d}",
            kind=GmvKind.REFUND if refund_of else GmvKind.ORDER,
            refund_of=refund_of,
            store=store,
            merchant_id=store.merchant_id,
            provider_id=contract.provider_id if contract else None,
            contract=contract,
            amount=Decimal(amount),
            ordered_at=ordered_at,
        )


def statement_of(provider, merchant, status):
    return make_statement(full_contract(provider, merchant), status=status)


def provider_statement(status):
    return lambda membership: statement_of(membership.provider, MerchantFactory(), status)


def merchant_statement(status):
    return lambda merchant: statement_of(ProviderFactory(), merchant, status)


def contract_title(statement):
    return statement.contract.title


ISSUED, DISPUTED, CONFIRMED = StatementStatus.ISSUED, StatementStatus.DISPUTED, StatementStatus.CONFIRMED
DISPUTE = {"reason": "一月退款未扣除"}

PROVIDER_ROUTES = {
    "portal:statement_detail": (provider_statement(ISSUED), contract_title, ("get",)),
    "portal:statement_print": (provider_statement(ISSUED), contract_title, ("get",)),
    "portal:statement_reissue": (provider_statement(DISPUTED), contract_title, ("post",)),
    "portal:statement_mark_paid": (provider_statement(CONFIRMED), contract_title, ("post",)),
    "api:statement-detail": (provider_statement(ISSUED), contract_title, ("get",)),
    "api:statement-reissue": (provider_statement(DISPUTED), contract_title, ("post",)),
    "api:statement-paid": (provider_statement(CONFIRMED), contract_title, ("post",)),
}
MERCHANT_ROUTES = {
    "merchant:statement_detail": (merchant_statement(ISSUED), contract_title, ("get",)),
    "merchant:statement_print": (merchant_statement(ISSUED), contract_title, ("get",)),
    "merchant:statement_confirm": (merchant_statement(ISSUED), contract_title, ("post",)),
    "merchant:statement_dispute": (merchant_statement(ISSUED), contract_title, (("post", DISPUTE),)),
    "api:merchant-statement-detail": (merchant_statement(ISSUED), contract_title, ("get",)),
    "api:merchant-statement-confirm": (merchant_statement(ISSUED), contract_title, ("post",)),
    "api:merchant-statement-dispute": (merchant_statement(ISSUED), contract_title, (("post", DISPUTE),)),
}
NOT_OWNED_ROUTES = {}
OWNER_OF = {}
