"""What a repetition will mean, said next to the activity form's date: "chaque mardi".

A weekly or monthly activity takes its weekday from the date typed; the form says which, and
its script (members.js) says it again as the date changes, from the same translated phrases.
"""

from lieux.i18n import gettext as _
from lieux.manage.forms import INTERVAL_MAX, repeat_day

_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_ORDINALS = {1: "1er", 2: "2e", 3: "3e", 4: "4e", -1: "dernier"}


def phrases() -> dict[str, object]:
    """The translated words and patterns, for the page and its script (same msgids as
    lieux.calendar.describe, which words the saved series the same way)."""
    return {
        "weekdays": [_(name) for name in _WEEKDAYS],
        "ordinals": {str(n): _(word) for n, word in _ORDINALS.items()},
        "weekly": _("chaque %(days)s"),
        "fortnightly": _("un %(days)s sur deux"),
        "every": _("un %(days)s toutes les %(n)d semaines"),
        "monthly": _("le %(nth)s %(day)s du mois"),
        "day": _("C'est un %(day)s."),
    }


def hints(day: object, interval: object = 1) -> dict[str, str]:
    """{"day", "weekly", "monthly"} sentences for the typed day and interval; {} without a day."""
    found = repeat_day(day)
    if found is None:
        return {}
    weekday, nth = found
    words = phrases()
    name = words["weekdays"][weekday]
    every = int(interval) if str(interval).strip().isdigit() else 1
    every = every if 1 <= every <= INTERVAL_MAX else 1
    if every == 1:
        weekly = words["weekly"] % {"days": name}
    elif every == 2:
        weekly = words["fortnightly"] % {"days": name}
    else:
        weekly = words["every"] % {"days": name, "n": every}
    return {
        "day": words["day"] % {"day": name},
        "weekly": weekly,
        "monthly": words["monthly"] % {"nth": words["ordinals"][str(nth)], "day": name},
    }
