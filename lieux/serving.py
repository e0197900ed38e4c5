"""The process `lieux serve` starts in each worker: the app from the LIEUX_* variables, and a
shutdown that ends within seconds of SIGTERM even with a request stuck."""

import os
import sys
import threading
import time

# At SIGTERM, requests in flight get this long to finish; then uvicorn cancels them. Every
# honest request answers in milliseconds (lieux/budget.py stops one after BUDGET_S).
GRACEFUL_SHUTDOWN_S = 5
# ... and a request thread that cannot be cancelled (stuck in a loop or on a slow server) gets
# this long more before the process exits without it (deploy/systemd/lieux.service allows for both).
STUCK_THREAD_GRACE_S = 1


def serve_app():
    """The app of one `lieux serve` worker (uvicorn's factory, run in each worker process): the
    app from the LIEUX_* variables, which exits even if a request's thread is stuck."""
    from lieux.app import create_app_from_env

    app = create_app_from_env()
    app.on_shutdown.append(_exit_past_stuck_threads)
    return app


def _exit_past_stuck_threads() -> None:
    """At shutdown (after uvicorn's graceful wait and the cancelling of the requests still in
    flight): a sync handler's thread cannot be cancelled, and the interpreter waits for it at
    exit (asyncio.run waits for its task, threading for the thread). So unless the process is
    gone STUCK_THREAD_GRACE_S later, it leaves without them."""

    def leave() -> None:
        time.sleep(STUCK_THREAD_GRACE_S)
        busy = [
            thread.name
            for thread in threading.enumerate()
            if thread is not threading.main_thread() and not thread.daemon
        ]
        print(
            f"lieux serve: {len(busy)} thread(s) still running {STUCK_THREAD_GRACE_S} s after "
            f"the shutdown ({', '.join(busy) or 'the main thread'}): exiting without them",
            file=sys.stderr,
            flush=True,
        )
        os._exit(0)  # stopping was asked for: this is a clean stop, not a crash

    threading.Thread(target=leave, name="lieux-exit", daemon=True).start()
