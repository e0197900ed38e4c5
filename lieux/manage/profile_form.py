"""The lieu profile form: what a co-manager (or a network admin) types -> the changed `Lieu`
fields, or one error per field a person can act on.

The field names are the `Lieu` fields and the /api/lieux keys. Error messages are French msgids
with parameters, translated when the page is rendered (as in lieux.manage.forms).
"""

import re
from urllib.parse import urlsplit

from lieux.manage.forms import CSRF_FIELD, Error, FormErrors, _
from lieux.models import COMMUNES_NL, Lieu
from lieux.web.lieu_facts import LANGUAGE_CODES, language_name

NAME_MAX = 120
LINE_MAX = 200  # address, e-mail, website
TEXT_MAX = 2_000  # descriptions and welcome texts
NOTE_MAX = 500  # accessibility note, transport
PHONE_MAX = 30
PHONE_DIGITS_MIN = 9
# Brussels-Capital postcodes (the 19 communes and the parts of the City of Brussels).
POSTCODE_MIN, POSTCODE_MAX = 1000, 1299
# A box around the Brussels-Capital region, with a margin: coordinates outside are a typo.
LAT_MIN, LAT_MAX = 50.76, 50.92
LON_MIN, LON_MAX = 4.24, 4.49
PRICES = ("free", "pay-what-you-can")
STEP_FREE = ("yes", "partly", "no")

TEXTS = ("description", "description_nl", "description_en", "welcome", "welcome_nl", "welcome_en")
# Every field of the form but `name` (admins only) and `version`.
FIELDS = (
    "address", "postcode", "commune", "lat", "lon", "phone", "email", "website", *TEXTS,
    "price", "step_free", "accessibility_note", "languages", "transport",
)  # fmt: skip

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")
_PHONE = re.compile(r"[0-9 +/.]+")
_MARKUP = re.compile(r"[<>]")

REQUIRED = _("Ce champ est obligatoire.")
TOO_LONG = _("Trop long : %(max)s caractères au maximum.")


def language_choices(lang: str) -> list[tuple[str, str]]:
    """(code, name in `lang`) of the offered languages; French, Dutch and English first."""
    first, rest = LANGUAGE_CODES[:3], LANGUAGE_CODES[3:]
    named = sorted(((code, language_name(code, lang)) for code in rest), key=lambda c: c[1])
    return [(code, language_name(code, lang)) for code in first] + named


def profile_values(lieu: Lieu) -> dict[str, object]:
    """What the form fields show for the lieu as stored."""
    values: dict[str, object] = {
        name: "" if getattr(lieu, name) is None else str(getattr(lieu, name)) for name in FIELDS
    }
    values["languages"] = list(lieu.languages)
    values["name"] = lieu.name
    values["version"] = str(lieu.version)
    return values


def _text(data: dict, name: str) -> str:
    raw = data.get(name)
    if isinstance(raw, list):  # a repeated field: the last, as browsers send
        raw = raw[-1] if raw else ""
    return str(raw or "").strip()


def _line(value: str, limit: int, *, required: bool = False) -> Error | None:
    """What is wrong with a typed text, or None."""
    if required and not value:
        return (REQUIRED, {})
    if len(value) > limit:
        return (TOO_LONG, {"max": limit})
    if _MARKUP.search(value):
        return (_("Pas de balises HTML ici : les signes < et > ne sont pas acceptés."), {})
    return None


def _coordinate(value: str, low: float, high: float) -> tuple[float | None, Error | None]:
    if not value:
        return None, None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        return None, (_("Un nombre est attendu (exemple : 50.8466)."), {})
    if not low <= number <= high:
        return None, (
            _("Hors de Bruxelles : entre %(low)s et %(high)s."),
            {"low": low, "high": high},
        )
    return number, None


def _languages(data: dict) -> tuple[tuple[str, ...], Error | None]:
    raw = data.get("languages") or []
    chosen = [raw] if isinstance(raw, str) else [str(value) for value in raw]
    unknown = [code for code in chosen if code not in LANGUAGE_CODES]
    if unknown:
        return (), (_("Choix invalide."), {})
    return tuple(code for code in LANGUAGE_CODES if code in chosen), None


# "maison-soleil.be", "www.x.be/contact": an address as people write it, without its scheme.
_BARE_HOST = re.compile(r"[a-z0-9][a-z0-9.-]*\.[a-z]{2,}(?:[/?#]\S*)?", re.IGNORECASE)


def with_scheme(website: str) -> str:
    """The web address with `https://` in front when it was typed without a scheme (as people
    write them on posters); anything else as typed (the checks below refuse it)."""
    if website.startswith("//"):
        website = website[2:]
    return f"https://{website}" if _BARE_HOST.fullmatch(website) else website


def parse_profile(data: dict[str, object], *, rename: bool) -> tuple[dict[str, object], int | None]:
    """The lieu fields the form sets ({field: value}) and the `version` it was based on; raise
    FormErrors with one message per bad field. `rename`: the person may change the name (a
    network admin); otherwise a `name` sent is ignored, as the form shows it read-only."""
    errors: dict[str, Error] = {}
    known = {*FIELDS, "name", "version", CSRF_FIELD}
    unknown = sorted(name for name in data if name not in known)
    if unknown:  # no field shows it: said at the top of the form
        errors["form"] = (_("Champ inconnu : %(name)s."), {"name": ", ".join(unknown)[:100]})
    typed = {name: _text(data, name) for name in FIELDS if name != "languages"}
    values: dict[str, object] = {}
    limits = {
        "address": LINE_MAX,
        "accessibility_note": NOTE_MAX,
        "transport": NOTE_MAX,
        **{name: TEXT_MAX for name in TEXTS},
    }
    if rename:
        name = _text(data, "name")
        if error := _line(name, NAME_MAX, required=True):
            errors["name"] = error
        values["name"] = name
    for name, limit in limits.items():
        if error := _line(typed[name], limit, required=name == "address"):
            errors[name] = error
        values[name] = typed[name]
    for name in ("description_nl", "description_en", "welcome_nl", "welcome_en"):
        values[name] = values[name] or None  # empty: the French text, marked, is shown
    postcode = typed["postcode"]
    if not postcode:
        errors["postcode"] = (REQUIRED, {})
    elif not (postcode.isascii() and postcode.isdigit() and len(postcode) == 4) or not (
        POSTCODE_MIN <= int(postcode) <= POSTCODE_MAX
    ):
        errors["postcode"] = (_("Un code postal bruxellois : de 1000 à 1299."), {})
    values["postcode"] = postcode
    if typed["commune"] not in COMMUNES_NL:
        errors["commune"] = (_("Choisissez la commune dans la liste."), {})
    values["commune"] = typed["commune"]
    for name, low, high in (("lat", LAT_MIN, LAT_MAX), ("lon", LON_MIN, LON_MAX)):
        values[name], error = _coordinate(typed[name], low, high)
        if error:
            errors[name] = error
    if ("lat" not in errors and "lon" not in errors) and (
        (values["lat"] is None) != (values["lon"] is None)
    ):
        missing = "lon" if values["lon"] is None else "lat"
        errors[missing] = (_("Donnez la latitude et la longitude, ou aucune des deux."), {})
    phone = typed["phone"]
    if phone and (
        len(phone) > PHONE_MAX
        or not _PHONE.fullmatch(phone)
        or sum(c.isdigit() for c in phone) < PHONE_DIGITS_MIN
    ):
        errors["phone"] = (
            _("Un numéro de téléphone : chiffres, espaces, +, / ou . (au moins 9 chiffres)."),
            {},
        )
    values["phone"] = phone or None
    email = typed["email"]
    if email and (len(email) > LINE_MAX or not _EMAIL.fullmatch(email)):
        errors["email"] = (_("Une adresse e-mail (exemple : contact@exemple.be)."), {})
    values["email"] = email or None
    website = with_scheme(typed["website"])
    if website:
        parts = urlsplit(website)
        if (
            len(website) > LINE_MAX
            or parts.scheme not in ("http", "https")
            or "." not in parts.netloc
            or _MARKUP.search(website)
            or any(c.isspace() for c in website)
        ):
            errors["website"] = (
                _("Une adresse web comme maison-soleil.be ou https://maison-soleil.be/contact."),
                {},
            )
    values["website"] = website or None
    for name, allowed in (("price", PRICES), ("step_free", STEP_FREE)):
        if typed[name] and typed[name] not in allowed:
            errors[name] = (_("Choix invalide."), {})
        values[name] = typed[name] or None
    values["languages"], error = _languages(data)
    if error:
        errors["languages"] = error
    raw_version = _text(data, "version")
    version = int(raw_version) if raw_version.isascii() and raw_version.isdigit() else None
    if version is None:
        errors["version"] = (_("Formulaire incomplet : rechargez la page."), {})
    if errors:
        raise FormErrors(errors)
    return values, version


def changed_fields(lieu: Lieu, values: dict[str, object]) -> dict[str, tuple[object, object]]:
    """{field: (before, after)} of what `values` changes on the lieu."""
    return {
        name: (getattr(lieu, name), value)
        for name, value in values.items()
        if getattr(lieu, name) != value
    }
