"""An archived lieu is gone from every public output (pages, feeds, widget, embed, API, guide,
search), its data and audit kept; restored, it is back everywhere."""

from html import unescape

import pytest

from lieux import db as database
from lieux.db.lieux import get_lieu
from tests.people import add_member, post, sign_in

SLUG = "la-trace"  # alone in Saint-Gilles; its demo outing is one of three of its kind
# Public URLs that list many lieux or activities: the archived lieu's slug (in every link to it)
# and its activities' titles must vanish from them.
LISTS = [
    "/",
    "/lieux",
    "/lieux?q=trace",
    "/lieux?kind=sortie",
    "/lieux?open=now&at=2026-11-24T14:00:00%2B01:00",
    "/agenda",
    "/agenda?view=week",
    "/agenda?kind=sortie",
    "/ical/network.ics",
    "/ical/kinds/sortie.ics",
    "/widget/open-now?show=all",
    "/widget/open-now?show=all&kind=sortie",
    "/embed/open-now?show=all",
    "/api/lieux",
    "/api/open-now",
    "/api/occurrences",
    "/api/hsds/organizations",
    "/api/hsds/services",
    "/widget/agenda",
    "/embed/agenda",
    "/guide",
]
# URLs about the lieu alone: a human page (or JSON error) saying it is not there any more.
OWN = [
    f"/lieux/{SLUG}",
    f"/lieux/{SLUG}/poster",
    f"/ical/lieux/{SLUG}.ics",
    "/ical/communes/saint-gilles.ics",
    f"/api/lieux/{SLUG}",
]


def _titles(db_path) -> tuple[int, list[str]]:
    db = database.connect(db_path)
    lieu = get_lieu(db, SLUG)
    rows = db.execute(
        "SELECT id, title FROM activities WHERE lieu_id = ? AND deleted_at IS NULL", [lieu.id]
    ).fetchall()
    db.close()
    assert rows, "the demo data gives this lieu an activity"
    return rows[0][0], [title for _, title in rows]


def _archive(client, seeded_path, action: str):
    admin = add_member(seeded_path, f"Admin {action}", admin=True)
    token = sign_in(client, seeded_path, admin)
    response = post(client, token, f"/admin/lieux/{SLUG}/{action}", {})
    assert response.status_code == 303, response.text[-500:]
    client.cookies.clear()  # read as a visitor


@pytest.fixture
def no_revision_throttle(monkeypatch):
    """The polled fragments and API read the data revision at most every
    REVISION_CHECK_SECONDS (lieux/revision_cache.py): let that much pass between requests."""
    import lieux.revision_cache as revision_cache

    ticks = iter(range(0, 1_000_000, 10))
    monkeypatch.setattr(revision_cache, "monotonic", lambda: next(ticks))


@pytest.mark.parametrize("url", LISTS)
def test_archived_lieu_leaves_every_list(client, seeded_path, url, no_revision_throttle):
    _, titles = _titles(seeded_path)
    before = client.get(url)
    assert before.status_code == 200
    assert SLUG in before.text, "the lieu is listed before it is archived"
    _archive(client, seeded_path, "archive")
    after = client.get(url)
    assert after.status_code == 200
    assert SLUG not in after.text
    for title in titles:
        assert title not in after.text
    _archive(client, seeded_path, "restore")
    again = client.get(url)
    assert SLUG in again.text


@pytest.mark.parametrize("url", OWN)
def test_archived_lieu_own_urls_say_it_is_gone(client, seeded_path, url):
    assert client.get(url).status_code == 200
    _archive(client, seeded_path, "archive")
    gone = client.get(url)
    assert gone.status_code in (404, 410)
    if url.startswith("/lieux/"):
        assert "<html" in gone.text  # a page for people, saying it is not there
    elif url.startswith("/ical/"):
        assert gone.headers["content-type"].startswith("text/plain")  # one line, for a calendar app
    else:
        assert gone.headers["content-type"].startswith("application/json")
    assert "Traceback" not in gone.text
    _archive(client, seeded_path, "restore")
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("prefix", ["/agenda/", "/api/activities/"])
def test_archived_lieu_activity_page_is_gone(client, seeded_path, prefix):
    activity_id, _ = _titles(seeded_path)
    assert client.get(f"{prefix}{activity_id}").status_code == 200
    _archive(client, seeded_path, "archive")
    assert client.get(f"{prefix}{activity_id}").status_code == 404
    _archive(client, seeded_path, "restore")
    assert client.get(f"{prefix}{activity_id}").status_code == 200


def test_archive_keeps_the_data_and_the_audit(client, seeded_path):
    activity_id, _ = _titles(seeded_path)
    _archive(client, seeded_path, "archive")
    db = database.connect(seeded_path)
    lieu = get_lieu(db, SLUG, archived=True)
    assert lieu.archived_at is not None
    assert db.execute("SELECT count(*) FROM activities WHERE id = ?", [activity_id]).fetchone()[0]
    actions = [
        row[0]
        for row in db.execute(
            "SELECT action FROM audit_log WHERE lieu_id = ? AND entity = 'lieu' ORDER BY id",
            [lieu.id],
        )
    ]
    db.close()
    assert actions == ["archive"]


def test_search_index_skips_archived_lieux(client, seeded_path):
    from lieux.db.search import search_lieu_ids

    db = database.connect(seeded_path)
    lieu_id = get_lieu(db, SLUG).id
    assert lieu_id in search_lieu_ids(db, "trace")
    db.close()
    _archive(client, seeded_path, "archive")
    db = database.connect(seeded_path)
    assert lieu_id not in search_lieu_ids(db, "trace")
    db.close()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "Ce lieu ne fait plus partie de la liste du réseau."),
        ("nl", "Deze plek staat niet meer op de lijst van het netwerk."),
        ("en", "This place is no longer on the network's list."),
    ],
)
def test_an_archived_lieu_page_says_it_left_the_list(client, seeded_path, lang, said):
    """Old links and printed QR codes lead to a page that says what happened (410), in the
    reader's language; a slug that never existed stays a 404."""
    _archive(client, seeded_path, "archive")
    gone = client.get(f"/lieux/{SLUG}?lang={lang}")
    assert gone.status_code == 410
    assert said in unescape(gone.text)
    assert client.get("/lieux/nowhere-at-all").status_code == 404


def test_its_co_managers_learn_it_was_archived_and_who_can_restore_it(client, seeded_path):
    member = add_member(seeded_path, "Co Trace", {SLUG: "co-manager"})
    _archive(client, seeded_path, "archive")
    sign_in(client, seeded_path, member)
    for path in (f"/manage/{SLUG}", f"/manage/{SLUG}/hours", f"/manage/{SLUG}/profile"):
        page = client.get(path)
        assert page.status_code == 410, path
        assert "archivé ce lieu" in unescape(page.text)
        assert "Un administrateur du réseau peut le rétablir." in unescape(page.text)
    client.cookies.clear()
    _archive(client, seeded_path, "restore")
    sign_in(client, seeded_path, member)
    assert client.get(f"/manage/{SLUG}").status_code == 200
