"""Dates and weekdays in the reader's language, from Babel's CLDR data: one function per need, so
every page, widget, poster and feed writes a date the same way.

Digits stay Latin in every language, for dates as for times ("14:00") and phone numbers: that is
what Brussels' signs, timetables and phones show. Babel writes date fields with Latin digits
whatever the locale, and the plain `ar` locale's own numbering system is Latin too (`ar_EG`'s is
Arabic-Indic: never map a language to it). Times are written `%H:%M` by the callers, the same in
every language.
"""

import re
from datetime import date
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date, get_day_names

# Babel locales of the page languages: Belgian French and Dutch, British English ("Tuesday 15
# December", day before month as in the other two), Portuguese as written in Portugal (as the
# catalogue's plural forms), and each other language's main locale (`ar`: Latin digits).
LOCALES = {
    "fr": "fr_BE",
    "nl": "nl_BE",
    "en": "en_GB",
    "ar": "ar",
    "es": "es",
    "pt": "pt_PT",
    "ro": "ro",
    "tr": "tr",
    "uk": "uk",
}


def babel_locale(lang: str) -> str:
    """The Babel locale of a page language (French for an unknown one)."""
    return LOCALES.get(lang, LOCALES["fr"])


# The patterns of each need. French, Dutch and English pages write dates as they always have
# ("mardi 1er décembre", "Tuesday 1 December"); the other languages take CLDR's own patterns
# ("martes, 1 de diciembre", "1 Aralık Salı", "الثلاثاء، 1 ديسمبر").
OWN_PATTERNS = {
    "day_month": "{d} MMMM",
    "long_date": "{d} MMMM y",
    "day_label": "EEEE {d} MMMM",
    "day_label_year": "EEEE {d} MMMM y",
}
OWN_PATTERN_LANGUAGES = ("fr", "nl", "en")


@cache
def _cldr_patterns(locale: str) -> dict[str, str]:
    data = Locale.parse(locale)
    with_weekday = data.datetime_skeletons["MMMMEd"].pattern
    return {
        "day_month": data.datetime_skeletons["MMMMd"].pattern,
        "long_date": data.date_formats["long"].pattern,
        # the skeleton's short weekday ("mar.") written in full, as on the other pages
        "day_label": re.sub(r"(?<!E)E(?!E)", "EEEE", with_weekday),
        "day_label_year": data.date_formats["full"].pattern,
    }


# Babel's formatting is ~0.2 ms a date: a page of 400 occurrences over eight days writes the
# same eight labels 400 times (a sixth of the agenda's CPU at the caps). Bounded: `lang` is free.
@lru_cache(maxsize=2048)
def _format(day: date, lang: str, need: str) -> str:
    if lang in OWN_PATTERN_LANGUAGES:
        # French writes the first of the month as an ordinal: "mardi 1er décembre".
        first = "'1er'" if lang == "fr" and day.day == 1 else "d"
        pattern = OWN_PATTERNS[need].format(d=first)
    else:
        pattern = _cldr_patterns(babel_locale(lang))[need]
    return format_date(day, pattern, locale=babel_locale(lang))


def weekday(day: date, lang: str) -> str:
    """'jeudi', 'donderdag', 'Thursday', 'الخميس'."""
    return format_date(day, "EEEE", locale=babel_locale(lang))


def weekday_name(index: int, lang: str) -> str:
    """The weekday `index` (0 is Monday, as `date.weekday()`): 'lundi', 'maandag', 'الاثنين'."""
    return get_day_names("wide", locale=babel_locale(lang))[index]


def day_month(day: date, lang: str) -> str:
    """'25 décembre' ('1er décembre'), '25 december', '25 December', '25 de diciembre'."""
    return _format(day, lang, "day_month")


def long_date(day: date, lang: str) -> str:
    """'3 novembre 2026' ('1er novembre 2026'), '3 november 2026', '3 de noviembre de 2026'."""
    return _format(day, lang, "long_date")


def full_date(day: date, lang: str) -> str:
    """'mardi 15 décembre 2026', 'Tuesday 15 December 2026', 'martes, 15 de diciembre de 2026'."""
    return _format(day, lang, "day_label_year")


def day_label(day: date, lang: str, *, this_year: int | None = None) -> str:
    """'mardi 15 décembre', 'dinsdag 15 december', 'Tuesday 15 December', 'martes, 15 de
    diciembre' (with the year when it differs from `this_year`)."""
    return _format(day, lang, "day_label" if this_year in (None, day.year) else "day_label_year")


def numeric_date(day: date) -> str:
    """'24/12/2026': day/month/year as Belgians write it, the same in every language."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"
