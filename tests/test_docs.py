"""The README is the user's map: it must name every CLI command and every public URL."""

import re
from pathlib import Path

from lieux.cli import build_parser
from tests.conftest import make_app

README = (Path(__file__).parents[1] / "README.md").read_text("utf-8")
# The reference pages beside it (docs/*.md): a URL documented in either counts.
DOCS = README + "".join(
    page.read_text("utf-8") for page in sorted((Path(__file__).parents[1] / "docs").glob("*.md"))
)


def test_readme_shows_the_two_commands():
    assert "make run" in README and "make test" in README


def test_every_cli_command_is_in_the_readme():
    subcommands = build_parser()._subparsers._group_actions[0].choices
    for name in subcommands:
        assert f"lieux {name}" in README, f"`lieux {name}` is missing from README.md"


def test_every_public_url_is_in_the_readme(tmp_path):
    app = make_app(tmp_path / "x.sqlite3")
    documented = set(re.findall(r"`(?:GET|POST|HEAD)? ?(/[^`\s?]*)", DOCS))
    for route in app.routes:
        path = route.path
        if path.startswith(("/static", "/schema")) or path in ("/healthz",):
            continue
        if not any(_same(path, doc) for doc in documented):
            raise AssertionError(f"{path} is missing from README.md and docs/")


def _same(route: str, documented: str) -> bool:
    pattern = re.sub(r"\\{[^}]*\\}", "[^/]+", re.escape(documented))
    concrete = re.sub(r"\{[^}]*\}", "x", route)
    return re.fullmatch(pattern, concrete) is not None or route == documented
