"""What the network admin area reads: lieux with their follow-up counts, helplines by id."""

from datetime import datetime

import msgspec

from lieux.models import Helpline, Lieu


class LieuCounts(msgspec.Struct, frozen=True, kw_only=True):
    """A lieu (archived ones too) with what a coordinator follows up, as stored."""

    lieu: Lieu
    hours_known: bool
    co_managers: int
    pending_proposals: int
    last_change: datetime | None


class FollowUp(msgspec.Struct, frozen=True, kw_only=True):
    """One row of /admin: the counts and what they mean today."""

    lieu: Lieu
    hours_known: bool
    hours_stale: bool
    co_managers: int
    pending_proposals: int
    last_change: datetime | None
    open_reports: int = 0  # visitors' reports nobody resolved yet ("Signaler un problème")

    @property
    def needs_attention(self) -> bool:
        return (
            not self.hours_known
            or self.hours_stale
            or self.co_managers == 0
            or self.pending_proposals > 0
            or self.open_reports > 0
        )


class HelplineRow(Helpline, frozen=True, kw_only=True):
    """A helpline with its id, to edit or remove it."""

    id: int
