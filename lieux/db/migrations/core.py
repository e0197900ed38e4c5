"""The first release's schema (m001-m200): lieux, hours, activities, members, search, audit,
profile, live status, leases, the bounded recurrence model."""

from sqlite_utils import Database

from lieux.clock import utc_now
from lieux.db.activities import decline_broken_proposals, neutralise_rules
from lieux.db.migrations.registry import MIGRATIONS, PUBLIC_TABLES


@MIGRATIONS()
def m001_create_lieux(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE lieux (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE
                CHECK (slug GLOB '[a-z0-9]*' AND slug NOT GLOB '*[^a-z0-9-]*'),
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            address TEXT NOT NULL DEFAULT '',
            postcode TEXT NOT NULL DEFAULT '',
            commune TEXT NOT NULL DEFAULT '',
            lat REAL,
            lon REAL,
            phone TEXT,
            website TEXT,
            description_fr TEXT NOT NULL DEFAULT '',
            description_nl TEXT,
            description_en TEXT,
            governance TEXT NOT NULL DEFAULT 'coordinated'
                CHECK (governance IN ('coordinated', 'co-managed', 'self-managed')),
            -- members' supports needed to publish a proposal in a self-managed lieu
            support_threshold INTEGER NOT NULL DEFAULT 3 CHECK (support_threshold >= 1),
            updated_at TEXT NOT NULL
        );
        CREATE INDEX lieux_commune ON lieux(commune);
        CREATE TABLE helplines (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            number TEXT NOT NULL,
            hours TEXT,
            language TEXT NOT NULL,
            what TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE revision (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            value INTEGER NOT NULL
        );
        INSERT INTO revision (id, value) VALUES (1, 0);
        """
    )


@MIGRATIONS()
def m002_create_hours(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE opening_slots (
            id INTEGER PRIMARY KEY,
            lieu_id INTEGER NOT NULL REFERENCES lieux(id) ON DELETE CASCADE,
            weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),  -- 0 = Monday
            opens TEXT NOT NULL,   -- local wall time, ISO 'HH:MM:SS'
            closes TEXT NOT NULL,  -- not after `opens` means it closes the next day
            valid_from TEXT,       -- ISO date, inclusive
            valid_to TEXT,         -- ISO date, inclusive
            demo INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX opening_slots_lieu ON opening_slots(lieu_id);
        CREATE TABLE opening_exceptions (
            id INTEGER PRIMARY KEY,
            lieu_id INTEGER NOT NULL REFERENCES lieux(id) ON DELETE CASCADE,
            start_date TEXT NOT NULL,
            end_date TEXT NOT NULL CHECK (end_date >= start_date),
            kind TEXT NOT NULL CHECK (kind IN ('closed', 'special')),
            opens TEXT,
            closes TEXT,
            note TEXT NOT NULL DEFAULT '',
            demo INTEGER NOT NULL DEFAULT 0,
            CHECK (kind = 'closed' OR (opens IS NOT NULL AND closes IS NOT NULL))
        );
        CREATE INDEX opening_exceptions_lieu ON opening_exceptions(lieu_id);
        CREATE TABLE holiday_rules (
            lieu_id INTEGER PRIMARY KEY REFERENCES lieux(id) ON DELETE CASCADE,
            rule TEXT NOT NULL CHECK (rule IN ('closed', 'as_usual', 'special')),
            opens TEXT,
            closes TEXT,
            demo INTEGER NOT NULL DEFAULT 0,
            CHECK (rule != 'special' OR (opens IS NOT NULL AND closes IS NOT NULL))
        );
        """
    )


@MIGRATIONS()
def m003_create_activities(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE activities (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            lieu_id INTEGER NOT NULL REFERENCES lieux(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            title_nl TEXT,
            title_en TEXT,
            description TEXT NOT NULL DEFAULT '',
            starts_at TEXT NOT NULL,  -- local wall time 'YYYY-MM-DDTHH:MM:SS' (midnight if all_day)
            ends_at TEXT NOT NULL,    -- exclusive; same form as starts_at
            all_day INTEGER NOT NULL DEFAULT 0,
            rrule TEXT,            -- RFC 5545 RRULE value, UNTIL in UTC; NULL for a one-off
            status TEXT NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
            price TEXT NOT NULL DEFAULT 'free'
                CHECK (price IN ('free', 'pay-what-you-can', 'amount')),
            price_amount TEXT,
            registration INTEGER NOT NULL DEFAULT 0,
            accessibility TEXT NOT NULL DEFAULT '',
            languages TEXT NOT NULL DEFAULT '',
            sequence INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,  -- optimistic locking for concurrent editors
            source_id INTEGER REFERENCES ical_sources(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,  -- UTC instants
            updated_at TEXT NOT NULL,
            deleted_at TEXT,
            demo INTEGER NOT NULL DEFAULT 0,
            CHECK (ends_at >= starts_at)
        );
        CREATE INDEX activities_lieu ON activities(lieu_id);
        CREATE INDEX activities_kind ON activities(kind);
        CREATE TABLE activity_overrides (
            id INTEGER PRIMARY KEY,
            activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
            recurrence_id TEXT NOT NULL,  -- original local start of the occurrence
            status TEXT NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
            starts_at TEXT,               -- NULL: unchanged
            ends_at TEXT,
            title TEXT,
            description TEXT,
            sequence INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            UNIQUE (activity_id, recurrence_id)
        );
        CREATE TABLE ical_sources (
            id INTEGER PRIMARY KEY,
            lieu_id INTEGER NOT NULL REFERENCES lieux(id) ON DELETE CASCADE,
            url TEXT,                     -- NULL for an uploaded file
            label TEXT NOT NULL DEFAULT '',
            last_fetched_at TEXT,
            last_error TEXT,
            created_at TEXT NOT NULL
        );
        """
    )


@MIGRATIONS()
def m004_create_members(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE members (
            id INTEGER PRIMARY KEY,
            display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 80),
            is_admin INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE roles (
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            lieu_id INTEGER NOT NULL REFERENCES lieux(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('co-manager', 'member')),
            created_at TEXT NOT NULL,
            PRIMARY KEY (member_id, lieu_id)
        );
        CREATE TABLE invites (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,  -- sha256 of the token: a leaked file signs nobody in
            lieu_id INTEGER REFERENCES lieux(id) ON DELETE CASCADE,  -- NULL: network admin
            role TEXT NOT NULL CHECK (role IN ('admin', 'co-manager', 'member')),
            reusable INTEGER NOT NULL DEFAULT 0,
            uses INTEGER NOT NULL DEFAULT 0,
            created_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE TABLE sign_in_tokens (
            token_hash TEXT PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE TABLE proposals (
            id INTEGER PRIMARY KEY,
            lieu_id INTEGER NOT NULL REFERENCES lieux(id) ON DELETE CASCADE,
            member_id INTEGER REFERENCES members(id) ON DELETE SET NULL,  -- NULL: public proposal
            proposer_name TEXT NOT NULL DEFAULT '',
            activity TEXT NOT NULL,  -- JSON of the proposed activity
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn')),
            message TEXT NOT NULL DEFAULT '',
            activity_id INTEGER REFERENCES activities(id) ON DELETE SET NULL,
            decided_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            decided_at TEXT
        );
        CREATE INDEX proposals_lieu ON proposals(lieu_id, status);
        CREATE TABLE supports (
            proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            PRIMARY KEY (proposal_id, member_id)
        );
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            lieu_id INTEGER REFERENCES lieux(id) ON DELETE CASCADE,
            member_id INTEGER REFERENCES members(id) ON DELETE SET NULL,
            at TEXT NOT NULL,        -- UTC
            action TEXT NOT NULL,    -- create, update, cancel, delete, restore, approve...
            entity TEXT NOT NULL,    -- activity, slot, exception, holiday_rule, lieu, invite...
            entity_id INTEGER,
            before TEXT,             -- JSON, NULL on create
            after TEXT               -- JSON, NULL on delete
        );
        CREATE INDEX audit_log_lieu ON audit_log(lieu_id, at);
        """
    )


@MIGRATIONS()
def m005_revision_triggers(db: Database) -> None:
    for table in PUBLIC_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER {table}_{event.lower()}_revision AFTER {event} ON {table} "
                "BEGIN UPDATE revision SET value = value + 1 WHERE id = 1; END"
            )


@MIGRATIONS()
def m040_member_sessions(db: Database) -> None:
    # The session cookie carries only a random id; its sha256 lives here so a sign-out or a
    # revoked sign-in link ends the session server-side, which a cookie alone cannot do.
    db.executescript(
        """
        CREATE TABLE member_sessions (
            token_hash TEXT PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            sign_in_hash TEXT REFERENCES sign_in_tokens(token_hash) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX member_sessions_member ON member_sessions(member_id);
        ALTER TABLE lieux ADD COLUMN public_proposals INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sign_in_tokens ADD COLUMN expires_at TEXT;
        """
    )


@MIGRATIONS()
def m050_create_search(db: Database) -> None:
    # Accents ignored ("cafe" finds "café"); rebuilt from the public tables when `revision`
    # moves, so it can never drift from what the pages show.
    db.executescript(
        """
        CREATE VIRTUAL TABLE lieux_search USING fts5(
            name, place, description, activities, tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TABLE search_state (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER);
        INSERT INTO search_state (id, revision) VALUES (1, -1);
        """
    )


@MIGRATIONS()
def m060_audit_actor(db: Database) -> None:
    # Who acted when no member did (the command line, the hourly calendar refresh).
    db["audit_log"].add_column("actor", str)


@MIGRATIONS()
def m150_helpline_translations(db: Database) -> None:
    # `what` and `hours` stay the French text; Dutch and English pages read these when written
    # (`lieux seed` fills them for the guide's lines). A helpline's change is public too: the
    # same triggers as m005 let the widget's snapshot see it.
    db.executescript(
        """
        ALTER TABLE helplines ADD COLUMN what_nl TEXT;
        ALTER TABLE helplines ADD COLUMN what_en TEXT;
        ALTER TABLE helplines ADD COLUMN hours_nl TEXT;
        ALTER TABLE helplines ADD COLUMN hours_en TEXT;
        """
    )
    for event in ("INSERT", "UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER helplines_{event.lower()}_revision AFTER {event} ON helplines "
            "BEGIN UPDATE revision SET value = value + 1 WHERE id = 1; END"
        )


@MIGRATIONS()
def m160_lieu_profile(db: Database) -> None:
    # The facts a lieu's co-managers keep (issue 12). Column names are the /api/lieux keys and
    # the profile form's field names: one vocabulary from the form to the API and the exports.
    db.executescript(
        """
        ALTER TABLE lieux RENAME COLUMN description_fr TO description;
        ALTER TABLE lieux ADD COLUMN email TEXT;
        -- who it is for, how the welcome works
        ALTER TABLE lieux ADD COLUMN welcome TEXT NOT NULL DEFAULT '';
        ALTER TABLE lieux ADD COLUMN welcome_nl TEXT;
        ALTER TABLE lieux ADD COLUMN welcome_en TEXT;
        ALTER TABLE lieux ADD COLUMN price TEXT CHECK (price IN ('free', 'pay-what-you-can'));
        ALTER TABLE lieux ADD COLUMN step_free TEXT CHECK (step_free IN ('yes', 'partly', 'no'));
        ALTER TABLE lieux ADD COLUMN accessibility_note TEXT NOT NULL DEFAULT '';
        -- JSON list of ISO 639-1 codes of the languages spoken there
        ALTER TABLE lieux ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE lieux ADD COLUMN transport TEXT NOT NULL DEFAULT '';
        -- optimistic locking of the profile form, as for activities
        ALTER TABLE lieux ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE lieux ADD COLUMN hours_verified_at TEXT;  -- UTC; NULL: never confirmed
        ALTER TABLE lieux ADD COLUMN archived_at TEXT;        -- UTC; set: gone from the public
        """
    )


@MIGRATIONS()
def m180_live_status(db: Database) -> None:
    # "Nous sommes ouverts / Fermé aujourd'hui / On ferme plus tôt" (issue 12): one row per lieu
    # at most, instants in UTC. It is public (widget, pages, API): the m005 triggers let every
    # process's snapshot see a change; its expiry is an instant the caches treat as a change.
    db.executescript(
        """
        CREATE TABLE live_status (
            lieu_id INTEGER PRIMARY KEY REFERENCES lieux(id) ON DELETE CASCADE,
            state TEXT NOT NULL CHECK (state IN ('open', 'closed', 'closes-early')),
            starts_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            closes_at TEXT,  -- closes-early: the instant it closes
            note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 140),
            set_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
            set_at TEXT NOT NULL,
            CHECK (expires_at > starts_at),
            CHECK ((state = 'closes-early') = (closes_at IS NOT NULL))
        );
        """
    )
    for event in ("INSERT", "UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER live_status_{event.lower()}_revision AFTER {event} ON live_status "
            "BEGIN UPDATE revision SET value = value + 1 WHERE id = 1; END"
        )


@MIGRATIONS()
def m190_leases(db: Database) -> None:
    # Work that exactly one process may do at a time (the hourly calendar refresh when
    # `lieux serve --workers N` runs several): the holder renews its row; a crashed holder's
    # row expires by itself, which a lock file left behind would not (lieux/db/leases.py).
    db.executescript(
        """
        CREATE TABLE leases (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            expires_at TEXT NOT NULL  -- UTC, fixed-width ISO 8601: compared as text
        );
        """
    )


@MIGRATIONS()
def m200_rule_problems(db: Database) -> None:
    # Issue 20: a rule stored before the recurrence model (lieux.calendar.rules) can stall the
    # service (dateutil loops forever on INTERVAL=0, walks to year 9999 on a rule that never
    # occurs). Such a series is kept but taken out of service: its rule moves to `refused_rrule`,
    # the reason to `rule_problem` (its co-managers see it on their list), and it shows as a
    # one-off on its first date until someone rewrites it. A one-off outside the model's years
    # is only flagged. Changed dates outside those years go: no series of the model has them.
    # A pending proposal that breaks the model (an anonymous one could) is declined, saying why:
    # accepting it would store what the forms now refuse.
    db.executescript(
        """
        ALTER TABLE activities ADD COLUMN rule_problem TEXT;
        ALTER TABLE activities ADD COLUMN refused_rrule TEXT;
        DELETE FROM activity_overrides WHERE recurrence_id < '1970' OR recurrence_id >= '2200';
        """
    )
    # The upgrade's own instant stamps what it changes: a migration has no request's "now".
    neutralise_rules(db, clock=utc_now)
    decline_broken_proposals(db, clock=utc_now)
