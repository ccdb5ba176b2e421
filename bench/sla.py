"""`make bench`, the SLA check: `sla_check` over 5,000,000 deliverables of which 1 % are overdue, against ONE
SQL statement that selects and marks the same rows, in the same run; then a second `sla_check` with nothing
left overdue. Wall time, and peak memory (Python's allocations by tracemalloc, the process's by ru_maxrss).
Prints, asserts nothing.

The data set lives in its own database, `<name>_bench_sla`, kept between runs (built again when missing, when
a migration is not applied to it, or with `BENCH_REGENERATE=1`): minimal providers, merchants and 500,000
active contracts, then the deliverables in one `INSERT … SELECT generate_series` (10 per contract; 1 % due
two days ago and not submitted, the rest due in the coming weeks or submitted). Both measurements start from
the same state: what a run wrote (marks, breaches, timeline rows, events, notifications) is removed again,
then VACUUM ANALYZE.

`sla_check` writes more than the reference statement: per overdue deliverable its breach, its timeline row
and its event. The notifications of both sides (per contract and batch) are written by a follow-up task once
each batch has committed; they are measured separately, as those tasks would run them. Event dispatch and
emails are queued (an in-memory broker), not run, as a worker would take them over. Two rounds, alternated.

Run by `bench/run.py`; alone: `DATABASE_URL=postgres://…/linke python bench/sla.py` (`BENCH_SLA_DELIVERABLES`
sets the size, default 5,000,000)."""

import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from bench.scale import _prepare_database  # noqa: E402

DELIVERABLES = int(os.environ.get("BENCH_SLA_DELIVERABLES", "5000000"))
PER_CONTRACT = 10
OVERDUE_SHARE = 0.01
PROVIDERS = 200
MERCHANTS = 5000
ROUNDS = int(os.environ.get("BENCH_SLA_ROUNDS", "2"))


def _database_url() -> tuple[str, str]:
    from urllib.parse import urlsplit, urlunsplit

    url = urlsplit(os.environ["DATABASE_URL"])
    name = f"{url.path.lstrip('/')}_bench_sla"
    return urlunsplit(url._replace(path=f"/{name}")), name


def build() -> float:
    """The data set, mostly in SQL; returns the seconds it took."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from providers.choices import Role
    from tests.factories import MembershipFactory, ProviderFactory

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    contracts = DELIVERABLES // PER_CONTRACT
    with transaction.atomic():
        providers = [ProviderFactory() for _ in range(PROVIDERS)]
        for provider in providers:
            MembershipFactory(provider=provider, role=Role.OWNER)
        first_provider = providers[0].pk
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO linke_user (password, is_superuser, is_staff, is_active, date_joined, email, "
                "display_name, mobile, language) SELECT '!', false, false, true, now(), "
                "'sla-merchant-' || n || '@bench.test', '商家' || n, '', 'zh-hans' FROM generate_series(1, %s) AS n",
                [MERCHANTS],
            )
            cursor.execute(
                "INSERT INTO merchants_merchant (name, created_at, owner_id, contact_mobile, contact_name, "
                "credit_code) SELECT '压测商家' || substr(email, 14, 6), now(), id, '', '', '' FROM linke_user "
                "WHERE email LIKE 'sla-merchant-%%' ORDER BY id"
            )
            cursor.execute("SELECT min(id) FROM merchants_merchant")
            (first_merchant,) = cursor.fetchone()
            cursor.execute("SELECT min(id) FROM linke_user WHERE email LIKE 'sla-merchant-%%'")
            (first_user,) = cursor.fetchone()
            print(f"  building {contracts:,} contracts …", flush=True)
            cursor.execute(
                "INSERT INTO contracts_contract (kind, status, origin, version, title, scope, start_date, end_date, "
                "total_price, created_at, proposed_at, signed_at, signed_terms, signed_fingerprint, activated_at, "
                "reason, ended_by, notice_by, notice_reason, return_to_pool, created_by_id, merchant_id, provider_id, "
                "signed_by_id) "
                "SELECT 'specialized', 'active', 'scratch', 1, '压测合同' || n, '', current_date - 60, "
                "current_date + 60, 1000, now(), now(), now(), '{}'::jsonb, '', now(), '', '', '', '', false, "
                "%(user)s + n %% %(merchants)s, %(merchant)s + n %% %(merchants)s, "
                "%(provider)s + n %% %(providers)s, %(user)s + n %% %(merchants)s "
                "FROM generate_series(0, %(contracts)s - 1) AS n",
                {
                    "user": first_user,
                    "merchant": first_merchant,
                    "provider": first_provider,
                    "merchants": MERCHANTS,
                    "providers": PROVIDERS,
                    "contracts": contracts,
                },
            )
            cursor.execute("SELECT min(id) FROM contracts_contract")
            (first_contract,) = cursor.fetchone()
            print(f"  building {DELIVERABLES:,} deliverables …", flush=True)
            # Every 100th deliverable is overdue (pending, due two days ago); of the others a third is submitted,
            # the rest pending and due within the next 60 days. Contract k owns deliverables 10k … 10k + 9.
            cursor.execute(
                "INSERT INTO contracts_deliverable (provider_id, merchant_id, contract_id, period, sequence, title, "
                "due_at, status, evidence_links, evidence_file, evidence_name, evidence_note, rejection_reason, "
                "auto_accepted, submitted_at, created_at) "
                "SELECT contract.provider_id, contract.merchant_id, contract.id, NULL, n %% %(per)s + 1, "
                "'压测交付物' || n, "
                "CASE WHEN n %% 100 = 0 THEN now() - interval '2 days' "
                "     ELSE now() + (n %% 60 + 1) * interval '1 day' END, "
                "CASE WHEN n %% 100 <> 0 AND n %% 3 = 0 THEN 'submitted' ELSE 'pending' END, "
                "'[]'::jsonb, '', '', '', '', false, "
                "CASE WHEN n %% 100 <> 0 AND n %% 3 = 0 THEN now() - interval '1 hour' END, now() "
                "FROM generate_series(0, %(total)s - 1) AS n "
                "JOIN contracts_contract AS contract ON contract.id = %(first)s + n / %(per)s",
                {"per": PER_CONTRACT, "total": DELIVERABLES, "first": first_contract},
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - started


def has_data() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('contracts_deliverable') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'contracts_deliverable'")
        return cursor.fetchone()[0] >= DELIVERABLES * 0.99


def reset() -> None:
    """Back to the state as built: no marks, breaches, timeline rows, events or notifications."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE contracts_deliverable SET breached_at = NULL WHERE breached_at IS NOT NULL")
        cursor.execute(
            "TRUNCATE contracts_slabreach, contracts_contractevent, compliance_compliancecase, linke_eventdelivery, "
            "linke_domainevent"
        )
        cursor.execute("TRUNCATE linke_notification")
        cursor.execute("VACUUM (ANALYZE) contracts_deliverable, contracts_slabreach")
        # Dirty pages written out now, not by the next measurement (each starts from a clean shared buffer pool).
        cursor.execute("CHECKPOINT")


def overdue_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM contracts_deliverable WHERE status IN ('pending', 'rejected') "
            "AND breached_at IS NULL AND due_at < now() - interval '24 hours'"
        )
        return cursor.fetchone()[0]


# The reference: the same rows as `sla_check` selects (overdue, of a contract that runs, due by its end),
# marked in one statement, in one transaction.
ONE_STATEMENT = """
UPDATE contracts_deliverable AS deliverable SET breached_at = now()
FROM contracts_contract AS contract
WHERE contract.id = deliverable.contract_id
  AND deliverable.status IN ('pending', 'rejected') AND deliverable.breached_at IS NULL
  AND deliverable.due_at < now() - interval '24 hours'
  AND contract.status IN ('signed', 'active', 'completed', 'expired', 'terminated')
  AND deliverable.due_at <= ((contract.end_date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
"""


# The batches' marking alone: `sla_check`'s first statement without its breaches, timeline rows, events and
# notifications (what batching and row locking cost, apart from the writes the check exists for).
BATCHED_MARKING = """
UPDATE contracts_deliverable SET breached_at = now()
WHERE id = ANY(ARRAY(
    SELECT candidate.id FROM contracts_deliverable AS candidate
    JOIN contracts_contract AS contract ON contract.id = candidate.contract_id
    WHERE candidate.status IN ('pending', 'rejected') AND candidate.breached_at IS NULL
      AND candidate.due_at < now() - interval '24 hours'
      AND contract.status IN ('signed', 'active', 'completed', 'expired', 'terminated')
      AND candidate.due_at <= ((contract.end_date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
    ORDER BY candidate.due_at LIMIT 5000 FOR UPDATE OF candidate SKIP LOCKED
))
"""


def measured(fn):
    """(result, seconds, Python peak MiB, growth of the process's peak RSS in MiB)."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    return result, seconds, peak / 2**20, rss_growth / 1024


def main() -> None:
    url, name = _database_url()
    fresh = _prepare_database(url, name)
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.db import connection, transaction

    from linke.celery import app

    # Dispatch and emails are queued for a worker (in memory), not run in this process.
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"
    from django.urls import reverse

    import linke.tasks  # noqa: F401 - loaded once in a worker: not part of a run
    from contracts.services.deliverables import deliverables_notify, sla_check

    reverse("portal:deliverable_board")  # the URL configuration, loaded once in a worker: not part of a run

    print(f"\nSLA check benchmark on {name} ({DELIVERABLES:,} deliverables, kept between runs)")
    if not fresh and not has_data():
        fresh = True
    if not fresh:
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            print("  a migration is not applied to the kept database: making it again")
            connection.close()
            os.environ["BENCH_REGENERATE"] = "1"
            _prepare_database(url, name)
            fresh = True
    if fresh:
        print(f"  built in {build():.0f} s")
    reset()
    due = overdue_count()

    def one_statement():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(ONE_STATEMENT)
            return cursor.rowcount

    def batched_marking():
        marked = 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(BATCHED_MARKING)
                in_batch = cursor.rowcount
            marked += in_batch
            if in_batch < 5000:
                return marked

    def notify_all():
        """What the follow-up tasks of the run do: the notifications of each batch of 5,000 breaches."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT deliverable_id FROM contracts_slabreach ORDER BY id")
            ids = [deliverable_id for (deliverable_id,) in cursor.fetchall()]
        return sum(
            deliverables_notify(notice="sla_breach", deliverable_ids=ids[start : start + 5000])
            for start in range(0, len(ids), 5000)
        )

    rows = []
    for round_number in range(1, ROUNDS + 1):
        # Alternated, from the same state each time: the load of a shared machine weighs on both alike.
        marked, bare_seconds, bare_peak, bare_rss = measured(one_statement)
        reset()
        batched, batched_seconds, _peak, _rss = measured(batched_marking)
        reset()
        result, ours_seconds, ours_peak, ours_rss = measured(sla_check)
        again, again_seconds, again_peak, _ = measured(sla_check)
        _again, third_seconds, _peak, _ = measured(sla_check)
        notifications, notify_seconds, notify_peak, _ = measured(notify_all)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), count(DISTINCT deliverable_id) FROM contracts_slabreach")
            breaches, distinct = cursor.fetchone()
        reset()
        rows += [
            (
                f"round {round_number}: one UPDATE marking the {due:,} overdue rows",
                f"{bare_seconds:.2f} s",
                f"{marked:,} rows",
            ),
            (
                "  the same rows marked in batches of 5,000 (FOR UPDATE SKIP LOCKED)",
                f"{batched_seconds:.2f} s",
                f"{batched:,} rows, {batched_seconds / bare_seconds:.2f}× (batching and row locks alone)",
            ),
            (
                f"  sla_check ({result.batches} batches of 5,000)",
                f"{ours_seconds:.2f} s",
                f"{result.breaches:,} breaches ({distinct:,} distinct of {breaches:,}), timeline rows, events, "
                f"{result.escalations:,} escalations",
            ),
            ("  ratio sla_check / one statement", f"{ours_seconds / bare_seconds:.2f}×", "goal ≤ 2×"),
            (
                "  its notifications (the follow-up tasks, after commit)",
                f"{notify_seconds:.2f} s",
                f"{notifications:,} notifications; with them {(ours_seconds + notify_seconds) / bare_seconds:.2f}×",
            ),
            (
                "  peak Python memory: sla_check / notifications / one statement",
                f"{ours_peak:.1f} MiB",
                f"{notify_peak:.1f} / {bare_peak:.1f} MiB; peak RSS grew {ours_rss:.1f} / {bare_rss:.1f} MiB",
            ),
            (
                "  sla_check again, nothing overdue (right after; once more)",
                f"{again_seconds * 1000:.1f} ms",
                f"{third_seconds * 1000:.1f} ms; {again.breaches} breaches, peak {again_peak:.2f} MiB; goal: a few ms",
            ),
        ]
    print(f"\n{'SLA benchmark':<66} {'measured':<10} notes")
    for what, value, notes in rows:
        print(f"{what:<66} {value:<10} {notes}")


if __name__ == "__main__":
    main()
