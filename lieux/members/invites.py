"""Issuing invites: a fresh token, stored hashed, recorded in the lieu's audit log."""

from datetime import datetime

from sqlite_utils import Database

from lieux.db import members as members_db
from lieux.manage import audit_trail
from lieux.members.models import Invite
from lieux.members.tokens import INVITE_LIFETIME, POSTER_LIFETIME, hash_token, new_token


def issue_invite(
    db: Database,
    *,
    lieu_id: int | None,
    role: str,
    base_url: str,
    now: datetime,
    reusable: bool = False,
    by: int | None = None,
) -> str:
    """Create an invite and return its link (the only time the token is seen in clear)."""
    # A reusable link goes on a wall: it may only ever make members, never co-managers.
    reusable = reusable and role == "member"
    token = new_token()
    with db.atomic():
        invite_id = members_db.create_invite(
            db,
            hash_token(token),
            lieu_id=lieu_id,
            role=role,
            now=now,
            expires_at=now + (POSTER_LIFETIME if reusable else INVITE_LIFETIME),
            reusable=reusable,
            created_by=by,
        )
        audit_trail.record(
            db,
            lieu_id=lieu_id,
            by=by,
            action="create",
            entity="invite",
            entity_id=invite_id,
            after={"role": role, "reusable": reusable},
            now=now,
        )
    return f"{base_url}/join/{token}"


def accept_invite(
    db: Database, invite: Invite, *, member_id: int | None, name: str, now: datetime
) -> int | None:
    """Use `invite` for an existing member or (member_id None) a new one named `name`.

    Returns the member's id, or None if a one-time invite was used meanwhile. The lieu's audit
    log says who joined, with which role, through which invite.
    """
    with db.atomic():
        if not members_db.use_invite(db, invite.id):
            return None
        if member_id is None:
            member_id = members_db.create_member(db, name, now=now, is_admin=invite.role == "admin")
        elif invite.role == "admin":
            members_db.make_admin(db, member_id)
        before = None
        role = invite.role
        if invite.lieu_id is not None and invite.role != "admin":
            before = members_db.role_of(db, member_id, invite.lieu_id)
            members_db.set_role(db, member_id, invite.lieu_id, invite.role, now=now)
            # A co-manager opening a member invite stays co-manager: record what they are now.
            role = members_db.role_of(db, member_id, invite.lieu_id)
        audit_trail.record(
            db,
            lieu_id=invite.lieu_id,
            by=member_id,
            action="join",
            entity="member",
            entity_id=member_id,
            before=None if before is None else {"role": before},
            after={"name": name, "role": role, "invite_id": invite.id},
            now=now,
        )
    return member_id
