"""Every write of a campaign: starting it, its e-mails and links, the answers, each in one
transaction with its audit entry where a lieu's data or a credential is concerned.

The corrections made through a link go through the same audited actions as the members'
area (lieux.manage.hours_actions, lieux.manage.profile_actions), with the actor "campaign"
and the recipient's member id when the link went to a member.
"""

from datetime import datetime

import msgspec
from sqlite_utils import Database

from lieux.admin import followup
from lieux.campaigns.models import Access, AnswerWrite, Campaign, CampaignWrite, Check
from lieux.db import campaigns as campaigns_db
from lieux.db import hours as hours_db
from lieux.db import network
from lieux.db.lieux import list_lieux
from lieux.db.members import get_member
from lieux.db.profile import get_lieu_by_id
from lieux.i18n import mark as _
from lieux.mail.models import Recipient
from lieux.mail.outbox import enqueue, lieu_recipients
from lieux.manage import audit_trail
from lieux.manage.forms import FormErrors
from lieux.manage.hours_actions import replace_hours
from lieux.manage.profile_actions import mark_hours_verified, update_profile
from lieux.members.tokens import hash_token, new_token
from lieux.models import Lieu
from lieux.settings import Settings, valid_address
from lieux.web.freshness import date_label

# Who the audit log names for a change made through a campaign's link.
ACTOR = "campaign"
# Lieux one campaign may cover: the network has a dozen; this keeps a round's work bounded.
MAX_LIEUX = 500
# E-mails per lieu and round: its co-managers, rarely more than a handful.
MAX_RECIPIENTS = 20
# A public e-mail address of a lieu is written to in French (it has no language of its own).
PUBLIC_LANG = "fr"


def lieux_in_scope(db: Database, write: CampaignWrite, settings: Settings, now: datetime):
    """The public lieux a new campaign covers, by name; FormErrors when it covers none or
    names one that is not (or no longer) public."""
    lieux = list_lieux(db)
    if write.scope == "attention":
        rows = followup.follow_up(
            network.lieux_with_counts(db), now, settings.hours_stale_days, attention=True
        )
        wanted = {row.lieu.id for row in rows}
        lieux = [lieu for lieu in lieux if lieu.id in wanted]
    elif write.scope == "chosen":
        by_slug = {lieu.slug: lieu for lieu in lieux}
        if any(slug not in by_slug for slug in write.chosen):
            raise FormErrors({"lieux": (_("Un des lieux choisis n'existe pas (ou plus)."), {})})
        lieux = [lieu for lieu in lieux if lieu.slug in write.chosen]
    if not lieux:
        raise FormErrors({"scope": (_("Aucun lieu ne correspond à ce choix."), {})})
    return lieux[:MAX_LIEUX]


def create_campaign(
    db: Database,
    write: CampaignWrite,
    lieux: list[Lieu],
    *,
    by: int,
    settings: Settings,
    now: datetime,
) -> int:
    """Create the campaign with one check per lieu (audited in the network's log) and, if it
    starts now, queue its e-mails. Its id."""
    with db.atomic():
        campaign_id = campaigns_db.insert_campaign(db, write, created_by=by, now=now)
        for lieu in lieux:
            campaigns_db.insert_check(db, campaign_id, lieu.id, write.sections)
        audit_trail.record(
            db,
            lieu_id=None,
            by=by,
            action="create",
            entity="campaign",
            entity_id=campaign_id,
            after={
                "name": write.name,
                "sections": list(write.sections),
                "starts_at": write.starts_at.isoformat(),
                "ends_at": write.ends_at.isoformat(),
                "reminder_days": write.reminder_days,
                "lieux": [lieu.slug for lieu in lieux],
            },
            now=now,
        )
    if write.starts_at <= now:
        invite_due(db, settings, now=now)
    return campaign_id


class _Undo(Exception):
    """Roll the transaction it is raised in back: its work was done by another round."""


def recipients_for(db: Database, lieu: Lieu) -> list[Recipient]:
    """Who a lieu's check goes to: its co-managers who gave an address and take campaign mail;
    when none of them gave an address, the lieu's public e-mail."""
    found = lieu_recipients(db, lieu.id, "campaigns")
    public = lieu.email if lieu.email and valid_address(lieu.email) else None
    if not found and public and not campaigns_db.has_addressed_co_manager(db, lieu.id):
        found = [Recipient(address=public, lang=PUBLIC_LANG)]
    return found[:MAX_RECIPIENTS]


def _mail_links(
    db: Database,
    campaign: Campaign,
    check: Check,
    lieu: Lieu,
    *,
    reminder: bool,
    settings: Settings,
    now: datetime,
) -> int:
    """Queue one e-mail with a fresh personal link to each of the lieu's recipients, in the
    caller's transaction; how many were queued (a link is kept only if its e-mail was)."""
    queued = 0
    for to in recipients_for(db, lieu):
        token = new_token()
        member = get_member(db, to.member_id) if to.member_id is not None else None
        context = {
            "campaign": campaign,
            "lieu": lieu,
            "name": member.display_name if member else "",
            "link": f"{settings.base_url}/check/{token}?lang={to.lang}",
            "until": date_label(campaign.last_day(settings.zone), to.lang),
            "sections": campaign.sections,
            "reminder": reminder,
        }
        outbox_id = enqueue(
            db,
            to=to,
            template="campaign",
            context=context,
            topic="campaigns",
            settings=settings,
            now=now,
        )
        if outbox_id is None:  # mail is off, or this person said no: no link made
            continue
        campaigns_db.add_link(
            db,
            check.id,
            hash_token(token),
            kind="reminder" if reminder else "mail",
            member_id=to.member_id,
            outbox_id=outbox_id,
            now=now,
        )
        queued += 1
    return queued


def invite_due(db: Database, settings: Settings, *, now: datetime, limit: int = MAX_LIEUX) -> int:
    """The first e-mails of every check whose campaign has started and that has none decided
    yet, one transaction per lieu; how many e-mails were queued. A lieu nobody can be mailed is
    marked too (its link is to be copied from the campaign's page)."""
    queued = 0
    for campaign, check in campaigns_db.to_invite(db, now=now, limit=limit):
        lieu = get_lieu_by_id(db, check.lieu_id)
        if lieu is None:
            continue
        try:
            with db.atomic():
                count = _mail_links(
                    db, campaign, check, lieu, reminder=False, settings=settings, now=now
                )
                if not campaigns_db.set_invited(db, check.id, mailed=count > 0, now=now):
                    raise _Undo  # another round invited it meanwhile: nothing twice
        except _Undo:
            continue
        queued += count
    return queued


def remind(
    db: Database, campaign: Campaign, check: Check, *, settings: Settings, now: datetime
) -> int:
    """A reminder with fresh links to a lieu that has not answered (its earlier links keep
    working); how many e-mails were queued."""
    lieu = get_lieu_by_id(db, check.lieu_id)
    if lieu is None:
        return 0
    try:
        with db.atomic():
            count = _mail_links(
                db, campaign, check, lieu, reminder=True, settings=settings, now=now
            )
            if not count or not campaigns_db.set_reminded(
                db, check.id, reminders=check.reminders, now=now
            ):
                raise _Undo  # nobody to write to, or another round reminded it meanwhile
    except _Undo:
        return 0
    return count


def send_again(
    db: Database,
    campaign: Campaign,
    check: Check,
    lieu: Lieu,
    *,
    by: int,
    settings: Settings,
    now: datetime,
) -> int:
    """The coordinator sends the lieu fresh links by e-mail (a lost message, a new
    co-manager); audited. How many e-mails were queued."""
    with db.atomic():
        count = _mail_links(db, campaign, check, lieu, reminder=False, settings=settings, now=now)
        if count:
            campaigns_db.set_mailed(db, check.id, now=now)
            _audit(db, lieu, by, "send", campaign, {"emails": count}, now=now)
    return count


def copy_link(
    db: Database,
    campaign: Campaign,
    check: Check,
    lieu: Lieu,
    *,
    by: int,
    settings: Settings,
    now: datetime,
) -> str:
    """A new personal link for the coordinator to pass on by hand (shown once, stored
    hashed, audited in the lieu's log)."""
    token = new_token()
    with db.atomic():
        campaigns_db.add_link(
            db, check.id, hash_token(token), kind="copy", member_id=None, outbox_id=None, now=now
        )
        _audit(db, lieu, by, "link", campaign, None, now=now)
    return f"{settings.base_url}/check/{token}"


def revoke(
    db: Database, campaign: Campaign, check: Check, lieu: Lieu, *, by: int, now: datetime
) -> int:
    """Every link of the lieu in this campaign stops working (audited); how many did."""
    with db.atomic():
        count = campaigns_db.revoke_links(db, check.id, now=now)
        _audit(db, lieu, by, "revoke", campaign, {"links": count}, now=now)
    return count


def end(db: Database, campaign: Campaign, *, by: int, now: datetime) -> bool:
    """The campaign ends now: no more reminders, its links stop working (audited)."""
    with db.atomic():
        ended = campaigns_db.end_campaign(db, campaign.id, now=now)
        if ended:
            audit_trail.record(
                db,
                lieu_id=None,
                by=by,
                action="end",
                entity="campaign",
                entity_id=campaign.id,
                after={"name": campaign.name},
                now=now,
            )
    return ended


class AlreadyAnswered(Exception):
    """Every section the campaign asks of this lieu has its answer already."""


def record_answer(
    db: Database,
    campaign: Campaign,
    check: Check,
    lieu: Lieu,
    answer: AnswerWrite,
    *,
    by: int,
    now: datetime,
) -> None:
    """An answer the coordinator heard by phone or at a visit: the sections still waiting take
    it, and the lieu's audit log says who told whom, when and how. "Unchanged" for the hours
    also records them as verified, as the lieu's own "still right" does."""
    if not check.pending:
        raise AlreadyAnswered(check.id)
    with db.atomic():
        for section in check.pending:
            campaigns_db.set_section(db, check.id, section, answer.outcome, now=answer.at)
        campaigns_db.set_answered(
            db,
            check.id,
            via=answer.via,
            at=answer.at,
            who=answer.who,
            note=answer.note or None,
            by=by,
        )
        after = msgspec.to_builtins(answer) | {"campaign": campaign.name}
        _audit(db, lieu, by, "answer", campaign, after, now=now)
        if answer.outcome == "confirmed" and {"hours", "closures"} & set(check.pending):
            mark_hours_verified(db, lieu, by=by, now=now)


def _audit(
    db: Database,
    lieu: Lieu,
    by: int | None,
    action: str,
    campaign: Campaign,
    after: dict | None,
    *,
    now: datetime,
) -> None:
    audit_trail.record(
        db,
        lieu_id=lieu.id,
        by=by,
        action=action,
        entity="campaign",
        entity_id=campaign.id,
        after={"campaign": campaign.name, **(after or {})},
        now=now,
    )


# --- answers through a personal link ---------------------------------------------------------


def _finish(db: Database, access: Access, now: datetime) -> None:
    by = access.link.member_id
    campaigns_db.set_answered(db, access.check.id, via="link", at=now, by=by)


def confirm_all(db: Database, access: Access, *, now: datetime) -> None:
    """ "Tout est juste": every section still waiting is confirmed unchanged, and the hours
    (when the campaign asks about them) are recorded as verified now, through the members'
    own "still right" action."""
    with db.atomic():
        if {"hours", "closures"} & set(access.campaign.sections):
            mark_hours_verified(db, access.lieu, by=access.link.member_id, actor=ACTOR, now=now)
        for section in access.check.pending:
            campaigns_db.set_section(db, access.check.id, section, "confirmed", now=now)
        _finish(db, access, now)


def save_hours(db: Database, access: Access, slots, exceptions, rule, *, now: datetime) -> None:
    """The hours editor saved through the link: the members' own action writes and audits
    them; the hours section is updated if the week or the holiday rule changed (else
    confirmed), the closures section likewise for the dated exceptions."""
    with db.atomic():
        before = hours_db.get_hours(db, access.lieu.id)
        after = replace_hours(
            db,
            access.lieu,
            slots=slots,
            exceptions=exceptions,
            holiday_rule=rule,
            by=access.link.member_id,
            actor=ACTOR,
            now=now,
        )
        week_changed = (before.slots, before.holiday_rule) != (after.slots, after.holiday_rule)
        changes = {"hours": week_changed, "closures": before.exceptions != after.exceptions}
        for section, changed in changes.items():
            state = "updated" if changed else "confirmed"
            campaigns_db.set_section(db, access.check.id, section, state, now=now)
        _finish(db, access, now)


def save_facts(db: Database, access: Access, values: dict, *, version: int, now: datetime) -> Lieu:
    """The lieu's profile saved through the link (the members' own action, audited; raises
    StaleLieu as it does); the facts section is updated if anything changed, else confirmed."""
    with db.atomic():
        after = update_profile(
            db,
            access.lieu,
            values,
            version=version,
            by=access.link.member_id,
            actor=ACTOR,
            now=now,
        )
        state = "updated" if after.version != version else "confirmed"
        campaigns_db.set_section(db, access.check.id, "facts", state, now=now)
        _finish(db, access, now)
    return after
