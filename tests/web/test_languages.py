import pytest


@pytest.mark.parametrize(
    ("header", "lang"),
    [("nl-BE,nl;q=0.9,fr;q=0.5", "nl"), ("en-GB,en;q=0.8", "en"), ("de-DE", "fr"), ("", "fr")],
)
def test_language_defaults_from_accept_language(client, header, lang):
    html = client.get("/lieux", headers={"accept-language": header}).text
    assert f'<html lang="{lang}">' in html


def test_switch_is_remembered_and_round_trips(client):
    response = client.get("/langue/nl?next=/lieux/club-55", follow_redirects=False)
    assert response.status_code in (302, 303, 307)
    assert response.headers["location"] == "/lieux/club-55"
    cookies = response.headers.get_list("set-cookie")
    assert len(cookies) == 1 and cookies[0].startswith("lang=nl")  # no CSRF or session cookie
    assert '<html lang="nl">' in client.get("/lieux/club-55").text  # the cookie is kept
    client.get("/langue/fr")
    assert '<html lang="fr">' in client.get("/lieux/club-55").text


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "javascript:x"])
def test_switch_never_redirects_off_site(client, target):
    response = client.get(f"/langue/en?next={target}", follow_redirects=False)
    assert response.headers["location"] == "/"


def test_unknown_language_is_a_404(client):
    assert client.get("/langue/xx", follow_redirects=False).status_code == 404
