"""The admin area's forms: a new lieu and a helpline, validated into Structs or per-field
errors (French msgids, translated when the page is rendered), as lieux.manage.forms does."""

import re
from typing import Annotated, Literal

import msgspec

from lieux.hours import osm
from lieux.i18n import mark as _
from lieux.manage.forms import Error, FormErrors, parse
from lieux.models import COMMUNES_NL, Helpline, LieuWrite
from lieux.text import NOTE_MAX

NAME_MAX = 200  # the database's limit on a lieu's name
ADDRESS_MAX = 200
HELPLINE_NAME_MAX = 80
HELPLINE_TEXT_MAX = 200
# Brussels-Capital's postcodes: 1000 (City of Brussels) to 1299 (Uccle, Watermael...).
POSTCODE_MIN, POSTCODE_MAX = 1000, 1299
# Phone numbers as written on posters: digits, spaces, a leading +; 3 digits at least (106).
_PHONE = re.compile(r"\+?[0-9][0-9 ]{1,24}")
PHONE_DIGITS_MIN = 3

Commune = Literal[tuple(COMMUNES_NL)]  # type: ignore[valid-type]
Language = Literal["fr", "nl", "en"]
Short = Annotated[str, msgspec.Meta(max_length=HELPLINE_TEXT_MAX)]


class LieuCreateForm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=NAME_MAX)]
    address: Annotated[str, msgspec.Meta(min_length=1, max_length=ADDRESS_MAX)]
    postcode: Annotated[str, msgspec.Meta(max_length=10)]
    commune: Commune
    phone: Annotated[str, msgspec.Meta(max_length=40)] | None = None


class HelplineForm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=HELPLINE_NAME_MAX)]
    number: Annotated[str, msgspec.Meta(max_length=40)]
    language: Language
    what: Short = ""
    what_nl: Short | None = None
    what_en: Short | None = None
    hours: Short | None = None
    hours_nl: Short | None = None
    hours_en: Short | None = None
    opening_hours: Annotated[str, msgspec.Meta(max_length=NOTE_MAX)] | None = None


def phone_error(number: str) -> Error | None:
    """Why `number` is not a phone number, or None."""
    digits = sum(c.isdigit() for c in number)
    if not _PHONE.fullmatch(number) or digits < PHONE_DIGITS_MIN:
        return _("Numéro de téléphone invalide : des chiffres, des espaces et un + au début."), {}
    return None


def postcode_error(postcode: str) -> Error | None:
    """Why `postcode` is not a Brussels postcode, or None."""
    if not (postcode.isascii() and postcode.isdigit() and len(postcode) == 4):
        return _("Code postal invalide : quatre chiffres, de 1000 à 1299 à Bruxelles."), {}
    if not POSTCODE_MIN <= int(postcode) <= POSTCODE_MAX:
        return _("Code postal invalide : quatre chiffres, de 1000 à 1299 à Bruxelles."), {}
    return None


def parse_new_lieu(data: dict[str, object]) -> LieuCreateForm:
    """The new lieu form, every field checked (one error per field)."""
    try:
        form, errors = parse(data, LieuCreateForm), {}
    except FormErrors as error:
        form, errors = None, dict(error.errors)
    for name, check in (("postcode", postcode_error), ("phone", phone_error)):
        raw = data.get(name)
        raw = raw[-1] if isinstance(raw, list) and raw else raw
        typed = raw.strip() if isinstance(raw, str) else ""
        if name not in errors and typed and (problem := check(typed)):
            errors[name] = problem
    if errors:
        raise FormErrors(errors)
    return form


def new_lieu(form: LieuCreateForm, slug: str) -> LieuWrite:
    return LieuWrite(
        slug=slug,
        name=form.name,
        address=form.address,
        postcode=form.postcode,
        commune=form.commune,
        phone=form.phone,
    )


NAME_TAKEN: Error = (_("Une autre ligne porte déjà ce nom."), {})
HOURS_UNREADABLE: Error = (
    _("Horaires illisibles : 24/7, ou une chaîne OpenStreetMap (Mo-Fr 09:00-17:00)."),
    {},
)


def parse_helpline(data: dict[str, object]) -> Helpline:
    """The helpline form as a Helpline, every field checked."""
    try:
        form, errors = parse(data, HelplineForm), {}
    except FormErrors as error:
        form, errors = None, dict(error.errors)
    if form is not None and (problem := phone_error(form.number)):
        errors["number"] = problem
    if form is not None and form.opening_hours and "opening_hours" not in errors:
        try:
            osm.parse(form.opening_hours)
        except osm.OsmError:
            errors["opening_hours"] = HOURS_UNREADABLE
    if errors:
        raise FormErrors(errors)
    return Helpline(**msgspec.structs.asdict(form))


def unique_slug(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`... the first one not in `taken`."""
    base = base or "lieu"
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
