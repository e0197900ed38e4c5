"""The docs are the user's map: README.md is the front door, docs/*.md the reference.

Every CLI command and option, public URL, setting and make target is documented somewhere in
them; every relative link leads to a file (and heading) that exists; every path and module they
name exists; the README stays short. One case per item (after sqlite-utils' tests/test_docs.py),
so a missing entry names itself.
"""

import importlib
import re
import tempfile
from pathlib import Path

import pytest

from lieux.app import create_app
from lieux.cli import build_parser
from lieux.settings import Settings

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
TEXTS = {page: page.read_text("utf-8") for page in PAGES}
# A front door, not the reference: what it is, the two commands, the map, where to read next.
README_MAX_BYTES = 12_000


def _rel(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def _prose(text: str) -> str:
    """The text without fenced code blocks (their `#` lines are no headings, their `[..](..)`
    no links)."""
    return re.sub(r"^ *```.*?^ *```", "", text, flags=re.MULTILINE | re.DOTALL)


def _spans(text: str) -> list[str]:
    """Inline code spans, and the lines of fenced code blocks."""
    fenced = re.findall(r"^ *```[^\n]*\n(.*?)^ *```", text, flags=re.MULTILINE | re.DOTALL)
    lines = [line for block in fenced for line in block.splitlines()]
    return re.findall(r"`([^`\n]+)`", _prose(text)) + lines


ALL_SPANS = [span for text in TEXTS.values() for span in _spans(text)]
ALL_LINES = [line for text in TEXTS.values() for line in text.splitlines()]


# --- the README as a front door ---


def test_readme_is_a_front_door():
    size = len(README.read_bytes())
    assert size <= README_MAX_BYTES, f"README.md is {size} bytes: move reference to docs/"


@pytest.mark.parametrize("needed", ["make run", "make test", "make run PORT=", ".venv/bin/lieux"])
def test_readme_shows_how_to_start(needed):
    assert needed in TEXTS[README], f"{needed!r} is missing from README.md"


@pytest.mark.parametrize("page", [_rel(p) for p in PAGES[1:]])
def test_readme_links_every_doc_page(page):
    assert f"]({page})" in TEXTS[README], f"README.md's 'read next' does not link {page}"


@pytest.mark.parametrize("page", [_rel(p) for p in PAGES])
def test_code_spans_stay_on_one_line(page):
    """A `span` cut by a line break would hide from every check below."""
    split = [line for line in _prose(TEXTS[ROOT / page]).splitlines() if line.count("`") % 2 == 1]
    assert not split, f"{page}: a code span is cut across lines at {split[0]!r}"


# --- the CLI ---

SUBCOMMANDS = build_parser()._subparsers._group_actions[0].choices


def _options(name: str) -> list[str]:
    parser = SUBCOMMANDS[name]
    return sorted(
        option
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    )


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_cli_command_is_documented(name):
    assert any(span.startswith(f"lieux {name}") for span in ALL_SPANS), (
        f"`lieux {name}` is documented nowhere (docs/operations.md lists the commands)"
    )


@pytest.mark.parametrize(
    ("name", "option"),
    [(name, option) for name in sorted(SUBCOMMANDS) for option in _options(name)],
)
def test_cli_option_is_documented(name, option):
    """The command's row (or any one line naming it) shows each of its options."""
    assert any(f"lieux {name}" in line and option in line for line in ALL_LINES), (
        f"`lieux {name} {option}` is documented nowhere"
    )


COMMAND_SPANS = sorted(
    {
        match.group(1)
        for span in ALL_SPANS
        for match in [re.match(r"lieux ([a-z][\w-]*)", span)]
        if match
    }
)


@pytest.mark.parametrize("name", COMMAND_SPANS)
def test_documented_command_exists(name):
    """A command the docs show (`lieux NAME ...`) is one the CLI has."""
    assert name in SUBCOMMANDS, f"the docs show `lieux {name}`, which the CLI does not have"


# --- the URLs ---

# Litestar's own OpenAPI catch-all (the document itself is `/schema` and `/schema/openapi.json`).
UNDOCUMENTED = {"/schema/{path:str}"}
APP = create_app(Settings(db=str(Path(tempfile.gettempdir()) / "lieux-docs-never-opened.sqlite3")))
ROUTES = sorted(
    {
        (method, route.path)
        for route in APP.routes
        if route.path not in UNDOCUMENTED
        for method in route.methods & {"GET", "POST"}
    }
)
DOCUMENTED = {
    (match.group(1) or "GET", match.group(2))
    for span in ALL_SPANS
    for match in [re.match(r"(?:(GET|POST|HEAD) )?(/[^\s?`]*)", span)]
    if match
}


def _same(route: str, documented: str) -> bool:
    """`/lieux/{slug:str}` is documented as `/lieux/{slug}` (any placeholder name)."""
    pattern = re.sub(r"\\{[^}]*\\}", "[^/]+", re.escape(documented))
    concrete = re.sub(r"\{[^}]*\}", "x", route)
    return route == documented or re.fullmatch(pattern, concrete) is not None


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_url_is_documented(method, path):
    assert any(m == method and _same(path, doc) for m, doc in DOCUMENTED), (
        f"`{method} {path}` is documented nowhere (docs/urls.md, docs/co-management.md, ...)"
    )


# --- the settings ---

SETTINGS = sorted(f"LIEUX_{name.upper()}" for name in Settings.__struct_fields__)
SETTING_ROWS = sorted(set(re.findall(r"^\| `(LIEUX_\w+)`", "\n".join(ALL_LINES), re.MULTILINE)))


@pytest.mark.parametrize("name", SETTINGS)
def test_setting_is_documented(name):
    assert name in SETTING_ROWS, f"{name} has no row in a settings table (docs/settings.md)"


@pytest.mark.parametrize("name", SETTING_ROWS)
def test_documented_setting_exists(name):
    assert name in SETTINGS, f"the docs document {name}, which lieux/settings.py does not read"


# --- make targets ---

MAKEFILE = (ROOT / "Makefile").read_text("utf-8")
TARGETS = sorted(set(re.findall(r"^([a-z][\w-]*):(?!=)", MAKEFILE, re.MULTILINE)))
HELP_TARGETS = sorted(set(re.findall(r"^([a-z][\w-]*):.*## ", MAKEFILE, re.MULTILINE)))
# `make X` where make is the command run (not `apt-get install make python3-venv`).
MAKE_SPANS = sorted(
    {m for span in ALL_SPANS for m in re.findall(r"(?:^|&&|;)\s*make ([a-z][\w-]*)", span)}
)


@pytest.mark.parametrize("target", HELP_TARGETS)
def test_make_target_is_documented(target):
    assert any(f"make {target}" in span for span in ALL_SPANS), f"`make {target}` is undocumented"


@pytest.mark.parametrize("target", MAKE_SPANS)
def test_documented_make_target_exists(target):
    assert target in TARGETS, f"the docs show `make {target}`, which the Makefile does not have"


# --- links, paths and modules ---


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(text: str) -> set[str]:
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6} (.+)$", _prose(text), re.MULTILINE):
        slug, n = _slug(heading), 1
        while slug in found:  # a repeated heading gets -1, -2...
            slug, n = f"{_slug(heading)}-{n}", n + 1
        found.add(slug)
    return found


LINKS = sorted(
    {
        (_rel(page), target)
        for page, text in TEXTS.items()
        for target in re.findall(r"\]\(([^)\s]+)\)", re.sub(r"`[^`\n]*`", "", _prose(text)))
        if not re.match(r"[a-z]+:", target)
    }
)


@pytest.mark.parametrize(("page", "target"), LINKS, ids=[f"{p} -> {t}" for p, t in LINKS])
def test_relative_link_leads_somewhere(page, target):
    path, _, anchor = target.partition("#")
    file = (ROOT / page).parent / path if path else ROOT / page
    assert file.exists(), f"{page} links {target}: no such file"
    if anchor:
        assert anchor in _anchors(file.read_text("utf-8")), (
            f"{page} links {target}: no such heading"
        )


REPO_PATHS = sorted(
    {
        span.rstrip("/")
        for span in ALL_SPANS
        if re.fullmatch(r"(lieux|tests|bench|deploy|requirements)/[\w./*-]*", span)
    }
)


@pytest.mark.parametrize("path", REPO_PATHS)
def test_named_path_exists(path):
    """`lieux/hours/engine.py` in the docs is a file in the repository (a renamed module must
    take its docs along)."""
    assert any(ROOT.glob(path)), f"the docs name {path}, which does not exist"


# Dotted names, not file names (`lieux.service`, `lieux.conf`).
FILE_SUFFIX = r"\.(py|conf|service|timer|env|js|css|html|md|json|ics|svg|sqlite3)$"
MODULE_NAMES = sorted(
    {
        span.split("(")[0]
        for span in ALL_SPANS
        if re.fullmatch(r"lieux(\.\w+)+(:\w+)?(\(.*\))?", span) and not re.search(FILE_SUFFIX, span)
    }
)


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_named_module_exists(name):
    """`lieux.widget.cache.open_now_context` or `lieux.app:create_app_from_env` can be imported."""
    parts = name.replace(":", ".").split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            assert hasattr(found, attribute), f"the docs name {name}: no {attribute}"
            found = getattr(found, attribute)
        return
    raise AssertionError(f"the docs name {name}, which cannot be imported")
