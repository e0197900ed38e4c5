"""Activities of a lieu: one-off or recurring (an RRULE), with per-occurrence overrides."""

from datetime import datetime
from typing import Literal

import msgspec

from lieux.i18n import gettext_in
from lieux.i18n import mark as _
from lieux.models import FULL_LANGUAGES

# Kinds of activity, by slug, with their labels (fr, nl, en); the French one is also the msgid
# that the public side's other languages translate (kind_label). "ouverture" opens the lieu while
# it runs (agenda openings); the others are things to do while it is open.
KINDS: dict[str, tuple[str, str, str]] = {
    "cafe-papote": (_("Café-papote"), "Koffieklets", "Coffee & chat"),
    "repas": (_("Repas"), "Maaltijd", "Meal"),
    "atelier": (_("Atelier"), "Workshop", "Workshop"),
    "sortie": (_("Sortie"), "Uitstap", "Outing"),
    "groupe-de-parole": (_("Groupe de parole"), "Praatgroep", "Support group"),
    "ouverture": (_("Ouverture"), "Opening", "Opening"),
    "assemblee": (_("Assemblée"), "Vergadering", "Assembly"),
    "autre": (_("Autre"), "Andere", "Other"),
}


def kind_label(kind: str, lang: str) -> str:
    """The label of `kind` (an unknown one is "autre") in `lang`: from the table in French,
    Dutch and English, from the public side's catalogues in the other languages."""
    labels = KINDS.get(kind, KINDS["autre"])
    if lang in FULL_LANGUAGES:
        return labels[FULL_LANGUAGES.index(lang)]
    return gettext_in(lang, labels[0])


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


class ActivityWrite(msgspec.Struct, kw_only=True):
    """The fields a person or the seed sets on an activity."""

    kind: str
    title: str
    # Local wall times (naive). An all-day activity starts and ends at midnight: only the dates
    # count, `ends_at` being the day after the last one.
    starts_at: datetime
    ends_at: datetime  # exclusive
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


class Activity(ActivityWrite, frozen=True, kw_only=True):
    """An activity as stored: what was written, with its ids, versions and changed dates."""

    id: int
    uid: str
    lieu_id: int
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
