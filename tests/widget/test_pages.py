"""The home and lieu pages show the same live state as the widget, "as of" ?at= too."""


def test_home_includes_the_open_now_fragment(client):
    html = client.get("/?at=2026-11-23T11:00").text
    assert 'id="ldl-open-now"' in html
    assert "ouvert jusqu&#39;à 16:30" in html  # Club 55
    assert "ouvre samedi à 11:00" in html  # L'Entr'Act, closed: the home lists all


def test_lieu_page_live_state_weekly_table_and_coming_closure(client):
    html = client.get("/lieux/club-55?at=2026-11-23T11:00").text
    assert "Ouvert jusqu&#39;à 16:30" in html  # at the instant the page names
    assert "09:30–16:30" in html
    assert "jours fériés" in html
    assert "24/12/2026–01/01/2027" in html and "Congés d&#39;hiver" in html


def test_lieu_page_closed_says_when_it_opens(client):
    html = client.get("/lieux/l-entr-act?at=2026-11-23T11:00&lang=en").text
    assert "Closed · opens Saturday at 11:00" in html


def test_pages_refuse_a_bad_at_with_a_clear_page(client):
    answer = client.get("/lieux/club-55?at=demain")
    assert answer.status_code == 400
    assert "Date et heure invalides : donnez-les au format AAAA-MM-JJTHH:MM" in answer.text
