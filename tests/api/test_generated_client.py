"""A developer generates a client from /schema and lists this week's occurrences.

`openapi-python-client` (a test extra) writes the client from the document the app serves; the
test imports it and calls the app in-process (httpx's ASGI transport, clock pinned at
DEMO_NOW). The same, by hand, against a running server:

    curl -s http://127.0.0.1:8000/schema > lieux.json
    openapi-python-client generate --path lieux.json --meta none --output-path lieux_client
"""

import asyncio
import importlib
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from tests.calendar.samples import expand
from tests.conftest import DEMO_TODAY, Clock, make_app

ZONE = ZoneInfo("Europe/Brussels")
GENERATOR = Path(sys.executable).parent / "openapi-python-client"


def generate(client, folder: Path):
    """The client package generated from the app's /schema, imported."""
    schema = folder / "lieux.json"
    schema.write_text(json.dumps(client.get("/schema").json()), "utf-8")
    config = folder / "config.yaml"
    config.write_text("post_hooks: []\npackage_name_override: lieux_client\n", "utf-8")
    subprocess.run(
        [GENERATOR, "generate", "--path", schema, "--config", config, "--meta", "none",
         "--output-path", folder / "lieux_client"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    sys.path.insert(0, str(folder))
    try:
        importlib.invalidate_caches()
        package = importlib.import_module("lieux_client")
        operation = importlib.import_module("lieux_client.api.lieux_de_liens.list_occurrences")
    finally:
        sys.path.remove(str(folder))
    return package, operation


def test_a_generated_client_lists_this_weeks_occurrences(client, seeded_path, tmp_path):
    package, list_occurrences = generate(client, tmp_path)
    app = make_app(seeded_path, Clock())

    async def ask(**params):
        api = package.Client(
            base_url="http://testserver",
            httpx_args={"transport": httpx.ASGITransport(app=app)},
        )
        async with api:
            return await list_occurrences.asyncio_detailed(client=api, **params)

    answer = run(ask())
    assert answer.status_code == 200
    week = answer.parsed
    assert week and all(type(o).__name__ == "ApiOccurrence" for o in week)
    # typed fields: aware datetimes, the status enum
    assert all(o.starts_at.tzinfo is not None for o in week)
    start = datetime.combine(DEMO_TODAY, time(), ZONE)
    end = start + timedelta(days=7)
    listed = sorted((o.uid, o.starts_at.astimezone(UTC), o.status.value) for o in week)
    assert listed == expand(client.get("/ical/network.ics").content, start, end)

    wrong = run(ask(lieu="nulle-part"))
    assert wrong.status_code == 404
    assert type(wrong.parsed).__name__ == "ApiError"
    assert "nulle-part" in wrong.parsed.detail


def run(coroutine):
    """asyncio.run in a thread of its own: a browser test earlier in the same pytest process
    leaves Playwright's event loop on the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
