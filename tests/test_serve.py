"""`lieux serve` as a real process, as `make run` starts it."""

import httpx


def test_serve_answers_healthz_and_home(live_server):
    assert httpx.get(live_server.url + "/healthz").text == "ok"
    home = httpx.get(live_server.url + "/")
    assert home.status_code == 200
    assert "Babel&#39;Zin" in home.text
