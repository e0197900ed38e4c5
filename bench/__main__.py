"""Run every benchmark: the widget's, then the feeds' when that module exists, the workers',
the agenda's, the recurrence rules' worst cases, and issue 20's hostile writes against a real
server. One that fails does not stop the others; `make bench` exits non-zero when one failed
or the hostile benchmark missed a goal, so it says it."""

import importlib
import importlib.util
import sys
import traceback

MODULES = ["widget", "feeds", "workers", "agenda", "rules", "hostile"]


def main() -> int:
    failed = []
    for name in MODULES:
        if importlib.util.find_spec(f"bench.{name}") is None:
            continue
        try:
            if importlib.import_module(f"bench.{name}").main():  # non-zero: a goal missed
                failed.append(name)
        except Exception:
            traceback.print_exc()
            failed.append(name)
    if failed:
        print(f"benchmarks that failed or missed a goal: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
