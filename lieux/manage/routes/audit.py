"""The lieu's audit log: who changed what, when, before and after."""

from litestar import Controller, get
from litestar.response import Template
from sqlite_utils import Database

from lieux.db import audit
from lieux.manage.responses import FOR_MANAGERS, PATH
from lieux.models import Lieu
from lieux.settings import Settings


class AuditController(Controller):
    path = PATH
    include_in_schema = False
    dependencies = FOR_MANAGERS

    @get("/audit", sync_to_thread=True)
    def audit_log(self, db: Database, settings: Settings, lieu: Lieu, by: int) -> Template:
        entries = audit.list_entries(db, lieu.id)
        context = {"lieu": lieu, "entries": entries, "zone": settings.zone}
        return Template("manage/audit.html", context=context)
