"""Form input -> validated Structs, or per-field errors a person can act on.

Every form arrives as a flat dict of strings (a plain POST or htmx). Each field is converted on
its own with msgspec against the form Struct's annotated type, so one bad field does not hide the
others; then the checks that span fields (end after start, a rule that occurs). Error messages
are French msgids with parameters, translated when the page is rendered.
"""

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal, TypeVar
from zoneinfo import ZoneInfo

import msgspec

from lieux.calendar import expansion, rules
from lieux.calendar.models import KINDS, ActivityWrite
from lieux.calendar.rules import RuleError, normalize_rrule
from lieux.i18n import mark as _
from lieux.manage.repeat_choice import INTERVAL_MAX, WEEKDAYS, choice_for, repeat_day, same_choice
from lieux.text import DESCRIPTION_MAX, MARKUP, NOTE_MAX, TITLE_MAX, has_markup, without_controls

# Limits a person can reach by typing (the text ones are lieux.text's, shared with the imports);
# the database has its own (title <= 200).
NAME_MAX = 80
MESSAGE_MAX = 1_000
PRICE_AMOUNT_MAX = 40
COUNT_MAX = expansion.COUNT_MAX
SUPPORT_THRESHOLD_MAX = 50
# A rule with no occurrence within this horizon is as good as never occurring for an agenda.
RULE_HORIZON = rules.HORIZON
CSRF_FIELD = "_csrf_token"

# Something that a browser would read as markup (lieux.text): refused with a clear message.
_TAG = MARKUP

Error = tuple[str, dict[str, object]]  # (French msgid, format parameters)


class FormErrors(Exception):
    def __init__(self, errors: dict[str, Error]):
        super().__init__(errors)
        self.errors = errors


Text = Annotated[str, msgspec.Meta(max_length=DESCRIPTION_MAX)]


class DisplayNameForm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=NAME_MAX)]


class ActivityForm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The activity form as typed; `to_write` turns it into an ActivityWrite."""

    title: Annotated[str, msgspec.Meta(min_length=1, max_length=TITLE_MAX)]
    # Optional translations: empty, Dutch and English pages show the French text.
    title_nl: Annotated[str, msgspec.Meta(max_length=TITLE_MAX)] | None = None
    title_en: Annotated[str, msgspec.Meta(max_length=TITLE_MAX)] | None = None
    kind: Literal[tuple(KINDS)]  # type: ignore[valid-type]
    day: date
    # Required unless `all_day`: parse_activity checks that.
    start: time | None = None
    end: time | None = None
    end_day: date | None = None
    all_day: bool = False
    description: Text = ""
    description_nl: Text | None = None
    description_en: Text | None = None
    # "rule": the series' rule is one the other choices cannot say; it is in `rrule`.
    repeat: Literal["none", "weekly", "monthly", "rule"] = "none"
    interval: Annotated[int, msgspec.Meta(ge=1, le=INTERVAL_MAX)] = 1
    until: date | None = None
    count: Annotated[int, msgspec.Meta(ge=1, le=COUNT_MAX)] | None = None
    rrule: Annotated[str, msgspec.Meta(max_length=NOTE_MAX)] | None = None
    price: Literal["free", "pay-what-you-can", "amount"] = "free"
    price_amount: Annotated[str, msgspec.Meta(max_length=PRICE_AMOUNT_MAX)] | None = None
    registration: bool = False
    accessibility: Annotated[str, msgspec.Meta(max_length=NOTE_MAX)] = ""
    languages: Annotated[str, msgspec.Meta(max_length=NOTE_MAX)] = ""
    version: int | None = None
    # On a series: apply the changes from this occurrence (its original local start) on.
    split_from: datetime | None = None


class MemberRoleForm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    role: Literal["co-manager", "member", "remove"]


class RulesForm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    governance: Literal["coordinated", "co-managed", "self-managed"]
    support_threshold: Annotated[int, msgspec.Meta(ge=1, le=SUPPORT_THRESHOLD_MAX)] = 3
    public_proposals: bool = False


class MoveForm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    recurrence_id: datetime
    day: date
    start: time
    end: time


class OccurrenceEditForm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Another title or description for one date (empty: as the series)."""

    recurrence_id: datetime
    title: Annotated[str, msgspec.Meta(max_length=TITLE_MAX)] | None = None
    description: Text | None = None


class OccurrenceForm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    recurrence_id: datetime


class DecisionForm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    message: Annotated[str, msgspec.Meta(max_length=MESSAGE_MAX)] = ""


class InviteForm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    role: Literal["co-manager", "member"]
    reusable: bool = False


def _message(error: msgspec.ValidationError) -> Error:
    text = str(error)
    if match := re.search(r"length <= (\d+)", text):
        return _("Trop long : %(max)s caractères au maximum."), {"max": int(match[1])}
    if "length >= 1" in text:
        return _("Ce champ est obligatoire."), {}
    if match := re.search(r"(?:<=|>=) (\d+)", text):
        return _("Valeur hors des limites permises."), {}
    if "date" in text or "datetime" in text:
        return _("Date invalide (attendu : AAAA-MM-JJ)."), {}
    if "time" in text:
        return _("Heure invalide (attendu : HH:MM)."), {}
    if "int" in text:
        return _("Nombre entier attendu."), {}
    return _("Choix invalide."), {}


T = TypeVar("T")


def parse(data: dict[str, object], form: type[T]) -> T:
    """Convert a submitted form; raise FormErrors with one message per bad field."""
    values: dict[str, object] = {}
    errors: dict[str, Error] = {}
    fields = {f.name: f for f in msgspec.structs.fields(form)}
    for name in data:
        if name != CSRF_FIELD and name not in fields:
            errors[name] = (_("Champ inconnu."), {})
    for name, field in fields.items():
        raw = data.get(name)
        if isinstance(raw, list):  # a repeated field: keep the last, as browsers send checkboxes
            raw = raw[-1] if raw else None
        if isinstance(raw, str):
            raw = without_controls(raw).strip()
            if field.type is bool:
                raw = raw not in ("", "0", "false", "off")
            elif raw == "":
                raw = None
        if raw is None:
            if field.required and field.type is not bool:
                errors[name] = (_("Ce champ est obligatoire."), {})
            continue
        if isinstance(raw, str) and (hhmm := re.fullmatch(r"(\d{1,2}):(\d{2})", raw)):
            raw = f"{int(hhmm[1]):02d}:{hhmm[2]}:00"  # what <input type=time> sends
        if isinstance(raw, str) and has_markup(raw):
            errors[name] = (_("Pas de balises HTML ici."), {})
            continue
        try:
            values[name] = msgspec.convert(raw, field.type, strict=False)
        except msgspec.ValidationError as error:
            errors[name] = _message(error)
    if errors:
        raise FormErrors(errors)
    return form(**values)


def build_rrule(form: ActivityForm, zone: ZoneInfo, stored: str | None = None) -> str | None:
    """The RRULE the repeat choices mean (UNTIL in UTC), or the advanced rule typed. `stored`,
    the series' rule, is kept as it is when the choices still mean exactly it."""
    if form.rrule:
        text = form.rrule.removeprefix("RRULE:")
    elif form.repeat in ("none", "rule"):
        return None
    elif stored and same_choice(
        stored,
        datetime.combine(form.day, form.start or time()),
        zone,
        repeat=form.repeat,
        interval=form.interval,
        until=form.until,
        count=form.count,
    ):
        return stored
    elif form.repeat == "weekly":
        text = f"FREQ=WEEKLY;INTERVAL={form.interval};BYDAY={WEEKDAYS[form.day.weekday()]}"
    else:
        # The 5th weekday exists in some months only: "the last one" is what people mean.
        weekday, nth = repeat_day(form.day.isoformat())
        text = f"FREQ=MONTHLY;BYDAY={nth}{WEEKDAYS[weekday]}"
    if form.until and "UNTIL" not in text and "COUNT" not in text:
        text += f";UNTIL={form.until.strftime('%Y%m%d')}"
    elif form.count and "COUNT" not in text and "UNTIL" not in text:
        text += f";COUNT={form.count}"
    return normalize_rrule(text, zone)


def parse_activity(data: dict[str, object]) -> ActivityForm:
    """`parse` for the activity form: start and end times are required unless it is all day."""
    try:
        form, errors = parse(data, ActivityForm), {}
    except FormErrors as error:
        form, errors = None, dict(error.errors)
    if form is not None:
        all_day = form.all_day
    else:  # read the box as parse does: the last value sent, empty or "0"/"off" unchecked
        raw = data.get("all_day")
        raw = (raw[-1] if raw else "") if isinstance(raw, list) else raw
        all_day = str(raw or "").strip() not in ("", "0", "false", "off")
    if not all_day:
        for name in ("start", "end"):
            if name not in errors and not str(data.get(name) or "").strip():
                errors[name] = (_("Ce champ est obligatoire."), {})
    if errors:
        raise FormErrors(errors)
    return form


def to_write(form: ActivityForm, zone: ZoneInfo, stored: str | None = None) -> ActivityWrite:
    """The activity the form describes; raise FormErrors on what does not hold together.
    `stored`: the rule of the series edited, kept when the repeat choices still say it."""
    errors: dict[str, Error] = {}
    first, last = rules.EARLIEST.date(), rules.LATEST.date() - timedelta(days=1)
    for name in ("day", "end_day"):
        value = getattr(form, name)
        if value is not None and not first <= value <= last:
            errors[name] = (_RULE_MESSAGES["dates"], _range())
    if errors:
        raise FormErrors(errors)
    if form.all_day:
        # Stored as midnight to the midnight after the last day, as iCalendar DATE values are.
        starts = datetime.combine(form.day, time())
        ends = datetime.combine((form.end_day or form.day) + timedelta(days=1), time())
        if ends <= starts:
            errors["end_day"] = (_("Le jour de fin est avant le premier jour."), {})
    else:
        starts = datetime.combine(form.day, form.start)
        ends = datetime.combine(form.end_day or form.day, form.end)
        if ends <= starts:
            errors["end"] = (_("La fin doit être après le début."), {})
    if form.until and form.until < form.day:
        errors["until"] = (_("La date de fin de répétition est avant la première date."), {})
    if form.repeat == "rule" and not form.rrule:
        errors["rrule"] = (_("Écrivez la règle avancée, ou choisissez une autre répétition."), {})
    if form.price == "amount" and not form.price_amount:
        errors["price_amount"] = (_("Indiquez le prix."), {})
    if not errors:
        try:
            rules.check_dates(starts, ends)
        except RuleError:
            errors["day"] = (_RULE_MESSAGES["dates"], _range())
    rrule = None
    if not errors:
        try:
            rrule = build_rrule(form, zone, stored)
            rules.check_series(starts, ends, rrule, zone)
        except RuleError as error:
            errors[_rule_field(form, error)] = _rule_message(error)
        except ValueError:
            errors["rrule"] = (_RULE_MESSAGES["unreadable"], {})
    if errors:
        raise FormErrors(errors)
    return ActivityWrite(
        kind=form.kind,
        title=form.title,
        title_nl=form.title_nl,
        title_en=form.title_en,
        starts_at=starts,
        ends_at=ends,
        all_day=form.all_day,
        description=form.description,
        description_nl=form.description_nl,
        description_en=form.description_en,
        rrule=rrule,
        price=form.price,
        price_amount=form.price_amount if form.price == "amount" else None,
        registration=form.registration,
        accessibility=form.accessibility,
        languages=form.languages,
    )


# What a person reads when the repetition breaks the model (lieux.calendar.rules), by reason.
_RULE_MESSAGES = {
    "unreadable": _("Règle de répétition illisible."),
    "frequency": _(
        "Règle de répétition illisible : une activité se répète au plus une fois par jour."
    ),
    "part": _("Règle de répétition illisible : %(part)s n'est pas pris en charge."),
    "interval": _("L'intervalle de répétition va de 1 à %(max)s."),
    "count": _("Le nombre de fois va de 1 à %(max)s."),
    "values": _("Règle de répétition : %(part)s prend au plus %(max)s valeurs."),
    "dates": _("Les dates doivent être comprises entre %(first)s et %(last)s."),
    "duration": _("Une date d'une activité répétée dure au plus %(days)s jours."),
    "never": _("Cette répétition ne tombe jamais : vérifiez les dates."),
    "count-span": _("Ces dates vont au-delà de %(last)s ou sont trop espacées."),
    "count-until": _(
        "Une répétition s'arrête à une date ou après un nombre de fois, pas les deux."
    ),
}


def _range() -> dict[str, object]:
    return {"first": rules.EARLIEST.year, "last": rules.LATEST.year - 1}


def _rule_message(error: RuleError) -> Error:
    if error.reason == "dates":
        return _RULE_MESSAGES["dates"], _range()
    return _RULE_MESSAGES.get(error.reason, _RULE_MESSAGES["unreadable"]), dict(error.params)


def _rule_field(form: ActivityForm, error: RuleError) -> str:
    """The field a rule error belongs to: the typed rule if any, else the choice it comes from."""
    if form.rrule:
        return "rrule"
    if error.reason == "dates" and form.until:
        return "until"
    if error.reason in ("count", "count-span") and form.count:
        return "count"
    if error.reason == "interval":
        return "interval"
    return "rrule" if error.reason == "never" else "repeat"


def form_values(write: ActivityWrite, version: int | None, zone: ZoneInfo) -> dict[str, object]:
    """What to put back into the form fields for an existing activity: a series' rule as the
    simple repeat choices when they can say it, else in the advanced field ("rule")."""
    # An all-day activity ends at the midnight after its last day: the form shows that last day.
    last = write.ends_at - timedelta(days=1) if write.all_day else write.ends_at
    choice = choice_for(write.rrule, write.starts_at, zone) if write.rrule else None
    if choice is not None:
        repeat = {
            "repeat": choice.repeat,
            "interval": choice.interval,
            "until": choice.until.isoformat() if choice.until else "",
            "count": choice.count or "",
            "rrule": "",
        }
    else:
        repeat = {"repeat": "rule" if write.rrule else "none", "rrule": write.rrule or ""}
    return {
        "title": write.title,
        "title_nl": write.title_nl or "",
        "title_en": write.title_en or "",
        "kind": write.kind,
        "day": write.starts_at.date().isoformat(),
        "start": "" if write.all_day else write.starts_at.strftime("%H:%M"),
        "end": "" if write.all_day else write.ends_at.strftime("%H:%M"),
        "end_day": last.date().isoformat() if last.date() != write.starts_at.date() else "",
        "all_day": write.all_day,
        "description": write.description,
        "description_nl": write.description_nl or "",
        "description_en": write.description_en or "",
        **repeat,
        "price": write.price,
        "price_amount": write.price_amount or "",
        "registration": write.registration,
        "accessibility": write.accessibility,
        "languages": write.languages,
        "version": version,
    }


def parse_occurrence_change(data: dict[str, object]) -> tuple[str, datetime, dict[str, object]]:
    """The change to one date of a series: (`do`, its recurrence id, the fields it changes)."""
    do = data.get("do")
    fields = {k: v for k, v in data.items() if k not in ("do", "version")}
    if do == "move":
        move = parse(fields, MoveForm)
        starts = datetime.combine(move.day, move.start)
        ends = datetime.combine(move.day, move.end)
        if ends <= starts:
            raise FormErrors({"end": (_("La fin doit être après le début."), {})})
        rid, extra = move.recurrence_id, {"starts_at": starts, "ends_at": ends}
    elif do == "edit":
        edit = parse(fields, OccurrenceEditForm)
        rid, extra = edit.recurrence_id, {"title": edit.title, "description": edit.description}
    elif do in ("cancel", "restore"):
        rid, extra = parse(fields, OccurrenceForm).recurrence_id, {}
    else:
        raise FormErrors({"do": (_("Choix invalide."), {})})
    return str(do), rid.replace(tzinfo=None), extra
