"""List pages must run a number of queries that does not grow with their rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200, response.status_code
    return len(captured)


def assert_constant_queries(fetch, add_rows, n=3):
    """`add_rows(k)` creates k more rows visible to `fetch()`; N rows and 3N rows must cost the same."""
    add_rows(n)
    at_n = count_queries(fetch)
    add_rows(2 * n)
    at_3n = count_queries(fetch)
    assert at_n == at_3n, f"{at_n} queries for {n} rows but {at_3n} for {3 * n}: a query per row"
    return at_n
