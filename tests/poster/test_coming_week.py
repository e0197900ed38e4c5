"""On a Sunday, `lieux poster` prints the coming week (issue 23): the poster goes up for the
days ahead, not for the six already over. The command reads the clock once (lieux.clock), pinned
here to Sunday 6 December 2026, 21:00 in Brussels; the PDF goes through Chromium."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from lieux import cli
from tests.poster.test_pdf import flat_text

pytestmark = pytest.mark.browser  # Chromium prints the PDF (it does not run under faketime)
SUNDAY_NIGHT = datetime(2026, 12, 6, 21, 0, tzinfo=ZoneInfo("Europe/Brussels"))


@pytest.mark.parametrize(
    ("lang", "week", "first_day"),
    [
        ("fr", "Semaine du 7 au 13 décembre 2026", "lundi 7 décembre"),
        ("nl", "Week van 7 tot 13 december 2026", "maandag 7 december"),
    ],
)
def test_the_poster_printed_on_a_sunday_is_for_the_coming_week(
    seeded_path, tmp_path, capsys, monkeypatch, lang, week, first_day
):
    monkeypatch.setattr(cli, "utc_now", lambda: SUNDAY_NIGHT)
    pdf = tmp_path / "poster.pdf"
    argv = ["poster", "club-55", "--pdf", str(pdf), "--lang", lang, "--db", str(seeded_path)]
    assert cli.main(argv) == 0
    assert "week of 2026-12-07" in capsys.readouterr().out
    text = flat_text(pdf)
    assert week in text and first_day in text
    assert "30 novembre" not in text and "30 november" not in text


def test_a_week_asked_for_is_printed_as_asked(seeded_path, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "utc_now", lambda: SUNDAY_NIGHT)
    pdf = tmp_path / "poster.pdf"
    argv = ["poster", "club-55", "--pdf", str(pdf), "--week", "2026-12-06"]
    assert cli.main([*argv, "--db", str(seeded_path)]) == 0
    assert "Semaine du 30 novembre au 6 décembre 2026" in flat_text(pdf)
