"""Activities of a lieu: one-off or recurring (an RRULE), with per-occurrence overrides."""

from datetime import datetime
from typing import Literal

import msgspec

# Kinds of activity, by slug, with their labels (fr, nl, en). "ouverture" opens the lieu while it
# runs (special openings); the others are things to do while it is open.
KINDS: dict[str, tuple[str, str, str]] = {
    "cafe-papote": ("Café-papote", "Koffieklets", "Coffee & chat"),
    "repas": ("Repas", "Maaltijd", "Meal"),
    "atelier": ("Atelier", "Workshop", "Workshop"),
    "sortie": ("Sortie", "Uitstap", "Outing"),
    "groupe-de-parole": ("Groupe de parole", "Praatgroep", "Support group"),
    "ouverture": ("Ouverture", "Opening", "Opening"),
    "assemblee": ("Assemblée", "Vergadering", "Assembly"),
    "autre": ("Autre", "Andere", "Other"),
}
Status = Literal["confirmed", "cancelled"]
Price = Literal["free", "pay-what-you-can", "amount"]


class ActivityOverride(msgspec.Struct, frozen=True, kw_only=True):
    """One occurrence of a series, changed: cancelled, moved or retitled."""

    recurrence_id: datetime  # the occurrence's original local start
    status: Status = "confirmed"
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    title: str | None = None
    description: str | None = None
    sequence: int = 0
    updated_at: datetime  # UTC


class Activity(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    uid: str
    lieu_id: int
    kind: str
    title: str
    title_nl: str | None = None
    title_en: str | None = None
    description: str = ""
    description_nl: str | None = None
    description_en: str | None = None
    # Local wall times (naive). An all-day activity starts and ends at midnight: only the dates
    # count, `ends_at` being the day after the last one.
    starts_at: datetime
    ends_at: datetime  # exclusive
    all_day: bool = False
    rrule: str | None = None
    status: Status = "confirmed"
    price: Price = "free"
    price_amount: str | None = None
    registration: bool = False
    accessibility: str = ""
    languages: str = ""
    sequence: int = 0
    version: int = 1
    created_at: datetime  # UTC
    updated_at: datetime  # UTC
    demo: bool = False
    overrides: tuple[ActivityOverride, ...] = ()

    def title_in(self, lang: str) -> str:
        return getattr(self, f"title_{lang}", None) or self.title

    def description_in(self, lang: str) -> str:
        """The description in `lang`, or the French one when nobody translated it."""
        return getattr(self, f"description_{lang}", None) or self.description


class ActivityWrite(msgspec.Struct, kw_only=True):
    """The fields a person or the seed sets on an activity."""

    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    title_nl: str | None = None
    title_en: str | None = None
    description: str = ""
    description_nl: str | None = None
    description_en: str | None = None
    all_day: bool = False
    rrule: str | None = None
    status: Status = "confirmed"
    price: Price = "free"
    price_amount: str | None = None
    registration: bool = False
    accessibility: str = ""
    languages: str = ""
