"""The campaigns' forms: a new campaign, and an answer heard by phone or at a visit ->
Structs, or per-field errors (French msgids, translated when the page is rendered)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lieux.campaigns.models import SECTIONS, VIAS, AnswerWrite, CampaignWrite
from lieux.i18n import mark as _
from lieux.manage.forms import CSRF_FIELD, Error, FormErrors
from lieux.text import has_markup, without_controls

NAME_MAX = 120
WHO_MAX = 120
NOTE_MAX = 500
# Links work this long by default, and at most this long: a campaign is a few weeks' effort.
DEFAULT_DAYS = 30
MAX_DAYS = 180
# A campaign is planned at most a year ahead.
PLAN_AHEAD = timedelta(days=366)
REMINDER_DEFAULT = 7
REMINDER_MIN, REMINDER_MAX = 1, 60
# How many lieux a form may name: far more than the network has, few enough to stay cheap.
CHOSEN_MAX = 500
# A clock a few minutes ahead of the server's is not "in the future".
CLOCK_SLACK = timedelta(minutes=5)

CAMPAIGN_FIELDS = {
    "name", "scope", "lieux", "sections", "start", "starts_at", "ends_on", "reminder_days",
    CSRF_FIELD,
}  # fmt: skip
ANSWER_FIELDS = {"outcome", "via", "who", "at", "note", CSRF_FIELD}
REQUIRED = _("Ce champ est obligatoire.")
TOO_LONG = _("Trop long : %(max)s caractères au maximum.")
NO_MARKUP = _("Pas de balises HTML ici.")
INVALID_CHOICE = _("Choix invalide.")


def _one(data: dict, name: str) -> str:
    raw = data.get(name)
    if isinstance(raw, list):  # a repeated field: the last, as browsers send
        raw = raw[-1] if raw else ""
    return without_controls(str(raw or "")).strip()


def _many(data: dict, name: str, limit: int) -> list[str] | None:
    """The values of a repeated field (checkboxes), or None when there are too many."""
    raw = data.get(name) or []
    values = [raw] if isinstance(raw, str) else [str(value) for value in raw]
    return None if len(values) > limit else values


def _text(value: str, limit: int, *, required: bool) -> Error | None:
    if required and not value:
        return (REQUIRED, {})
    if len(value) > limit:
        return (TOO_LONG, {"max": limit})
    if has_markup(value):
        return (NO_MARKUP, {})
    return None


def _unknown(data: dict, known: set[str], errors: dict[str, Error]) -> None:
    unknown = sorted(name for name in data if name not in known)
    if unknown:  # no field shows it: said at the top of the form
        errors["form"] = (_("Champ inconnu : %(name)s."), {"name": ", ".join(unknown)[:100]})


def _local_instant(raw: str, zone: ZoneInfo) -> datetime | None:
    """'2026-12-10T09:00' (a datetime-local field) in `zone`, or None if unreadable."""
    if len(raw) > 30:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if moment.tzinfo is not None or not 2000 <= moment.year <= 2100:
        return None
    return moment.replace(tzinfo=zone)


def _day(raw: str) -> date | None:
    if len(raw) != 10:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


def parse_campaign(data: dict, *, zone: ZoneInfo, now: datetime) -> CampaignWrite:
    """The new campaign the form describes (instants in UTC); raise FormErrors."""
    errors: dict[str, Error] = {}
    _unknown(data, CAMPAIGN_FIELDS, errors)
    name = _one(data, "name")
    if error := _text(name, NAME_MAX, required=True):
        errors["name"] = error
    scope = _one(data, "scope") or "all"
    if scope not in ("all", "attention", "chosen"):
        errors["scope"] = (INVALID_CHOICE, {})
    chosen = _many(data, "lieux", CHOSEN_MAX)
    if chosen is None:
        errors["lieux"] = (_("Trop de lieux choisis : %(max)s au maximum."), {"max": CHOSEN_MAX})
        chosen = []
    elif scope == "chosen" and not chosen:
        errors["lieux"] = (_("Choisissez au moins un lieu."), {})
    sections = _many(data, "sections", len(SECTIONS)) or []
    if any(section not in SECTIONS for section in sections):
        errors["sections"] = (INVALID_CHOICE, {})
    elif not sections:
        errors["sections"] = (_("Choisissez au moins une chose à vérifier."), {})
    start = _one(data, "start") or "now"
    starts_at = now
    if start not in ("now", "later"):
        errors["start"] = (INVALID_CHOICE, {})
    elif start == "later":
        raw = _one(data, "starts_at")
        moment = _local_instant(raw, zone) if raw else None
        if not raw:
            errors["starts_at"] = (_("Indiquez le jour et l'heure du départ."), {})
        elif moment is None:
            errors["starts_at"] = (_("Date et heure invalides (attendu : AAAA-MM-JJ HH:MM)."), {})
        elif moment < now - CLOCK_SLACK:
            errors["starts_at"] = (_("Ce moment est passé : choisissez « maintenant »."), {})
        elif moment > now + PLAN_AHEAD:
            errors["starts_at"] = (_("Au plus un an à l'avance."), {})
        else:
            starts_at = max(moment, now)
    first_day = starts_at.astimezone(zone).date()
    raw_end = _one(data, "ends_on")
    last_day = first_day + timedelta(days=DEFAULT_DAYS)
    if raw_end:
        day = _day(raw_end)
        if day is None:
            errors["ends_on"] = (_("Date invalide (attendu : AAAA-MM-JJ)."), {})
        elif day < first_day:
            errors["ends_on"] = (_("La fin doit être après le début."), {})
        elif day > first_day + timedelta(days=MAX_DAYS):
            errors["ends_on"] = (
                _("Au plus %(days)s jours après le début."),
                {"days": MAX_DAYS},
            )
        else:
            last_day = day
    raw_days = _one(data, "reminder_days") or str(REMINDER_DEFAULT)
    reminder_days = REMINDER_DEFAULT
    if not (raw_days.isascii() and raw_days.isdigit()) or not (
        REMINDER_MIN <= int(raw_days[:3]) <= REMINDER_MAX
    ):
        errors["reminder_days"] = (
            _("Un nombre de jours entre %(low)s et %(high)s."),
            {"low": REMINDER_MIN, "high": REMINDER_MAX},
        )
    else:
        reminder_days = int(raw_days)
    if errors:
        raise FormErrors(errors)
    # The links work until the end of the last day, local time.
    ends_at = datetime.combine(last_day + timedelta(days=1), time(), zone)
    return CampaignWrite(
        name=name,
        sections=tuple(s for s in SECTIONS if s in sections),
        starts_at=starts_at,
        ends_at=ends_at,
        reminder_days=reminder_days,
        scope=scope,
        chosen=tuple(dict.fromkeys(chosen)) if scope == "chosen" else (),
    )


def parse_answer(data: dict, *, zone: ZoneInfo, now: datetime, not_before: datetime) -> AnswerWrite:
    """An answer a coordinator heard: what, how, from whom, when (default now); FormErrors."""
    errors: dict[str, Error] = {}
    _unknown(data, ANSWER_FIELDS, errors)
    outcome = _one(data, "outcome")
    if outcome not in ("confirmed", "updated"):
        errors["outcome"] = (_("Choisissez ce que le lieu a répondu."), {})
    via = _one(data, "via")
    if via not in VIAS or via == "link":
        errors["via"] = (_("Choisissez comment la réponse est arrivée."), {})
    who = _one(data, "who")
    if error := _text(who, WHO_MAX, required=True):
        errors["who"] = error
    note = _one(data, "note")
    if error := _text(note, NOTE_MAX, required=False):
        errors["note"] = error
    raw = _one(data, "at")
    at = now
    if raw:
        moment = _local_instant(raw, zone)
        if moment is None:
            errors["at"] = (_("Date et heure invalides (attendu : AAAA-MM-JJ HH:MM)."), {})
        elif moment > now + CLOCK_SLACK:
            errors["at"] = (_("Ce moment n'est pas encore arrivé."), {})
        elif moment < not_before - CLOCK_SLACK:  # the field has minutes, not seconds
            errors["at"] = (_("Avant le début de la campagne."), {})
        else:
            at = min(moment, now)
    if errors:
        raise FormErrors(errors)
    return AnswerWrite(outcome=outcome, via=via, who=who, at=at, note=note)
