"""Members, roles, invites, personal sign-in links and sessions. Tokens arrive hashed."""

from datetime import UTC, datetime

import msgspec
from sqlite_utils import Database

from lieux.db.lieux import lieu_from_row
from lieux.mail.models import TOPICS, MailPrefs, Recipient, Topic
from lieux.members.models import Identity, Invite, Member, Membership
from lieux.models import Lieu


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def create_member(db: Database, display_name: str, *, now: datetime, is_admin: bool = False) -> int:
    """Store a new member; return their id."""
    values = {"display_name": display_name, "is_admin": is_admin, "created_at": _utc(now)}
    return db["members"].insert(values).last_pk


def get_member(db: Database, member_id: int) -> Member | None:
    """The member with this id, or None."""
    for row in db.query("SELECT * FROM members WHERE id = ?", [member_id]):
        return msgspec.convert(row, Member, strict=False)
    return None


def make_admin(db: Database, member_id: int) -> None:
    """Make a member a network admin."""
    db.execute("UPDATE members SET is_admin = 1 WHERE id = ?", [member_id])


def lieu_by_id(db: Database, lieu_id: int) -> Lieu | None:
    """The lieu with this id, or None (invites and roles point at lieux by id)."""
    for row in db.query("SELECT * FROM lieux WHERE id = ?", [lieu_id]):
        return lieu_from_row(row)
    return None


def set_role(db: Database, member_id: int, lieu_id: int, role: str, *, now: datetime) -> None:
    """Give a member a role in a lieu; an existing role there is only ever raised, not lowered."""
    existing = next(
        db.query(
            "SELECT role FROM roles WHERE member_id = ? AND lieu_id = ?", [member_id, lieu_id]
        ),
        None,
    )
    if existing is None:
        db["roles"].insert(
            {"member_id": member_id, "lieu_id": lieu_id, "role": role, "created_at": _utc(now)}
        )
    elif existing["role"] == "member" and role == "co-manager":
        db.execute(
            "UPDATE roles SET role = ? WHERE member_id = ? AND lieu_id = ?",
            [role, member_id, lieu_id],
        )


def list_lieu_members(db: Database, lieu_id: int) -> list[tuple[Member, str]]:
    """The members of a lieu with their role, co-managers first, then by name."""
    rows = db.query(
        "SELECT m.*, r.role FROM members m JOIN roles r ON r.member_id = m.id "
        "WHERE r.lieu_id = ? ORDER BY r.role, m.display_name COLLATE NOCASE",
        [lieu_id],
    )
    result = []
    for row in rows:
        role = row.pop("role")
        result.append((msgspec.convert(row, Member, strict=False), role))
    return result


def identity(db: Database, member_id: int) -> Identity | None:
    """The member and their roles in every lieu, or None if they no longer exist."""
    member = get_member(db, member_id)
    if member is None:
        return None
    rows = db.query(
        "SELECT r.lieu_id, l.slug AS lieu_slug, l.name AS lieu_name, r.role FROM roles r "
        "JOIN lieux l ON l.id = r.lieu_id WHERE r.member_id = ? ORDER BY l.name COLLATE NOCASE",
        [member_id],
    )
    memberships = tuple(msgspec.convert(row, Membership) for row in rows)
    return Identity(member=member, memberships=memberships)


# --- invites ---------------------------------------------------------------------------------


def create_invite(
    db: Database,
    token_hash: str,
    *,
    lieu_id: int | None,
    role: str,
    now: datetime,
    expires_at: datetime,
    reusable: bool = False,
    created_by: int | None = None,
) -> int:
    """Store an invite (its token hashed); return its id."""
    values = {
        "token_hash": token_hash,
        "lieu_id": lieu_id,
        "role": role,
        "reusable": reusable,
        "created_by": created_by,
        "created_at": _utc(now),
        "expires_at": _utc(expires_at),
    }
    return db["invites"].insert(values).last_pk


def get_invite(db: Database, token_hash: str) -> Invite | None:
    """The invite with this token hash (usable or not), or None."""
    for row in db.query("SELECT * FROM invites WHERE token_hash = ?", [token_hash]):
        return msgspec.convert(row, Invite, strict=False)
    return None


def get_invite_by_id(db: Database, invite_id: int) -> Invite | None:
    """The invite with this id, or None."""
    for row in db.query("SELECT * FROM invites WHERE id = ?", [invite_id]):
        return msgspec.convert(row, Invite, strict=False)
    return None


def use_invite(db: Database, invite_id: int) -> bool:
    """Count one use; False if a one-time invite was used meanwhile (two tabs, two people)."""
    cursor = db.execute(
        "UPDATE invites SET uses = uses + 1 WHERE id = ? AND (reusable OR uses = 0) "
        "AND revoked_at IS NULL",
        [invite_id],
    )
    return cursor.rowcount == 1


def list_invites(db: Database, lieu_id: int) -> list[Invite]:
    """The invites of a lieu, newest first."""
    rows = db.query("SELECT * FROM invites WHERE lieu_id = ? ORDER BY id DESC", [lieu_id])
    return [msgspec.convert(row, Invite, strict=False) for row in rows]


def revoke_invite(db: Database, invite_id: int, *, now: datetime) -> None:
    """Make an invite unusable from now on."""
    db.execute(
        "UPDATE invites SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        [_utc(now), invite_id],
    )


# --- personal sign-in links and sessions -----------------------------------------------------


def create_sign_in(
    db: Database, token_hash: str, member_id: int, *, now: datetime, expires_at: datetime
) -> None:
    """Store a personal sign-in link; older ones of the member stop working (one at a time)."""
    with db.atomic():
        db.execute(
            "UPDATE sign_in_tokens SET revoked_at = ? WHERE member_id = ? AND revoked_at IS NULL",
            [_utc(now), member_id],
        )
        db["sign_in_tokens"].insert(
            {
                "token_hash": token_hash,
                "member_id": member_id,
                "created_at": _utc(now),
                "expires_at": _utc(expires_at),
            }
        )


def sign_in_member(db: Database, token_hash: str, *, now: datetime) -> int | None:
    """The member a valid (not revoked, not expired) sign-in link belongs to, or None."""
    row = next(
        db.query(
            "SELECT member_id FROM sign_in_tokens WHERE token_hash = ? AND revoked_at IS NULL "
            "AND (expires_at IS NULL OR expires_at > ?)",
            [token_hash, _utc(now)],
        ),
        None,
    )
    return None if row is None else row["member_id"]


def create_session(
    db: Database,
    token_hash: str,
    member_id: int,
    *,
    now: datetime,
    expires_at: datetime,
    sign_in_hash: str | None = None,
) -> None:
    """Store a browser session (its id hashed)."""
    db["member_sessions"].insert(
        {
            "token_hash": token_hash,
            "member_id": member_id,
            "sign_in_hash": sign_in_hash,
            "created_at": _utc(now),
            "expires_at": _utc(expires_at),
        }
    )


def session_member(db: Database, token_hash: str, *, now: datetime) -> int | None:
    """The member of a live session, or None (expired, signed out, or its link revoked)."""
    row = next(
        db.query(
            "SELECT s.member_id FROM member_sessions s "
            "LEFT JOIN sign_in_tokens t ON t.token_hash = s.sign_in_hash "
            "WHERE s.token_hash = ? AND s.expires_at > ? "
            "AND (s.sign_in_hash IS NULL OR t.revoked_at IS NULL)",
            [token_hash, _utc(now)],
        ),
        None,
    )
    return None if row is None else row["member_id"]


def delete_session(db: Database, token_hash: str) -> None:
    """End one browser session (sign out)."""
    db.execute("DELETE FROM member_sessions WHERE token_hash = ?", [token_hash])


# --- a lieu's own rules for co-management ----------------------------------------------------


class LieuRules(msgspec.Struct, frozen=True, kw_only=True):
    governance: str
    support_threshold: int
    public_proposals: bool = False


def get_rules(db: Database, lieu_id: int) -> LieuRules:
    """How the lieu decides on proposals, and whether people without an account may propose."""
    row = next(
        db.query(
            "SELECT governance, support_threshold, public_proposals FROM lieux WHERE id = ?",
            [lieu_id],
        )
    )
    return msgspec.convert(row, LieuRules, strict=False)


def set_rules(db: Database, lieu_id: int, rules: LieuRules, *, now: datetime) -> None:
    """Change the lieu's governance, support threshold and public proposals switch."""
    db.execute(
        "UPDATE lieux SET governance = ?, support_threshold = ?, public_proposals = ?, "
        "updated_at = ? WHERE id = ?",
        [rules.governance, rules.support_threshold, rules.public_proposals, _utc(now), lieu_id],
    )


def change_role(db: Database, member_id: int, lieu_id: int, role: str) -> bool:
    """Set a member's role in a lieu (up or down); False if they are not in it."""
    cursor = db.execute(
        "UPDATE roles SET role = ? WHERE member_id = ? AND lieu_id = ?", [role, member_id, lieu_id]
    )
    return cursor.rowcount == 1


def remove_role(db: Database, member_id: int, lieu_id: int) -> bool:
    """Take a member out of a lieu; False if they were not in it."""
    cursor = db.execute(
        "DELETE FROM roles WHERE member_id = ? AND lieu_id = ?", [member_id, lieu_id]
    )
    return cursor.rowcount == 1


def co_manager_count(db: Database, lieu_id: int) -> int:
    """How many co-managers a lieu has."""
    sql = "SELECT count(*) FROM roles WHERE lieu_id = ? AND role = 'co-manager'"
    return db.execute(sql, [lieu_id]).fetchone()[0]


def role_of(db: Database, member_id: int, lieu_id: int) -> str | None:
    """The member's role in the lieu, or None."""
    row = db.execute(
        "SELECT role FROM roles WHERE member_id = ? AND lieu_id = ?", [member_id, lieu_id]
    ).fetchone()
    return None if row is None else row[0]


# --- e-mail address and what a member wants to receive (docs/mail.md) ------------------------


def mail_prefs(db: Database, member_id: int) -> MailPrefs:
    """The member's address, its language and their choices (defaults for an unknown id)."""
    row = next(
        db.query(
            "SELECT email, email_lang, mail_campaigns, mail_reports, mail_digest FROM members "
            "WHERE id = ?",
            [member_id],
        ),
        None,
    )
    return MailPrefs() if row is None else msgspec.convert(row, MailPrefs, strict=False)


def set_mail_prefs(db: Database, member_id: int, prefs: MailPrefs) -> None:
    """Store the member's address (None: remove it), its language and their choices."""
    db.execute(
        "UPDATE members SET email = ?, email_lang = ?, mail_campaigns = ?, mail_reports = ?, "
        "mail_digest = ? WHERE id = ?",
        [
            prefs.email,
            prefs.email_lang,
            prefs.mail_campaigns,
            prefs.mail_reports,
            prefs.mail_digest,
            member_id,
        ],
    )


def stop_topic(db: Database, member_id: int, topic: Topic) -> None:
    """The member receives no more mail of `topic` (an unsubscribe link)."""
    if topic not in TOPICS:  # the column name comes from it
        raise ValueError(f"unknown topic {topic!r}")
    db.execute(f"UPDATE members SET mail_{topic} = 0 WHERE id = ?", [member_id])


def _recipients(db: Database, sql: str, params: list) -> list[Recipient]:
    rows = db.query(sql, params)
    return [Recipient(address=r["email"], lang=r["email_lang"], member_id=r["id"]) for r in rows]


def lieu_recipients(db: Database, lieu_id: int, topic: Topic) -> list[Recipient]:
    """The lieu's co-managers who gave an address and want mail of `topic`."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}")
    return _recipients(
        db,
        "SELECT m.id, m.email, m.email_lang FROM members m JOIN roles r ON r.member_id = m.id "
        f"WHERE r.lieu_id = ? AND r.role = 'co-manager' AND m.email IS NOT NULL "
        f"AND m.mail_{topic} ORDER BY m.id",
        [lieu_id],
    )


def admin_recipients(db: Database, topic: Topic) -> list[Recipient]:
    """The network admins who gave an address and want mail of `topic`."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}")
    return _recipients(
        db,
        "SELECT id, email, email_lang FROM members WHERE is_admin AND email IS NOT NULL "
        f"AND mail_{topic} ORDER BY id",
        [],
    )
