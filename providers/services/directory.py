"""The public directory's listing table (`DirectoryListing`): refreshed set-based, never edited by hand.

`listing_refresh()` rebuilds the rows of some providers (or all) in one `INSERT ... SELECT ... ON
CONFLICT DO UPDATE` from the provider, its standing, service cities, tracks (with their categories and
industries), service packages and case studies, then fills in the pinyin initials of the names that
changed (pypinyin runs in Python: one `UPDATE ... FROM unnest(...)` for all of them). The services that
change what a listing shows call `listing_refresh_on_commit(provider_id)`; `manage.py refresh_directory`
and the scale-data generator call `listing_refresh()`."""

import re
from collections.abc import Iterable

from django.db import connection, transaction

from ..choices import ProviderStatus

EXCERPT_LENGTH = 120

# One statement for any number of providers. The aggregates are LATERAL subqueries over the link
# tables' provider_id indexes; `%(all)s` true refreshes every provider. A row that would not change is
# not rewritten (no dead tuple, no index entry): `refreshed_at` is when it last changed.
REFRESH_SQL = """
INSERT INTO providers_directorylisting AS listing (
    provider_id, name, excerpt, search_text, name_initials, initials_of,
    city_ids, track_ids, category_ids, certified_track_ids, modes, areas,
    tier, score, directory_boost, featured_slots, recommended, rating, review_count, gmv_served,
    created_at, is_listed, refreshed_at
)
SELECT
    p.id,
    p.name,
    left(btrim(regexp_replace(p.introduction, '\\s+', ' ', 'g')), %(excerpt)s),
    concat_ws(' ', p.name, p.introduction, cases.titles),
    '',
    '',
    coalesce(cities.ids, '{}'),
    coalesce(tracks.ids, '{}'),
    coalesce(categories.ids, '{}'),
    coalesce(certified.ids, '{}'),
    p.cooperation_modes,
    coalesce(areas.names, '{}'),
    coalesce(s.tier, 'L1'),
    coalesce(s.score, 0),
    coalesce(s.directory_boost, 0),
    coalesce(s.featured_slots, 0),
    coalesce(s.score, 0) + coalesce(s.directory_boost, 0),
    s.rating,
    coalesce(s.review_count, 0),
    coalesce(s.gmv_served, 0),
    p.created_at,
    p.status = %(active)s,
    now()
FROM providers_provider p
LEFT JOIN providers_providerstanding s ON s.provider_id = p.id
LEFT JOIN LATERAL (
    SELECT array_agg(link.servicecity_id ORDER BY link.servicecity_id) AS ids
    FROM providers_provider_service_cities link WHERE link.provider_id = p.id
) cities ON true
LEFT JOIN LATERAL (
    SELECT array_agg(link.track_id ORDER BY link.track_id) AS ids
    FROM providers_provider_tracks link WHERE link.provider_id = p.id
) tracks ON true
LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT both_levels.category_id ORDER BY both_levels.category_id) AS ids FROM (
        SELECT category.id, category.parent_id
        FROM providers_provider_tracks link
        JOIN reference_track_categories grouped ON grouped.track_id = link.track_id
        JOIN reference_category category ON category.id = grouped.category_id
        WHERE link.provider_id = p.id
    ) sub, LATERAL (VALUES (sub.id), (sub.parent_id)) AS both_levels(category_id)
    WHERE both_levels.category_id IS NOT NULL
) categories ON true
LEFT JOIN LATERAL (
    SELECT array_agg(link.track_id ORDER BY link.track_id) AS ids
    FROM providers_providerstanding_certified_tracks link WHERE link.providerstanding_id = p.id
) certified ON true
LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT area ORDER BY area) AS names FROM (
        SELECT unnest(p.service_areas) AS area
        UNION SELECT package.area FROM providers_servicepackage package
        WHERE package.provider_id = p.id AND package.is_active
    ) offered
) areas ON true
LEFT JOIN LATERAL (
    SELECT string_agg(study.title, ' ' ORDER BY study.position, study.id) AS titles
    FROM providers_casestudy study WHERE study.provider_id = p.id
) cases ON true
WHERE %(all)s OR p.id = ANY(%(ids)s)
ON CONFLICT (provider_id) DO UPDATE SET
    name = EXCLUDED.name,
    excerpt = EXCLUDED.excerpt,
    search_text = EXCLUDED.search_text,
    city_ids = EXCLUDED.city_ids,
    track_ids = EXCLUDED.track_ids,
    category_ids = EXCLUDED.category_ids,
    certified_track_ids = EXCLUDED.certified_track_ids,
    modes = EXCLUDED.modes,
    areas = EXCLUDED.areas,
    tier = EXCLUDED.tier,
    score = EXCLUDED.score,
    directory_boost = EXCLUDED.directory_boost,
    featured_slots = EXCLUDED.featured_slots,
    recommended = EXCLUDED.recommended,
    rating = EXCLUDED.rating,
    review_count = EXCLUDED.review_count,
    gmv_served = EXCLUDED.gmv_served,
    created_at = EXCLUDED.created_at,
    is_listed = EXCLUDED.is_listed,
    refreshed_at = EXCLUDED.refreshed_at
WHERE (
    listing.name, listing.excerpt, listing.search_text, listing.city_ids, listing.track_ids, listing.category_ids,
    listing.certified_track_ids, listing.modes, listing.areas, listing.tier, listing.score, listing.directory_boost,
    listing.featured_slots, listing.recommended, listing.rating, listing.review_count, listing.gmv_served,
    listing.created_at, listing.is_listed
) IS DISTINCT FROM (
    EXCLUDED.name, EXCLUDED.excerpt, EXCLUDED.search_text, EXCLUDED.city_ids, EXCLUDED.track_ids,
    EXCLUDED.category_ids, EXCLUDED.certified_track_ids, EXCLUDED.modes, EXCLUDED.areas, EXCLUDED.tier,
    EXCLUDED.score, EXCLUDED.directory_boost, EXCLUDED.featured_slots, EXCLUDED.recommended, EXCLUDED.rating,
    EXCLUDED.review_count, EXCLUDED.gmv_served, EXCLUDED.created_at, EXCLUDED.is_listed
)
RETURNING provider_id, name, initials_of
"""

# A full refresh may add thousands of entries to the GIN indexes' pending lists (fastupdate: 10 times
# faster to write than without); merging them at once keeps the indexes clean for the planner, which
# otherwise costs a GIN scan with a long pending list too high and scans the table instead.
GIN_INDEXES = [
    "listing_search_bigrams",
    "listing_city_ids",
    "listing_track_ids",
    "listing_category_ids",
    "listing_certified_track_ids",
    "listing_modes_areas",
]
CLEAN_SQL = "SELECT " + ", ".join(f"gin_clean_pending_list('{name}'::regclass)" for name in GIN_INDEXES)

INITIALS_SQL = """
UPDATE providers_directorylisting listing
SET name_initials = changed.initials, initials_of = changed.name
FROM unnest(%s::int[], %s::text[], %s::text[]) AS changed(provider_id, name, initials)
WHERE listing.provider_id = changed.provider_id
"""


def name_initials(name: str) -> str:
    """拼音首字母 of a name, lower case, letters and digits only: 阿尔法服务商 → aeffws, KFC肯德基 → kfckdj."""
    from pypinyin import Style, lazy_pinyin  # its dictionaries take a moment to load: only when needed

    return re.sub(r"[^a-z0-9]", "", "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower())


def listing_refresh(provider_ids: Iterable[int] | None = None) -> int:
    """Rebuild the directory rows of `provider_ids` (None: every provider) from the source tables, in
    one statement, plus one for the pinyin initials of the names that changed (and, for all, one that
    merges the GIN indexes' pending lists). Suspended and terminated providers keep a row with `is_listed`
    false. Returns the number of rows written (new or changed)."""
    ids = None if provider_ids is None else sorted({int(pk) for pk in provider_ids})
    if ids == []:
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            REFRESH_SQL,
            {"all": ids is None, "ids": ids or [], "excerpt": EXCERPT_LENGTH, "active": ProviderStatus.ACTIVE},
        )
        rows = cursor.fetchall()
        renamed = [(pk, name) for pk, name, initials_of in rows if name != initials_of]
        if renamed:
            cursor.execute(
                INITIALS_SQL,
                [[pk for pk, _ in renamed], [name for _, name in renamed], [name_initials(n) for _, n in renamed]],
            )
        if ids is None and rows:
            cursor.execute(CLEAN_SQL)
    return len(rows)


def listing_refresh_on_commit(provider_id: int) -> None:
    """Refresh one provider's listing once the caller's transaction has committed (what it changed is then
    visible). `robust`: a failed refresh must not fail a change that has committed; the next refresh or
    `manage.py refresh_directory` repairs the row."""
    transaction.on_commit(lambda: listing_refresh([provider_id]), robust=True)
