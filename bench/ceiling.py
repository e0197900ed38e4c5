"""The ceiling: a bare Litestar app answering a constant 1 KB, served like `lieux serve`.

Nothing we build can answer faster than Litestar and uvicorn with no middleware, no dependency
and no template, on the same machine and with the same server options. The widget and feed
benchmarks report their throughput as a ratio to this app, measured in the same alternating
rounds, so the figure says what our code costs on top of the framework.

`python -m bench.ceiling PORT` serves it on 127.0.0.1:PORT; `CeilingServer` starts that process.
"""

import subprocess
import sys
import time

import httpx
from litestar import Litestar, MediaType, get

from tests.live_server import free_port

BODY = b"x" * 1023 + b"\n"  # 1 KB
PATH = "/"


@get(PATH, media_type=MediaType.TEXT, sync_to_thread=False)
def constant() -> bytes:
    return BODY


app = Litestar(route_handlers=[constant])


class CeilingServer:
    """The bare app in its own process on 127.0.0.1 and a free port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.ceiling", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the ceiling app exited at start")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}{PATH}", timeout=1).content == BODY:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the ceiling app did not answer within 20 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


if __name__ == "__main__":
    import uvicorn

    # The options `lieux serve` passes to uvicorn (lieux/cli.py), access log included.
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="info")
