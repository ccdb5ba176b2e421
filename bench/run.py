"""`make bench`: measured numbers for the paths that must scale. Prints, asserts nothing.

Runs against a throwaway database (`<name>_bench`, created and dropped here), never the demo data; then
`bench/scale.py` on the generated scale data set (`<name>_bench_scale`, kept between runs)."""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import http_load  # noqa: E402


def timed(label, fn, repeat=1):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    median = statistics.median(samples)
    print(f"{label:<55} median {median * 1000:9.1f} ms  (n={repeat})")
    return median


def bench_pages(client, url, label, repeat=50):
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    median = timed(f"{label} [{len(captured)} queries]", lambda: client.get(url), repeat)
    print(f"{'':<55} ≈ {1 / median:7.0f} requests/s in one process")


def bench_events(provider, count=2000):
    """The outbox's cost: emit() against a bare INSERT of the same row (the reference), and the sweep's
    query over many dispatched events."""
    from django.db import transaction
    from django.utils import timezone

    from linke.events import emit, events_sweep
    from linke.models import DomainEvent
    from providers.events import PROVIDER_SUSPENDED

    payload = {"status_before": "active", "reason": "压测"}

    def emit_many():
        with transaction.atomic():
            for _ in range(count):
                emit(PROVIDER_SUSPENDED, provider=provider, payload=payload)
            transaction.set_rollback(True)  # the on-commit dispatches are dropped with it

    def insert_many():
        with transaction.atomic(), connection.cursor() as cursor:
            for _ in range(count):
                cursor.execute(
                    "INSERT INTO linke_domainevent (type, version, provider_id, payload, created_at) "
                    "VALUES (%s, 1, %s, %s::jsonb, now())",
                    ["provider.suspended", provider.pk, '{"status_before": "active", "reason": "压测"}'],
                )
            transaction.set_rollback(True)

    ours = timed(f"emit() x{count} in one transaction", emit_many, repeat=3)
    bare = timed(f"bare INSERT x{count} (reference)", insert_many, repeat=3)
    print(f"{'':<55} emit() costs {ours / bare:.1f}x a bare INSERT ({ours / count * 1e6:.0f} µs an event)")
    DomainEvent.objects.bulk_create(
        [
            DomainEvent(
                type="provider.suspended", version=1, provider=provider, payload=payload, dispatched_at=timezone.now()
            )
            for _ in range(100_000)
        ],
        batch_size=5000,
    )
    timed("events_sweep() over 100,000 dispatched events", events_sweep, repeat=20)


# The list pages, each with 50 rows on its first page (and more behind it).
LIST_PAGES = [
    ("/portal/team/", "50 of 202 members"),
    ("/portal/verifications/", "50 of 60 verifications"),
    ("/portal/notifications/", "50 of 60 notifications"),
    ("/api/v1/team/", "50 of 202 members"),
    ("/api/v1/verification-events/", "50 of 60 verifications"),
    ("/api/v1/notifications/", "50 of 60 notifications"),
]


def add_list_rows(provider, owner, bd) -> str:
    """60 verifications of the BD's code and 60 notifications of the owner, so that every list page has a
    full first page; the code, for the lookups."""
    from linke.actors import Actor
    from linke.models import Notification
    from linke.tenancy import all_providers
    from providers.models import VerificationEvent
    from providers.services.verification import verification_code_generate

    code = verification_code_generate(actor=Actor.member(bd))
    with all_providers():
        VerificationEvent.objects.bulk_create(
            VerificationEvent(provider=provider, code=code, membership=bd, ip_address="203.0.113.9") for _ in range(60)
        )
    Notification.objects.bulk_create(
        Notification(recipient=owner.user, provider=provider, verb="bench", title=f"通知 {n}") for n in range(60)
    )
    return code.code


def database_url(name: str) -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:{settings['PORT']}/{name}"


def bench_http(session_key: str):
    """Each page's requests per second over HTTP beside a bare Django view, in the same run."""
    url = database_url(connection.settings_dict["NAME"])
    pages = [
        ("GET /portal/ (home)", "/portal/"),
        *[(f"GET {path} ({label})", path) for path, label in LIST_PAGES],
        ("GET /portal/settings/ (profile form)", "/portal/settings/"),
        ("GET /verify/ (public check page)", "/verify/"),
    ]
    with http_load.gunicorn(url) as port:
        http_load.report(port, pages, headers={"Cookie": f"sessionid={session_key}"})


def bench_scale(base_name: str) -> None:
    """bench/scale.py in its own process: another database, with its own connections and pool."""
    env = os.environ | {"DATABASE_URL": database_url(base_name)}
    subprocess.run([sys.executable, str(Path(__file__).with_name("scale.py"))], env=env, check=False)  # noqa: S603


def bench_sla(base_name: str) -> None:
    """bench/sla.py in its own process: the SLA check over 5,000,000 deliverables, in its own database."""
    env = os.environ | {"DATABASE_URL": database_url(base_name)}
    subprocess.run([sys.executable, str(Path(__file__).with_name("sla.py"))], env=env, check=False)  # noqa: S603


def main():
    base_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = base_name + "_bench"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from providers.choices import Role
        from providers.services.verification import verification_lookup
        from tests.factories import MembershipFactory, ProviderFactory, UserFactory

        call_command("createcachetable", verbosity=0)
        timed("load_reference_data (first run)", lambda: call_command("load_reference_data", verbosity=0))
        timed(
            "load_reference_data (idempotent re-run)",
            lambda: call_command("load_reference_data", verbosity=0),
            repeat=3,
        )

        provider = ProviderFactory()
        owner = MembershipFactory(provider=provider, role=Role.OWNER)
        for _ in range(200):
            MembershipFactory(provider=provider, role=Role.VIEWER, user=UserFactory(verified=False))
        bd = MembershipFactory(provider=provider, role=Role.BD)
        code = add_list_rows(provider, owner, bd)
        client = Client()
        client.force_login(owner.user)
        bench_pages(client, "/healthz", "GET /healthz (database, cache, broker)")
        for path, label in LIST_PAGES:
            bench_pages(client, path, f"GET {path} ({label})")
        timed(
            "verification_lookup() of a valid code (service, no rate limit)",
            lambda: verification_lookup(raw_code=code, ip="203.0.113.9"),
            repeat=200,
        )
        bench_http(client.cookies["sessionid"].value)
        bench_events(provider)
        print(f"database: {name} (dropped afterwards)")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    bench_scale(base_name)
    bench_sla(base_name)


if __name__ == "__main__":
    main()
