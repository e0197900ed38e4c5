"""Who is in a lieu and with which role, changed by its co-managers."""

from datetime import datetime

from litestar import Controller, Request, Response, post
from litestar.exceptions import NotFoundException
from sqlite_utils import Database

from lieux.manage import actions, audit_trail, forms
from lieux.manage.responses import PATH, Form, again, done
from lieux.manage.routes.dashboard import dashboard_context
from lieux.members.guards import FOR_MANAGERS
from lieux.members.models import Identity
from lieux.models import Lieu
from lieux.settings import Settings
from lieux.widget.cache import cache_of

LAST_CO_MANAGER = forms._("Le lieu doit garder au moins un·e co-gestionnaire.")


class MemberController(Controller):
    path = PATH
    include_in_schema = False
    dependencies = FOR_MANAGERS

    @post("/members/{member_id:int}", sync_to_thread=True)
    def member_role(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        by: int,
        member_id: int,
        data: Form,
        now: datetime,
    ) -> Response:
        """Make someone co-manager or member, or take them out of the lieu (`role=remove`)."""
        error = None
        try:
            form = forms.parse(data, forms.MemberRoleForm)
            role = None if form.role == "remove" else form.role
            with audit_trail.collect() as entries:
                actions.set_member_role(db, lieu, member_id, role, by=by, now=now)
        except forms.FormErrors as errors:
            error = errors.errors.get("role") or next(iter(errors.errors.values()))
        except LookupError:
            raise NotFoundException("Cette personne ne fait pas partie de ce lieu.") from None
        except actions.LastCoManager:
            error = (LAST_CO_MANAGER, {})
        if error:
            context = dashboard_context(db, settings, lieu, identity, now, cache_of(request))
            return again(request, "manage/dashboard.html", {**context, "member_error": error})
        # Someone taken out of the lieu is no longer listed: the notice goes on the list.
        notice, target = (
            ("member-removed", "members")
            if role is None
            else ("role-changed", f"member-{member_id}")
        )
        return done(request, f"/manage/{lieu.slug}", notice, target=target, entries=entries)
