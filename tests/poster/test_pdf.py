"""`lieux poster LIEU --pdf FILE`: one A4 page for a busy week, with its text, through Chromium."""

import re

import pytest
from pypdf import PdfReader

from lieux.cli import main
from tests.poster.conftest import BUSY, CANCELLED, DAILY

# Chromium does not run under faketime (`make test-dates`); every run here names its week.
pytestmark = pytest.mark.browser
A4_POINTS = (595, 842)  # 210 x 297 mm


def flat_text(pdf) -> str:
    reader = PdfReader(pdf)
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_a_busy_week_prints_on_one_a4_page(busy_path, tmp_path, capsys):
    pdf = tmp_path / "poster.pdf"
    argv = ["poster", BUSY, "--pdf", str(pdf), "--week", "2026-11-25", "--db", str(busy_path)]
    assert main(argv) == 0
    assert "written to" in capsys.readouterr().out
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4_POINTS
    text = flat_text(pdf)
    assert "Semaine du 23 au 29 novembre 2026" in text
    for day in ("lundi 23", "mardi 24", "mercredi 25", "jeudi 26", "vendredi 27", "samedi 28",
                "dimanche 29"):  # fmt: skip
        assert day in text, day
    for n in range(1, 8):  # every activity of every day
        for _start, _end, _kind, title in DAILY:
            assert f"{title} ({n})" in text.replace("\u00ad", ""), (title, n)
    assert CANCELLED in text and "Annulé" in text
    assert "Café-papote" in text
    for number in ("107", "106", "0800 32 123", "1813"):
        assert number in text
    assert "Imprimer cette affiche" not in text and "Semaine suivante" not in text  # screen only


@pytest.mark.parametrize(
    ("lang", "words"),
    [("nl", ["Week van 23 tot 29 november 2026", "maandag 23 november"]),
     ("en", ["Week of 23 to 29 November 2026", "Monday 23 November"])],
)  # fmt: skip
def test_the_pdf_in_dutch_and_english(seeded_path, tmp_path, lang, words):
    pdf = tmp_path / f"poster-{lang}.pdf"
    argv = ["poster", BUSY, "--pdf", str(pdf), "--week", "2026-11-23", "--lang", lang]
    assert main([*argv, "--db", str(seeded_path)]) == 0
    text = flat_text(pdf)
    for word in words:
        assert word in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nulle-part", "--pdf", "{tmp}/p.pdf"], "no lieu 'nulle-part'"),
        ([BUSY, "--pdf", "{tmp}/p.pdf", "--week", "2026-13-01"], "expected a date YYYY-MM-DD"),
        ([BUSY, "--pdf", "{tmp}/p.pdf", "--week", "2099-01-01"], "years away"),
        ([BUSY, "--pdf", "/nonexistent/p.pdf"], "does not exist"),
        ([BUSY, "--pdf", "{tmp}/p.pdf", "--lang", "de"], "invalid choice: 'de'"),
    ],
)
def test_mistakes_exit_2_with_one_line_and_write_nothing(
    seeded_path, tmp_path, capsys, args, message
):
    argv = ["poster", *(a.format(tmp=tmp_path) for a in args), "--db", str(seeded_path)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "p.pdf").exists()
