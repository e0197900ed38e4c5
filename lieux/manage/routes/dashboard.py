"""A lieu's page in the members' area: what each member sees, and what co-managers manage."""

from datetime import datetime

from litestar import Controller, Request, get
from litestar.response import Template
from sqlite_utils import Database

from lieux.calendar.describe import describe_rule
from lieux.calendar.models import KINDS
from lieux.db import activities as activities_db
from lieux.db import hours as hours_db
from lieux.db import live_status as live_db
from lieux.db import members as members_db
from lieux.db import proposals as proposals_db
from lieux.db import reports as reports_db
from lieux.hours.live import NOTE_MAX, summary
from lieux.i18n import current_lang
from lieux.manage.closed_dates import closed_dates
from lieux.manage.responses import PATH
from lieux.manage.upcoming import by_next_date
from lieux.members.auth import can_manage
from lieux.members.guards import FOR_MEMBERS
from lieux.members.models import Identity
from lieux.models import Lieu
from lieux.reports.models import NOTE_MAX as REPORT_NOTE_MAX
from lieux.settings import Settings
from lieux.web.freshness import hours_freshness
from lieux.web.headline import lieu_headline
from lieux.widget.cache import OpenNowCache, cache_of
from lieux.widget.view import describe


def public_view(cache: OpenNowCache, lieu: Lieu, now: datetime) -> dict:
    """What the public sees of the lieu now, in the lieu page's and the widget's own words (in
    the page's language): a co-manager checks there what their last tap did."""
    lang, zone = current_lang.get(), cache.settings.zone
    headline = lieu_headline(cache, lieu, now, lang, now)
    answer = cache.snapshot(now).state_of(lieu, now, zone, lang)
    widget = describe(answer, now, zone, lang)
    return {
        "state": headline.state,
        "headline": headline.text,
        "widget": widget[:1].upper() + widget[1:],
        "note": headline.note,
    }


def dashboard_context(
    db: Database,
    settings: Settings,
    lieu: Lieu,
    identity: Identity,
    now: datetime,
    cache: OpenNowCache | None = None,
) -> dict:
    """The context of manage/dashboard.html for this person (`cache`: the open-now data the
    public view of the live status is read from)."""
    manager = can_manage(identity, lieu.id)
    # The live status while it lasts (co-managers set it: the big buttons come first).
    live = live_db.get_live_status(db, lieu.id) if manager else None
    live = live if live is not None and live.active(now) else None
    self_managed = lieu.governance == "self-managed"
    activities = activities_db.list_activities(db, lieu_ids=[lieu.id]) if manager else []
    members = members_db.list_lieu_members(db, lieu.id) if manager else []
    hours = hours_db.get_hours(db, lieu.id)
    return {
        "lieu": lieu,
        "identity": identity,
        "manager": manager,
        "kinds": KINDS,
        "activities": by_next_date(activities, now, settings.zone),
        "describe_rule": describe_rule,
        # Series whose stored rule broke the recurrence model (migration m200): to be redone.
        "rule_problems": activities_db.rule_problems(db, lieu.id) if manager else {},
        "deleted": activities_db.list_deleted(db, lieu.id) if manager else [],
        "proposals": proposals_db.list_proposals(
            db, lieu.id, member_id=None if manager else identity.member.id
        ),
        "pending_others": proposals_db.list_proposals(db, lieu.id, status="pending")
        if self_managed and not manager
        else [],
        "members": members,
        # Whoever is the only co-manager cannot stop being one: no button offers it.
        "co_managers": sum(1 for _member, role in members if role == "co-manager"),
        "closed_dates": closed_dates(db, settings, lieu, hours, now) if manager else [],
        # The hours reminder (stale or never confirmed), co-managers only.
        "hours_known": hours.known,
        "freshness": hours_freshness(
            lieu.hours_verified_at,
            now,
            zone=settings.zone,
            stale_days=settings.hours_stale_days,
            lang=current_lang.get(),
        )
        if manager
        else None,
        "member_error": None,
        "live_status": live,
        "public_view": public_view(cache, lieu, now) if manager and cache else None,
        "live_summary": summary(live, settings.zone) if live else None,
        "status_error": None,
        "status_values": {},
        "note_max": NOTE_MAX,
        # What visitors reported ("Signaler un problème"), still open: co-managers only.
        "reports": reports_db.list_reports(db, lieu.id, open_only=True) if manager else [],
        "report_note_max": REPORT_NOTE_MAX,
        "zone": settings.zone,
    }


class DashboardController(Controller):
    path = PATH
    include_in_schema = False
    dependencies = FOR_MEMBERS

    @get("/", sync_to_thread=True)
    def dashboard(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        lieu: Lieu,
        identity: Identity | None,
        by: int,
        now: datetime,
    ) -> Template:
        context = dashboard_context(db, settings, lieu, identity, now, cache_of(request))
        return Template("manage/dashboard.html", context=context)
