"""List pages run a number of queries that does not grow with their rows, and that number is reviewed.

`assert_query_baseline(key, fetch, add_rows)`: `add_rows(k)` creates k more rows that `fetch()` must show
and returns the texts that show them (at least one per row: a name, an email). At N rows and at 3N rows every row is
shown and the query count is the same: the one recorded for `key` in `tests/query_counts.json` (netbox's
`utilities/testing/query_counts.py` style), so that a change in either direction is seen in review.
After an intended change: `UPDATE_QUERY_COUNTS=1 make test` rewrites the file."""

import json
import os
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

BASELINE = Path(__file__).with_name("query_counts.json")
UPDATE = bool(os.environ.get("UPDATE_QUERY_COUNTS"))


def _count_showing(fetch, markers: list[str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    missing = [marker for marker in markers if marker not in body]
    assert missing == [], f"rows not shown: {missing}"
    return len(captured)


def _record(key: str, count: int) -> None:
    baselines = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    baselines[key] = count
    BASELINE.write_text(json.dumps(baselines, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def assert_query_baseline(key: str, fetch, add_rows, n: int = 3) -> int:
    markers = list(add_rows(n))
    assert len(markers) >= n, "add_rows(k) returns a text that shows each row it made"
    at_n = _count_showing(fetch, markers)
    markers += add_rows(2 * n)
    at_3n = _count_showing(fetch, markers)
    assert at_n == at_3n, f"{key}: {at_n} queries for {n} rows but {at_3n} for {3 * n}: a query per row"
    if UPDATE:
        _record(key, at_n)
        return at_n
    baselines = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    assert key in baselines, f"no query-count baseline for {key}: run with UPDATE_QUERY_COUNTS=1 to record it"
    assert at_n == baselines[key], (
        f"{key} now runs {at_n} queries, its baseline is {baselines[key]}: if that is intended, "
        "run with UPDATE_QUERY_COUNTS=1 and review the change of tests/query_counts.json"
    )
    return at_n
