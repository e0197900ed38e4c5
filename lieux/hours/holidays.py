"""Belgian public holidays as the law counts them, plus Iris Day in the Brussels region.

`holidays.country_holidays("BE")` also lists Easter Sunday and Whit Sunday: they always fall on a
Sunday and the law does not count them among the ten public holidays, so they are dropped here.
"""

from collections.abc import Iterable
from datetime import date, timedelta

import holidays
from dateutil.easter import easter

from lieux.i18n import gettext_in
from lieux.i18n import mark as _

IRIS_DAY = (5, 8)  # 8 May: Brussels-Capital Region holiday
IRIS_DAY_NAMES = {"fr": _("Fête de l'Iris"), "nl": "Irisfeest", "en": "Iris Day"}
# The languages `holidays` names Belgian holidays in, as it spells them. In the public side's
# other languages (ar, es, pt, ro, tr) its French names are translated by their catalogues:
FRENCH_NAMES = (
    _("Nouvel An"), _("Lundi de Pâques"), _("Fête du Travail"), _("Ascension"),
    _("Lundi de Pentecôte"), _("Fête nationale"), _("Assomption"), _("Toussaint"),
    _("Jour de l'Armistice"), _("Noël"),
)  # fmt: skip
_HOLIDAYS_LANGUAGE = {"fr": "fr", "nl": "nl", "en": "en_US", "uk": "uk"}
# What `holidays` and opening-hours-py count as holidays but Belgian law does not.
WHIT_SUNDAY_OFFSET = timedelta(days=49)


def sunday_feasts(year: int) -> tuple[date, date]:
    """Easter Sunday and Whit Sunday of `year`: ordinary Sundays in law."""
    sunday = easter(year)
    return sunday, sunday + WHIT_SUNDAY_OFFSET


def public_holidays(years: Iterable[int], *, iris_day: bool, lang: str = "fr") -> dict[date, str]:
    """The legal public holidays of `years` by date, named in `lang` (a page language)."""
    years = list(years)
    own = lang in _HOLIDAYS_LANGUAGE
    language = _HOLIDAYS_LANGUAGE[lang if own else "fr"]
    found = holidays.country_holidays("BE", years=years, language=language)
    dropped = {day for year in years for day in sunday_feasts(year)}
    result = {
        day: name if own else gettext_in(lang, name)
        for day, name in found.items()
        if day not in dropped
    }
    if iris_day:
        iris = IRIS_DAY_NAMES.get(lang) or gettext_in(lang, IRIS_DAY_NAMES["fr"])
        for year in years:
            result[date(year, *IRIS_DAY)] = iris
    return dict(sorted(result.items()))
