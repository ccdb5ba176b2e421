from django.utils import translation
from django.utils.translation import gettext_lazy

from linke.text import join_names


def test_chinese_joins_names_with_the_enumeration_comma():
    with translation.override("zh-hans"):
        assert join_names(["福州市", "厦门市", "泉州市"]) == "福州市、厦门市、泉州市"


def test_english_joins_names_with_a_comma_and_a_space():
    with translation.override("en"):
        assert join_names(["Fuzhou, Fujian", "Xiamen", "Quanzhou"]) == "Fuzhou, Fujian, Xiamen, Quanzhou"


def test_lazy_translations_are_joined_as_text():
    names = [gettext_lazy("Dining"), "Xiamen"]
    with translation.override("en"):
        assert join_names(iter(names)) == "Dining, Xiamen"


def test_without_an_active_language_the_default_chinese_separator_is_used():
    with translation.override(None):
        assert join_names(["福州市", "厦门市"]) == "福州市、厦门市"


def test_one_name_or_none():
    with translation.override("en"):
        assert join_names(["Xiamen"]) == "Xiamen"
        assert join_names([]) == ""
