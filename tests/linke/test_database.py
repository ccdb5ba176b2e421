import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_pg_trgm_produces_trigrams_for_chinese():
    with connection.cursor() as cursor:
        cursor.execute("SELECT show_trgm('火锅店')")
        trigrams = cursor.fetchone()[0]
    assert len(trigrams) > 0


def test_btree_gist_is_installed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname IN ('btree_gist', 'pg_trgm') ORDER BY 1")
        assert [row[0] for row in cursor.fetchall()] == ["btree_gist", "pg_trgm"]


def test_connections_come_from_a_pool():
    assert "pool" in connection.settings_dict["OPTIONS"]
