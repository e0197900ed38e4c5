"""Update campaigns: what a campaign asks, each lieu's check, the personal links, the progress."""

from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from lieux.models import Lieu

# What a campaign may ask a lieu to check, in the order pages show them.
Section = Literal["hours", "closures", "facts"]
SECTIONS: tuple[Section, ...] = ("hours", "closures", "facts")
# A section's answer: not yet, checked and unchanged, or corrected.
SectionState = Literal["pending", "confirmed", "updated"]
# How an answer came: through the link, or told to a coordinator.
Via = Literal["link", "phone", "visit", "email", "other"]
VIAS: tuple[Via, ...] = ("link", "phone", "visit", "email", "other")
# A lieu's progress, as the campaign page and its CSV say it.
Progress = Literal["not_sent", "sent", "opened", "confirmed", "updated", "bounced"]
PROGRESS: tuple[Progress, ...] = ("not_sent", "sent", "opened", "confirmed", "updated", "bounced")
# Which lieux a new campaign covers.
Scope = Literal["all", "attention", "chosen"]
LinkKind = Literal["mail", "reminder", "copy"]


class Campaign(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str
    check_hours: bool
    check_closures: bool
    check_facts: bool
    starts_at: datetime
    ends_at: datetime
    reminder_days: int
    created_by: int | None = None
    created_at: datetime

    @property
    def sections(self) -> tuple[Section, ...]:
        return tuple(s for s in SECTIONS if getattr(self, f"check_{s}"))

    def running(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at

    def last_day(self, zone: ZoneInfo) -> date:
        """The last day its links work, local time (they stop at the midnight after it)."""
        return (self.ends_at.astimezone(zone) - timedelta(microseconds=1)).date()


class CampaignWrite(msgspec.Struct, frozen=True, kw_only=True):
    """A new campaign as the form describes it (instants in UTC)."""

    name: str
    sections: tuple[Section, ...]
    starts_at: datetime
    ends_at: datetime
    reminder_days: int
    scope: Scope
    chosen: tuple[str, ...] = ()  # slugs, when scope is "chosen"


class Check(msgspec.Struct, frozen=True, kw_only=True):
    """One lieu's part of a campaign: its progress section by section."""

    id: int
    campaign_id: int
    lieu_id: int
    invited_at: datetime | None = None
    last_mailed_at: datetime | None = None
    reminders: int = 0
    opened_at: datetime | None = None
    hours_state: SectionState | None = None
    hours_at: datetime | None = None
    closures_state: SectionState | None = None
    closures_at: datetime | None = None
    facts_state: SectionState | None = None
    facts_at: datetime | None = None
    answered_at: datetime | None = None
    answer_via: Via | None = None
    answer_who: str | None = None
    answer_note: str | None = None
    answered_by: int | None = None
    answered_by_name: str | None = None

    def state_of(self, section: Section) -> SectionState | None:
        return getattr(self, f"{section}_state")

    def at_of(self, section: Section) -> datetime | None:
        return getattr(self, f"{section}_at")

    @property
    def asked(self) -> tuple[Section, ...]:
        return tuple(s for s in SECTIONS if self.state_of(s) is not None)

    @property
    def pending(self) -> tuple[Section, ...]:
        return tuple(s for s in SECTIONS if self.state_of(s) == "pending")

    @property
    def touched(self) -> bool:
        """Some section has its answer (the lieu has answered, at least in part)."""
        return any(self.state_of(s) in ("confirmed", "updated") for s in SECTIONS)


class CheckLink(msgspec.Struct, frozen=True, kw_only=True):
    """A personal link to a check, with the state of the message that carried it."""

    id: int
    check_id: int
    kind: LinkKind
    member_id: int | None = None
    outbox_id: int | None = None
    created_at: datetime
    opened_at: datetime | None = None
    revoked_at: datetime | None = None
    mail_state: str | None = None  # the outbox message's state (None: no message)
    recipient: str | None = None  # its address, for the coordinator's page only


class CheckRow(msgspec.Struct, frozen=True, kw_only=True):
    """A lieu's check with what the campaign page shows about it."""

    lieu: Lieu
    check: Check
    links: list[CheckLink]


class Access(msgspec.Struct, frozen=True, kw_only=True):
    """What a valid personal link opens: one lieu's check in one campaign, for one person."""

    campaign: Campaign
    check: Check
    link: CheckLink
    lieu: Lieu


class AnswerWrite(msgspec.Struct, frozen=True, kw_only=True):
    """An answer a coordinator heard by phone or at a visit."""

    outcome: Literal["confirmed", "updated"]
    via: Via
    who: str
    at: datetime
    note: str = ""


class LieuProgress(msgspec.Struct, frozen=True, kw_only=True):
    """One lieu's progress, said once for the page and the CSV."""

    lieu: Lieu
    check: Check
    state: Progress
    sections: dict[str, SectionState]
    links: list[CheckLink]
