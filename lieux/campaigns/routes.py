"""/admin/campaigns: network admins start update campaigns and follow them, lieu by lieu."""

from datetime import datetime, timedelta

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Template
from sqlite_utils import Database

from lieux.admin import followup
from lieux.campaigns import actions, forms, progress
from lieux.campaigns.models import SECTIONS, VIAS, Campaign, LieuProgress
from lieux.db import campaigns as campaigns_db
from lieux.db import network
from lieux.db.lieux import list_lieux
from lieux.i18n import mark as _
from lieux.mail.outbox import masked
from lieux.manage.forms import FormErrors
from lieux.manage.responses import Form, again, done
from lieux.members.guards import FOR_ADMINS
from lieux.settings import Settings

NO_CAMPAIGN = _("Cette campagne n'existe pas.")
NOT_COVERED = _("Cette campagne ne couvre pas ce lieu.")
# What a datetime-local field shows.
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


def _campaign(db: Database, campaign_id: int) -> Campaign:
    campaign = campaigns_db.get_campaign(db, campaign_id)
    if campaign is None:
        raise NotFoundException(NO_CAMPAIGN)
    return campaign


def _progress_of(db: Database, campaign: Campaign) -> list[LieuProgress]:
    return progress.progress(campaigns_db.rows_of(db, campaign.id))


def _item(db: Database, campaign: Campaign, slug: str) -> LieuProgress:
    for item in _progress_of(db, campaign):
        if item.lieu.slug == slug:
            return item
    raise NotFoundException(NOT_COVERED)


def phase(campaign: Campaign, now: datetime) -> str:
    """'scheduled', 'running' or 'ended', as the pages say it."""
    if now < campaign.starts_at:
        return "scheduled"
    return "running" if now < campaign.ends_at else "ended"


def _new_context(db: Database, settings: Settings, now: datetime, **extra) -> dict:
    attention = followup.follow_up(
        network.lieux_with_counts(db), now, settings.hours_stale_days, attention=True
    )
    today = now.astimezone(settings.zone)
    return {
        "lieux": list_lieux(db),
        "attention": sum(1 for row in attention if row.lieu.archived_at is None),
        "mail_enabled": settings.mail_enabled,
        "errors": {},
        "values": {
            "scope": "all",
            "sections": ["hours", "closures"],
            "start": "now",
            "starts_at": (today + timedelta(days=1))
            .replace(hour=9, minute=0)
            .strftime(LOCAL_MINUTE),
            "ends_on": (today.date() + timedelta(days=forms.DEFAULT_DAYS)).isoformat(),
            "reminder_days": str(forms.REMINDER_DEFAULT),
        },
        "sections": SECTIONS,
        **extra,
    }


def _typed(data: dict) -> dict:
    """What was typed, as the template reads it back (the repeated fields as lists)."""
    values = dict(data)
    for name in ("lieux", "sections"):
        raw = data.get(name) or []
        values[name] = [raw] if isinstance(raw, str) else list(raw)
    return values


def _campaign_context(db, settings: Settings, campaign: Campaign, now: datetime, **extra):
    found = _progress_of(db, campaign)
    return {
        "campaign": campaign,
        "found": found,
        "counts": progress.counts(found),
        "section_counts": progress.section_counts(found),
        "phase": phase(campaign, now),
        "zone": settings.zone,
        "mail_enabled": settings.mail_enabled,
        "unmailed": progress.to_reach_by_hand(found),
        **extra,
    }


def _lieu_context(db, settings: Settings, campaign, item, now: datetime, **extra) -> dict:
    return {
        "campaign": campaign,
        "item": item,
        "phase": phase(campaign, now),
        "zone": settings.zone,
        "mail_enabled": settings.mail_enabled,
        "recipients": len(actions.recipients_for(db, item.lieu)),
        "masked": masked,
        "vias": [via for via in VIAS if via != "link"],
        "errors": {},
        "values": {"at": now.astimezone(settings.zone).strftime(LOCAL_MINUTE)},
        **extra,
    }


class CampaignsController(Controller):
    path = "/admin/campaigns"
    include_in_schema = False
    dependencies = FOR_ADMINS

    @get("", sync_to_thread=True)
    def campaigns(self, db: Database, settings: Settings, now: datetime, by: int) -> Template:
        listed = []
        for campaign in campaigns_db.list_campaigns(db):
            tally = progress.counts(_progress_of(db, campaign))
            listed.append((campaign, phase(campaign, now), tally))
        context = {"listed": listed, "zone": settings.zone}
        return Template("campaigns/list.html", context=context)

    @get("/new", sync_to_thread=True)
    def new_form(self, db: Database, settings: Settings, now: datetime, by: int) -> Template:
        return Template("campaigns/new.html", context=_new_context(db, settings, now))

    @post("", sync_to_thread=True)
    def create(
        self, request: Request, db: Database, settings: Settings, now: datetime, by: int, data: Form
    ) -> Response:
        try:
            write = forms.parse_campaign(data, zone=settings.zone, now=now)
            lieux = actions.lieux_in_scope(db, write, settings, now)
        except FormErrors as error:
            context = _new_context(db, settings, now, errors=error.errors)
            context["values"] = _typed(data)
            return again(request, "campaigns/new.html", context)
        campaign_id = actions.create_campaign(db, write, lieux, by=by, settings=settings, now=now)
        return done(request, f"/admin/campaigns/{campaign_id}?created=1")

    @get("/{ref:str}", sync_to_thread=True)
    def campaign(
        self, db: Database, settings: Settings, now: datetime, by: int, ref: str
    ) -> Response:
        """The campaign's progress (`/admin/campaigns/7`), or the same as CSV (`7.csv`)."""
        number, csv = ref.removesuffix(".csv"), ref.endswith(".csv")
        if not (number.isascii() and number.isdigit() and len(number) < 10):
            raise NotFoundException(NO_CAMPAIGN)
        campaign = _campaign(db, int(number))
        if csv:
            body = progress.to_csv(_progress_of(db, campaign), settings.zone)
            name = f"campagne-{campaign.id}.csv"
            return Response(
                body.encode("utf-8-sig"),  # the BOM makes spreadsheets read it as UTF-8
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        context = _campaign_context(db, settings, campaign, now)
        return Template("campaigns/campaign.html", context=context)

    @post("/{campaign_id:int}/links", sync_to_thread=True, status_code=200)
    def copy_links(
        self, db: Database, settings: Settings, now: datetime, by: int, campaign_id: int
    ) -> Template:
        """New links to pass on by hand, for every lieu that no e-mail reached (shown once)."""
        campaign = _campaign(db, campaign_id)
        links = []
        if campaign.running(now):
            for item in progress.to_reach_by_hand(_progress_of(db, campaign)):
                link = actions.copy_link(
                    db, campaign, item.check, item.lieu, by=by, settings=settings, now=now
                )
                links.append((item.lieu, link))
        context = {"campaign": campaign, "links": links, "phase": phase(campaign, now)}
        return Template("campaigns/links.html", context=context)

    @post("/{campaign_id:int}/end", sync_to_thread=True)
    def end(
        self, request: Request, db: Database, now: datetime, by: int, campaign_id: int, data: Form
    ) -> Response:
        actions.end(db, _campaign(db, campaign_id), by=by, now=now)
        return done(request, f"/admin/campaigns/{campaign_id}?ended=1")

    @get("/{campaign_id:int}/lieux/{slug:str}", sync_to_thread=True)
    def lieu(
        self, db: Database, settings: Settings, now: datetime, by: int, campaign_id: int, slug: str
    ) -> Template:
        campaign = _campaign(db, campaign_id)
        item = _item(db, campaign, slug)
        context = _lieu_context(db, settings, campaign, item, now)
        return Template("campaigns/lieu.html", context=context)

    @post("/{campaign_id:int}/lieux/{slug:str}/answer", sync_to_thread=True)
    def record_answer(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        now: datetime,
        by: int,
        campaign_id: int,
        slug: str,
        data: Form,
    ) -> Response:
        """An answer heard by phone or at a visit: who, when, how."""
        campaign = _campaign(db, campaign_id)
        item = _item(db, campaign, slug)
        try:
            answer = forms.parse_answer(
                data, zone=settings.zone, now=now, not_before=campaign.created_at
            )
            actions.record_answer(db, campaign, item.check, item.lieu, answer, by=by, now=now)
        except FormErrors as error:
            context = _lieu_context(db, settings, campaign, item, now, errors=error.errors)
            context["values"] = dict(data)
            return again(request, "campaigns/lieu.html", context)
        except actions.AlreadyAnswered:
            errors = {"form": (_("Ce lieu a déjà répondu à tout ce que la campagne demande."), {})}
            context = _lieu_context(db, settings, campaign, item, now, errors=errors)
            return again(request, "campaigns/lieu.html", context, status=409)
        return done(request, f"/admin/campaigns/{campaign_id}/lieux/{slug}?answered=1")

    @post("/{campaign_id:int}/lieux/{slug:str}/send", sync_to_thread=True)
    def send_again(
        self,
        request: Request,
        db: Database,
        settings: Settings,
        now: datetime,
        by: int,
        campaign_id: int,
        slug: str,
        data: Form,
    ) -> Response:
        """Fresh links by e-mail to the lieu's recipients as they are now."""
        campaign = _campaign(db, campaign_id)
        item = _item(db, campaign, slug)
        sent = 0
        if campaign.running(now):
            sent = actions.send_again(
                db, campaign, item.check, item.lieu, by=by, settings=settings, now=now
            )
        return done(request, f"/admin/campaigns/{campaign_id}/lieux/{slug}?sent={sent}")

    @post("/{campaign_id:int}/lieux/{slug:str}/link", sync_to_thread=True, status_code=200)
    def copy_one_link(
        self, db: Database, settings: Settings, now: datetime, by: int, campaign_id: int, slug: str
    ) -> Template:
        campaign = _campaign(db, campaign_id)
        item = _item(db, campaign, slug)
        links = []
        if campaign.running(now):
            link = actions.copy_link(
                db, campaign, item.check, item.lieu, by=by, settings=settings, now=now
            )
            links.append((item.lieu, link))
        context = {"campaign": campaign, "links": links, "phase": phase(campaign, now)}
        return Template("campaigns/links.html", context=context)

    @post("/{campaign_id:int}/lieux/{slug:str}/revoke", sync_to_thread=True)
    def revoke(
        self,
        request: Request,
        db: Database,
        now: datetime,
        by: int,
        campaign_id: int,
        slug: str,
        data: Form,
    ) -> Response:
        """Every link of the lieu in this campaign stops working."""
        campaign = _campaign(db, campaign_id)
        item = _item(db, campaign, slug)
        count = actions.revoke(db, campaign, item.check, item.lieu, by=by, now=now)
        return done(request, f"/admin/campaigns/{campaign_id}/lieux/{slug}?revoked={count}")
