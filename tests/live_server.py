"""`lieux` as a real process: `lieux serve` on 127.0.0.1 and a free port (tests and `make bench`),
and a CLI command. Tests that use these read the real clock (tests/real_clock.py marks them)."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def run_lieux(*args: str, timeout: float = 60, **options) -> subprocess.CompletedProcess:
    """`lieux ARGS...` as a command run in a shell would be (`python -m lieux.cli`); its
    output as text."""
    return subprocess.run(
        [sys.executable, "-m", "lieux.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        **options,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


STARTUP_S = 60


class LiveServer:
    """`lieux serve` running as a real process on 127.0.0.1 and a free port."""

    def __init__(self, db_path: Path, env: dict[str, str] | None = None):
        self.db_path = db_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        lieux = shutil.which("lieux", path=str(Path(sys.executable).parent)) or "lieux"
        # A file, not a pipe: a pipe nobody reads fills up and blocks the server's logging.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(
            [lieux, "serve", "--db", str(db_path), "--port", str(self.port)],
            env={**os.environ, "LIEUX_BASE_URL": self.url, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        # Generous: a server starts in ~1 s, but a shared CI machine under load can take 20 s.
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(self.log.read().decode())
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"lieux serve did not answer /healthz within {STARTUP_S} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
