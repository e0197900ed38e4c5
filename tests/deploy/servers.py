"""Real processes for the deployment tests and `make bench`: `lieux serve` with any options, and
Debian's nginx running deploy/nginx/lieux.conf unprivileged on loopback ports."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.live_server import STARTUP_S, free_port

SITE = Path(__file__).parents[2] / "deploy" / "nginx" / "lieux.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _wait_until_up(url: str, process: subprocess.Popen, log, what: str) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"{what} stopped: {log.read().decode(errors='replace')}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer {url} within {STARTUP_S} s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Serve:
    """`lieux serve --db DB ARGS...` on 127.0.0.1 and a free port."""

    def __init__(self, db_path: Path, *args: str, env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        lieux = shutil.which("lieux", path=str(Path(sys.executable).parent)) or "lieux"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(
            [lieux, "serve", "--db", str(db_path), "--port", str(self.port), *args],
            env={**os.environ, "LIEUX_BASE_URL": self.url, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        try:
            _wait_until_up(self.url + "/healthz", self.process, self.log, "lieux serve")
        except RuntimeError:
            self.stop()
            raise

    def workers(self) -> list[int]:
        """Process ids of the worker processes (uvicorn's children), or [] with one worker."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = [int(pid) for pid in children.read_text().split()]
        return [pid for pid in pids if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]

    def stop(self) -> None:
        _stop(self.process)
        self.log.close()


def nginx_config(site: str, *, upstream: int, http_port: int, https_port: int, root: Path) -> str:
    """deploy/nginx/lieux.conf made runnable here: loopback ports, files under `root`, no TLS
    (certificates are certbot's). Every change must find its line, so the test follows the site."""
    changes = [
        (r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{upstream};", 1),
        (r"/var/cache/nginx/lieux", str(root / "cache"), 1),
        (r"listen 80;", f"listen 127.0.0.1:{http_port};", 1),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port};", 1),
        (r"\n *listen \[::\]:(80|443 ssl http2);", "", 2),
        (r"\n *ssl_[a-z_]+ [^;]+;", "", 5),
        (r"root /var/www/html;", f"root {root / 'www'};", 1),
    ]
    for pattern, replacement, expected in changes:
        site, count = re.subn(pattern, replacement, site)
        if count != expected:
            raise AssertionError(f"{SITE.name}: {pattern!r} found {count} times, not {expected}")
    temp = "\n".join(
        f"    {kind}_temp_path {root / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""  # as root, workers would be nobody
    return f"""{user}daemon off;
worker_processes 1;
pid {root / "nginx.pid"};
error_log {root / "error.log"} info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {root / "access.log"};
{temp}
    uwsgi_temp_path {root / "uwsgi"};
    scgi_temp_path {root / "scgi"};
{site}
}}
"""


class Nginx:
    """nginx with deploy/nginx/lieux.conf in front of `upstream` (a port on 127.0.0.1)."""

    def __init__(self, upstream: int, root: Path):
        root.mkdir(parents=True, exist_ok=True)
        (root / "www").mkdir(exist_ok=True)
        self.root = root
        self.port = free_port()
        self.http_port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = root / "nginx.conf"
        config.write_text(
            nginx_config(
                SITE.read_text(),
                upstream=upstream,
                http_port=self.http_port,
                https_port=self.port,
                root=root,
            )
        )
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(
            [NGINX, "-p", str(root), "-c", str(config), "-e", str(root / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        try:
            _wait_until_up(self.url + "/healthz", self.process, self.log, "nginx")
        except RuntimeError as error:
            self.stop()
            raise RuntimeError(f"{error}\n{(root / 'error.log').read_text()}") from None

    def stop(self) -> None:
        _stop(self.process)
        self.log.close()
