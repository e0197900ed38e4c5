"""Belgian public holidays as the law counts them, plus Iris Day in the Brussels region.

`holidays.country_holidays("BE")` also lists Easter Sunday and Whit Sunday: they always fall on a
Sunday and the law does not count them among the ten public holidays, so they are dropped here.
"""

from collections.abc import Iterable
from datetime import date, timedelta

import holidays
from dateutil.easter import easter

IRIS_DAY = (5, 8)  # 8 May: Brussels-Capital Region holiday
IRIS_DAY_NAMES = {"fr": "Fête de l'Iris", "nl": "Irisfeest", "en": "Iris Day"}
# `holidays` names its languages this way.
_HOLIDAYS_LANGUAGE = {"fr": "fr", "nl": "nl", "en": "en_US"}
# What `holidays` and opening-hours-py count as holidays but Belgian law does not.
WHIT_SUNDAY_OFFSET = timedelta(days=49)


def sunday_feasts(year: int) -> tuple[date, date]:
    """Easter Sunday and Whit Sunday of `year`: ordinary Sundays in law."""
    sunday = easter(year)
    return sunday, sunday + WHIT_SUNDAY_OFFSET


def public_holidays(years: Iterable[int], *, iris_day: bool, lang: str = "fr") -> dict[date, str]:
    """The legal public holidays of `years` by date, named in `lang` (fr, nl or en)."""
    years = list(years)
    found = holidays.country_holidays("BE", years=years, language=_HOLIDAYS_LANGUAGE[lang])
    dropped = {day for year in years for day in sunday_feasts(year)}
    result = {day: name for day, name in found.items() if day not in dropped}
    if iris_day:
        for year in years:
            result[date(year, *IRIS_DAY)] = IRIS_DAY_NAMES[lang]
    return dict(sorted(result.items()))
