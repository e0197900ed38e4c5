"""Who may do what: one function per kind of write, used by every route that writes.

Rules: the network admin may do everything; a co-manager manages their own lieu only; a member
of a lieu proposes activities and supports proposals there; nobody else writes anything.
"""

from lieux.members.models import Identity


def can_manage(identity: Identity | None, lieu_id: int) -> bool:
    """Edit the lieu's activities and hours, decide on proposals, invite, read the audit log."""
    if identity is None:
        return False
    return identity.member.is_admin or identity.role_in(lieu_id) == "co-manager"


def can_propose(identity: Identity | None, lieu_id: int) -> bool:
    """Propose an activity, support a proposal, see the lieu's members area."""
    if identity is None:
        return False
    return identity.member.is_admin or identity.role_in(lieu_id) is not None


def can_invite(identity: Identity | None, lieu_id: int, role: str) -> bool:
    """Co-managers invite co-managers and members of their lieu; only admins invite admins."""
    if role == "admin":
        return identity is not None and identity.member.is_admin
    return can_manage(identity, lieu_id)
