"""The process `lieux serve` starts in each worker: the app from the LIEUX_* variables, a
shutdown that ends within seconds of SIGTERM even with a request stuck, and malloc kept to a
few arenas."""

import gc
import logging
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


# glibc gives each thread that allocates while another holds the lock its own malloc arena, up
# to eight per core, and memory freed in one stays there: a server whose requests run on a pool
# of threads grows by MB that no request holds (issue 20's goal: under 150 MB). Two arenas are
# the usual setting for threaded Python servers (MALLOC_ARENA_MAX=2).
MALLOC_ARENAS = 2
# Blocks from this size up (an upload's bytes, a feed, a page) get a mapping of their own, given
# back when freed. glibc starts there too but raises the threshold each time such a block is
# freed (up to 32 MB): the big blocks then come from the heap and leave holes the process keeps
# (measured with bench/hostile.py: 151 -> 142 MB at the peak with both settings).
MALLOC_MMAP_THRESHOLD = 128 * 1024
# ... and the heap's free top is given back past this (glibc: 128 KB, raised the same way).
MALLOC_TRIM_THRESHOLD = 128 * 1024
# mallopt's parameters, from glibc's malloc.h, with the environment variable that overrides each
_MALLOPT = {
    "MALLOC_ARENA_MAX": (-8, MALLOC_ARENAS),
    "MALLOC_MMAP_THRESHOLD_": (-3, MALLOC_MMAP_THRESHOLD),
    "MALLOC_TRIM_THRESHOLD_": (-1, MALLOC_TRIM_THRESHOLD),
}


def _tune_malloc() -> None:
    """The settings above for this process, if its C library is glibc (elsewhere nothing to
    do); the environment's MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_ win."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        for variable, (parameter, value) in _MALLOPT.items():
            if not os.environ.get(variable):
                libc.mallopt(parameter, value)
    except (OSError, AttributeError):
        pass


def serve_app():
    """The app of one `lieux serve` worker (uvicorn's factory, run in each worker process): the
    app from the LIEUX_* variables, which exits even if a request's thread is stuck."""
    from lieux.app import create_app_from_env

    _tune_malloc()
    app = create_app_from_env()
    app.on_startup.append(_make_ahead)
    app.on_shutdown.append(_exit_past_stuck_threads)
    return app


def _make_ahead(app) -> None:
    """At start, in a thread (the worker serves meanwhile): what is slow to make once and then
    kept for the process's life, so that the first reader does not pay for it. The guide's QR
    codes: ~4 ms each, two per lieu (100 ms of CPU for the first reader of /guide). Then what
    the process holds from its start is frozen out of the garbage collector's reach: a full
    collection walked its ~135,000 objects (the functions, classes and tables of Litestar,
    pydantic, holidays, Babel, the app's routes and templates) in 65-90 ms, inside whichever
    request set it off (the agenda at the caps: 60 ms became 150). Frozen objects are never
    freed; these live as long as the process anyway."""

    def make() -> None:
        from lieux.db import connect
        from lieux.guide.content import make_qr_codes

        try:
            db = connect(app.state.settings.db)
            try:
                make_qr_codes(db, app.state.settings)
            finally:
                db.close()
        except Exception:  # only a head start: the guide makes what is missing itself
            logging.getLogger(__name__).warning("QR codes not made ahead", exc_info=True)
        gc.freeze()

    threading.Thread(target=make, name="lieux-make-ahead", daemon=True).start()


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
