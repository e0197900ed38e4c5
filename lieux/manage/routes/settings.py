"""The lieu's rules (governance, support threshold, proposals without an account)."""

from datetime import datetime

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.response import Template
from sqlite_utils import Database

from lieux.db import members as members_db
from lieux.manage import actions, audit_trail, forms
from lieux.manage.responses import PATH, Form, again, done
from lieux.members.guards import FOR_MANAGERS
from lieux.models import Lieu


class SettingsController(Controller):
    path = PATH
    include_in_schema = False
    dependencies = FOR_MANAGERS

    @get("/settings", sync_to_thread=True)
    def rules(self, db: Database, lieu: Lieu, by: int) -> Template:
        values = msgspec.to_builtins(members_db.get_rules(db, lieu.id))
        context = {"lieu": lieu, "values": values, "errors": {}}
        return Template("manage/settings.html", context=context)

    @post("/settings", sync_to_thread=True)
    def save_rules(
        self, request: Request, db: Database, lieu: Lieu, by: int, data: Form, now: datetime
    ) -> Response:
        try:
            form = forms.parse(data, forms.RulesForm)
        except forms.FormErrors as error:
            context = {"lieu": lieu, "values": data, "errors": error.errors}
            return again(request, "manage/settings.html", context)
        rules = members_db.LieuRules(**msgspec.structs.asdict(form))
        with audit_trail.collect() as entries:
            actions.set_rules(db, lieu, rules, by=by, now=now)
        notice = "rules-saved" if entries else "unchanged"
        url = f"/manage/{lieu.slug}/settings"
        return done(request, url, notice, target="saved", entries=entries)
