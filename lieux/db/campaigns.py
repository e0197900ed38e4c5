"""Update campaigns: the campaigns, each lieu's check and its personal links (stored hashed).

Section and answer changes are single statements conditioned on what they leave (a section is
confirmed only while pending, an answer recorded once), so two people answering at once, or a
reminder round racing an answer, never undo each other.
"""

from datetime import UTC, datetime

import msgspec
from sqlite_utils import Database

from lieux.campaigns.models import (
    SECTIONS,
    Campaign,
    CampaignWrite,
    Check,
    CheckLink,
    CheckRow,
    LinkKind,
    Section,
    SectionState,
    Via,
)
from lieux.db.lieux import lieu_from_row

# Fixed width (always microseconds, always UTC): instants compare correctly as text.
_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
# The campaigns page lists this many, newest first.
LIST_LIMIT = 100


def _instant(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("a campaign instant must be timezone-aware")
    return at.astimezone(UTC).strftime(_FORMAT)


def _section(section: str) -> str:
    if section not in SECTIONS:  # the column name comes from it
        raise ValueError(f"unknown section {section!r}")
    return section


def insert_campaign(
    db: Database, write: CampaignWrite, *, created_by: int | None, now: datetime
) -> int:
    """A new campaign; its id. Runs in the caller's transaction."""
    cursor = db.execute(
        "INSERT INTO campaigns (name, check_hours, check_closures, check_facts, starts_at, "
        "ends_at, reminder_days, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            write.name,
            "hours" in write.sections,
            "closures" in write.sections,
            "facts" in write.sections,
            _instant(write.starts_at),
            _instant(write.ends_at),
            write.reminder_days,
            created_by,
            _instant(now),
        ],
    )
    return cursor.lastrowid


def insert_check(db: Database, campaign_id: int, lieu_id: int, sections: tuple[Section, ...]):
    """One lieu's check, its asked sections pending."""
    states = {f"{s}_state": "pending" for s in sections}
    columns = ", ".join(["campaign_id", "lieu_id", *states])
    marks = ", ".join("?" for _ in range(2 + len(states)))
    db.execute(
        f"INSERT INTO campaign_checks ({columns}) VALUES ({marks})",
        [campaign_id, lieu_id, *states.values()],
    )


def get_campaign(db: Database, campaign_id: int) -> Campaign | None:
    """The campaign with this id, or None."""
    for row in db.query("SELECT * FROM campaigns WHERE id = ?", [campaign_id]):
        return msgspec.convert(row, Campaign, strict=False)
    return None


def list_campaigns(db: Database, *, limit: int = LIST_LIMIT) -> list[Campaign]:
    """The newest campaigns first."""
    rows = db.query("SELECT * FROM campaigns ORDER BY id DESC LIMIT ?", [limit])
    return [msgspec.convert(row, Campaign, strict=False) for row in rows]


_CHECKS = (
    "SELECT c.*, m.display_name AS answered_by_name FROM campaign_checks c "
    "LEFT JOIN members m ON m.id = c.answered_by"
)


def checks_of(db: Database, campaign_id: int) -> list[Check]:
    """The campaign's checks, one per lieu, in the order they were made."""
    rows = db.query(f"{_CHECKS} WHERE c.campaign_id = ? ORDER BY c.id", [campaign_id])
    return [msgspec.convert(row, Check, strict=False) for row in rows]


def rows_of(db: Database, campaign_id: int) -> list[CheckRow]:
    """The campaign's lieux (archived ones too) by name, each with its check and links."""
    links = links_of(db, campaign_id)
    checks = {check.id: check for check in checks_of(db, campaign_id)}
    rows = db.query(
        "SELECT l.*, c.id AS _check_id FROM campaign_checks c JOIN lieux l ON l.id = c.lieu_id "
        "WHERE c.campaign_id = ? ORDER BY l.name COLLATE NOCASE",
        [campaign_id],
    )
    found = []
    for row in rows:
        check_id = row.pop("_check_id")
        found.append(
            CheckRow(lieu=lieu_from_row(row), check=checks[check_id], links=links.get(check_id, []))
        )
    return found


def get_check(db: Database, check_id: int) -> Check | None:
    """The check with this id, or None."""
    for row in db.query(f"{_CHECKS} WHERE c.id = ?", [check_id]):
        return msgspec.convert(row, Check, strict=False)
    return None


def check_of(db: Database, campaign_id: int, lieu_id: int) -> Check | None:
    """The lieu's check in the campaign, or None (the campaign does not cover it)."""
    sql = f"{_CHECKS} WHERE c.campaign_id = ? AND c.lieu_id = ?"
    for row in db.query(sql, [campaign_id, lieu_id]):
        return msgspec.convert(row, Check, strict=False)
    return None


def add_link(
    db: Database,
    check_id: int,
    token_hash: str,
    *,
    kind: LinkKind,
    member_id: int | None,
    outbox_id: int | None,
    now: datetime,
) -> int:
    """A personal link (its token's hash); its id."""
    cursor = db.execute(
        "INSERT INTO campaign_links (check_id, token_hash, kind, member_id, outbox_id, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [check_id, token_hash, kind, member_id, outbox_id, _instant(now)],
    )
    return cursor.lastrowid


_LINKS = (
    "SELECT k.*, o.state AS mail_state, o.recipient AS recipient FROM campaign_links k "
    "LEFT JOIN outbox o ON o.id = k.outbox_id"
)


def link_by_hash(db: Database, token_hash: str) -> CheckLink | None:
    """The link whose token has this hash, or None."""
    for row in db.query(f"{_LINKS} WHERE k.token_hash = ?", [token_hash]):
        return msgspec.convert(row, CheckLink, strict=False)
    return None


def links_of(db: Database, campaign_id: int) -> dict[int, list[CheckLink]]:
    """{check id: its links, oldest first} for the campaign."""
    sql = (
        f"{_LINKS} JOIN campaign_checks c ON c.id = k.check_id WHERE c.campaign_id = ? "
        "ORDER BY k.id"
    )
    found: dict[int, list[CheckLink]] = {}
    for row in db.query(sql, [campaign_id]):
        link = msgspec.convert(row, CheckLink, strict=False)
        found.setdefault(link.check_id, []).append(link)
    return found


def mark_opened(db: Database, link_id: int, check_id: int, *, now: datetime) -> None:
    """The check page was opened through this link (only the first time is kept)."""
    at = _instant(now)
    db.execute(
        "UPDATE campaign_links SET opened_at = ? WHERE id = ? AND opened_at IS NULL", [at, link_id]
    )
    db.execute(
        "UPDATE campaign_checks SET opened_at = ? WHERE id = ? AND opened_at IS NULL",
        [at, check_id],
    )


def set_section(
    db: Database, check_id: int, section: Section, state: SectionState, *, now: datetime
) -> bool:
    """Record a section's answer: 'updated' always wins; 'confirmed' only replaces 'pending'
    (an earlier correction stays a correction). Whether it changed. A section the campaign does
    not ask (NULL) is left alone."""
    column = _section(section)
    condition = "IS NOT NULL" if state == "updated" else "= 'pending'"
    cursor = db.execute(
        f"UPDATE campaign_checks SET {column}_state = ?, {column}_at = ? "
        f"WHERE id = ? AND {column}_state {condition}",
        [state, _instant(now), check_id],
    )
    return cursor.rowcount == 1


def set_answered(
    db: Database,
    check_id: int,
    *,
    via: Via,
    at: datetime,
    who: str | None = None,
    note: str | None = None,
    by: int | None = None,
) -> bool:
    """Every asked section has its answer: record how it came, once. Whether it was recorded."""
    cursor = db.execute(
        "UPDATE campaign_checks SET answered_at = ?, answer_via = ?, answer_who = ?, "
        "answer_note = ?, answered_by = ? WHERE id = ? AND answered_at IS NULL AND "
        "'pending' NOT IN (coalesce(hours_state, ''), coalesce(closures_state, ''), "
        "coalesce(facts_state, ''))",
        [_instant(at), via, who, note, by, check_id],
    )
    return cursor.rowcount == 1


def set_invited(db: Database, check_id: int, *, mailed: bool, now: datetime) -> bool:
    """The check's first e-mails are decided (`mailed`: at least one queued); False if another
    round did it first."""
    cursor = db.execute(
        "UPDATE campaign_checks SET invited_at = ?, last_mailed_at = CASE WHEN ? THEN ? END "
        "WHERE id = ? AND invited_at IS NULL",
        [_instant(now), mailed, _instant(now), check_id],
    )
    return cursor.rowcount == 1


def set_mailed(db: Database, check_id: int, *, now: datetime) -> None:
    """An e-mail with a fresh link went to the check (a new link the coordinator sent)."""
    db.execute(
        "UPDATE campaign_checks SET last_mailed_at = ?, invited_at = coalesce(invited_at, ?) "
        "WHERE id = ?",
        [_instant(now), _instant(now), check_id],
    )


def set_reminded(db: Database, check_id: int, *, reminders: int, now: datetime) -> bool:
    """Count a reminder, if the check still had `reminders` (another round did not send it)."""
    cursor = db.execute(
        "UPDATE campaign_checks SET reminders = reminders + 1, last_mailed_at = ? "
        "WHERE id = ? AND reminders = ?",
        [_instant(now), check_id, reminders],
    )
    return cursor.rowcount == 1


def revoke_links(db: Database, check_id: int, *, now: datetime) -> int:
    """Every link of the check stops working; how many were still working."""
    cursor = db.execute(
        "UPDATE campaign_links SET revoked_at = ? WHERE check_id = ? AND revoked_at IS NULL",
        [_instant(now), check_id],
    )
    return cursor.rowcount


def to_invite(db: Database, *, now: datetime, limit: int) -> list[tuple[Campaign, Check]]:
    """Checks of campaigns running at `now` whose first e-mails are not decided yet."""
    at = _instant(now)
    sql = (
        "SELECT c.id FROM campaign_checks c JOIN campaigns k ON k.id = c.campaign_id "
        "JOIN lieux l ON l.id = c.lieu_id WHERE c.invited_at IS NULL AND k.starts_at <= ? "
        "AND k.ends_at > ? AND l.archived_at IS NULL ORDER BY c.id LIMIT ?"
    )
    return _with_campaigns(db, [row[0] for row in db.execute(sql, [at, at, limit])])


def to_remind(db: Database, *, now: datetime, limit: int) -> list[tuple[Campaign, Check]]:
    """Checks of running campaigns that were mailed and have no answer at all: the caller
    decides which are due (each campaign has its own delay)."""
    at = _instant(now)
    sql = (
        "SELECT c.id FROM campaign_checks c JOIN campaigns k ON k.id = c.campaign_id "
        "JOIN lieux l ON l.id = c.lieu_id WHERE c.last_mailed_at IS NOT NULL "
        "AND k.starts_at <= ? AND k.ends_at > ? AND l.archived_at IS NULL "
        "AND 'confirmed' NOT IN (coalesce(hours_state, ''), coalesce(closures_state, ''), "
        "coalesce(facts_state, '')) AND 'updated' NOT IN (coalesce(hours_state, ''), "
        "coalesce(closures_state, ''), coalesce(facts_state, '')) ORDER BY c.id LIMIT ?"
    )
    return _with_campaigns(db, [row[0] for row in db.execute(sql, [at, at, limit])])


def _with_campaigns(db: Database, check_ids: list[int]) -> list[tuple[Campaign, Check]]:
    found = []
    campaigns: dict[int, Campaign] = {}
    for check_id in check_ids:
        check = get_check(db, check_id)
        if check is None:
            continue
        if check.campaign_id not in campaigns:
            campaigns[check.campaign_id] = get_campaign(db, check.campaign_id)
        found.append((campaigns[check.campaign_id], check))
    return found


def running(db: Database, *, now: datetime) -> list[Campaign]:
    """Campaigns running at `now`, newest first."""
    at = _instant(now)
    rows = db.query(
        "SELECT * FROM campaigns WHERE starts_at <= ? AND ends_at > ? ORDER BY id DESC LIMIT ?",
        [at, at, LIST_LIMIT],
    )
    return [msgspec.convert(row, Campaign, strict=False) for row in rows]


def end_campaign(db: Database, campaign_id: int, *, now: datetime) -> bool:
    """The campaign ends at `now` (its links stop working); False if it had ended already."""
    at = _instant(now)
    cursor = db.execute(
        "UPDATE campaigns SET ends_at = ?, starts_at = min(starts_at, ?) "
        "WHERE id = ? AND ends_at > ?",
        [at, at, campaign_id, at],
    )
    return cursor.rowcount == 1


def claim_digest(db: Database, week: str, *, recipients: int, now: datetime) -> bool:
    """Take the digest of ISO `week` ('2026-W49'); False if it was decided already."""
    cursor = db.execute(
        "INSERT INTO digests (week, sent_at, recipients) VALUES (?, ?, ?) "
        "ON CONFLICT (week) DO NOTHING",
        [week, _instant(now), recipients],
    )
    return cursor.rowcount == 1


def has_addressed_co_manager(db: Database, lieu_id: int) -> bool:
    """Whether one of the lieu's co-managers gave an e-mail address (wanting campaigns or not)."""
    row = db.execute(
        "SELECT 1 FROM roles r JOIN members m ON m.id = r.member_id WHERE r.lieu_id = ? "
        "AND r.role = 'co-manager' AND m.email IS NOT NULL LIMIT 1",
        [lieu_id],
    ).fetchone()
    return row is not None
