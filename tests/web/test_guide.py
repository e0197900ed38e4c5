import re

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
