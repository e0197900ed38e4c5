"""Read models shared by every component: the lieux, the helplines and the communes' names."""

from collections.abc import Iterable
from datetime import datetime
from typing import Literal
from urllib.parse import quote_plus

import msgspec

Governance = Literal["coordinated", "co-managed", "self-managed"]
# The public side (pages, widgets, feeds, poster, guide) speaks nine languages; the members' and
# admin areas, the mails and the JSON API the first three, whose catalogues hold every string
# (the other six hold the public side's only: babel-public.cfg).
LANGUAGES = ("fr", "nl", "en", "ar", "es", "pt", "ro", "tr", "uk")
FULL_LANGUAGES = LANGUAGES[:3]
Lang = Literal["fr", "nl", "en", "ar", "es", "pt", "ro", "tr", "uk"]
# Each language in its own name, as the language switch and the configurator offer it.
LANGUAGE_NAMES = {
    "fr": "Français",
    "nl": "Nederlands",
    "en": "English",
    "ar": "العربية",
    "es": "Español",
    "pt": "Português",
    "ro": "Română",
    "tr": "Türkçe",
    "uk": "Українська",
}
RIGHT_TO_LEFT = frozenset({"ar"})


def text_direction(lang: str) -> str:
    """The `dir` of a text in `lang`: "rtl" for Arabic, "ltr" for the others."""
    return "rtl" if lang in RIGHT_TO_LEFT else "ltr"


Price = Literal["free", "pay-what-you-can"]
StepFree = Literal["yes", "partly", "no"]


class LieuWrite(msgspec.Struct, kw_only=True):
    """A lieu's public facts, as the seed, an admin or its profile form sets them (the id and
    timestamps are the database's). The field names are the /api/lieux keys and the profile
    form's fields; `description` and `welcome` are French, their `_nl`/`_en` twins optional."""

    slug: str
    name: str
    address: str = ""
    postcode: str = ""
    commune: str = ""
    lat: float | None = None
    lon: float | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    description: str = ""
    description_nl: str | None = None
    description_en: str | None = None
    welcome: str = ""
    welcome_nl: str | None = None
    welcome_en: str | None = None
    price: Price | None = None
    step_free: StepFree | None = None
    accessibility_note: str = ""
    languages: tuple[str, ...] = ()
    transport: str = ""
    governance: Governance = "coordinated"


class Lieu(LieuWrite, frozen=True, kw_only=True):
    """A lieu as stored: its public facts, with what the database and the network keep."""

    id: int
    support_threshold: int = 3
    version: int = 1
    hours_verified_at: datetime | None = None
    archived_at: datetime | None = None
    updated_at: datetime | None = None

    def description_in(self, lang: str) -> tuple[str, str]:
        """(text, language of the text): `lang` if written, else French (pages mark it)."""
        return self.text_in("description", lang)

    def welcome_in(self, lang: str) -> tuple[str, str]:
        """Who it is for and how the welcome works, as `description_in`."""
        return self.text_in("welcome", lang)

    def text_in(self, field: str, lang: str) -> tuple[str, str]:
        translated = lang != "fr" and getattr(self, f"{field}_{lang}", None)
        return (translated, lang) if translated else (getattr(self, field), "fr")

    @property
    def map_url(self) -> str:
        """OpenStreetMap at the lieu's coordinates, or a search for its address."""
        if self.lat is not None and self.lon is not None:
            return (
                f"https://www.openstreetmap.org/?mlat={self.lat}&mlon={self.lon}"
                f"#map=18/{self.lat}/{self.lon}"
            )
        query = quote_plus(f"{self.address}, {self.postcode} {self.commune}, Belgique")
        return f"https://www.openstreetmap.org/search?query={query}"

    @property
    def tel(self) -> str | None:
        """The phone number as a tel: URI target (Belgian numbers, no spaces)."""
        if not self.phone:
            return None
        digits = "".join(c for c in self.phone if c.isdigit() or c == "+")
        return "+32" + digits[1:] if digits.startswith("0") else digits


class Helpline(msgspec.Struct, frozen=True, kw_only=True):
    """A listening line. `language` is the one it answers in; `what` and `hours` describe it in
    French, `what_nl`/`what_en` and `hours_nl`/`hours_en` in Dutch and English when written.
    `opening_hours` says when it answers, as an OpenStreetMap string (`24/7`) that the hours
    engine reads (lieux.hours.helplines); None: unknown, never said to answer."""

    name: str
    number: str
    hours: str | None = None
    language: str = "fr"
    what: str = ""
    what_nl: str | None = None
    what_en: str | None = None
    hours_nl: str | None = None
    hours_en: str | None = None
    opening_hours: str | None = None

    @property
    def tel(self) -> str:
        return "".join(c for c in self.number if c.isdigit() or c == "+")

    def what_in(self, lang: str) -> str:
        """What the line is for, in `lang`, falling back to French."""
        return self.text_in("what", lang)[0]

    def text_in(self, field: str, lang: str) -> tuple[str, str]:
        """(text, language of the text) of `what` or `hours`: `lang` if written, else French
        (pages mark it)."""
        translated = lang != "fr" and getattr(self, f"{field}_{lang}", None)
        return (translated, lang) if translated else (getattr(self, field) or "", "fr")

    def hours_in(self, lang: str) -> str | None:
        """When it answers ("24/7"), in `lang`, falling back to French."""
        return (lang != "fr" and getattr(self, f"hours_{lang}", None)) or self.hours


def helplines_for(helplines: Iterable[Helpline], lang: str) -> list[Helpline]:
    """The helplines in the order a page in `lang` lists them: on Dutch pages the Dutch-speaking
    lines first (Tele-Onthaal 106 before Télé-Accueil 107), on French and English pages the
    French-speaking ones; otherwise in the order they were entered."""
    first = "nl" if lang == "nl" else "fr"
    return sorted(helplines, key=lambda line: line.language != first)


def listening_lines(helplines: Iterable[Helpline], lang: str) -> list[Helpline]:
    """The lines every page's footer offers, among `helplines` (those that answer day and
    night, lieux.hours.helplines): the first in French and the first in Dutch (Télé-Accueil
    107, Tele-Onthaal 106 in the guide), in the order `lang` reads them."""
    first: dict[str, Helpline] = {}
    for line in helplines:
        if line.language in ("fr", "nl"):
            first.setdefault(line.language, line)
    return helplines_for(first.values(), lang)


# The 19 Brussels communes, and the parts of the City of Brussels that addresses name, by their
# French name (as stored) with their official Dutch name. Both are official; English uses the
# French one, as the region's English pages do. Stored names stay French: filters and URLs use them.
COMMUNES_NL = {
    "Anderlecht": "Anderlecht",
    "Auderghem": "Oudergem",
    "Berchem-Sainte-Agathe": "Sint-Agatha-Berchem",
    "Bruxelles": "Brussel",
    "Etterbeek": "Etterbeek",
    "Evere": "Evere",
    "Forest": "Vorst",
    "Ganshoren": "Ganshoren",
    "Ixelles": "Elsene",
    "Jette": "Jette",
    "Koekelberg": "Koekelberg",
    "Molenbeek-Saint-Jean": "Sint-Jans-Molenbeek",
    "Saint-Gilles": "Sint-Gillis",
    "Saint-Josse-ten-Noode": "Sint-Joost-ten-Node",
    "Schaerbeek": "Schaarbeek",
    "Uccle": "Ukkel",
    "Watermael-Boitsfort": "Watermaal-Bosvoorde",
    "Woluwe-Saint-Lambert": "Sint-Lambrechts-Woluwe",
    "Woluwe-Saint-Pierre": "Sint-Pieters-Woluwe",
    # parts of the City of Brussels
    "Haren": "Haren",
    "Laeken": "Laken",
    "Neder-Over-Heembeek": "Neder-Over-Heembeek",
}


def commune_name(commune: str, lang: str) -> str:
    """The commune as a page in `lang` names it: its Dutch name on Dutch pages, else as stored."""
    if lang == "nl":
        return COMMUNES_NL.get(commune, commune)
    return commune
