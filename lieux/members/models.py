"""Members, their roles per lieu, invites and the signed-in identity."""

from datetime import datetime
from typing import Literal

import msgspec

Role = Literal["co-manager", "member"]
InviteRole = Literal["admin", "co-manager", "member"]


class Member(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    display_name: str
    is_admin: bool = False
    created_at: datetime


class Membership(msgspec.Struct, frozen=True, kw_only=True):
    """One member's role in one lieu."""

    lieu_id: int
    lieu_slug: str
    lieu_name: str
    role: Role


class Identity(msgspec.Struct, frozen=True, kw_only=True):
    """Who is signed in, and what they are in each lieu."""

    member: Member
    memberships: tuple[Membership, ...] = ()

    def role_in(self, lieu_id: int) -> Role | None:
        for membership in self.memberships:
            if membership.lieu_id == lieu_id:
                return membership.role
        return None


class Invite(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    lieu_id: int | None  # None: an invite to become network admin
    role: InviteRole
    reusable: bool = False
    uses: int = 0
    created_by: int | None = None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        """Not revoked, not expired, and not already used if it is a one-time invite."""
        return (
            self.revoked_at is None and now < self.expires_at and (self.reusable or self.uses == 0)
        )
