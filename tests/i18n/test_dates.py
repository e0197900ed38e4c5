"""Dates in the reader's language from CLDR, with Latin digits in Arabic (what Brussels' signs and
phones show): the plain `ar` locale, never one whose numbering is Arabic-Indic (`ar_EG`)."""

from datetime import date

import pytest

from lieux import dates
from lieux.models import LANGUAGES

DAY = date(2026, 12, 15)  # a Tuesday


def foreign_digits(text: str) -> list[str]:
    """The digits of `text` that are not 0–9 (Arabic-Indic ٠-٩, Persian ۰-۹…)."""
    return [c for c in text if c.isdigit() and c not in "0123456789"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_date_writes_latin_digits(lang):
    for text in (
        dates.day_month(DAY, lang),
        dates.long_date(DAY, lang),
        dates.full_date(DAY, lang),
        dates.day_label(DAY, lang),
        dates.day_label(DAY, lang, this_year=2025),
    ):
        assert "15" in text and foreign_digits(text) == [], (lang, text)


def test_arabic_dates_are_arabic_words_with_latin_digits():
    assert dates.babel_locale("ar") == "ar"
    assert dates.weekday(DAY, "ar") == "الثلاثاء"
    assert dates.weekday_name(1, "ar") == "الثلاثاء"
    label = dates.day_label(DAY, "ar")
    assert "ديسمبر" in label and "15" in label, label
    assert "2026" in dates.long_date(DAY, "ar")


def test_the_check_would_catch_arabic_indic_digits():
    """What a locale numbering with Arabic-Indic digits would write: the check above sees it."""
    assert foreign_digits("١٥ ديسمبر") == ["١", "٥"]
    assert foreign_digits("15 ديسمبر") == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_weekday_names_run_monday_to_sunday(lang):
    names = [dates.weekday_name(i, lang) for i in range(7)]
    assert names == [dates.weekday(date(2026, 12, 14 + i), lang) for i in range(7)]
