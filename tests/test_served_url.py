"""The command line's links open the database they were made in (issue 23): `lieux serve`
remembers the address it serves a database at, and `lieux invite` links there unless
LIEUX_BASE_URL says otherwise; it says where it wrote its QR code."""

import httpx

from lieux import db as database
from lieux.cli import main
from lieux.db.served import served_url
from tests.deploy.servers import Serve


def invite(db_path, qr, capsys) -> list[str]:
    assert main(["invite", "club-55", "--qr", str(qr), "--db", str(db_path)]) == 0
    return capsys.readouterr().out.splitlines()


def test_an_invite_links_to_the_port_its_database_is_served_on(
    seeded_path, tmp_path, capsys, monkeypatch
):
    # As `make run PORT=8001` starts it: no LIEUX_BASE_URL, a port other than 8000.
    serve = Serve(seeded_path, env={"LIEUX_BASE_URL": ""})
    try:
        monkeypatch.delenv("LIEUX_BASE_URL", raising=False)
        monkeypatch.chdir(tmp_path)
        link, where, *rest = invite(seeded_path, "club-55.svg", capsys)
        assert link.startswith(f"http://127.0.0.1:{serve.port}/"), link
        assert rest == []  # no warning: the address is known
        # The link opens this database's invite on the running server.
        assert httpx.get(link, timeout=30).status_code == 200
        # It says where the QR code is, wherever the command was run from.
        assert where.endswith(f"QR code written to {tmp_path / 'club-55.svg'}")
        assert (tmp_path / "club-55.svg").read_text().startswith("<?xml")
    finally:
        serve.stop()


def test_lieux_base_url_wins_over_the_served_address(seeded_path, tmp_path, capsys, monkeypatch):
    db = database.connect(seeded_path)
    database.migrate(db)
    db.execute("UPDATE served SET base_url = 'http://127.0.0.1:8001' WHERE id = 1")
    db.conn.commit()
    db.close()
    monkeypatch.setenv("LIEUX_BASE_URL", "https://lieux.example.org")
    link, _where, *rest = invite(seeded_path, tmp_path / "qr.svg", capsys)
    assert link.startswith("https://lieux.example.org/") and rest == []


def test_a_database_never_served_says_which_address_it_assumed(
    seeded_path, tmp_path, capsys, monkeypatch
):
    monkeypatch.delenv("LIEUX_BASE_URL", raising=False)
    db = database.connect(seeded_path)
    database.migrate(db)
    assert served_url(db) is None
    db.close()
    link, _where, warning = invite(seeded_path, tmp_path / "qr.svg", capsys)
    assert link.startswith("http://")
    assert "never served" in warning and "LIEUX_BASE_URL" in warning
