"""Run every benchmark: the widget's, then the feeds' when that module exists, the workers',
the agenda's, the recurrence rules' worst cases, and issue 20's hostile writes against a real
server. Exits non-zero when the hostile benchmark misses a goal, so `make bench` says it."""

import importlib
import importlib.util
import sys

from bench import widget


def main() -> int:
    widget.main()
    if importlib.util.find_spec("bench.feeds") is not None:
        importlib.import_module("bench.feeds").main()
    importlib.import_module("bench.workers").main()
    importlib.import_module("bench.agenda").main()
    importlib.import_module("bench.rules").main()
    return importlib.import_module("bench.hostile").main()


if __name__ == "__main__":
    sys.exit(main())
