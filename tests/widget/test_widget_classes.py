"""widget.css and the markup it styles speak the same class names, in every variant.

The two were once written apart: the stylesheet styled a dozen classes no markup used while the
markup used a dozen no rule styled, and the widget ran name, state and address into one line.
This renders every variant of the fragment (layouts, themes, show=open/all; some open, nothing
open, hours unknown, some closed and some unknown; helplines; a wrong parameter), the iframe
page, the configurator's preview and the home page, and compares both ways.
"""

import itertools
import re
from pathlib import Path

import pytest
from litestar.testing import TestClient

import lieux.embed.assets as assets
from lieux import db as database
from lieux.demo import seed_demo
from tests.conftest import DEMO_NOW, DEMO_TODAY, make_app
from tests.widget.conftest import MIXED_SLUG, seed_real

CSS = Path(assets.__file__).parent / "static" / "widget.css"
INSTANTS = {
    "some open": "2026-11-23T14:30:00+01:00",
    "nothing open": "2026-11-24T03:00:00+01:00",
    "weekday morning": "2026-11-25T11:00:00+01:00",
    "winter closure": "2026-12-28T11:00:00+01:00",  # Club 55's demo closure has a note
    "closing soon": "2026-11-23T15:45:00+01:00",  # Circuit and La Trace close at 16:00
}
VARIANTS = [
    {"layout": layout, "theme": theme, "show": show}
    for layout, theme, show in itertools.product(
        ("list", "compact"), ("auto", "light", "dark"), ("open", "all")
    )
]


def css_classes() -> set[str]:
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text("utf-8"), flags=re.S)
    selectors = " ".join(re.findall(r"([^{}]+)\{", css))
    return set(re.findall(r"\.(ldl-[a-z0-9-]+)", selectors))


def markup_classes(markup: str) -> set[str]:
    """The ldl- classes of every element (pages also carry the site's own classes)."""
    return {
        name
        for value in re.findall(r'class="([^"]*)"', markup)
        for name in value.split()
        if name.startswith("ldl-")
    }


def rendered(path: Path) -> dict[str, str]:
    """Every page and fragment variant over one database, by a name that says which."""
    pages = {}
    with TestClient(app=make_app(path)) as client:
        for (situation, at), variant in itertools.product(INSTANTS.items(), VARIANTS):
            for url in ("/widget/open-now", "/embed/open-now"):
                answer = client.get(url, params={"at": at, **variant})
                assert answer.status_code == 200, (url, variant)
                pages[f"{url} {situation} {variant}"] = answer.text
        for url in ("/embed", "/"):
            pages[url] = client.get(url, params={"at": INSTANTS["some open"]}).text
        wrong = client.get("/widget/open-now", params={"theme": "pink"})
        assert wrong.status_code == 400
        pages["400"] = wrong.text
    return pages


@pytest.fixture(scope="module")
def every_variant(tmp_path_factory) -> dict[str, str]:
    """Rendered once for the module: the demo data, the real data alone, and one lieu with hours."""
    folder = tmp_path_factory.mktemp("variants")
    demo = seed_real(folder / "demo.sqlite3")
    connection = database.connect(demo)
    seed_demo(connection, today=DEMO_TODAY, now=DEMO_NOW)
    connection.close()
    databases = {
        "demo": demo,
        "real": seed_real(folder / "real.sqlite3"),
        "mixed": seed_real(folder / "mixed.sqlite3", with_hours=MIXED_SLUG),
    }
    pages = {}
    for name, path in databases.items():
        pages |= {f"{name} {key}": markup for key, markup in rendered(path).items()}
    return pages


def test_the_variants_cover_every_situation(every_variant):
    """The comparison below means something only if each state and block was rendered."""
    used = set().union(*map(markup_classes, every_variant.values()))
    expected = {"ldl-state-open", "ldl-state-closed", "ldl-state-unknown", "ldl-note"}
    expected |= {"ldl-helplines", "ldl-demo", "ldl-as-of", "ldl-footnote", "ldl-soon"}
    assert expected <= used
    assert {"ldl-layout-list", "ldl-layout-compact", "ldl-frame", "ldl-error"} <= used
    assert {f"ldl-theme-{theme}" for theme in ("auto", "light", "dark")} <= used


def test_every_css_class_is_used_by_some_markup(every_variant):
    used = set().union(*map(markup_classes, every_variant.values()))
    assert css_classes() - used == set(), "rules for classes no markup writes"


def test_every_class_in_the_markup_has_a_rule(every_variant):
    styled = css_classes()
    missing = {}
    for name, markup in every_variant.items():
        for found in markup_classes(markup) - styled:
            missing.setdefault(found, name)
    assert missing == {}, "classes with no rule in widget.css (and where they appear)"
