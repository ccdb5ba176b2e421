from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import translation

from providers.forms import ServiceCityField
from reference.categories import INDUSTRIES, MEDICAL_INSTITUTION_LICENCE, SCHOOL_LICENCE
from reference.loader import (
    city_names_en,
    load_regions,
    load_service_cities,
    load_tracks,
    place_name_en,
    place_name_initials,
    place_name_pinyin,
    read_divisions,
    short_place_name,
)
from reference.models import Category, Region, ServiceCity, Track


def load_reference_data(**options):
    stdout = StringIO()
    call_command("load_reference_data", stdout=stdout, **options)
    return stdout.getvalue()


@pytest.fixture
def reference_data():
    load_reference_data(verbosity=0)


# --- Regions --------------------------------------------------------------------------------
def test_package_metadata_has_the_documented_counts():
    metadata, divisions = read_divisions()
    assert metadata["counts"] == {"1": 33, "2": 333, "3": 2845, "4": 38723}
    assert len(divisions) == 33 + 333 + 2845


@pytest.mark.django_db
def test_loads_levels_one_to_three_with_the_package_counts(reference_data):
    metadata, _divisions = read_divisions()
    for level in (1, 2, 3):
        assert Region.objects.filter(level=level).count() == metadata["counts"][str(level)]
    assert Region.objects.filter(level=1).count() == 33
    assert Region.objects.filter(level=2).count() == 333
    assert Region.objects.filter(level=3).count() == 2845
    assert Region.objects.count() == 3211
    assert Region.objects.filter(level=1, parent__isnull=False).count() == 0
    assert Region.objects.filter(level__in=[2, 3], parent__isnull=True).count() == 0


@pytest.mark.django_db
def test_region_tree_skips_levels_where_administration_does(reference_data):
    dongcheng = Region.objects.get(code="110101")
    assert (dongcheng.name, dongcheng.level, dongcheng.parent_id) == ("东城区", 3, "110000")
    assert not Region.objects.filter(parent_id="441900").exists()  # 东莞市: no county level
    assert Region.objects.get(code="419001").parent_id == "410000"  # 济源市 under 河南省
    assert not Region.objects.filter(parent_id="810000").exists()  # 香港
    assert Region.objects.filter(level=3, parent__level=1).count() == 117  # municipalities' + 32 others


@pytest.mark.django_db
def test_region_pinyin_is_lower_case_without_spaces_and_fixes_place_name_readings(reference_data):
    pinyin = dict(
        Region.objects.filter(code__in=["500000", "140400", "411100", "371722"]).values_list("code", "name_pinyin")
    )
    assert pinyin == {
        "500000": "chongqingshi",
        "140400": "changzhishi",  # 长治, pypinyin alone says zhangzhi
        "411100": "luoheshi",  # 漯河, pypinyin alone says tahe
        "371722": "shanxian",  # 单县
    }
    assert not Region.objects.filter(name_pinyin__regex=r"[^a-z]").exists()


# --- Service cities -------------------------------------------------------------------------
@pytest.mark.django_db
def test_one_service_city_per_prefecture_and_municipality(reference_data):
    assert ServiceCity.objects.count() == 337
    assert ServiceCity.objects.filter(region__level=2).count() == 333
    municipalities = ServiceCity.objects.filter(region__level=1).order_by("region_id")
    assert [(city.region_id, city.name, city.province_id) for city in municipalities] == [
        ("110000", "北京市", "110000"),
        ("120000", "天津市", "120000"),
        ("310000", "上海市", "310000"),
        ("500000", "重庆市", "500000"),
    ]
    assert ServiceCity.objects.filter(is_active=True).count() == 337
    assert not ServiceCity.objects.filter(region__level=2).exclude(province=F("region__parent")).exists()


@pytest.mark.django_db
def test_service_city_names(reference_data):
    shijiazhuang = ServiceCity.objects.get(region_id="130100")
    assert (shijiazhuang.name, shijiazhuang.name_en, shijiazhuang.name_pinyin, shijiazhuang.name_initials) == (
        "石家庄市",
        "Shijiazhuang",
        "shijiazhuangshi",
        "sjzs",
    )
    assert shijiazhuang.province_id == "130000"
    chongqing = ServiceCity.objects.get(region_id="500000")
    assert (chongqing.name_en, chongqing.name_pinyin) == ("Chongqing", "chongqingshi")
    names_en = dict(
        ServiceCity.objects.filter(region_id__in=["222400", "152200", "542500", "610100"]).values_list(
            "region_id", "name_en"
        )
    )
    assert names_en == {"222400": "Yanbian", "152200": "Xing'an", "542500": "Ali", "610100": "Xi'an"}


def test_city_name_helpers():
    assert short_place_name("延边朝鲜族自治州") == "延边"
    assert short_place_name("伊犁哈萨克自治州") == "伊犁"
    assert short_place_name("海西蒙古族藏族自治州") == "海西"
    assert short_place_name("大兴安岭地区") == "大兴安岭"
    assert short_place_name("锡林郭勒盟") == "锡林郭勒"
    assert place_name_en("吕梁市") == "Lüliang"
    assert place_name_en("哈尔滨市") == "Ha'erbin"
    assert place_name_en("黔东南苗族侗族自治州") == "Qiandongnan"
    assert place_name_pinyin("朝阳区") == "chaoyangqu"
    assert place_name_pinyin("长子县") == "zhangzixian"
    assert place_name_initials("重庆市") == "cqs"


def test_province_names_in_english():
    names = ["陕西省", "山西省", "广西壮族自治区", "新疆维吾尔自治区", "宁夏回族自治区", "西藏自治区", "内蒙古自治区"]
    assert [place_name_en(name) for name in names] == [
        "Shaanxi",
        "Shanxi",
        "Guangxi",
        "Xinjiang",
        "Ningxia",
        "Xizang",  # 藏 is also an ethnic group: the short name keeps two characters
        "Inner Mongolia",
    ]
    assert place_name_en("香港特别行政区") == "Hong Kong"
    assert place_name_en("北京市") == "Beijing"


def test_english_names_shared_by_cities_get_their_province_whatever_the_cities():
    names = city_names_en(
        {
            "a": ("福州市", "福建省"),
            "b": ("抚州市", "江西省"),
            "c": ("成都市", "四川省"),
            "d": ("榆林市", "陕西省"),
            "e": ("玉林市", "广西壮族自治区"),
            "f": ("新余市", "江西省"),
        }
    )
    assert names == {
        "a": "Fuzhou, Fujian",
        "b": "Fuzhou, Jiangxi",
        "c": "Chengdu",
        "d": "Yulin, Shaanxi",
        "e": "Yulin, Guangxi",
        "f": "Xinyu",
    }
    assert city_names_en({"a": ("福州市", "福建省"), "c": ("成都市", "四川省")}) == {"a": "Fuzhou", "c": "Chengdu"}


SAME_SOUNDING_CITIES = {
    "350100": ("福州市", "Fuzhou, Fujian"),
    "361000": ("抚州市", "Fuzhou, Jiangxi"),
    "320500": ("苏州市", "Suzhou, Jiangsu"),
    "341300": ("宿州市", "Suzhou, Anhui"),
    "331000": ("台州市", "Taizhou, Zhejiang"),
    "321200": ("泰州市", "Taizhou, Jiangsu"),
    "230700": ("伊春市", "Yichun, Heilongjiang"),
    "360900": ("宜春市", "Yichun, Jiangxi"),
    "610800": ("榆林市", "Yulin, Shaanxi"),
    "450900": ("玉林市", "Yulin, Guangxi"),
}


def stored_names(region_codes):
    return {
        region_id: (name, name_en)
        for region_id, name, name_en in ServiceCity.objects.filter(region_id__in=region_codes).values_list(
            "region_id", "name", "name_en"
        )
    }


@pytest.mark.django_db
def test_same_sounding_cities_are_told_apart_by_province_in_english(reference_data):
    assert stored_names(SAME_SOUNDING_CITIES) == SAME_SOUNDING_CITIES
    assert stored_names(["510100", "350200", "110000"]) == {
        "510100": ("成都市", "Chengdu"),
        "350200": ("厦门市", "Xiamen"),
        "110000": ("北京市", "Beijing"),
    }
    assert not ServiceCity.objects.values("name_en").annotate(cities=Count("id")).filter(cities__gt=1).exists()
    assert ServiceCity.objects.filter(name_en__contains=",").count() == 10


@pytest.mark.django_db
def test_english_pages_show_the_province_of_a_same_sounding_city_and_order_them_by_it(reference_data):
    field = ServiceCityField(required=False)
    same_sounding = [city for city in field.queryset if city.name_pinyin in ("fuzhoushi", "suzhoushi")]
    chengdu = ServiceCity.objects.select_related("province").get(region_id="510100")
    with translation.override("en"):
        labels = [field.label_from_instance(city) for city in [*same_sounding, chengdu]]
        assert labels == ["Fuzhou, Fujian", "Fuzhou, Jiangxi", "Suzhou, Anhui", "Suzhou, Jiangsu", "Chengdu"]
    with translation.override("zh-hans"):
        labels = [field.label_from_instance(city) for city in [*same_sounding, chengdu]]
        assert labels == [
            "福州市（福建省）",
            "抚州市（江西省）",
            "宿州市（安徽省）",
            "苏州市（江苏省）",
            "成都市（四川省）",
        ]
    assert list(ServiceCity.objects.filter(name_pinyin="taizhoushi").values_list("name", flat=True)) == [
        "泰州市",  # Taizhou, Jiangsu
        "台州市",  # Taizhou, Zhejiang
    ]


@pytest.mark.django_db
def test_reload_gives_a_database_loaded_with_the_old_names_the_new_ones_and_then_changes_nothing(reference_data):
    ServiceCity.objects.filter(region_id__in=["350100", "361000"]).update(name_en="Fuzhou")

    first = load_service_cities()
    second = load_service_cities()

    assert (first.created, first.updated) == (0, 2)
    assert (second.created, second.updated) == (0, 0)
    assert stored_names(SAME_SOUNDING_CITIES) == SAME_SOUNDING_CITIES


# --- Categories and tracks ------------------------------------------------------------------
@pytest.mark.django_db
def test_taxonomy_has_12_industries_and_94_sub_categories(reference_data):
    # DOMAIN.md's table lists 11+6+9+12+7+7+7+7+6+6+10+6 = 94 sub-categories (its "90" is a slip).
    assert Category.objects.filter(parent__isnull=True).count() == 12
    assert Category.objects.filter(parent__isnull=False).count() == 94
    assert not Category.objects.filter(parent__parent__isnull=False).exists()
    per_industry = [Category.objects.get(slug=slug).children.count() for slug, *_rest in INDUSTRIES]
    assert per_industry == [11, 6, 9, 12, 7, 7, 7, 7, 6, 6, 10, 6]
    hotpot = Category.objects.get(slug="hotpot")
    assert (hotpot.name, hotpot.name_en, hotpot.parent.slug, hotpot.position) == ("火锅", "Hotpot", "dining", 1)


@pytest.mark.django_db
def test_medical_and_education_sub_categories_are_licence_gated(reference_data):
    medical = Category.objects.filter(parent__slug="medical")
    assert medical.count() == 7
    assert all(category.required_licences == [MEDICAL_INSTITUTION_LICENCE] for category in medical)
    for slug in ["injectables", "laser_skin", "plastic_surgery", "dental"]:
        assert Category.objects.get(slug=slug).licence_required
    education = dict(Category.objects.filter(parent__slug="education").values_list("slug", "required_licences"))
    assert education == {
        "language": [SCHOOL_LICENCE],
        "music": [SCHOOL_LICENCE],
        "art": [SCHOOL_LICENCE],
        "driving": [],
        "vocational": [SCHOOL_LICENCE],
        "study_room": [],
    }
    gated = [category.slug for category in Category.objects.all() if category.required_licences]
    assert len(gated) == 11


@pytest.mark.django_db
def test_one_track_per_industry_with_its_sub_categories(reference_data):
    assert Track.objects.count() == 12
    for track in Track.objects.prefetch_related("categories"):
        industry = Category.objects.get(slug=track.slug, parent__isnull=True)
        assert set(track.categories.all()) == set(industry.children.all())
        assert track.is_active and track.full_operation_requires_certification
    dining = Track.objects.get(slug="dining")
    assert (dining.name, dining.name_en, dining.position) == ("餐饮", "Dining", 1)


@pytest.mark.django_db
def test_track_links_are_reset_to_the_taxonomy_but_operator_flags_kept(reference_data):
    dining = Track.objects.get(slug="dining")
    dining.categories.add(Category.objects.get(slug="dental"))
    dining.categories.remove(Category.objects.get(slug="hotpot"))
    Track.objects.filter(slug="dining").update(is_active=False, full_operation_requires_certification=False)

    result = load_tracks()

    assert (result.total, result.created, result.updated) == (12, 0, 0)
    dining.refresh_from_db()
    assert set(dining.categories.values_list("slug", flat=True)) == {
        "hotpot", "bbq", "buffet", "snack", "chinese_regional", "jp_kr", "western", "seafood", "bakery", "coffee",
        "tea_drinks",
    }  # fmt: skip
    assert (dining.is_active, dining.full_operation_requires_certification) == (False, False)


# --- The command ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_command_reports_progress():
    output = load_reference_data()
    assert "regions: level 1 … 33 (created 33, updated 0, unchanged 0)" in output
    assert "regions: level 2 … 333 (created 333" in output
    assert "regions: level 3 … 2845 (created 2845" in output
    assert "service cities: 337 (created 337" in output
    assert "categories: 12 industries, 94 sub-categories" in output
    assert "tracks: 12 (created 12" in output


@pytest.mark.django_db
def test_command_is_silent_at_verbosity_zero():
    assert load_reference_data(verbosity=0) == ""


@pytest.mark.django_db
def test_second_run_changes_nothing_and_keeps_operator_changes(reference_data):
    ServiceCity.objects.filter(region_id="130100").update(is_active=False)
    operator_city = ServiceCity.objects.create(
        region_id="419001", name="济源", name_pinyin="jiyuan", province_id="410000"
    )
    counts = (Region.objects.count(), ServiceCity.objects.count(), Category.objects.count(), Track.objects.count())

    output = load_reference_data()

    assert "regions: level 3 … 2845 (created 0, updated 0, unchanged 2845)" in output
    assert "service cities: 337 (created 0, updated 0, unchanged 337)" in output
    assert "tracks: 12 (created 0, updated 0, unchanged 12); category links added 0, removed 0" in output
    assert (Region.objects.count(), ServiceCity.objects.count(), Category.objects.count(), Track.objects.count()) == (
        counts
    )
    assert counts == (3211, 338, 106, 12)
    assert ServiceCity.objects.get(region_id="130100").is_active is False
    assert ServiceCity.objects.filter(pk=operator_city.pk, name="济源").exists()


@pytest.mark.django_db
def test_reload_repairs_a_changed_region(reference_data):
    Region.objects.filter(code="110101").update(name="改过的名字", name_pinyin="")

    results = load_regions()

    assert [(result.created, result.updated) for result in results.values()] == [(0, 0), (0, 0), (0, 1)]
    assert Region.objects.values_list("name", "name_pinyin").get(code="110101") == ("东城区", "dongchengqu")


@pytest.mark.django_db
def test_query_count_does_not_depend_on_row_count(django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        load_reference_data(verbosity=0)
    with django_assert_max_num_queries(20):
        load_reference_data(verbosity=0)
