"""The systemd units of deploy/systemd: systemd itself reads them without a warning, the
commands they run are the ones `lieux` knows, and the backup keeps the newest KEEP copies."""

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lieux.cli import build_parser

UNITS = Path(__file__).parents[2] / "deploy" / "systemd"
LIEUX = str(Path(sys.executable).parent / "lieux")


def directives(unit: Path) -> dict[str, list[str]]:
    """`Key=value` lines of a unit (continuations joined, `%%` unescaped), by key."""
    found: dict[str, list[str]] = {}
    text = unit.read_text().replace("\\\n", " ")
    for line in text.splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip().replace("%%", "%"))
    return found


def test_systemd_reads_the_units_without_a_warning(tmp_path):
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing (Debian package systemd)"
    env = tmp_path / "lieux.env"
    env.write_text((UNITS.parent / "lieux.env.example").read_text())
    for unit in UNITS.iterdir():
        # Files this machine lacks (the install, the settings) swapped for ones it has.
        text = unit.read_text().replace("/opt/lieux/.venv/bin/lieux", LIEUX)
        (tmp_path / unit.name).write_text(text.replace("/etc/lieux/lieux.env", str(env)))
    checked = subprocess.run(
        [analyze, "verify", *sorted(str(tmp_path / unit.name) for unit in UNITS.iterdir())],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
    )
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr


def test_the_service_is_sandboxed_and_runs_lieux_serve_behind_the_proxy():
    service = directives(UNITS / "lieux.service")
    for key, value in {
        "User": "lieux",
        "ProtectSystem": "strict",
        "StateDirectory": "lieux",
        "NoNewPrivileges": "yes",
        "PrivateTmp": "yes",
        "EnvironmentFile": "/etc/lieux/lieux.env",
    }.items():
        assert service[key] == [value], key
    # Two workers sum their metrics in the directory systemd empties at each start.
    assert service["RuntimeDirectory"] == ["lieux-metrics"]
    assert "PROMETHEUS_MULTIPROC_DIR=/run/lieux-metrics" in service["Environment"]
    command = shlex.split(service["ExecStart"][0])
    assert command[0] == "/opt/lieux/.venv/bin/lieux"
    args = build_parser().parse_args(command[1:])
    assert (args.command, args.host, args.port) == ("serve", "127.0.0.1", 8000)
    assert args.workers == 2 and args.proxy_headers
    # The address nginx's upstream points at.
    site = (UNITS.parent / "nginx" / "lieux.conf").read_text()
    assert f"server {args.host}:{args.port};" in site
    assert build_parser().parse_args(shlex.split(service["ExecStartPre"][0])[1:]).command == "init"


@pytest.mark.real_clock  # the unit's shell script runs `lieux backup`
def test_the_backup_keeps_the_newest_copies(seeded_path, tmp_path):
    backup = directives(UNITS / "lieux-backup.service")
    assert backup["Type"] == ["oneshot"]
    assert "OnCalendar" in directives(UNITS / "lieux-backup.timer")
    state = tmp_path / "state"
    (state / "backups").mkdir(parents=True)
    old = [state / "backups" / f"lieux-2026010{day}T033000Z.sqlite3" for day in range(1, 4)]
    for path in old:
        path.write_bytes(b"")
    shell = shlex.split(backup["ExecStart"][0])
    assert shell[:2] == ["/bin/sh", "-ec"]
    script = shell[2].replace("/opt/lieux/.venv/bin/lieux", LIEUX)
    script = script.replace("/var/lib/lieux", str(state))
    keep = backup["Environment"][-1]
    assert keep == "KEEP=14"
    env = {**os.environ, "LIEUX_DB": str(seeded_path), "KEEP": "3"}
    subprocess.run(["/bin/sh", "-ec", script], env=env, check=True, capture_output=True)
    kept = sorted((state / "backups").iterdir())
    assert kept[:2] == old[1:]  # the oldest went; three remain
    assert len(kept) == 3
    with sqlite3.connect(kept[-1]) as copy:
        assert copy.execute("SELECT count(*) FROM lieux").fetchone()[0] > 0


def test_systemd_waits_longer_than_lieux_serve_takes_to_stop():
    """systemd's stop timeout covers `lieux serve`'s own grace for requests in flight and its
    leaving a stuck one behind (tests/test_serve.py measures both), without waiting long."""
    from lieux.serving import GRACEFUL_SHUTDOWN_S, STUCK_THREAD_GRACE_S

    [timeout] = directives(UNITS / "lieux.service")["TimeoutStopSec"]
    assert timeout.endswith("s")
    seconds = int(timeout.removesuffix("s"))
    assert GRACEFUL_SHUTDOWN_S + STUCK_THREAD_GRACE_S + 5 <= seconds <= 30
