"""What a personal link opens, or why it opens nothing.

The token in /check/{token} is the only credential: no account, no session, no cookie. It
opens one lieu's check in one campaign, until the campaign ends, unless the coordinator
revoked it, the lieu was archived, or the member it was sent to is no longer a co-manager.
"""

from datetime import datetime
from typing import Literal

from sqlite_utils import Database

from lieux.campaigns.models import Access
from lieux.db import campaigns as campaigns_db
from lieux.db import members as members_db
from lieux.db.profile import get_lieu_by_id
from lieux.members.tokens import hash_token

Reason = Literal["unknown", "revoked", "expired", "archived", "left"]
# Longer than any token we make (43 characters): anything longer is not worth a query.
TOKEN_MAX = 100


class LinkRefused(Exception):
    """The link opens nothing; `reason` says why (the page tells the person)."""

    def __init__(self, reason: Reason):
        super().__init__(reason)
        self.reason = reason

    @property
    def status(self) -> int:
        """404 for a link we never made, 410 for one that worked and will not again."""
        return 404 if self.reason == "unknown" else 410


def access(db: Database, token: str, *, now: datetime) -> Access:
    """The check `token` opens at `now`; raise LinkRefused."""
    if not token or len(token) > TOKEN_MAX:
        raise LinkRefused("unknown")
    link = campaigns_db.link_by_hash(db, hash_token(token))
    check = campaigns_db.get_check(db, link.check_id) if link else None
    campaign = campaigns_db.get_campaign(db, check.campaign_id) if check else None
    lieu = get_lieu_by_id(db, check.lieu_id) if check else None
    if link is None or check is None or campaign is None or lieu is None:
        raise LinkRefused("unknown")
    if link.revoked_at is not None:
        raise LinkRefused("revoked")
    if not campaign.running(now):
        raise LinkRefused("expired")
    if lieu.archived_at is not None:
        raise LinkRefused("archived")
    if link.member_id is not None:
        member = members_db.get_member(db, link.member_id)
        role = members_db.role_of(db, link.member_id, lieu.id)
        if member is None or not (role == "co-manager" or member.is_admin):
            raise LinkRefused("left")
    return Access(campaign=campaign, check=check, link=link, lieu=lieu)


def opened(db: Database, found: Access, *, now: datetime) -> Access:
    """Note that the page was opened (the first time counts); the access as it is now."""
    if found.link.opened_at is None or found.check.opened_at is None:
        with db.atomic():
            campaigns_db.mark_opened(db, found.link.id, found.check.id, now=now)
    return found
