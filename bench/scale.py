"""`make bench`, second part: the paths that must scale, on the generated data set (SPEC §9: 10,000 providers,
1,000,000 stores, 300,000 leads; `manage.py generate_scale_data`). Prints a table, asserts nothing.

The data set lives in its own database, `<name>_bench_scale`, kept between runs because generating it takes
minutes: it is made again when it is missing, when a migration is not applied to it yet, or with
`BENCH_REGENERATE=1`. Whatever a measurement writes (the release of 100,000 claims) is rolled back, so the
kept database stays as generated. A part whose code is not there yet prints "not measured: <why>".

Run by `bench/run.py` with DATABASE_URL naming the server; alone: `DATABASE_URL=postgres://…/linke python
bench/scale.py` (the database in the URL is only the base of the name)."""

import contextlib
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

SCALE = os.environ.get("BENCH_SCALE", "default")
ROWS: list[tuple[str, str, str]] = []  # (what, measured, goal) for the summary table


def _scale_database_url() -> tuple[str, str]:
    """(URL of the kept scale database, its name): the server of DATABASE_URL, the name `<name>_bench_scale`."""
    url = urlsplit(os.environ["DATABASE_URL"])
    name = f"{url.path.lstrip('/')}_bench_scale"
    return urlunsplit(url._replace(path=f"/{name}")), name


def _prepare_database(url: str, name: str) -> bool:
    """Creates the database when missing (or on BENCH_REGENERATE=1, again); True when it is new."""
    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not os.environ.get("BENCH_REGENERATE"):
            return False
        if exists:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        # A UTF-8 LC_CTYPE, or pg_trgm makes no trigrams of Chinese (DOMAIN.md).
        admin.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            ).format(sql.Identifier(name))
        )
    return True


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def timed(fn, repeat: int) -> tuple[float, float]:
    """Median and p95 in milliseconds of `repeat` calls (after one warm-up call)."""
    fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), percentile(samples, 0.95)


@contextlib.contextmanager
def counted_queries():
    """Counts the statements run on the connection (CaptureQueriesContext sees none of a request's: Django
    resets the query log when a request starts)."""
    from django.db import connection

    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield statements


def report(what: str, measured: str, goal: str = "") -> None:
    ROWS.append((what, measured, goal))
    print(f"  {what:<62} {measured:<34} {goal}")


def not_measured(what: str, why: str) -> None:
    report(what, f"not measured: {why}")


def generate(name: str) -> float:
    """Migrates, loads the reference data and generates; the seconds generate_scale_data took."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    started = time.perf_counter()
    call_command("generate_scale_data", scale=SCALE, yes_i_know=True, verbosity=1)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        # Remembered with the database, so that a run on the kept data set can still show it.
        comment = f"generate_scale_data --scale {SCALE}: {seconds:.0f} s"
        cursor.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(comment)))
        cursor.execute("VACUUM (ANALYZE)")  # a steady state (visibility map) for index-only scans
    return seconds


def migrations_pending() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def generation_time(name: str, fresh_seconds: float | None) -> None:
    from django.db import connection

    if fresh_seconds is not None:
        report("(g) generate_scale_data, default size (this run)", f"{fresh_seconds:.0f} s", "goal < 600 s")
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
        comment = cursor.fetchone()[0] or "unknown"
    report("(g) generate_scale_data (when the kept database was made)", comment.split(": ")[-1], "goal < 600 s")


# --- The directory ----------------------------------------------------------------------------------
def busiest_city_and_track() -> tuple[int, int, str]:
    """The city and track with most listed providers (the page a busy market shows)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT city.id, track.id, city.name || ' · ' || track.name, count(*) "
            "FROM providers_directorylisting listing, unnest(listing.city_ids) AS c(id), "
            "unnest(listing.track_ids) AS t(id), reference_servicecity city, reference_track track "
            "WHERE listing.is_listed AND city.id = c.id AND track.id = t.id GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 1"
        )
        city, track, label, count = cursor.fetchone()
    return city, track, f"{label}, {count} providers"


HAND_WRITTEN_WHERE = """
    is_listed AND city_ids @> ARRAY[%(city)s]::integer[] AND track_ids @> ARRAY[%(track)s]::integer[]
    {search}"""
HAND_WRITTEN_SEARCH = "AND search_bigrams @> %(grams)s::text[] AND search_text ILIKE %(like)s"
HAND_WRITTEN_COLUMNS = """provider_id, name, excerpt, name_initials, initials_of, city_ids, track_ids, category_ids,
    certified_track_ids, modes, areas, tier, score, directory_boost, featured_slots, recommended, rating,
    review_count, gmv_served, created_at, is_listed, refreshed_at"""


def hand_written_page(cursor, params: dict, featured_limit: int, page_size: int) -> tuple[int, list, list]:
    """The directory page's three statements as one would write them by hand: count, featured, page; the
    count and the providers' ids, to compare with what the ORM's page shows."""
    where = HAND_WRITTEN_WHERE.format(search=HAND_WRITTEN_SEARCH if params.get("like") else "")
    cursor.execute(f"SELECT count(*) FROM providers_directorylisting WHERE {where}", params)  # noqa: S608
    count = cursor.fetchall()[0][0]
    cursor.execute(
        f"SELECT {HAND_WRITTEN_COLUMNS} FROM providers_directorylisting WHERE {where} AND featured_slots > 0 "  # noqa: S608
        "ORDER BY featured_slots DESC, recommended DESC, provider_id LIMIT %(featured_limit)s",
        {**params, "featured_limit": featured_limit},
    )
    featured = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        f"SELECT {HAND_WRITTEN_COLUMNS} FROM providers_directorylisting WHERE {where} "  # noqa: S608
        "AND NOT (provider_id = ANY(%(featured)s)) ORDER BY recommended DESC, provider_id LIMIT %(page_size)s",
        {**params, "featured": featured, "page_size": page_size},
    )
    return count, featured, [row[0] for row in cursor.fetchall()]


def alternated(first, second, repeat: int) -> tuple[float, float]:
    """Medians in milliseconds of `repeat` calls of each, taken in turn (after one warm-up call of each), so
    that the load of a shared machine weighs on both alike."""
    first(), second()
    samples: tuple[list, list] = ([], [])
    for _ in range(repeat):
        for fn, taken in zip((first, second), samples, strict=True):
            started = time.perf_counter()
            fn()
            taken.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[0]), statistics.median(samples[1])


def bench_directory(client) -> list[tuple[str, str]]:
    """(a) and (b); returns the pages for the HTTP part."""
    from django.db import connection

    try:
        from providers.selectors import (
            FEATURED_LIMIT,
            PAGE_SIZE,
            DirectoryFilters,
            directory_page,
            search_grams,
        )
    except ImportError as error:
        not_measured("(a) directory page", f"providers.selectors: {error}")
        return []
    city, track, label = busiest_city_and_track()
    print(f"  directory filters: city={city} track={track} ({label})")
    base = f"/providers/?city={city}&track={track}&sort=recommended"
    pages = [(f"GET {base}", base), (f"GET {base}&q=火锅", f"{base}&q={quote('火锅')}")]
    for _label, path in pages:
        client.get(path)  # the first request of a process also loads the cached reference data
        with counted_queries() as captured:
            response = client.get(path)
        if response.status_code != 200:
            not_measured(f"(a) {path}", f"status {response.status_code}")
            continue
        median, p95 = timed(lambda path=path: client.get(path), 30)
        report(f"(a) {_label[4:]}", f"{len(captured)} queries, {median:.1f} ms (p95 {p95:.1f})", "goal ≤ 3 queries")

    for q in ("", "火锅"):
        filters = DirectoryFilters(city=city, track=track, q=q)
        params = {"city": city, "track": track}
        if q:
            params |= {"grams": search_grams(q), "like": f"%{q}%"}
        with connection.cursor() as cursor:
            page = directory_page(filters, 1)
            shown = (
                page.count,
                [c.listing.provider_id for c in page.featured],
                [c.listing.provider_id for c in page.cards],
            )
            same = shown == hand_written_page(cursor, params, FEATURED_LIMIT, PAGE_SIZE)
            orm, raw = alternated(
                lambda filters=filters: directory_page(filters, 1),
                lambda cursor=cursor, params=params: hand_written_page(cursor, params, FEATURED_LIMIT, PAGE_SIZE),
                50,
            )
        what = f"(b) directory_page() vs hand-written SQL{', q=' + q if q else ''}"
        result = "same result" if same else "NOT the same result!"
        report(what, f"{orm:.2f} / {raw:.2f} ms = {orm / raw:.2f}× ({result})", "goal ≤ 1.5×")
    return pages


def bench_search_http(port: int, city_pages: list[tuple[str, str]]) -> None:
    """(c) and (d): the directory over HTTP beside the bare view, and 2-character searches."""
    from bench import http_load

    bare = http_load.load(port, "/bench/bare/", {}, seconds=4)
    report("(c) bare Django view over HTTP (reference)", f"{bare['rps']:.0f} req/s, p95 {bare['p95']:.1f} ms")
    for label, path in city_pages:
        result = http_load.load(port, path, {}, seconds=4)
        failed = f" ({result['failures']} not 200!)" if result["failures"] else ""
        share = result["rps"] / bare["rps"] * 100
        report(
            f"(c) {label[4:]}",
            f"{result['rps']:.0f} req/s ({share:.0f} %), p95 {result['p95']:.1f} ms{failed}",
            "goal p95 ≤ 25 ms, ≥ 25 %",
        )
    for q in ("火锅", "美甲"):
        result = http_load.load(port, f"/providers/?q={quote(q)}", {}, seconds=4)
        failed = f" ({result['failures']} not 200!)" if result["failures"] else ""
        report(f"(d) /providers/?q={q} (all cities)", f"p95 {result['p95']:.1f} ms, {result['rps']:.0f} req/s{failed}")


# --- The lead pool -----------------------------------------------------------------------------------
def ten_city_member():
    """A bd of an active provider serving 10 cities (the pool of a broad agency)."""
    from django.db import connection

    from linke.models import User

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT member.user_id FROM providers_membership member "
            "JOIN providers_provider provider ON provider.id = member.provider_id AND provider.status = 'active' "
            "WHERE member.role = 'bd' AND member.is_active AND 10 <= ("
            "  SELECT count(*) FROM providers_provider_service_cities link WHERE link.provider_id = provider.id) "
            "ORDER BY member.id LIMIT 1"
        )
        row = cursor.fetchone()
    return User.objects.get(pk=row[0]) if row else None


def bench_lead_pool(client_class) -> tuple[str, str] | None:
    """(e) in process; returns the session cookie for HTTP."""
    user = ten_city_member()
    if user is None:
        not_measured("(e) lead pool", "no bd of a provider with 10 cities")
        return None
    client = client_class()
    client.force_login(user)
    client.get("/portal/leads/")
    with counted_queries() as captured:
        response = client.get("/portal/leads/")
    if response.status_code != 200:
        not_measured("(e) /portal/leads/ (provider with 10 cities)", f"status {response.status_code}")
        return None
    median, p95 = timed(lambda: client.get("/portal/leads/"), 30)
    report(
        "(e) /portal/leads/ in process (provider with 10 cities)",
        f"{len(captured)} queries, {median:.1f} ms (p95 {p95:.1f})",
    )
    return client.cookies["sessionid"].value


def bench_lead_pool_http(port: int, session_key: str | None) -> None:
    from bench import http_load

    if session_key is None:
        return
    result = http_load.load(port, "/portal/leads/", {"Cookie": f"sessionid={session_key}"}, seconds=4)
    failed = f" ({result['failures']} not 200!)" if result["failures"] else ""
    report("(e) /portal/leads/ over HTTP", f"p95 {result['p95']:.1f} ms, {result['rps']:.0f} req/s{failed}")


def bench_release(count: int = 100_000) -> None:
    """(f): `count` active claims made due, released in one call, everything rolled back afterwards."""
    from django.db import connection, transaction

    try:
        from merchants.services.leads import leads_release_expired
    except ImportError as error:
        not_measured("(f) release_expired_leads", str(error))
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The foreign keys of the rows the release inserts (history entries, events) are checked when a
            # batch commits (Django's constraints are deferred); this transaction rolls back instead, so
            # they are checked at each statement, as part of the measured time. (The claims' own foreign
            # keys are not: the release does not change them, and PostgreSQL checks them only because the
            # UPDATE below rewrote those rows in this transaction.)
            cursor.execute(
                "SELECT string_agg(quote_ident(conname), ', ') FROM pg_constraint WHERE contype = 'f' "
                "AND condeferrable AND conrelid IN ('merchants_claimevent'::regclass, 'linke_domainevent'::regclass)"
            )
            cursor.execute(f"SET CONSTRAINTS {cursor.fetchone()[0]} IMMEDIATE")
            cursor.execute(
                # Halfway between the claim and now: due, and still after the claim (a CHECK constraint).
                "UPDATE merchants_leadclaim SET expires_at = claimed_at + (now() - claimed_at) / 2 WHERE id IN ("
                "  SELECT id FROM merchants_leadclaim WHERE status = 'active' ORDER BY expires_at LIMIT %s)",
                [count],
            )
            due = cursor.rowcount
        started = time.perf_counter()
        released = leads_release_expired()
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)  # the kept data set stays as generated; no event is dispatched
    report(f"(f) release_expired_leads over {due:,} due claims", f"{seconds:.1f} s ({released:,} released)")


def main() -> None:
    url, name = _scale_database_url()
    fresh = _prepare_database(url, name)
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.test import Client

    from bench import http_load

    print(f"\nScale benchmarks on {name} (preset {SCALE}; kept between runs, BENCH_REGENERATE=1 makes it again)")
    generated = None
    if not fresh and migrations_pending():
        print("  a migration is not applied to the kept database: making it again")
        from django.db import connection

        connection.close()
        os.environ["BENCH_REGENERATE"] = "1"
        _prepare_database(url, name)
        fresh = True
    if fresh:
        generated = generate(name)

    client = Client()
    pages = bench_directory(client)
    session_key = bench_lead_pool(Client)
    bench_release()
    with http_load.gunicorn(url) as port:
        bench_search_http(port, pages)
        bench_lead_pool_http(port, session_key)
    generation_time(name, generated)

    print(f"\n{'Scale benchmark':<64} {'measured':<34} goal")
    for what, measured, goal in ROWS:
        print(f"{what:<64} {measured:<34} {goal}")


if __name__ == "__main__":
    main()
