"""`lieux serve` as a real process, as `make run` starts it; and how it stops."""

import contextlib
import signal
import socket
import threading
import time
from datetime import UTC, datetime

import httpx
import pytest

from lieux.serving import GRACEFUL_SHUTDOWN_S, STUCK_THREAD_GRACE_S
from tests.deploy.servers import Serve
from tests.people import LIEU_A, add_member, sign_in

# How long after the signal the process may take: the grace, the watchdog, and a loaded machine.
STOP_BOUND_S = GRACEFUL_SHUTDOWN_S + STUCK_THREAD_GRACE_S + 3
# The one change to the real server in these tests: it may import a calendar from 127.0.0.1
# (the slow server below), which its address filter refuses to anyone else. Loaded by Python
# at start-up in the server and in each of its workers (PYTHONPATH).
LOOPBACK_ALLOWED = """
import ipaddress
from lieux.calendar import fetch
fetch.ALLOWED_PRIVATE = frozenset({ipaddress.ip_address("127.0.0.1")})
"""


def test_serve_answers_healthz_and_home(live_server):
    assert httpx.get(live_server.url + "/healthz").text == "ok"
    home = httpx.get(live_server.url + "/")
    assert home.status_code == 200
    assert "Babel&#39;Zin" in home.text


class SlowCalendarServer:
    """An http server on 127.0.0.1 that sends its answer one byte every half second (the
    issue's slow-headers server): importing from it is a real request that stays in flight."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/agenda.ics"
        self.asked = threading.Event()
        self.done = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        connection, _ = self.listener.accept()
        with connection:
            connection.recv(65536)
            self.asked.set()
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\n" * 100:
                if self.done.wait(0.5):
                    return
                try:
                    connection.send(bytes([byte]))
                except OSError:  # the importer is gone
                    return

    def close(self) -> None:
        self.done.set()
        self.listener.close()


@pytest.fixture
def slow_calendar():
    server = SlowCalendarServer()
    yield server
    server.close()


def start_import_in_flight(serve: Serve, db_path, slow: SlowCalendarServer) -> None:
    """A co-manager links the slow calendar; returns once the server is fetching it."""
    member = add_member(db_path, "Co Lente", {LIEU_A: "co-manager"})
    client = httpx.Client(base_url=serve.url, timeout=60)
    csrf = sign_in(client, db_path, member, at=datetime.now(UTC))  # the server's clock

    def link() -> None:
        with contextlib.suppress(httpx.TransportError):  # the server went away, as asked
            client.post(f"/manage/{LIEU_A}/calendars", data={"url": slow.url, "_csrf_token": csrf})
        client.close()

    threading.Thread(target=link, daemon=True).start()
    assert slow.asked.wait(10), "the import never reached the calendar server"
    time.sleep(0.5)


def stop_time(serve: Serve, signum: int) -> float:
    started = time.monotonic()
    serve.process.send_signal(signum)
    try:
        serve.process.wait(timeout=60)
    except Exception:
        serve.process.kill()
        raise
    return time.monotonic() - started


@pytest.mark.any_day
@pytest.mark.parametrize(
    ("signum", "workers"),
    [(signal.SIGTERM, "1"), (signal.SIGTERM, "2"), (signal.SIGINT, "1")],
    ids=["SIGTERM", "SIGTERM-2-workers", "SIGINT"],
)
def test_serve_stops_within_seconds_with_a_request_stuck(
    seeded_path, tmp_path, slow_calendar, signum, workers
):
    (tmp_path / "sitecustomize.py").write_text(LOOPBACK_ALLOWED)
    serve = Serve(seeded_path, "--workers", workers, env={"PYTHONPATH": str(tmp_path)})
    try:
        start_import_in_flight(serve, seeded_path, slow_calendar)
        took = stop_time(serve, signum)
        assert not slow_calendar.done.is_set()  # the import was still waiting for its answer
        serve.log.seek(0)
        log = serve.log.read().decode(errors="replace")
    finally:
        serve.stop()
    # The request in flight had its grace period, then the process left without it.
    assert GRACEFUL_SHUTDOWN_S - 0.5 <= took < STOP_BOUND_S, log[-2000:]
    assert "timeout graceful shutdown exceeded" in log


@pytest.mark.any_day
def test_serve_stops_at_once_when_idle(seeded_path):
    serve = Serve(seeded_path)
    try:
        took = stop_time(serve, signal.SIGTERM)
        serve.log.seek(0)
        log = serve.log.read().decode(errors="replace")
    finally:
        serve.stop()
    assert took < 2, log[-2000:]
    assert "still running" not in log
