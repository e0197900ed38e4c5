"""The hours editor's form: weekly slots, periods, dated exceptions and the public-holiday rule.

Field names are positional (`slot-0-1-opens`: Monday, second slot; `per-0-slot-0-1-opens`: the
same in the first period), so the form needs no JavaScript to add a row: it always offers a
fixed number of empty ones.
"""

import re
from datetime import date, time, timedelta
from itertools import pairwise

import msgspec

from lieux.hours.announce import day_words
from lieux.hours.engine import day_plan, weekly_spans
from lieux.hours.models import HolidayRule, OpeningException, OpeningHours, OpeningSlot, Period
from lieux.hours.osm_import import PERIOD_NAME_MAX
from lieux.manage.forms import _TAG, NOTE_MAX, Error, FormErrors, _

SLOTS_PER_DAY = 2  # morning and afternoon is what the lieux we know use
BLANK_EXCEPTIONS = 3  # empty exception rows offered after the existing ones
MAX_EXCEPTIONS = 60
PREVIEW_DAYS = 7
# Periods ("Horaires d'été", "pendant les travaux"): a lieu has a summer and a winter, works now
# and then; more would be a second usual week. Each lasts a year at most: longer, it is the
# usual week that changed.
MAX_PERIODS = 4
BLANK_PERIODS = 1
MAX_PERIOD_DAYS = 366
# Dates outside these years are refused (date arithmetic near year 1 or 9999 overflows).
PERIOD_YEARS = (1970, 2200)
# The preview lists the changes of hours this far ahead (the OSM export covers a year).
CHANGES_AHEAD_DAYS = 366
_PERIOD_FIELD = re.compile(r"per-(\d{1,6})-")


def _time(data: dict, name: str, errors: dict[str, Error]) -> time | None:
    raw = str(data.get(name) or "").strip()
    if not raw:
        return None
    if len(raw) <= 5 and ":" in raw:
        hour, _sep, minute = raw.partition(":")
        raw = f"{int(hour):02d}:{minute}:00" if hour.isdigit() else raw
    try:
        return msgspec.convert(raw, time)
    except msgspec.ValidationError:
        errors[name] = (_("Heure invalide (attendu : HH:MM)."), {})
        return None


def _date(data: dict, name: str, errors: dict[str, Error]) -> date | None:
    raw = str(data.get(name) or "").strip()
    if not raw:
        return None
    try:
        return msgspec.convert(raw, date)
    except msgspec.ValidationError:
        errors[name] = (_("Date invalide (attendu : AAAA-MM-JJ)."), {})
        return None


def _pair(data, prefix, errors, *, required: bool) -> tuple[time | None, time | None]:
    opens = _time(data, f"{prefix}-opens", errors)
    closes = _time(data, f"{prefix}-closes", errors)
    if (opens is None) != (closes is None) or (required and opens is None):
        if f"{prefix}-opens" not in errors and f"{prefix}-closes" not in errors:
            errors[f"{prefix}-opens"] = (_("Indiquez l'ouverture et la fermeture."), {})
    elif opens is not None and opens == closes and opens != time(0):
        # 00:00–00:00 is a whole day (how an imported `24/7` is stored); 10:00–10:00 a slip.
        errors[f"{prefix}-closes"] = (_("La fermeture doit différer de l'ouverture."), {})
    return opens, closes


def _week(data, prefix: str, errors: dict[str, Error], **dates) -> list[OpeningSlot]:
    """The slots of one week's fields (`{prefix}slot-{weekday}-{index}-opens`...)."""
    slots = []
    for weekday in range(7):
        for index in range(SLOTS_PER_DAY):
            opens, closes = _pair(data, f"{prefix}slot-{weekday}-{index}", errors, required=False)
            if opens is not None and closes is not None:
                slots.append(OpeningSlot(weekday=weekday, opens=opens, closes=closes, **dates))
    return slots


def _text_error(text: str, limit: int) -> Error | None:
    if len(text) > limit:
        return (_("Trop long : %(max)s caractères au maximum."), {"max": limit})
    if _TAG.search(text):
        return (_("Pas de balises HTML ici."), {})
    return None


def parse_periods(data: dict[str, object], errors: dict[str, Error]) -> list[OpeningSlot]:
    """The periods' slots (each with the period's dates and name); errors named per field."""
    # A crafted form may send more periods than offered: said, not silently dropped. The
    # form's size bounds this loop (the server caps a request body).
    beyond = {
        int(match.group(1))
        for name, value in data.items()
        if (match := _PERIOD_FIELD.match(name)) and str(value or "").strip()
    }
    if any(index >= MAX_PERIODS for index in beyond):
        errors["periods"] = (_("Au plus %(max)s périodes."), {"max": MAX_PERIODS})
    found: list[tuple[int, Period]] = []
    for index in range(MAX_PERIODS):
        prefix = f"per-{index}"
        if not any(str(data.get(n) or "").strip() for n in data if n.startswith(f"{prefix}-")):
            continue  # an empty row
        name = str(data.get(f"{prefix}-name") or "").strip()
        start = _date(data, f"{prefix}-start", errors)
        end = _date(data, f"{prefix}-end", errors)
        for field, value in (("name", name), ("start", start), ("end", end)):
            if not value and f"{prefix}-{field}" not in errors:
                errors[f"{prefix}-{field}"] = (_("Ce champ est obligatoire."), {})
        if name and (problem := _text_error(name, PERIOD_NAME_MAX)):
            errors[f"{prefix}-name"] = problem
        for field, value in (("start", start), ("end", end)):
            if value and not PERIOD_YEARS[0] <= value.year <= PERIOD_YEARS[1]:
                errors[f"{prefix}-{field}"] = (
                    _("Date hors des années %(first)s à %(last)s."),
                    {"first": PERIOD_YEARS[0], "last": PERIOD_YEARS[1]},
                )
        if any(f"{prefix}-{field}" in errors for field in ("start", "end")):
            pass
        elif start and end and end < start:
            errors[f"{prefix}-end"] = (_("La fin doit être après le début."), {})
        elif start and end and (end - start).days + 1 > MAX_PERIOD_DAYS:
            errors[f"{prefix}-end"] = (
                _("Une période dure un an au plus : changez plutôt l'horaire habituel."),
                {},
            )
        slots = _week(data, f"{prefix}-", errors, valid_from=start, valid_to=end, period=name)
        if not slots and not any(n.startswith(f"{prefix}-slot-") for n in errors):
            errors[f"{prefix}-slots"] = (
                _(
                    "Indiquez au moins une plage horaire. Pour fermer le lieu pendant ces dates, "
                    "ajoutez plutôt une exception « fermé »."
                ),
                {},
            )
        if not any(n.startswith(f"{prefix}-") for n in errors):
            found.append((index, Period(name=name, start=start, end=end, slots=tuple(slots))))
    found.sort(key=lambda item: item[1].start)
    for (_i, before), (index, period) in pairwise(found):
        if period.start <= before.end:
            errors[f"per-{index}-start"] = (
                _("Cette période chevauche « %(other)s » : une seule période à la fois."),
                {"other": before.name},
            )
    return [slot for _index, period in found for slot in period.slots]


def parse_hours(
    data: dict[str, object],
) -> tuple[list[OpeningSlot], list[OpeningException], HolidayRule | None]:
    """The hours the form describes; FormErrors naming each bad field."""
    errors: dict[str, Error] = {}
    slots = _week(data, "", errors)
    slots += parse_periods(data, errors)
    exceptions = []
    for index in range(MAX_EXCEPTIONS):
        prefix = f"exc-{index}"
        if f"{prefix}-start" not in data:
            continue
        start = _date(data, f"{prefix}-start", errors)
        end = _date(data, f"{prefix}-end", errors) or start
        kind = data.get(f"{prefix}-kind") or "closed"
        note = str(data.get(f"{prefix}-note") or "").strip()
        if start is None:
            if note and f"{prefix}-start" not in errors:
                errors[f"{prefix}-start"] = (_("Ce champ est obligatoire."), {})
            continue  # an empty row
        if end < start:
            errors[f"{prefix}-end"] = (_("La fin doit être après le début."), {})
        if kind not in ("closed", "special"):
            errors[f"{prefix}-kind"] = (_("Choix invalide."), {})
        if len(note) > NOTE_MAX:
            errors[f"{prefix}-note"] = (
                _("Trop long : %(max)s caractères au maximum."),
                {"max": NOTE_MAX},
            )
        elif _TAG.search(note):
            errors[f"{prefix}-note"] = (_("Pas de balises HTML ici."), {})
        opens, closes = _pair(data, prefix, errors, required=kind == "special")
        if not any(name.startswith(f"{prefix}-") for name in errors):
            exceptions.append(
                OpeningException(
                    start_date=start,
                    end_date=end,
                    kind=kind,
                    opens=opens if kind == "special" else None,
                    closes=closes if kind == "special" else None,
                    note=note,
                )
            )
    rule_name = data.get("holiday-rule") or "none"
    rule = None
    if rule_name not in ("none", "closed", "as_usual", "special"):
        errors["holiday-rule"] = (_("Choix invalide."), {})
    elif rule_name != "none":
        opens, closes = _pair(data, "holiday", errors, required=rule_name == "special")
        rule = HolidayRule(
            rule=rule_name,
            opens=opens if rule_name == "special" else None,
            closes=closes if rule_name == "special" else None,
        )
    if errors:
        raise FormErrors(errors)
    return slots, exceptions, rule


def _week_values(slots: tuple[OpeningSlot, ...], prefix: str) -> dict[str, str]:
    values: dict[str, str] = {}
    by_day: dict[int, list[OpeningSlot]] = {}
    for slot in slots:
        by_day.setdefault(slot.weekday, []).append(slot)
    for weekday, found in by_day.items():
        for index, slot in enumerate(found[:SLOTS_PER_DAY]):
            values[f"{prefix}slot-{weekday}-{index}-opens"] = slot.opens.strftime("%H:%M")
            values[f"{prefix}slot-{weekday}-{index}-closes"] = slot.closes.strftime("%H:%M")
    return values


def hours_values(hours: OpeningHours) -> dict[str, str]:
    """The form fields for stored hours."""
    values = _week_values(hours.usual_slots, "")
    for index, period in enumerate(hours.periods[:MAX_PERIODS]):
        prefix = f"per-{index}-"
        values |= _week_values(period.slots, prefix)
        values[f"{prefix}name"] = period.name
        values[f"{prefix}start"] = period.start.isoformat() if period.start else ""
        values[f"{prefix}end"] = period.end.isoformat() if period.end else ""
    for index, exception in enumerate(hours.exceptions):
        prefix = f"exc-{index}"
        values[f"{prefix}-start"] = exception.start_date.isoformat()
        values[f"{prefix}-end"] = exception.end_date.isoformat()
        values[f"{prefix}-kind"] = exception.kind
        values[f"{prefix}-note"] = exception.note
        if exception.opens and exception.closes:
            values[f"{prefix}-opens"] = exception.opens.strftime("%H:%M")
            values[f"{prefix}-closes"] = exception.closes.strftime("%H:%M")
    rule = hours.holiday_rule
    values["holiday-rule"] = rule.rule if rule else "none"
    if rule and rule.opens and rule.closes:
        values["holiday-opens"] = rule.opens.strftime("%H:%M")
        values["holiday-closes"] = rule.closes.strftime("%H:%M")
    return values


def form_context(values: dict[str, object]) -> dict[str, object]:
    """What manage/_hours_form.html needs besides `values` and `errors`, wherever it is shown
    (the hours page, a campaign's check page): how many rows of each kind."""
    return {
        "rows": exception_rows(values),
        "period_rows": period_rows(values),
        "slots_per_day": SLOTS_PER_DAY,
    }


def exception_rows(values: dict[str, object]) -> int:
    """How many exception rows to show: the filled ones plus a few blank."""
    filled = [
        int(name.split("-")[1])
        for name in values
        if name.startswith("exc-") and name.endswith("-start") and name.split("-")[1].isdigit()
    ]
    return min(MAX_EXCEPTIONS, (max(filled) + 1 if filled else 0) + BLANK_EXCEPTIONS)


def period_rows(values: dict[str, object]) -> int:
    """How many period rows to show: the filled ones plus one blank, MAX_PERIODS at most."""
    filled = [
        int(match.group(1))
        for name, value in values.items()
        if (match := _PERIOD_FIELD.match(name)) and str(value or "").strip()
    ]
    return min(MAX_PERIODS, (max(filled) + 1 if filled else 0) + BLANK_PERIODS)


class Change(msgspec.Struct, frozen=True, kw_only=True):
    """From `day` on, the weekly hours change: to a period's (`period`), or back to the usual
    week (`period` None). `week` gives each weekday's spans then, Monday first."""

    day: date
    day_label: str  # "1er juillet"
    period: Period | None
    end_label: str  # the period's last day, "31 août"; "" when none
    week: list[list]


def coming_changes(hours: OpeningHours, today: date, lang: str) -> list[Change]:
    """When the weekly hours change in the coming year, as the preview says it ("à partir du
    1er juillet : …", then "à partir du 1er septembre : horaires habituels")."""
    changes: list[Change] = []
    horizon = today + timedelta(days=CHANGES_AHEAD_DAYS)

    def change(day: date, period: Period | None) -> Change:
        end = period.end if period else None
        return Change(
            day=day,
            day_label=day_words(day, today, lang),
            period=period,
            end_label=day_words(end, today, lang) if end else "",
            week=_week_of(hours, day),
        )

    for period in hours.periods:
        if period.end is not None and period.end < today:
            continue
        first = max(period.start or today, today)
        if first <= horizon:
            changes.append(change(first, period))
        after = period.end + timedelta(days=1) if period.end else None
        if after and after <= horizon and not any(p.covers(after) for p in hours.periods):
            changes.append(change(after, None))
    return sorted(changes, key=lambda found: found.day)


def _week_of(hours: OpeningHours, day: date) -> list[list]:
    """Each weekday's spans in the week from `day` (weekly slots only), Monday first."""
    week: list[list] = [[] for _ in range(7)]
    for offset in range(7):
        current = day + timedelta(days=offset)
        week[current.weekday()] = weekly_spans(hours, current)
    return week


def week_preview(hours: OpeningHours, start: date, holidays) -> list[tuple[date, list, str]]:
    """(day, [(opens, closes)], note) for the week from `start`, as the engine will answer."""
    days = []
    for offset in range(PREVIEW_DAYS):
        day = start + timedelta(days=offset)
        spans, note = day_plan(hours, day, holidays)
        days.append((day, spans, note))
    return days
