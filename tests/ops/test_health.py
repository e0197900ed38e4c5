"""/healthz stays constant, /readyz checks the database, /metrics answers allowed addresses."""

import re
import sqlite3

import httpx
import pytest
from litestar.testing import TestClient

from lieux import db as database
from lieux.db.migrations import MIGRATIONS
from lieux.ops.metrics import may_scrape
from lieux.settings import SettingsError, from_env
from tests.conftest import make_app
from tests.live_server import LiveServer


def test_healthz_is_constant(client):
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")


def test_readyz_says_ready_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def _readyz(path) -> httpx.Response:
    with TestClient(app=make_app(path)) as client:
        return client.get("/readyz")


def test_readyz_is_503_with_a_reason_when_the_file_is_gone(db_path):
    with TestClient(app=make_app(db_path)) as client:
        assert client.get("/readyz").status_code == 200
        db_path.unlink()
        response = client.get("/readyz")
        assert not db_path.exists()  # the probe never creates an empty database
    assert response.status_code == 503
    assert "does not exist" in response.json()["reason"]


def test_readyz_is_503_when_the_file_is_not_a_database(tmp_path):
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"this is not SQLite" * 100)
    response = _readyz(path)
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert "not a database" in response.json()["reason"]


def test_readyz_is_503_while_migrations_are_pending(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = database.connect(path)
    last = [migration.name for migration in MIGRATIONS._migrations][-1]
    MIGRATIONS.apply(db, stop_before=last)
    db.close()
    response = _readyz(path)
    assert response.status_code == 503
    assert response.json()["reason"] == "migrations: 1 pending"


def test_metrics_are_hidden_from_addresses_not_allowed(client):
    # The test client's address is "testclient": not an allowed address.
    response = client.get("/metrics")
    assert response.status_code == 404
    unknown = client.get("/metricz")
    assert response.text == unknown.text.replace("/metricz", "/metrics")


@pytest.mark.parametrize(
    ("client", "allowed", "expected"),
    [
        (("127.0.0.1", 5000), ("127.0.0.1", "::1"), True),
        (("::1", 5000), ("127.0.0.1", "::1"), True),
        (("::ffff:127.0.0.1", 5000), ("127.0.0.1",), True),
        (("10.1.2.3", 5000), ("10.0.0.0/8",), True),
        (("192.168.1.9", 5000), ("127.0.0.1", "::1", "10.0.0.0/8"), False),
        (("testclient", 50000), ("127.0.0.1",), False),
        (None, ("127.0.0.1",), False),
        (("127.0.0.1", 5000), (), False),
    ],
)
def test_may_scrape(client, allowed, expected):
    assert may_scrape(client, allowed) is expected


def test_metrics_allow_setting():
    assert from_env({}).metrics_allow == ("127.0.0.1", "::1")
    assert from_env({"LIEUX_METRICS_ALLOW": "10.0.0.0/8, ::1"}).metrics_allow == (
        "10.0.0.0/8",
        "::1",
    )
    assert from_env({"LIEUX_METRICS_ALLOW": ""}).metrics_allow == ()
    with pytest.raises(
        SettingsError, match=r"LIEUX_METRICS_ALLOW='127\.0\.0\.1,localhost': 'localhost' is not"
    ):
        from_env({"LIEUX_METRICS_ALLOW": "127.0.0.1,localhost"})
    with pytest.raises(SettingsError, match="'\\*' is not"):  # anyone may not read them
        from_env({"LIEUX_METRICS_ALLOW": "*"})


def _sample(text: str, name: str, labels: str = "") -> float | None:
    pattern = "^" + re.escape(name) + (r"\{" + labels + r"\}" if labels else "") + r" (\S+)$"
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else None


def test_metrics_on_a_real_server(seeded_path):
    db = sqlite3.connect(seeded_path)
    lieu_id = db.execute("SELECT id FROM lieux ORDER BY id LIMIT 1").fetchone()[0]
    db.execute(
        "INSERT INTO ical_sources (lieu_id, url, label, last_fetched_at, created_at) "
        "VALUES (?, 'https://example.org/a.ics', '', '2026-11-23T10:00:00+00:00', "
        "'2026-11-01T00:00:00+00:00')",
        [lieu_id],
    )
    db.commit()
    db.close()
    server = LiveServer(seeded_path)
    try:
        for _ in range(3):
            assert httpx.get(server.url + "/widget/open-now?show=all").status_code == 200
        for _ in range(2):
            assert httpx.get(server.url + "/ical/network.ics").status_code == 200
        response = httpx.get(server.url + "/metrics")
    finally:
        server.stop()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert _sample(text, "lieux_widget_fragment_cache_total", 'result="miss"') == 1
    assert _sample(text, "lieux_widget_fragment_cache_total", 'result="hit"') == 2
    assert _sample(text, "lieux_feed_cache_total", 'result="miss"') == 1
    assert _sample(text, "lieux_feed_cache_total", 'result="hit"') == 1
    assert _sample(text, "lieux_open_now_snapshot_reloads_total") >= 1
    assert _sample(text, "lieux_calendar_last_refresh_timestamp_seconds") == 1795428000.0
    # requests and latency per route (its template, not every URL), with the status
    assert re.search(
        r'^lieux_requests_total\{app_name="lieux",method="GET",path="/widget/open-now",'
        r'status_code="200"\} 3\.0$',
        text,
        re.MULTILINE,
    ), text
    assert "lieux_request_duration_seconds_bucket" in text
    assert 'path="/metrics"' not in text  # the scrapes themselves are not counted


@pytest.mark.any_day
def test_metrics_refused_to_a_network_not_allowed(seeded_path):
    server = LiveServer(seeded_path, env={"LIEUX_METRICS_ALLOW": "10.0.0.0/8"})
    try:
        assert httpx.get(server.url + "/metrics").status_code == 404
        assert httpx.get(server.url + "/healthz").status_code == 200
    finally:
        server.stop()


@pytest.mark.any_day
def test_metrics_of_two_workers_add_up_in_multiprocess_mode(seeded_path, tmp_path):
    from tests.deploy.servers import Serve

    shared = tmp_path / "metrics"
    shared.mkdir()
    serve = Serve(seeded_path, "--workers", "2", env={"PROMETHEUS_MULTIPROC_DIR": str(shared)})
    try:
        assert len(serve.workers()) == 2
        for _ in range(20):  # a new connection each: uvicorn spreads them over the workers
            assert httpx.get(serve.url + "/widget/open-now?show=all").status_code == 200
        text = httpx.get(serve.url + "/metrics").text
    finally:
        serve.stop()
    hits = _sample(text, "lieux_widget_fragment_cache_total", 'result="hit"') or 0
    misses = _sample(text, "lieux_widget_fragment_cache_total", 'result="miss"') or 0
    assert hits + misses == 20
    assert 1 <= misses <= 2  # one render per worker that answered
    assert len(list(shared.glob("*.db"))) >= 2  # each worker wrote its own file
