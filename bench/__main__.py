"""Run every benchmark: the widget's, then the feeds' when that module exists, the workers',
the agenda's and the recurrence rules' worst cases."""

import importlib
import importlib.util

from bench import widget


def main() -> None:
    widget.main()
    if importlib.util.find_spec("bench.feeds") is not None:
        importlib.import_module("bench.feeds").main()
    importlib.import_module("bench.workers").main()
    importlib.import_module("bench.agenda").main()
    importlib.import_module("bench.rules").main()


if __name__ == "__main__":
    main()
