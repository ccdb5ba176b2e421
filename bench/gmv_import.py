"""`make bench`, the GMV import: `manage.py import_gmv` of a 1,000,000-row CSV against a bare COPY of the same
file into a plain table, in the same run. Prints rows per second of both and their ratio; asserts nothing.

Runs against a throwaway database (`<name>_bench_gmv`, created and dropped here) holding 2,000 stores of 100
merchants and 40 full-operation contracts (half the stores attributed, a few contracts ended mid-way), so
the attribution join has real work. The file: orders spread over 2026-01 to 2026-06, 1 % refunds of
earlier orders, written once to a temporary directory. Also times a second import of the same file (every
row already recorded: the idempotent path). `BENCH_GMV_ROWS` sets another size.

Alone: `DATABASE_URL=postgres://…/linke python bench/gmv_import.py`."""

import csv
import io
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

ROWS = int(os.environ.get("BENCH_GMV_ROWS", "1000000"))
MERCHANTS, STORES_EACH, CONTRACTS = 100, 20, 40
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_DAY = date(2026, 1, 1)
DAYS = 181


def build_world() -> list[int]:
    """Reference rows, a provider, merchants with stores and full-operation contracts; the store ids."""
    from contracts.choices import ContractKind, ContractStatus
    from linke.tenancy import all_providers
    from reference.models import Category, Region, ServiceCity
    from tests.factories import MerchantFactory, ProviderFactory, StoreFactory
    from tests.factories.contracts import make_contract

    region = Region.objects.create(code="350100", name="福州市", level=2)
    city = ServiceCity.objects.create(region=region, name="福州市", name_pinyin="fuzhoushi")
    category = Category.objects.create(slug="hotpot", name="火锅", name_en="Hotpot")
    provider = ProviderFactory()
    store_ids = []
    with all_providers():
        for number in range(MERCHANTS):
            merchant = MerchantFactory()
            stores = [StoreFactory(merchant=merchant, city=city, category=category) for _ in range(STORES_EACH)]
            store_ids += [store.pk for store in stores]
            if number < CONTRACTS:  # half the merchants: their stores are under full operation
                ended = number % 10 == 0
                make_contract(
                    provider,
                    merchant,
                    stores=stores,
                    kind=ContractKind.FULL_OPERATION,
                    status=ContractStatus.TERMINATED if ended else ContractStatus.ACTIVE,
                    start=FIRST_DAY,
                    end=FIRST_DAY + timedelta(days=90 if ended else 364),
                )
    return store_ids


def write_file(path: Path, store_ids: list[int]) -> None:
    """ROWS rows: orders, and 1 % refunds of an earlier order of the same store (half of it)."""
    rng = random.Random(20260101)  # noqa: S311 - reproducible test data, not secrets
    start = datetime.combine(FIRST_DAY, datetime.min.time(), tzinfo=SHANGHAI)
    orders: list[tuple[str, int, int, datetime]] = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["订单号", "门店ID", "金额", "下单时间", "类型", "原订单号"])
        for number in range(ROWS):
            if orders and number % 100 == 99:
                order_no, store, cents, when = orders[rng.randrange(len(orders))]
                refunded = when + timedelta(hours=rng.randrange(1, 48))
                writer.writerow(
                    [
                        f"R{number:08d}",
                        store,
                        f"-{Decimal(cents // 2) / 100:.2f}",
                        f"{refunded:%Y-%m-%d %H:%M:%S}",
                        "退款",
                        order_no,
                    ]
                )
                continue
            store = store_ids[rng.randrange(len(store_ids))]
            cents = rng.randrange(1000, 100_000)
            when = start + timedelta(seconds=rng.randrange(DAYS * 86400))
            order_no = f"M{number:08d}"
            if len(orders) < 50_000:
                orders.append((order_no, store, cents, when))
            writer.writerow([order_no, store, f"{Decimal(cents) / 100:.2f}", f"{when:%Y-%m-%d %H:%M:%S}", "订单", ""])


def import_gmv(path: Path):
    from django.core.management import call_command

    call_command("import_gmv", str(path), "--no-progress", stdout=io.StringIO())


def bare_copy(path: Path) -> None:
    """The reference: the file's bytes COPY'd as they are into a plain table (text columns, no key)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_bare_gmv (order_no text, store_id text, amount text, ordered_at text, kind text, "
            "refund_of text)"
        )
        with cursor.cursor.copy("COPY bench_bare_gmv FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)


def timed(label: str, fn) -> float:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    print(f"{label:<58} {seconds:8.2f} s  {ROWS / seconds:>10,.0f} rows/s")
    return seconds


def main():
    from contracts.models import GmvRecord
    from linke.tenancy import all_providers

    base_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = base_name + "_bench_gmv"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        store_ids = build_world()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "gmv.csv"
            started = time.perf_counter()
            write_file(path, store_ids)
            size = path.stat().st_size / 1e6
            print(f"GMV file: {ROWS:,} rows, {size:.0f} MB, written in {time.perf_counter() - started:.1f} s")
            ours = timed(f"import_gmv of {ROWS:,} rows (check, COPY, attribute, insert)", lambda: import_gmv(path))
            with all_providers():
                total = GmvRecord.objects.count()
                attributed = GmvRecord.objects.filter(contract__isnull=False).count()
            print(f"{'':<58} {total:,} records, {attributed:,} attributed")
            timed("import_gmv again (every row already recorded)", lambda: import_gmv(path))
            bare = timed("bare COPY of the same file into a plain table (reference)", lambda: bare_copy(path))
            print(f"{'':<58} import_gmv takes {ours / bare:.1f}x a bare COPY")
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{'':<58} peak memory of this process {peak:,.0f} MB")
        print(f"database: {name} (dropped afterwards)")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
