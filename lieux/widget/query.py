"""The widget's and the open-now API's URL parameters, checked: QueryError names a wrong one.

The checks the agenda embed shares (lists, choices, bounded numbers, `?at=`) are here too.
"""

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from lieux.calendar.models import KINDS
from lieux.hours.engine import to_instant
from lieux.i18n import mark as _
from lieux.models import LANGUAGES
from lieux.refusal import NO_COMMUNE, NO_KIND, NO_LANGUAGE, Refusal
from lieux.slugs import match_commune
from lieux.widget.snapshot import Snapshot

Show = Literal["open", "all"]
Layout = Literal["list", "compact"]
Theme = Literal["auto", "light", "dark"]
SHOWS, LAYOUTS, THEMES = ("open", "all"), ("list", "compact"), ("auto", "light", "dark")
# A widget's colours unless its webmaster chooses: light, as most partner sites are. "auto"
# (the visitor's setting) would draw a dark box on a light-only page for a visitor in dark mode.
DEFAULT_THEME: Theme = "light"
# `uid`: what makes a widget's ids its own when a page shows several (embed.js numbers them, the
# configurator names each htmx snippet's): letters and digits, short.
UID = re.compile(r"[a-z0-9]{1,16}")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# `?at=` asks about the schedule's past and future, not about year 1 or 9999 (where date
# arithmetic a day or a week away overflows).
AT_YEARS = (1970, 2200)


class QueryError(Refusal, ValueError):
    """A parameter a person typed is wrong: `technical` says which and what is expected to a
    program (the API), the message (lieux/refusal.py) to a person, in their language."""


BAD_CHOICE = _(
    "Valeur inconnue pour « %(name)s » : « %(value)s ». Valeurs possibles : %(choices)s."
)
BAD_UID = _("Valeur invalide pour « %(name)s » : de 1 à 16 lettres minuscules ou chiffres.")
BAD_NUMBER = _("Valeur invalide pour « %(name)s » : donnez un nombre entier de 1 à %(top)s.")
BAD_AT = _(
    "Date et heure invalides : donnez-les au format AAAA-MM-JJTHH:MM, par exemple 2026-11-28T11:00."
)
FAR_AT = _("Date trop lointaine : choisissez une année de %(first)s à %(last)s.")


class OpenNowQuery(msgspec.Struct, frozen=True, kw_only=True):
    """The fragment's and the API's parameters, checked."""

    at: datetime | None = None  # UTC; None means now
    communes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    lang: str = "fr"
    limit: int = DEFAULT_LIMIT
    show: Show = "open"
    layout: Layout = "list"
    theme: Theme = DEFAULT_THEME
    uid: str = ""  # the ids of the fragment end with it: ldl-open-now-{uid}


def split_values(values: Iterable[str] | None) -> list[str]:
    """`?commune=a&commune=b` and `?commune=a,b` alike."""
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def communes_named(names: Iterable[str], known: Iterable[str]) -> list[str]:
    """The communes of `known` (as stored) that `names` name, in their order (slug, any case,
    Dutch: lieux.slugs.match_commune); QueryError for one where no lieu is."""
    known = tuple(known)
    found = []
    for name in names:
        if (commune := match_commune(name, known)) is None:
            listed = ", ".join(sorted(known))
            raise QueryError(
                NO_COMMUNE,
                technical=f"commune: no lieu in {name!r} (known communes: {listed})",
                name=name,
            )
        found.append(commune)
    return list(dict.fromkeys(found))


def kinds_named(names: Iterable[str]) -> list[str]:
    """The kinds of activity named, in their order; QueryError for one that is none."""
    for name in names:
        if name not in KINDS:
            raise QueryError(
                NO_KIND,
                technical=f"kind: unknown kind {name!r} (known kinds: {', '.join(KINDS)})",
                name=name,
            )
    return list(dict.fromkeys(names))


def check_choices(*choices: tuple[str, str | None, tuple[str, ...]]) -> None:
    """Each (parameter, value, allowed) given: QueryError for a value that is not allowed."""
    for label, value, allowed in choices:
        if value and value not in allowed:
            technical = f"{label}: expected one of {', '.join(allowed)}, not {value!r}"
            listed = ", ".join(allowed)
            if allowed == LANGUAGES:  # whatever the parameter's name (lang, widget_lang)
                raise QueryError(NO_LANGUAGE, technical=technical, name=value, choices=listed)
            raise QueryError(
                BAD_CHOICE, technical=technical, name=label, value=value, choices=listed
            )


def check_uid(uid: str | None) -> None:
    """`?uid=` (see UID): QueryError for one that is not short letters and digits."""
    if uid and not UID.fullmatch(uid):
        technical = f"uid: expected 1 to 16 lowercase letters or digits, not {uid!r}"
        raise QueryError(BAD_UID, technical=technical, name="uid")


def bounded(name: str, value: int | str | None, default: int, top: int) -> int:
    """A whole number from 1 to `top` (`default` when absent); QueryError otherwise."""
    if value in (None, ""):
        return default
    try:
        number = int(value)  # type: ignore[arg-type]
    except ValueError:
        number = 0
    if not 1 <= number <= top:
        technical = f"{name}: expected a whole number from 1 to {top}, not {value!r}"
        raise QueryError(BAD_NUMBER, technical=technical, name=name, top=top)
    return number


def parse_at(text: str | None, zone: ZoneInfo) -> datetime | None:
    """`?at=` as a UTC instant (a time without offset is local); QueryError if not ISO-8601."""
    if not text:
        return None
    text = text.strip()
    # An unencoded "+01:00" in a query string arrives as " 01:00".
    candidates = [text, f"{text[:-6]}+{text[-5:]}" if text[-6:-5] == " " else text]
    for candidate in candidates:
        try:
            parsed = datetime.fromisoformat(candidate)
            break
        except ValueError:
            continue
    else:
        technical = f"at: {text!r} is not an ISO-8601 date-time (for example 2026-11-28T11:00)"
        raise QueryError(BAD_AT, technical=technical)
    if not AT_YEARS[0] <= parsed.year <= AT_YEARS[1]:
        technical = f"at: {text!r} is too far away (years {AT_YEARS[0]} to {AT_YEARS[1]})"
        raise QueryError(FAR_AT, technical=technical, first=AT_YEARS[0], last=AT_YEARS[1])
    if parsed.tzinfo is None:
        return to_instant(parsed, zone)
    return parsed.astimezone(UTC)


def parse_query(
    snapshot: Snapshot,
    zone: ZoneInfo,
    *,
    at: str | None = None,
    commune: Iterable[str] | None = None,
    kind: Iterable[str] | None = None,
    lang: str | None = None,
    limit: int | str | None = None,
    show: str | None = None,
    layout: str | None = None,
    theme: str | None = None,
    uid: str | None = None,
    lang_param: str = "lang",
) -> OpenNowQuery:
    """Check every parameter against what exists; QueryError names the first wrong one.

    The one contract of the widget's options, for the fragment, the API, the iframe page and
    the configurator (which calls the widget's language `lang_param="widget_lang"`, its own
    `?lang=` being the page's). Communes and kinds keep the order they were given in.
    """
    communes = communes_named(split_values(commune), snapshot.communes)
    kinds = kinds_named(split_values(kind))
    check_choices(
        (lang_param, lang, LANGUAGES),
        ("show", show, SHOWS),
        ("layout", layout, LAYOUTS),
        ("theme", theme, THEMES),
    )
    check_uid(uid)
    count = bounded("limit", limit, DEFAULT_LIMIT, MAX_LIMIT)
    return OpenNowQuery(
        at=parse_at(at, zone),
        communes=tuple(communes),
        kinds=tuple(kinds),
        lang=lang or "fr",
        limit=count,
        show=show or "open",
        layout=layout or "list",
        theme=theme or DEFAULT_THEME,
        uid=uid or "",
    )
