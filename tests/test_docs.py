"""The README is the user's map: it must name every CLI command and every public URL."""

import re
from pathlib import Path

from lieux.cli import build_parser
from tests.conftest import make_app

ROOT = Path(__file__).parents[1]
# The README and the pages of docs/ it links to.
README = "\n".join(
    path.read_text("utf-8") for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
)


def test_readme_shows_the_two_commands():
    assert "make run" in README and "make test" in README


def test_every_cli_command_is_in_the_readme():
    subcommands = build_parser()._subparsers._group_actions[0].choices
    for name in subcommands:
        assert f"lieux {name}" in README, f"`lieux {name}` is missing from README.md"


def test_every_public_url_is_in_the_readme(tmp_path):
    app = make_app(tmp_path / "x.sqlite3")
    documented = set(re.findall(r"`(?:GET|POST|HEAD)? ?(/[^`\s?]*)", README))
    for route in app.routes:
        path = route.path
        if path.startswith(("/static", "/schema")) or path in ("/healthz",):
            continue
        if not any(_same(path, doc) for doc in documented):
            raise AssertionError(f"{path} is missing from README.md")


def _same(route: str, documented: str) -> bool:
    pattern = re.sub(r"\\{[^}]*\\}", "[^/]+", re.escape(documented))
    concrete = re.sub(r"\{[^}]*\}", "x", route)
    return re.fullmatch(pattern, concrete) is not None or route == documented
