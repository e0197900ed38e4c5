"""The hours editor's form: weekly slots, dated exceptions and the public-holiday rule.

Field names are positional (`slot-0-1-opens`: Monday, second slot), so the form needs no
JavaScript to add a row: it always offers a fixed number of empty ones.
"""

from datetime import date, time, timedelta

import msgspec

from lieux.hours.engine import day_plan
from lieux.hours.models import HolidayRule, OpeningException, OpeningHours, OpeningSlot
from lieux.manage.forms import _TAG, NOTE_MAX, Error, FormErrors, _

SLOTS_PER_DAY = 2  # morning and afternoon is what the lieux we know use
BLANK_EXCEPTIONS = 3  # empty exception rows offered after the existing ones
MAX_EXCEPTIONS = 60
PREVIEW_DAYS = 7


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


def parse_hours(
    data: dict[str, object],
) -> tuple[list[OpeningSlot], list[OpeningException], HolidayRule | None]:
    """The hours the form describes; FormErrors naming each bad field."""
    errors: dict[str, Error] = {}
    slots = []
    for weekday in range(7):
        for index in range(SLOTS_PER_DAY):
            opens, closes = _pair(data, f"slot-{weekday}-{index}", errors, required=False)
            if opens is not None and closes is not None:
                slots.append(OpeningSlot(weekday=weekday, opens=opens, closes=closes))
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


def hours_values(hours: OpeningHours) -> dict[str, str]:
    """The form fields for stored hours."""
    values: dict[str, str] = {}
    by_day: dict[int, list[OpeningSlot]] = {}
    for slot in hours.slots:
        by_day.setdefault(slot.weekday, []).append(slot)
    for weekday, slots in by_day.items():
        for index, slot in enumerate(slots[:SLOTS_PER_DAY]):
            values[f"slot-{weekday}-{index}-opens"] = slot.opens.strftime("%H:%M")
            values[f"slot-{weekday}-{index}-closes"] = slot.closes.strftime("%H:%M")
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


def exception_rows(values: dict[str, object]) -> int:
    """How many exception rows to show: the filled ones plus a few blank."""
    filled = [
        int(name.split("-")[1])
        for name in values
        if name.startswith("exc-") and name.endswith("-start") and name.split("-")[1].isdigit()
    ]
    return min(MAX_EXCEPTIONS, (max(filled) + 1 if filled else 0) + BLANK_EXCEPTIONS)


def week_preview(hours: OpeningHours, start: date, holidays) -> list[tuple[date, list, str]]:
    """(day, [(opens, closes)], note) for the week from `start`, as the engine will answer."""
    days = []
    for offset in range(PREVIEW_DAYS):
        day = start + timedelta(days=offset)
        spans, note = day_plan(hours, day, holidays)
        days.append((day, spans, note))
    return days
