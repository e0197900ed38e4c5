"""Who may see and change a lieu's data, and the network admin area: said once, here.

One idiom for every controller of /manage and /admin: the controller declares
`dependencies = FOR_MANAGERS` (or FOR_MEMBERS, FOR_ADMINS), and every handler names the `by`
parameter, the acting member's id. Litestar resolves `by` before the handler runs, so the
handler is refused first: 401 when not signed in, 403 when signed in but not allowed, 404/410
for a lieu that is not (or no longer) there. Not a Litestar guard: guards get the connection
only, not the request's database connection the identity and the lieu are read with.
A handler that forgot `by` would run unguarded; tests/manage/test_every_route_guarded.py walks
every registered /manage and /admin route as a stranger and fails on it.
"""

from litestar.di import Provide
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
from lieux.members.session import provide_identity
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


def _member_id(identity: Identity | None, allowed: bool, refusal: str) -> int:
    """The signed-in member's id if `allowed`; 401 when nobody is signed in, else 403."""
    if identity is None:
        raise NotAuthorizedException("Connectez-vous avec votre lien personnel.")
    if not allowed:
        raise PermissionDeniedException(refusal)
    return identity.member.id


def provide_manager(identity: Identity | None, lieu: Lieu) -> int:
    """The `by` of FOR_MANAGERS: a co-manager of this lieu (or an admin)."""
    allowed = identity is not None and can_manage(identity, lieu.id)
    return _member_id(identity, allowed, "Réservé aux co-gestionnaires de ce lieu.")


def provide_member(identity: Identity | None, lieu: Lieu) -> int:
    """The `by` of FOR_MEMBERS: a member of this lieu (any role), or an admin."""
    allowed = identity is not None and can_propose(identity, lieu.id)
    return _member_id(identity, allowed, "Réservé aux membres de ce lieu.")


def provide_admin(identity: Identity | None) -> int:
    """The `by` of FOR_ADMINS: a network admin."""
    allowed = identity is not None and identity.member.is_admin
    return _member_id(identity, allowed, _("Réservé aux administrateurs du réseau."))


# Who is asking, and which lieu (404 or 410 before anything).
_IDENTITY = {"identity": Provide(provide_identity, sync_to_thread=False)}
_LIEU = {**_IDENTITY, "lieu": Provide(provide_lieu, sync_to_thread=False)}
# A controller's `dependencies`: its guard, the `by` parameter every handler names.
FOR_MANAGERS = {**_LIEU, "by": Provide(provide_manager, sync_to_thread=False)}
FOR_MEMBERS = {**_LIEU, "by": Provide(provide_member, sync_to_thread=False)}
FOR_ADMINS = {**_IDENTITY, "by": Provide(provide_admin, sync_to_thread=False)}
