"""Issuing invites: a fresh token, stored hashed, recorded in the lieu's audit log."""

from datetime import datetime
from pathlib import Path

import segno
from sqlite_utils import Database

from lieux.db import audit
from lieux.db import members as members_db
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
        audit.record(
            db,
            lieu_id=lieu_id,
            member_id=by,
            action="create",
            entity="invite",
            entity_id=invite_id,
            after={"role": role, "reusable": reusable},
            now=now,
        )
    return f"{base_url}/join/{token}"


def write_qr_svg(link: str, dest: Path) -> None:
    """The link as a QR code in an SVG file (to print or send as an image)."""
    segno.make(link, error="m").save(str(dest), kind="svg", scale=8, title=link)
