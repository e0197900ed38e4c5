"""Read models shared by every component: the lieux and the helplines."""

from typing import Literal
from urllib.parse import quote_plus

import msgspec

Governance = Literal["coordinated", "co-managed", "self-managed"]
LANGUAGES = ("fr", "nl", "en")
Lang = Literal["fr", "nl", "en"]


class Lieu(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    slug: str
    name: str
    address: str = ""
    postcode: str = ""
    commune: str = ""
    lat: float | None = None
    lon: float | None = None
    phone: str | None = None
    website: str | None = None
    description_fr: str = ""
    description_nl: str | None = None
    description_en: str | None = None
    governance: Governance = "coordinated"
    support_threshold: int = 3

    def description(self, lang: str) -> str:
        """The description in `lang`, falling back to French."""
        return self.description_in(lang)[0]

    def description_in(self, lang: str) -> tuple[str, str]:
        """(text, language of the text): `lang` if written, else French (pages mark it)."""
        translated = getattr(self, f"description_{lang}", None)
        return (translated, lang) if translated else (self.description_fr, "fr")

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


class LieuWrite(msgspec.Struct, kw_only=True):
    """What the seed or an admin sets on a lieu (the id and timestamps are the database's)."""

    slug: str
    name: str
    address: str = ""
    postcode: str = ""
    commune: str = ""
    lat: float | None = None
    lon: float | None = None
    phone: str | None = None
    website: str | None = None
    description_fr: str = ""
    description_nl: str | None = None
    description_en: str | None = None
    governance: Governance = "coordinated"


class Helpline(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    number: str
    hours: str | None = None
    language: str = "fr"
    what: str = ""

    @property
    def tel(self) -> str:
        return "".join(c for c in self.number if c.isdigit() or c == "+")
