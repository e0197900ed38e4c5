"""The dependency rule (README "Architecture"), checked by walking every import under lieux/.

Lowest first: models <- db (SQL only) <- domain (pure: no Litestar, no SQLite) <- services (the
audited write actions, calendar sync, open-now snapshot and caches, guards and providers) <-
routes <- app. A module imports only its own layer or lower ones, and a routes module never
imports another component's routes. Every module is placed below: whoever adds one says what
it is.
"""

import ast
from fnmatch import fnmatch
from pathlib import Path

import pytest

LIEUX = Path(__file__).parents[1] / "lieux"
ORDER = ("models", "db", "domain", "services", "routes", "app")
# Dotted-name patterns per layer; the first layer whose pattern matches decides.
LAYERS = {
    "app": ["lieux.app", "lieux.cli", "lieux.serving"],
    "routes": ["lieux.*.routes", "lieux.*.routes.*", "lieux.*.*_routes"],
    "db": ["lieux.db", "lieux.db.*"],
    "models": [
        "lieux",
        "lieux.models",
        "lieux.*.models",
        "lieux.clock",
        "lieux.budget",  # the request's deadline: domain loops call budget.check()
        "lieux.settings",
        "lieux.i18n",
        "lieux.refusal",  # a refusal people read in their language: i18n and its msgids
        "lieux.dates",  # dates and weekdays in the reader's language (Babel), as i18n
        "lieux.data",
        "lieux.demo_texts",  # profile: demo data, no import
        "lieux.api.hsds_models",
        "lieux.translations",
        "lieux.api",
        "lieux.calendar",
        "lieux.embed",
        "lieux.guide",
        "lieux.poster",
        "lieux.members",
        "lieux.web",
        "lieux.widget",
        "lieux.hours",
        "lieux.ops",
        "lieux.admin",
        "lieux.mail",
        "lieux.campaigns",
        # the recurrence model: a leaf (models, dateutil, icalendar) that the migration and
        # `lieux check` apply to what is stored, as the write paths do to what comes in
        "lieux.calendar.rules",
        "lieux.calendar.expansion",
        "lieux.reports",
    ],
    "domain": [
        "lieux.text",
        "lieux.qr",
        "lieux.slugs",
        "lieux.api.hsds",
        "lieux.api.params",
        "lieux.api.reference",
        "lieux.calendar.closures",
        "lieux.calendar.describe",
        "lieux.calendar.feed_window",
        "lieux.calendar.feeds",
        "lieux.calendar.ical_import",
        "lieux.calendar.ical_lines",
        "lieux.calendar.listing",
        "lieux.calendar.recurrence",
        "lieux.calendar.subscribe",
        "lieux.calendar.vtimezone",
        "lieux.hours.engine",
        "lieux.hours.osm",
        "lieux.hours.osm_import",
        "lieux.hours.announce",
        "lieux.hours.helplines",
        "lieux.hours.holidays",
        "lieux.hours.live",
        "lieux.hours.state",
        "lieux.manage.forms",
        "lieux.manage.hours_form",
        "lieux.manage.repeat_hint",
        "lieux.manage.repeat_choice",
        "lieux.manage.series",
        "lieux.manage.upcoming",
        "lieux.members.auth",
        "lieux.members.tokens",
        "lieux.embed.assets",
        "lieux.guide.pdf",
        "lieux.poster.week",
        "lieux.web.structured",
        "lieux.web.share",
        "lieux.ops.counters",
        "lieux.admin.forms",
        "lieux.admin.followup",
        # members' ux: notices after a form, the logs as people read them
        "lieux.manage.notices",
        "lieux.manage.audit_view",
        # profile
        "lieux.manage.profile_form",
        "lieux.web.freshness",
        "lieux.web.lieu_facts",
        # mail
        "lieux.mail.forms",
        "lieux.mail.render",
        "lieux.mail.smtp",
        # campaigns
        "lieux.campaigns.forms",
        "lieux.campaigns.progress",
        # reports
        "lieux.reports.forms",
    ],
    "services": [
        "lieux.api.caching",
        "lieux.api.gather",
        "lieux.seed",
        "lieux.demo",
        "lieux.conditional",
        "lieux.web.errors",
        "lieux.security",
        "lieux.calendar.edits",
        "lieux.manage.closed_dates",
        "lieux.widget.query",
        "lieux.widget.view",
        "lieux.calendar.feed_builder",
        "lieux.calendar.feed_cache",
        "lieux.revision_cache",
        "lieux.background",
        "lieux.calendar.fetch",  # network I/O: not pure, below the routes that use it
        "lieux.calendar.refresh",
        "lieux.calendar.sync",
        "lieux.widget.cache",
        "lieux.widget.snapshot",
        "lieux.web.headline",
        "lieux.manage.actions",
        "lieux.manage.audit_trail",
        "lieux.manage.hours_actions",
        "lieux.manage.status_actions",
        "lieux.manage.proposal_actions",
        "lieux.manage.responses",
        "lieux.members.guards",
        "lieux.members.invites",
        "lieux.members.session",
        "lieux.embed.cors",
        "lieux.embed.snippets",
        "lieux.embed.agenda",
        "lieux.guide.content",
        "lieux.poster.content",
        "lieux.web.now",
        "lieux.ops.metrics",
        "lieux.admin.actions",
        "lieux.manage.undo",
        # profile
        "lieux.manage.profile_actions",
        # mail
        "lieux.mail.outbox",
        "lieux.mail.sender",
        "lieux.mail.outbox_cli",
        # campaigns
        "lieux.campaigns.access",
        "lieux.campaigns.actions",
        "lieux.campaigns.digest",
        "lieux.campaigns.rounds",
        # reports
        "lieux.reports.actions",
    ],
}
# What pure domain code never touches: the web framework and the database.
NOT_IN_DOMAIN = ("litestar", "sqlite3", "sqlite_utils")


def name_of(path: Path) -> str:
    parts = path.relative_to(LIEUX.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {name_of(path): path for path in sorted(LIEUX.rglob("*.py"))}


def layer(name: str) -> str | None:
    for found, patterns in LAYERS.items():
        if any(fnmatch(name, pattern) for pattern in patterns):
            return found
    return None


def imports(path: Path) -> set[str]:
    """Every module `path` imports, at any depth (inside functions too), but for type hints
    alone (`if TYPE_CHECKING:`), which never run."""
    found = set()
    pending = list(ast.parse(path.read_text("utf-8")).body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            pending.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from lieux.db import audit` imports the module lieux.db.audit.
            found.update(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if f"{node.module}.{alias.name}" in MODULES
            )
        pending.extend(ast.iter_child_nodes(node))
    return found


def component(name: str) -> str:
    return name.split(".")[1] if name.count(".") else ""


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_has_a_layer(name):
    assert layer(name) is not None, f"{name}: add it to a layer in tests/test_layers.py"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_go_down_the_layers(name):
    own = layer(name)
    if own is None:
        pytest.fail(f"{name} has no layer")
    wrong = []
    for target in sorted(imports(MODULES[name])):
        if own in ("models", "domain") and target.split(".")[0] in NOT_IN_DOMAIN:
            wrong.append(f"{target} ({own} code uses neither Litestar nor SQLite)")
        if own == "db" and target.split(".")[0] == "litestar":
            wrong.append(f"{target} (db code is SQL only)")
        if target not in MODULES:
            continue
        theirs = layer(target)
        if theirs is not None and ORDER.index(theirs) > ORDER.index(own):
            wrong.append(f"{target} ({theirs} is above {own})")
        if own == theirs == "routes" and component(target) != component(name):
            wrong.append(f"{target} (another component's routes)")
    assert not wrong, f"{name} imports " + "; ".join(wrong)
