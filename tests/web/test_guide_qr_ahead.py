"""The guide's QR codes are made once per process (~4 ms each, two per lieu: most of the
guide's CPU), ahead by `lieux serve` at start, and follow the service's address."""

import gc
import threading
from datetime import date

from msgspec.structs import replace

from lieux.app import create_app
from lieux.db import connect
from lieux.guide import content
from lieux.seed import load_guide
from lieux.serving import _make_ahead
from tests.conftest import make_settings

LIEUX = len(load_guide()["lieux"])
TODAY = date(2026, 11, 23)


def test_codes_made_ahead_are_those_the_guide_prints(seeded_path):
    settings = make_settings(seeded_path)
    db = connect(seeded_path)
    content.qr_svg.cache_clear()
    assert content.make_qr_codes(db, settings) == LIEUX
    made = content.qr_svg.cache_info()
    assert made.misses == made.currsize == 2 * LIEUX
    guide = content.collect(db, settings, today=TODAY, lang="fr")
    after = content.qr_svg.cache_info()
    assert (after.misses, after.hits) == (made.misses, made.hits + 2 * LIEUX)
    assert all(entry.page_qr.startswith("<svg") for entry in guide.entries)
    db.close()


def test_another_address_gets_its_own_codes(seeded_path):
    db = connect(seeded_path)
    here = content.collect(db, make_settings(seeded_path), today=TODAY, lang="fr")
    there = replace(make_settings(seeded_path), base_url="https://lieux.example")
    elsewhere = content.collect(db, there, today=TODAY, lang="fr")
    db.close()
    assert here.entries[0].page_qr != elsewhere.entries[0].page_qr
    slug = elsewhere.entries[0].lieu.slug
    feed = content.qr_svg(f"webcal://lieux.example/ical/lieux/{slug}.ics")
    assert elsewhere.entries[0].feed_qr == feed


def test_lieux_serve_makes_them_at_start_in_a_thread_then_freezes_its_objects(seeded_path):
    app = create_app(replace(make_settings(seeded_path), base_url="https://ahead.example"))
    content.qr_svg.cache_clear()
    gc.unfreeze()
    try:
        _make_ahead(app)
        (thread,) = [t for t in threading.enumerate() if t.name == "lieux-make-ahead"]
        thread.join(timeout=60)
        assert content.qr_svg.cache_info().currsize == 2 * LIEUX
        # What the process held at its start is out of the collector's reach (lieux/serving.py).
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()  # this test process lives on: let its objects be collected again
