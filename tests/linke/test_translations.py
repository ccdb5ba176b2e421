"""Every string is translated (Chinese is the default language) and keeps its placeholders."""

from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_chinese_translation_that_is_not_fuzzy():
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    untranslated = [
        message.id
        for message in catalogue
        if message.id and (message.fuzzy or not all(message.string if message.pluralizable else [message.string]))
    ]
    assert untranslated == []
    assert len(catalogue) > 500


def test_translations_keep_their_placeholders():
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    problems = [(message.id, [str(error) for error in errors]) for message, errors in catalogue.check() if errors]
    assert problems == []
