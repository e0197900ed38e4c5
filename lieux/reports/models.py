"""A visitor's report on a lieu ("Signaler un problème") and its follow-up, as stored and as typed.

The limits are the database's own (lieux/db/migrations/network.py m400_reports): the forms refuse
longer text with a message before SQLite would refuse it with an error.
"""

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from lieux.hours.models import Source, State

# What a visitor can say is wrong, most useful first: the reason the widget exists.
KINDS = ("found-closed", "wrong-hours", "wrong-contact", "other")
Kind = Literal["found-closed", "wrong-hours", "wrong-contact", "other"]
Resolution = Literal["fixed", "not-an-error"]
# Where the resolve form sends the person back to: the page it was on.
Back = Literal["dashboard", "reports", "admin"]

MESSAGE_MAX = 1_000
CONTACT_MAX = 120  # an e-mail address or a phone number, with a name
NOTE_MAX = 500


class Shown(msgspec.Struct, frozen=True, kw_only=True):
    """What the public pages and the widget said of the lieu when the report came, from the
    open-now engine: open, closed or unknown, and why (weekly hours, agenda, a live status)."""

    state: State
    source: Source = "hours"
    hours_stale: bool = False  # shown with "horaires à confirmer"
    until: datetime | None = None  # UTC: when that state was due to change


class ReportForm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The public form, as typed (lieux.manage.forms.parse converts it field by field)."""

    kind: Kind
    message: Annotated[str, msgspec.Meta(max_length=MESSAGE_MAX)] = ""
    contact: Annotated[str, msgspec.Meta(max_length=CONTACT_MAX)] = ""


class ResolveForm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A co-manager's or an admin's answer to one report."""

    resolution: Resolution
    note: Annotated[str, msgspec.Meta(max_length=NOTE_MAX)] = ""
    back: Back = "dashboard"


class Report(msgspec.Struct, frozen=True, kw_only=True):
    """One report, never shown publicly; `resolution` None while it is open."""

    id: int
    lieu_id: int
    lieu_slug: str
    lieu_name: str
    kind: Kind
    message: str = ""
    contact: str = ""
    lang: str = "fr"
    shown: Shown
    created_at: datetime  # UTC
    resolution: Resolution | None = None
    resolution_note: str = ""
    resolved_by: int | None = None
    resolved_by_name: str | None = None
    resolved_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.resolution is None

    @property
    def contradicts_the_page(self) -> bool:
        """Found closed while the site said open: the case the widget exists for."""
        return self.kind == "found-closed" and self.shown.state == "open"
