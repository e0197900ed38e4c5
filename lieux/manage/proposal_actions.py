"""What happens to a proposal: made (by a member or a visitor), accepted, declined, supported
(self-managed lieux publish at the threshold), withdrawn; each with its audit entry."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from lieux.calendar.models import ActivityWrite
from lieux.db import proposals as proposals_db
from lieux.manage import audit_trail
from lieux.manage.actions import create_activity
from lieux.models import Lieu


def propose(
    db: Database, lieu: Lieu, write: ActivityWrite, *, by: int | None, name: str, now: datetime
) -> int:
    with db.atomic():
        proposal_id = proposals_db.create_proposal(
            db, lieu.id, write, member_id=by, proposer_name=name, now=now
        )
        audit_trail.record(
            db,
            lieu_id=lieu.id,
            by=by,
            action="propose",
            entity="proposal",
            entity_id=proposal_id,
            after=write,
            now=now,
        )
    return proposal_id


class AlreadyDecided(Exception):
    """The proposal was accepted or declined meanwhile (another co-manager, or supports)."""


def accept(
    db: Database,
    lieu: Lieu,
    proposal: proposals_db.Proposal,
    *,
    by: int | None,
    message: str,
    uid: str,
    zone: ZoneInfo,
    now: datetime,
) -> int:
    """Publish a proposal as an activity; return the activity's id. LieuFull if the lieu
    holds CURRENT_ACTIVITIES_MAX current activities already."""
    with db.atomic():
        activity_id = create_activity(
            db, lieu, proposal.activity, by=by, uid=uid, zone=zone, now=now
        )
        if not proposals_db.decide(
            db,
            proposal.id,
            "accepted",
            decided_by=by,
            message=message,
            activity_id=activity_id,
            now=now,
        ):
            raise AlreadyDecided
        audit_trail.record(
            db,
            lieu_id=lieu.id,
            by=by,
            action="accept",
            entity="proposal",
            entity_id=proposal.id,
            after={"activity_id": activity_id, "message": message},
            now=now,
        )
    return activity_id


def decline(
    db: Database,
    lieu: Lieu,
    proposal: proposals_db.Proposal,
    *,
    by: int | None,
    message: str,
    now: datetime,
) -> None:
    with db.atomic():
        if not proposals_db.decide(
            db, proposal.id, "declined", decided_by=by, message=message, now=now
        ):
            raise AlreadyDecided
        audit_trail.record(
            db,
            lieu_id=lieu.id,
            by=by,
            action="decline",
            entity="proposal",
            entity_id=proposal.id,
            after={"message": message},
            now=now,
        )


def support(
    db: Database,
    lieu: Lieu,
    proposal: proposals_db.Proposal,
    *,
    by: int,
    uid: str,
    zone: ZoneInfo,
    now: datetime,
) -> int | None:
    """Add a member's support; in a self-managed lieu, publish once the threshold is reached.

    Returns the new activity's id when this support published it.
    """
    with db.atomic():
        proposals_db.add_support(db, proposal.id, by, now=now)
        audit_trail.record(
            db,
            lieu_id=lieu.id,
            by=by,
            action="support",
            entity="proposal",
            entity_id=proposal.id,
            now=now,
        )
        current = proposals_db.get_proposal(db, proposal.id)
        if lieu.governance == "self-managed" and current.supports >= lieu.support_threshold:
            return accept(db, lieu, current, by=None, message="", uid=uid, zone=zone, now=now)
    return None


def withdraw(
    db: Database, lieu: Lieu, proposal: proposals_db.Proposal, *, by: int, now: datetime
) -> None:
    with db.atomic():
        if not proposals_db.withdraw(db, proposal.id, by, now=now):
            raise AlreadyDecided
        audit_trail.record(
            db,
            lieu_id=lieu.id,
            by=by,
            action="withdraw",
            entity="proposal",
            entity_id=proposal.id,
            now=now,
        )
