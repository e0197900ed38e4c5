"""LIEUX_SMTP_URL and LIEUX_MAIL_FROM (clear errors, the password never shown), and
`lieux outbox list|retry`."""

import subprocess
import sys

import pytest

from lieux import db as database
from lieux.cli import main
from lieux.db import outbox as outbox_db
from lieux.mail.models import Recipient
from lieux.mail.outbox import enqueue
from lieux.settings import SettingsError, SmtpConfig, from_env
from tests.conftest import DEMO_NOW, make_settings
from tests.mail.conftest import MAIL_FROM

PASSWORD = "Sekr3t:pa/ss"
FROM = {"LIEUX_MAIL_FROM": MAIL_FROM}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://lieux%40example.org:Sekr3t%3Apa%2Fss@smtp.example.org",
            SmtpConfig(
                host="smtp.example.org",
                port=587,
                security="starttls",
                username="lieux@example.org",
                password=PASSWORD,
            ),
        ),
        (
            "smtps://u:p@mail.example.org:2465",
            SmtpConfig(
                host="mail.example.org", port=2465, security="tls", username="u", password="p"
            ),
        ),
        ("smtps://mail.example.org", SmtpConfig(host="mail.example.org", port=465, security="tls")),
        ("smtp://127.0.0.1:25", SmtpConfig(host="127.0.0.1", port=25, security="plain")),
        ("smtp://localhost:2525", SmtpConfig(host="localhost", port=2525, security="plain")),
        ("smtp://[::1]:25", SmtpConfig(host="::1", port=25, security="plain")),
        # Anywhere else, no way around TLS.
        ("smtp://10.0.0.5:25", SmtpConfig(host="10.0.0.5", port=25, security="starttls")),
    ],
)
def test_the_three_forms_of_the_smtp_url(url, expected):
    settings = from_env({"LIEUX_SMTP_URL": url, **FROM})
    assert settings.smtp_url == expected
    assert settings.mail_from == MAIL_FROM and settings.mail_enabled


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://u:Sekr3t@h.example.org", "expected smtp://user:password@"),
        ("smtp://u:Sekr3t@", "expected smtp://"),
        ("smtp://u:Sekr3t@h.example.org:99999", "the port must be a number"),
        ("smtp://u:Sekr3t@h.example.org:0", "the port must be a number"),
        ("smtp://u:Sekr3t@h.example.org:x", "the port must be a number"),
        ("smtp://:Sekr3t@h.example.org", "a password needs a user name"),
        ("smtp://u:Sekr3t@h.example.org/inbox", "nothing may follow host:port"),
        ("smtp://u:Sekr3t@h.example.org?tls=no", "nothing may follow host:port"),
        # A password with a / or ? typed as it is: the URL breaks, the error still hides it.
        ("smtp://u:Sekr3t/x@h.example.org", "percent-encoded"),
        ("smtp://u:Sekr3t?x@h.example.org:587", "percent-encoded"),
    ],
)
def test_a_wrong_smtp_url_names_the_variable_never_the_password(url, message):
    with pytest.raises(SettingsError) as error:
        from_env({"LIEUX_SMTP_URL": url, **FROM})
    assert str(error.value).startswith("LIEUX_SMTP_URL=") and message in str(error.value)
    assert "Sekr3t" not in str(error.value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "LIEUX_MAIL_FROM is not"),
        ("lieux", "LIEUX_MAIL_FROM='lieux'"),
        ("Lieux <lieux@example>", "expected an address"),
        ("Lieux\r\nBcc: x@y.org <lieux@example.org>", "expected an address"),
    ],
)
def test_mail_from_is_required_and_checked(value, message):
    env = {"LIEUX_SMTP_URL": "smtp://127.0.0.1:25"}
    if value is not None:
        env["LIEUX_MAIL_FROM"] = value
    with pytest.raises(SettingsError, match=message):
        from_env(env)


def test_no_smtp_url_no_mail():
    settings = from_env({})
    assert settings.smtp_url is None and not settings.mail_enabled


def test_the_password_is_not_in_the_settings_repr():
    settings = from_env({"LIEUX_SMTP_URL": "smtp://u:Sekr3t%3Apa%2Fss@h.example.org", **FROM})
    shown = repr(settings)
    assert "password='***'" in shown and "Sekr3t" not in shown and "h.example.org" in shown


@pytest.mark.real_clock  # a `lieux` process
def test_the_cli_says_a_wrong_url_in_one_line_without_the_password(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "lieux.cli", "outbox", "--db", str(tmp_path / "x.sqlite3")],
        capture_output=True,
        text=True,
        timeout=60,
        env={"LIEUX_SMTP_URL": "smtp://u:Sekr3t@h.example.org:99999", **FROM},
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("lieux: LIEUX_SMTP_URL=")
    assert "Sekr3t" not in result.stderr and "Traceback" not in result.stderr


def _queue(db_path, count):
    db = database.connect(db_path)
    smtp = SmtpConfig(host="127.0.0.1", port=25, security="plain")
    settings = make_settings(db_path, smtp_url=smtp, mail_from=MAIL_FROM)
    ids = [
        enqueue(
            db,
            to=Recipient(address=f"p{n}@example.org", lang="fr"),
            template="address_added",
            context={"name": f"P{n}"},
            topic="reports",
            settings=settings,
            now=DEMO_NOW,
        )
        for n in range(count)
    ]
    db.close()
    return ids


def _give_up(db_path, state, error):
    db = database.connect(db_path)
    message = outbox_db.claim_next(db, holder="h", now=DEMO_NOW)
    outbox_db.mark_given_up(db, message.id, "h", state=state, error=error)
    db.close()
    return message.id


def _state(db_path, message_id):
    db = database.connect(db_path)
    try:
        return outbox_db.get_message(db, message_id)
    finally:
        db.close()


def test_outbox_list_and_retry(db_path, capsys):
    db = str(db_path)
    assert main(["outbox", "--db", db]) == 0
    assert capsys.readouterr().out == "the outbox is empty\n"
    _queue(db_path, 4)
    refused = _give_up(db_path, "undeliverable", "550 5.1.1 no such user")
    failed = _give_up(db_path, "failed", "421 too busy")
    db_conn = database.connect(db_path)
    sent = outbox_db.claim_next(db_conn, holder="h", now=DEMO_NOW)
    outbox_db.mark_sent(db_conn, sent.id, "h", now=DEMO_NOW)
    db_conn.close()
    assert main(["outbox", "list", "--db", db]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "failed: 1  pending: 1  sent: 1  undeliverable: 1"
    assert any("undeliverable" in line and "p0@example.org" in line for line in out)
    assert "        550 5.1.1 no such user" in out
    assert main(["outbox", "--db", db, "list", "--state", "failed"]) == 0
    out = capsys.readouterr().out
    assert "p1@example.org" in out and "p0@example.org" not in out
    # retry one
    assert main(["outbox", "retry", str(refused), "--db", db]) == 0
    assert f"message {refused} queued again" in capsys.readouterr().out
    again = _state(db_path, refused)
    assert (again.state, again.attempts) == ("pending", 0)
    assert again.last_error == "550 5.1.1 no such user"  # kept until the next answer
    # a sent message is never sent again
    assert main(["outbox", "retry", str(sent.id), "--db", db]) == 2
    err = capsys.readouterr().err
    assert err == f"lieux: message {sent.id} is sent: sending it again would deliver it twice\n"
    # retry --all
    assert main(["outbox", "retry", "--all", "--db", db]) == 0
    assert "1 failed or undeliverable message(s) queued again" in capsys.readouterr().out
    assert _state(db_path, failed).state == "pending"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["retry"], "give either a message number or --all"),
        (["retry", "1", "--all"], "give either a message number or --all"),
        (["retry", "999"], "no message 999 in the outbox"),
        (["retry", "x"], "invalid int value"),
        (["list", "--limit", "0"], "--limit 0: expected between 1 and 10000"),
        (["list", "--state", "lost"], "invalid choice"),
    ],
)
def test_outbox_mistakes_are_one_line_and_exit_2(db_path, capsys, args, message):
    assert main(["outbox", *args, "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lieux: ") and message in err and err.count("\n") == 1
