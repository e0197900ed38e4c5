"""`lieux serve --workers N` and its proxy options: bad values refused in one line, several
workers answering as one, another process's write seen by every worker, X-Forwarded-For
ignored unless asked, Secure cookies behind https."""

import subprocess
import sys
import time
from pathlib import Path

import httpx
import msgspec
import pytest
from litestar.testing import TestClient

from lieux.app import create_app
from lieux.cli import main
from tests.conftest import Clock, make_settings
from tests.deploy.servers import Serve
from tests.people import LIEU_A, add_member, new_token_for


@pytest.mark.any_day
@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["--workers", "0"], {}, "--workers 0: expected between 1 and 32"),
        (["--workers", "33"], {}, "--workers 33: expected between 1 and 32"),
        (["--workers", "two"], {}, "argument --workers: invalid int value: 'two'"),
        (
            ["--forwarded-allow-ips", "10.0.0.0/8,proxy"],
            {},
            "--forwarded-allow-ips='10.0.0.0/8,proxy': 'proxy' is not an IP address",
        ),
        ([], {"LIEUX_FORWARDED_ALLOW_IPS": "nginx"}, "LIEUX_FORWARDED_ALLOW_IPS='nginx'"),
    ],
)
def test_bad_serve_options_are_refused_in_one_line(
    seeded_path, capsys, monkeypatch, argv, env, message
):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["serve", "--db", str(seeded_path), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lieux: ") and message in err and err.count("\n") == 1


def test_the_allowed_proxies_setting_is_checked_and_kept():
    from lieux.settings import from_env

    assert from_env({}).forwarded_allow_ips == ()
    settings = from_env({"LIEUX_FORWARDED_ALLOW_IPS": " 127.0.0.1, 10.0.0.0/8 ,::1"})
    assert settings.forwarded_allow_ips == ("127.0.0.1", "10.0.0.0/8", "::1")
    assert from_env({"LIEUX_FORWARDED_ALLOW_IPS": "*"}).forwarded_allow_ips == ("*",)


PATHS = (
    "/api/lieux",
    f"/ical/lieux/{LIEU_A}.ics",
    "/ical/network.ics",
    f"/lieux/{LIEU_A}?at=2026-11-24T11:00:00%2B01:00",
    "/widget/open-now?show=all&at=2026-11-24T11:00:00%2B01:00",
)


@pytest.mark.any_day
def test_two_workers_answer_as_one_and_see_each_others_writes(seeded_path):
    one = Serve(seeded_path)
    try:
        single = {path: httpx.get(one.url + path).content for path in PATHS}
    finally:
        one.stop()
    two = Serve(seeded_path, "--workers", "2", env={"LIEUX_BASE_URL": one.url})
    try:
        assert len(two.workers()) == 2
        # Many connections, so both workers answer; each connection stays on its worker.
        clients = [httpx.Client(base_url=two.url) for _ in range(8)]
        for client in clients:
            for path in PATHS:
                assert client.get(path).content == single[path], path
        before = {c.get("/api/open-now").json()[0]["slug"] for c in clients}
        assert len(before) == 1
        # A write by another process (the CLI) reaches every worker's in-memory caches.
        done = subprocess.run(
            [sys.executable, "-m", "lieux.cli", "hours", LIEU_A, "24/7", "--db", str(seeded_path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        time.sleep(0.6)  # the revision is read at most every 0.5 s
        for client in clients:
            states = {s["slug"]: s["state"] for s in client.get("/api/open-now").json()}
            assert states[LIEU_A] == "open"
            page = client.get(f"/lieux/{LIEU_A}?at=2026-11-24T03:00:00%2B01:00").text
            assert "Ouvert" in page
            client.close()
    finally:
        two.stop()


def _sign_in_statuses(url: str, forwarded: list[str]) -> list[int]:
    with httpx.Client(base_url=url) as client:
        client.get("/signin/unknown-token")
        token = client.cookies["csrftoken"]
        return [
            client.post(
                "/signin/unknown-token",
                data={"_csrf_token": token},
                headers={"X-Forwarded-For": address},
            ).status_code
            for address in forwarded
        ]


@pytest.mark.any_day
def test_without_proxy_headers_x_forwarded_for_is_ignored(seeded_path):
    server = Serve(seeded_path)
    try:
        statuses = _sign_in_statuses(server.url, [f"203.0.113.{i}" for i in range(11)])
    finally:
        server.stop()
    # One worker, 10 a minute: the 11th is refused, whatever address each claimed.
    assert statuses == [404] * 10 + [429]


@pytest.mark.any_day
def test_with_proxy_headers_the_trusted_proxy_names_the_client(seeded_path):
    server = Serve(seeded_path, "--forwarded-allow-ips", "127.0.0.1")
    try:
        statuses = _sign_in_statuses(server.url, [f"203.0.113.{i}" for i in range(11)])
        same = _sign_in_statuses(server.url, ["198.51.100.7"] * 11)
    finally:
        server.stop()
    assert statuses == [404] * 11  # eleven clients, one attempt each
    assert same == [404] * 10 + [429]


def test_behind_https_the_cookies_are_secure(seeded_path: Path):
    member = add_member(seeded_path, "Co Secure", {LIEU_A: "co-manager"})
    token = new_token_for(seeded_path, member)
    settings = msgspec.structs.replace(
        make_settings(seeded_path), base_url="https://lieux.example.org"
    )
    app = create_app(settings, clock=Clock())
    with TestClient(app=app) as client:
        page = client.get(f"/signin/{token}")
        assert "Secure" in page.headers["set-cookie"]
        csrf = page.cookies["csrftoken"]
        signed_in = client.post(
            f"/signin/{token}",
            data={"_csrf_token": csrf},
            headers={"Cookie": f"csrftoken={csrf}"},
            follow_redirects=False,
        )
    assert signed_in.status_code == 303
    session = [c for c in signed_in.headers.get_list("set-cookie") if "lieux_session=" in c]
    assert session and "Secure" in session[0] and "HttpOnly" in session[0]
