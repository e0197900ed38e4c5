"""The network's tools (m300 onward): mail, reports, campaigns, translated descriptions, the
served address, helplines' hours, periods."""

from sqlite_utils import Database

from lieux.db.migrations.registry import MIGRATIONS


@MIGRATIONS()
def m300_outbox(db: Database) -> None:
    # E-mail waiting to go, going, gone or refused (docs/mail.md). A row is written in the same
    # transaction as the action that causes it, rendered already (subject and both bodies in
    # the recipient's language), so a rolled-back action sends nothing and a sent message says
    # exactly what it said when it was decided. Instants are UTC, fixed-width ISO 8601 (as in
    # `leases`): compared as text.
    db.executescript(
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            message_id TEXT NOT NULL UNIQUE,  -- the same on every attempt: servers deduplicate
            recipient TEXT NOT NULL CHECK (length(recipient) <= 254),
            member_id INTEGER REFERENCES members(id) ON DELETE SET NULL,
            lang TEXT NOT NULL,
            topic TEXT CHECK (topic IN ('campaigns', 'reports', 'digest')),  -- NULL: no opt-out
            template TEXT NOT NULL,
            subject TEXT NOT NULL,
            body_text TEXT NOT NULL,
            body_html TEXT NOT NULL,
            -- the token of its unsubscribe link, in clear: the link is in the stored bodies
            -- anyway, and it can only turn one kind of mail off (never sign anyone in)
            unsubscribe_token TEXT UNIQUE,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'undeliverable')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            claimed_at TEXT,   -- when a sender took it (state 'sending')
            claimed_by TEXT,   -- which sender (a lease holder's name)
            sent_at TEXT,
            last_error TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
        -- Addresses that are no member's (a lieu's public e-mail) and said "no more of these".
        CREATE TABLE mail_suppressions (
            address TEXT NOT NULL COLLATE NOCASE,
            topic TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (address, topic)
        );
        """
    )


@MIGRATIONS()
def m301_member_email(db: Database) -> None:
    # Optional: joining needs no address. Members have no language of their own; the mail
    # goes in the language of the page where they gave the address. What they receive is
    # on unless they say otherwise (they gave the address to get it).
    db.executescript(
        """
        ALTER TABLE members ADD COLUMN email TEXT CHECK (length(email) <= 254);
        ALTER TABLE members ADD COLUMN email_lang TEXT NOT NULL DEFAULT 'fr';
        ALTER TABLE members ADD COLUMN mail_campaigns INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE members ADD COLUMN mail_reports INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE members ADD COLUMN mail_digest INTEGER NOT NULL DEFAULT 1;
        """
    )


@MIGRATIONS()
def m400_reports(db: Database) -> None:
    # "Signaler un problème" (issue 22): what a visitor found wrong with a lieu's facts. Never
    # public, so no revision trigger: a report changes nothing the pages or the widget show.
    # `shown_*` is what the open-now engine said of the lieu at `created_at`, which is what
    # makes "found closed when shown open" something a co-manager can check and act on.
    db.executescript(
        """
        CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            lieu_id INTEGER NOT NULL REFERENCES lieux(id) ON DELETE CASCADE,
            kind TEXT NOT NULL
                CHECK (kind IN ('found-closed', 'wrong-hours', 'wrong-contact', 'other')),
            message TEXT NOT NULL DEFAULT '' CHECK (length(message) <= 1000),
            contact TEXT NOT NULL DEFAULT '' CHECK (length(contact) <= 120),
            lang TEXT NOT NULL DEFAULT 'fr',  -- the page's language: reply in it
            shown_state TEXT NOT NULL CHECK (shown_state IN ('open', 'closed', 'unknown')),
            shown_source TEXT NOT NULL DEFAULT 'hours'
                CHECK (shown_source IN ('hours', 'agenda', 'live')),
            shown_stale INTEGER NOT NULL DEFAULT 0,  -- "horaires à confirmer" was shown
            shown_until TEXT,  -- UTC: when the state shown was due to change
            created_at TEXT NOT NULL,  -- UTC
            resolution TEXT CHECK (resolution IN ('fixed', 'not-an-error')),
            resolution_note TEXT NOT NULL DEFAULT '' CHECK (length(resolution_note) <= 500),
            resolved_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
            resolved_at TEXT,  -- UTC
            CHECK ((resolution IS NULL) = (resolved_at IS NULL))
        );
        CREATE INDEX reports_lieu ON reports(lieu_id, resolved_at);
        """
    )


@MIGRATIONS()
def m500_campaigns(db: Database) -> None:
    # Update campaigns (docs/campaigns.md): a coordinator asks every lieu it covers to check its
    # hours, coming closures and facts. One `campaign_checks` row per lieu holds its progress,
    # section by section ('pending', 'confirmed' unchanged, 'updated'; NULL: not asked); one
    # `campaign_links` row per personal link, stored as the sha256 of its token (as invites
    # are), with the outbox message that carried it (its state says sent or bounced).
    # Instants are UTC, fixed-width ISO 8601 (as in `outbox`): compared as text.
    db.executescript(
        """
        CREATE TABLE campaigns (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
            check_hours INTEGER NOT NULL,
            check_closures INTEGER NOT NULL,
            check_facts INTEGER NOT NULL,
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,       -- its links stop working then
            reminder_days INTEGER NOT NULL CHECK (reminder_days BETWEEN 1 AND 60),
            created_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            CHECK (check_hours OR check_closures OR check_facts),
            CHECK (ends_at >= starts_at)
        );
        CREATE TABLE campaign_checks (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            lieu_id INTEGER NOT NULL REFERENCES lieux(id),
            invited_at TEXT,      -- when its first e-mails were decided (none possible: still set)
            last_mailed_at TEXT,  -- the last e-mail queued to it, first or reminder
            reminders INTEGER NOT NULL DEFAULT 0,
            opened_at TEXT,       -- the check page was first opened
            hours_state TEXT CHECK (hours_state IN ('pending', 'confirmed', 'updated')),
            hours_at TEXT,
            closures_state TEXT CHECK (closures_state IN ('pending', 'confirmed', 'updated')),
            closures_at TEXT,
            facts_state TEXT CHECK (facts_state IN ('pending', 'confirmed', 'updated')),
            facts_at TEXT,
            answered_at TEXT,     -- every section asked has its answer
            answer_via TEXT CHECK (answer_via IN ('link', 'phone', 'visit', 'email', 'other')),
            answer_who TEXT CHECK (length(answer_who) <= 120),
            answer_note TEXT CHECK (length(answer_note) <= 500),
            answered_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
            UNIQUE (campaign_id, lieu_id)
        );
        CREATE INDEX campaign_checks_lieu ON campaign_checks(lieu_id);
        CREATE TABLE campaign_links (
            id INTEGER PRIMARY KEY,
            check_id INTEGER NOT NULL REFERENCES campaign_checks(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('mail', 'reminder', 'copy')),
            member_id INTEGER REFERENCES members(id) ON DELETE SET NULL,
            outbox_id INTEGER REFERENCES outbox(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            opened_at TEXT,
            revoked_at TEXT
        );
        CREATE INDEX campaign_links_check ON campaign_links(check_id);
        -- One row per ISO week whose digest was decided: never two digests the same week.
        CREATE TABLE digests (
            week TEXT PRIMARY KEY,  -- '2026-W49'
            sent_at TEXT NOT NULL,
            recipients INTEGER NOT NULL
        );
        """
    )


@MIGRATIONS()
def m600_activity_descriptions(db: Database) -> None:
    # An activity's description in Dutch and English, as its title already has (issue 23):
    # empty, the pages in those languages show the French one.
    db.executescript(
        """
        ALTER TABLE activities ADD COLUMN description_nl TEXT;
        ALTER TABLE activities ADD COLUMN description_en TEXT;
        """
    )


@MIGRATIONS()
def m610_served_url(db: Database) -> None:
    # The address `lieux serve` last served this database at (issue 23): the command line
    # prints links and QR codes (`lieux invite`, `lieux poster`) that must open this very
    # database, which may be served on another port than the default. One row, there from the
    # start, so that serving changes a value and no row count (read-only test servers compare
    # counts before and after).
    db.executescript(
        """
        CREATE TABLE served (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            base_url TEXT CHECK (base_url IS NULL OR length(base_url) <= 2000),
            served_at TEXT  -- UTC, ISO 8601
        );
        INSERT INTO served (id) VALUES (1);
        """
    )


@MIGRATIONS()
def m700_helpline_hours(db: Database) -> None:
    # When a line answers, as an OpenStreetMap opening_hours string (`24/7`, `Mo-Fr 09:00-17:00`)
    # that the hours engine reads; NULL: unknown, and then never said to answer now (issue 22).
    # `hours` stays the words shown next to the number. A line whose words say exactly "24/7"
    # (the guide's, as `lieux seed` wrote them) keeps saying so in the new column.
    db.executescript(
        """
        ALTER TABLE helplines ADD COLUMN opening_hours TEXT
            CHECK (opening_hours IS NULL OR length(opening_hours) BETWEEN 1 AND 500);
        UPDATE helplines SET opening_hours = '24/7' WHERE trim(hours) = '24/7';
        """
    )


@MIGRATIONS()
def m701_period_names(db: Database) -> None:
    # A slot valid between dates belongs to a period ("Horaires d'été"), which replaces the usual
    # week on those dates; its name is announced ahead (docs/hours.md). Existing dated slots
    # get no name: the pages then say "horaires particuliers".
    db.executescript(
        """
        ALTER TABLE opening_slots ADD COLUMN period TEXT NOT NULL DEFAULT ''
            CHECK (length(period) <= 80);
        """
    )
