import re

import pytest
from pypdf import PdfReader

from lieux.cli import main
from lieux.seed import load_guide

NAMES = [entry["name"] for entry in load_guide()["lieux"]]


def test_guide_page_has_every_lieu_qr_codes_and_helplines(client):
    response = client.get("/guide")
    assert response.status_code == 200
    html = response.text
    for name in NAMES:
        assert name.replace("'", "&#39;") in html
    assert html.count("<svg") == 2 * len(NAMES)  # page and feed QR code for each lieu
    assert "Télé-Accueil" in html and "107" in html
    assert "chaque mardi 14:00–16:00" in html  # Babel'Zin's demo café-papote
    assert "le 1er mardi du mois" in html
    assert "@page { size: A4" in html
    assert not re.search(r"""(src|href)=["']https?://(?!testserver)""", html)  # nothing remote


def test_guide_is_translated(client):
    html = client.get("/guide?lang=nl").text
    assert '<html lang="nl">' in html


def test_guide_pdf_has_every_lieu_on_few_pages(seeded_path, tmp_path, capsys):
    pdf = tmp_path / "guide.pdf"
    assert main(["guide", "--pdf", str(pdf), "--db", str(seeded_path)]) == 0
    reader = PdfReader(pdf)
    assert len(reader.pages) <= len(NAMES)
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    for name in NAMES:
        assert name in flat, name
    assert "Guide des lieux de liens" in flat


def test_guide_pdf_into_a_missing_directory_is_one_line(seeded_path, capsys):
    assert main(["guide", "--pdf", "/nonexistent/x.pdf", "--db", str(seeded_path)]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_french_descriptions_are_marked_in_the_dutch_guide(client):
    html = client.get("/guide?lang=nl").text
    assert '<p lang="fr">Lieu d&#39;activités' in html
    assert "(tekst in het Frans)" in html


@pytest.mark.parametrize("path", ["/", "/lieux", "/agenda", "/lieux/club-55"])
def test_guide_is_linked_from_every_page(client, path):
    assert 'href="/guide"' in client.get(path).text


def test_directory_points_to_the_guide(client):
    html = client.get("/lieux").text
    main = html[html.index("<main") : html.index("</main>")]
    assert '<a href="/guide">Guide imprimable des lieux</a>' in main


@pytest.mark.parametrize(
    ("lang", "label"),
    [("fr", "Retour au site"), ("nl", "Terug naar de site"), ("en", "Back to the")],
)
def test_guide_has_a_way_back_on_screen_only(client, lang, label):
    html = client.get(f"/guide?lang={lang}").text
    back = re.search(r'<nav class="screen-only back"[^>]*>(.*?)</nav>', html, flags=re.S)
    assert back is not None
    assert 'href="/"' in back.group(1) and label in back.group(1)
    assert "@media print" in html and ".screen-only { display: none; }" in html


def test_guide_pdf_leaves_the_way_back_out(seeded_path, tmp_path):
    pdf = tmp_path / "guide.pdf"
    assert main(["guide", "--pdf", str(pdf), "--db", str(seeded_path)]) == 0
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Retour au site" not in text
    assert "Guide des lieux de liens" in text
