"""The `lieux` command: init, seed, serve, backup, check, restore...

Every failure a person can cause (bad arguments, a database path that cannot be used) ends
with one line on stderr and exit code 2, having changed nothing.
"""

import argparse
import os
import sqlite3
import sys
from pathlib import Path

import msgspec

from lieux import db as database
from lieux import serving
from lieux.clock import utc_now
from lieux.db.backup import copy_into_new_file, refuse_new_file
from lieux.db.served import record_served_url, served_url
from lieux.demo import seed_demo
from lieux.mail import outbox_cli
from lieux.models import LANGUAGES
from lieux.seed import seed_guide
from lieux.settings import Settings, SettingsError, from_env, ip_list

EXIT_USAGE = 2
# More processes than this on one SQLite file only queue on its write lock.
MAX_WORKERS = 32
EXIT_PROBLEMS = 1  # `lieux check` found something wrong with the database


class UsageError(Exception):
    """A mistake of the person typing the command: one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line instead of usage + message
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="SQLite file (default: $LIEUX_DB or var/lieux.sqlite3)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="lieux", description="Lieux de liens: agenda, hours, feeds, widget.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    init = commands.add_parser("init", help="create the database or upgrade it in place")
    _db_argument(init)

    seed = commands.add_parser("seed", help="load the real lieux from the guide (idempotent)")
    seed.add_argument("--demo", action="store_true", help="add fictional hours and activities")
    _db_argument(seed)

    serve = commands.add_parser("serve", help="serve the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=1, help=f"processes (1 to {MAX_WORKERS}; default 1)"
    )
    serve.add_argument(
        "--proxy-headers",
        action="store_true",
        help="behind a reverse proxy: take the client address and scheme from its "
        "X-Forwarded-For/-Proto (from --forwarded-allow-ips, default 127.0.0.1)",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        help="comma-separated proxy addresses or networks to believe (implies "
        "--proxy-headers; default $LIEUX_FORWARDED_ALLOW_IPS)",
    )
    _db_argument(serve)

    backup = commands.add_parser("backup", help="copy a live database safely (online backup)")
    backup.add_argument("dest", help="new file to write; must not exist")
    _db_argument(backup)
    check = commands.add_parser(
        "check", help="integrity, foreign keys, pending migrations: one line per problem"
    )
    _db_argument(check)
    restore = commands.add_parser(
        "restore", help="copy a backup into a new database file, checked before and after"
    )
    restore.add_argument("backup", help="a file written by `lieux backup`")
    restore.add_argument("--db", required=True, help="new database file to write; must not exist")
    invite = commands.add_parser(
        "invite", help="print a one-time invite link for a lieu (or --admin) and its QR code"
    )
    invite.add_argument("lieu", nargs="?", help="slug of the lieu, e.g. babel-zin")
    invite.add_argument("--role", choices=("co-manager", "member"), default="co-manager")
    invite.add_argument("--admin", action="store_true", help="invite a network admin instead")
    invite.add_argument("--qr", metavar="FILE.svg", help="QR code file (default: invite-LIEU.svg)")
    _db_argument(invite)
    guide = commands.add_parser("guide", help="print the guide of the lieux to a PDF file")
    guide.add_argument("--pdf", required=True, metavar="FILE", help="PDF file to write")
    guide.add_argument("--lang", choices=LANGUAGES, default="fr")
    _db_argument(guide)
    poster = commands.add_parser("poster", help="print a lieu's weekly poster to a PDF file")
    poster.add_argument("lieu", help="slug of the lieu, e.g. babel-zin")
    poster.add_argument("--pdf", required=True, metavar="FILE", help="PDF file to write")
    poster.add_argument("--week", default="", metavar="YYYY-MM-DD", help="a day of the week")
    poster.add_argument("--lang", choices=LANGUAGES, default="fr")
    _db_argument(poster)
    import_ics = commands.add_parser(
        "import-ics", help="import a calendar (file or http(s) URL) into a lieu's agenda"
    )
    import_ics.add_argument("lieu", help="slug of the lieu, e.g. babel-zin")
    import_ics.add_argument("source", metavar="FILE|URL", help="an .ics file or its address")
    _db_argument(import_ics)
    refresh_ics = commands.add_parser(
        "refresh-ics", help="re-import every linked calendar URL (run it from cron)"
    )
    _db_argument(refresh_ics)
    hours = commands.add_parser(
        "hours", help="set a lieu's opening hours from an OpenStreetMap opening_hours string"
    )
    hours.add_argument("lieu", help="slug of the lieu, e.g. babel-zin")
    hours.add_argument("hours", metavar="OPENING_HOURS", help='e.g. "Mo-Fr 10:00-16:00; PH off"')
    _db_argument(hours)
    outbox_cli.add_parser(commands)
    return parser


def _init(settings, args) -> str:
    existed = Path(settings.db).is_file()
    db = database.connect(settings.db)
    pending = database.MIGRATIONS.pending(db)
    database.migrate(db)
    if not existed:
        return f"database {settings.db} created"
    if pending:
        return f"database {settings.db} upgraded ({len(pending)} migrations applied)"
    return f"database {settings.db} is up to date"


def _seed(settings, args) -> str:
    db = database.open_existing(settings.db)
    database.migrate(db)
    now = utc_now()
    count = seed_guide(db, now=now)
    message = f"{count} lieux from the guide"
    if args.demo:
        added = seed_demo(db, today=now.astimezone(settings.zone).date(), now=now)
        message += f", demo data loaded ({added} activities added)"
    return message


def _serve(settings, args) -> str:
    import uvicorn

    if not 0 < args.port < 65536:
        raise UsageError(f"--port {args.port}: expected a port number between 1 and 65535")
    if not 0 < args.workers <= MAX_WORKERS:
        raise UsageError(f"--workers {args.workers}: expected between 1 and {MAX_WORKERS}")
    forwarded = settings.forwarded_allow_ips
    if args.forwarded_allow_ips is not None:
        forwarded = ip_list("--forwarded-allow-ips", args.forwarded_allow_ips, anyone=True)
    if args.proxy_headers and not forwarded:
        forwarded = ("127.0.0.1",)
    # Links in feeds and embeds must reach this server; the command line's links too (its
    # `invite` and `poster` read the address from the database).
    host = f"[{args.host}]" if ":" in args.host else args.host
    served = settings.base_url if _base_url_set() else f"http://{host}:{args.port}"
    db = database.open_existing(settings.db)
    database.migrate(db)
    record_served_url(db, served, now=utc_now())
    db.close()
    # Each worker builds its own app from the environment (serve_app below): what
    # this process decided goes there, and one secret for all, or a cookie set by one worker
    # would mean nothing to the next.
    os.environ["LIEUX_DB"] = settings.db
    os.environ.setdefault("LIEUX_SECRET", settings.secret)
    os.environ["LIEUX_BASE_URL"] = served
    uvicorn.run(
        "lieux.serving:serve_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        # Off unless asked: a visitor's own X-Forwarded-For must not pick their address.
        proxy_headers=bool(forwarded),
        forwarded_allow_ips=",".join(forwarded) or None,
        log_level="info",
        # Without it uvicorn waits for requests in flight with no limit (a stuck one forever).
        timeout_graceful_shutdown=serving.GRACEFUL_SHUTDOWN_S,
    )
    return ""


def _base_url_set() -> bool:
    return bool(os.environ.get("LIEUX_BASE_URL", "").strip())


def _linked(settings, db) -> tuple[Settings, str]:
    """The settings whose `base_url` the command's links and QR codes use: LIEUX_BASE_URL if
    set, else the address `lieux serve` last served this database at (a link to another
    port would open another database, where the invite does not exist); and a warning to
    print when neither says it."""
    if _base_url_set():
        return settings, ""
    if served := served_url(db):
        return msgspec.structs.replace(settings, base_url=served), ""
    return settings, (
        f"(this database was never served: the link assumes {settings.base_url}; "
        "serve it with `lieux serve` first, or set LIEUX_BASE_URL)"
    )


def _backup(settings, args) -> str:
    dest = Path(args.dest)
    copy_into_new_file(Path(settings.db), dest, "choose a new file name")
    return f"backed up {settings.db} to {dest}"


class Problems(Exception):
    """`lieux check` found problems: one line each, exit 1."""


def _check(settings, args) -> str:
    from lieux.db.check import check_file

    found = check_file(settings.db)
    if found:
        raise Problems("\n".join(found))
    return f"database {settings.db}: ok"


def _restore(settings, args) -> str:
    from lieux.db.check import check_file

    source, dest = Path(args.backup), Path(settings.db)
    if not source.is_file():
        raise UsageError(f"backup {source} does not exist")
    what = "restore into a new file, then move it"
    refuse_new_file(dest, what)
    # The file must be sound; what its activities hold is `lieux check`'s to report after.
    if found := check_file(source, rules=False):
        raise Problems("\n".join([f"backup {source} not restored:", *found]))
    copy_into_new_file(source, dest, what)
    if found := check_file(dest, rules=False):
        raise Problems("\n".join([f"restored {dest} has problems:", *found]))
    return f"restored {source} to {dest}: ok (serve it with `lieux serve --db {dest}`)"


def _guide(settings, args) -> str:
    from lieux.app import create_app
    from lieux.guide.pdf import PdfError, print_pdf
    from lieux.guide.routes import guide_context
    from lieux.i18n import current_lang

    dest = Path(args.pdf)
    if not dest.parent.is_dir():
        raise UsageError(f"directory {dest.parent} does not exist")
    db = database.open_existing(settings.db)
    current_lang.set(args.lang)
    settings, _warning = _linked(settings, db)
    context = guide_context(db, settings, utc_now().astimezone(settings.zone).date())
    db.close()
    html = create_app(settings).template_engine.get_template("guide/guide.html").render(**context)
    try:
        print_pdf(html, dest)
    except PdfError as error:
        raise UsageError(str(error)) from None
    return f"guide written to {dest} ({len(context['guide'].entries)} lieux)"


def _poster(settings, args) -> str:
    from lieux.app import create_app
    from lieux.guide.pdf import PdfError, print_pdf
    from lieux.i18n import current_lang
    from lieux.poster.content import collect
    from lieux.poster.week import MAX_YEARS_AWAY, WeekError, WeekTooFar, parse_week

    dest = Path(args.pdf)
    if not dest.parent.is_dir():
        raise UsageError(f"directory {dest.parent} does not exist")
    now = utc_now()
    try:
        monday = parse_week(args.week, now.astimezone(settings.zone).date())
    except WeekTooFar:
        raise UsageError(f"--week {args.week}: more than {MAX_YEARS_AWAY} years away") from None
    except WeekError:
        raise UsageError(f"--week {args.week}: expected a date YYYY-MM-DD") from None
    db = database.open_existing(settings.db)
    current_lang.set(args.lang)
    try:
        settings, warning = _linked(settings, db)
        poster = collect(db, settings, args.lieu, monday=monday, lang=args.lang, now=now)
    finally:
        db.close()
    if poster is None:
        raise UsageError(f"no lieu {args.lieu!r} (see /lieux for the slugs)")
    template = create_app(settings).template_engine.get_template("poster/poster.html")
    try:
        print_pdf(template.render(poster=poster), dest)
    except PdfError as error:
        raise UsageError(str(error)) from None
    message = f"poster of {poster.lieu.name}, week of {monday.isoformat()}, written to {dest}"
    return "\n".join(filter(None, [message, warning]))


def _invite(settings, args) -> str:
    from lieux.db.lieux import get_lieu
    from lieux.members.invites import issue_invite
    from lieux.qr import write_qr_svg

    if args.admin == bool(args.lieu):
        raise UsageError("give either a lieu slug or --admin")
    qr = Path(args.qr or f"invite-{args.lieu or 'admin'}.svg")
    if qr.suffix != ".svg" or not qr.parent.is_dir():
        raise UsageError(f"--qr {qr}: expected a .svg file in an existing directory")
    db = database.open_existing(settings.db)
    database.migrate(db)
    lieu_id = None
    if args.lieu:
        lieu = get_lieu(db, args.lieu)
        if lieu is None:
            raise UsageError(f"no lieu {args.lieu!r} (see /lieux for the slugs)")
        lieu_id = lieu.id
    role = "admin" if args.admin else args.role
    settings, warning = _linked(settings, db)
    link = issue_invite(db, lieu_id=lieu_id, role=role, base_url=settings.base_url, now=utc_now())
    db.close()
    write_qr_svg(link, qr)
    where = f"one-time {role} invite, valid 7 days; QR code written to {qr.resolve()}"
    return "\n".join(filter(None, [link, where, warning]))


def _import_ics(settings, args) -> str:
    from lieux.calendar.fetch import fetch, read_file, shown
    from lieux.calendar.ical_import import ImportProblem, parse_calendar
    from lieux.calendar.sync import CLI, import_events
    from lieux.db.lieux import get_lieu

    is_url = "://" in args.source
    try:
        data = fetch(args.source) if is_url else read_file(Path(args.source))
        # Read it all before touching the database: a bad file changes nothing.
        events = parse_calendar(data, settings.zone)
    except ImportProblem as problem:
        raise UsageError(f"{shown(args.source)}: {problem}; nothing was changed") from None
    except OSError as error:
        raise UsageError(f"{shown(args.source)}: {error.strerror or error}") from None
    db = database.open_existing(settings.db)
    database.migrate(db)
    lieu = get_lieu(db, args.lieu)
    if lieu is None:
        raise UsageError(f"no lieu {args.lieu!r} (see /lieux for the slugs)")
    url, label = (args.source, "") if is_url else (None, Path(args.source).name)
    result = import_events(
        db, lieu.id, events, url=url, label=label, actor=CLI, zone=settings.zone, now=utc_now()
    )
    db.close()
    lines = [f"{lieu.name}: {result.summary()}", *result.skipped]
    return "\n".join(lines)


def _refresh_ics(settings, args) -> str:
    from lieux.calendar.refresh import refresh_linked

    db = database.open_existing(settings.db)
    try:
        database.migrate(db)
        return "\n".join(refresh_linked(db, settings.zone, utc_now())) or "no linked calendar"
    finally:
        db.close()


def _hours(settings, args) -> str:
    from lieux.calendar.sync import CLI
    from lieux.db.lieux import get_lieu
    from lieux.hours.osm import OsmError
    from lieux.manage.hours_actions import set_hours_from_osm

    db = database.open_existing(settings.db)
    try:
        database.migrate(db)
        lieu = get_lieu(db, args.lieu)
        if lieu is None:
            raise LookupError(f"no lieu with slug {args.lieu!r} (see /api/lieux for the slugs)")
        stored = set_hours_from_osm(
            db,
            lieu,
            args.hours,
            by=None,
            actor=CLI,
            zone=settings.zone,
            iris_day=settings.iris_day,
            now=utc_now(),
        )
        return f"{lieu.name}: hours set to {stored}"
    except (OsmError, LookupError) as error:
        raise UsageError(str(error).strip("'\"")) from None
    finally:
        db.close()


def _outbox(settings, args) -> str:
    try:
        return outbox_cli.run(settings, args, now=utc_now())
    except outbox_cli.OutboxCommandError as error:
        raise UsageError(str(error)) from None


COMMANDS = {
    "hours": _hours,
    "import-ics": _import_ics,
    "refresh-ics": _refresh_ics,
    "invite": _invite,
    "guide": _guide,
    "poster": _poster,
    "init": _init,
    "seed": _seed,
    "serve": _serve,
    "backup": _backup,
    "check": _check,
    "restore": _restore,
    "outbox": _outbox,
}


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        settings = from_env(db=args.db)
        message = COMMANDS[args.command](settings, args)
    except Problems as problems:
        print(problems, file=sys.stderr)
        return EXIT_PROBLEMS
    except (UsageError, SettingsError, database.DatabaseError) as error:
        print(f"lieux: {error}", file=sys.stderr)
        return EXIT_USAGE
    except sqlite3.DatabaseError as error:
        print(f"lieux: database {settings.db}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:  # a file the command must read or write (permissions, names)
        print(f"lieux: {error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    if message:
        print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
