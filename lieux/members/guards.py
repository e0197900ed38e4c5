"""Who may see and change a lieu's data, said once for every controller of the members' area.

Litestar guards receive the connection, not the request's dependencies; the identity and the
lieu come from providers, so each handler starts with one call (`require_manager(identity, lieu)`)
that refuses with 401 (not signed in) or 403 (signed in, not allowed) before anything else.
"""

from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.status_codes import HTTP_410_GONE
from sqlite_utils import Database

from lieux.db.lieux import get_lieu
from lieux.i18n import mark as _
from lieux.members.auth import can_manage, can_propose
from lieux.members.models import Identity
from lieux.models import Lieu

ARCHIVED_FOR_MEMBERS = _(
    "La coordination du réseau a archivé ce lieu : ses pages, son agenda et ses données sont "
    "gardés mais plus publiés. Un administrateur du réseau peut le rétablir."
)


def provide_lieu(db: Database, slug: str) -> Lieu:
    lieu = get_lieu(db, slug)
    if lieu is None:
        if get_lieu(db, slug, archived=True) is not None:
            # Its co-managers' bookmarks lead here: say what happened and who can undo it.
            raise HTTPException(status_code=HTTP_410_GONE, detail=ARCHIVED_FOR_MEMBERS)
        raise NotFoundException(f"Aucun lieu « {slug} »")
    return lieu


def require_manager(identity: Identity | None, lieu: Lieu) -> int:
    """Refuse unless a co-manager of this lieu (or admin); return the member's id."""
    if identity is None:
        raise NotAuthorizedException("Connectez-vous avec votre lien personnel.")
    if not can_manage(identity, lieu.id):
        raise PermissionDeniedException("Réservé aux co-gestionnaires de ce lieu.")
    return identity.member.id


def require_member(identity: Identity | None, lieu: Lieu) -> int:
    """Refuse unless a member of this lieu (any role) or admin; return the member's id."""
    if identity is None:
        raise NotAuthorizedException("Connectez-vous avec votre lien personnel.")
    if not can_propose(identity, lieu.id):
        raise PermissionDeniedException("Réservé aux membres de ce lieu.")
    return identity.member.id


def provide_manager(identity: Identity | None, lieu: Lieu) -> int:
    """The `by` dependency of a co-managers' controller: `require_manager`, declared once."""
    return require_manager(identity, lieu)


def provide_member(identity: Identity | None, lieu: Lieu) -> int:
    """The `by` dependency of a members' controller: `require_member`, declared once."""
    return require_member(identity, lieu)


def provide_admin(identity: Identity | None) -> int:
    """The `by` dependency of the network admin area: 401 signed out, 403 unless a network
    admin; the admin's member id."""
    if identity is None:
        raise NotAuthorizedException("Connectez-vous avec votre lien personnel.")
    if not identity.member.is_admin:
        raise PermissionDeniedException(_("Réservé aux administrateurs du réseau."))
    return identity.member.id
