"""Read models shared by every component: the lieux and the helplines."""

from typing import Literal

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
        return getattr(self, f"description_{lang}", None) or self.description_fr

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
