"""OpenStreetMap's reference evaluator, opening_hours.js, run with node for the tests.

`make test-assets` fetches it (pinned, integrity-checked); nothing is downloaded here. Strings are
read as OSM tools read them for a lieu in Brussels: node runs with TZ=Europe/Brussels (the library
uses the JS Date's local time) and each string gets a Nominatim-like address in the
Brussels-Capital Region, so `PH` means Belgium's public holidays. opening_hours.js 3.15.0 knows
the ten legal ones country-wide; its Belgian "states" (DE, FR, NL: the communities) only add
school holidays, and it has no Brussels region, hence no Iris Day.

Node starts once per `OpeningHoursJs` (about 0.2 s); each `evaluate` call is one batch, one
line of JSON each way.
"""

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

OHJS = (
    Path(__file__).parents[2] / "var" / "test-assets" / "opening_hours-3.15.0" / "opening_hours.js"
)
ZONE = "Europe/Brussels"
# What Nominatim's reverse geocoding gives for an address in Brussels.
BRUSSELS = {
    "lat": "50.8467",
    "lon": "4.3525",
    "address": {
        "country_code": "be",
        "state": "Région de Bruxelles-Capitale - Brussels Hoofdstedelijk Gewest",
        "ISO3166-2-lvl4": "BE-BRU",
    },
}

State = Literal["open", "closed", "unknown"]

# Reads one JSON batch a line, [[value, epoch ms], ...], answers [[state, comment], ...] or
# {"error": ...} for a string the library refuses.
SCRIPT = r"""
const [ohjsPath, nominatim, zone] = process.argv.slice(1);
const opening_hours = require(ohjsPath);
const where = JSON.parse(nominatim);
// The library works in the process's local time: make sure it is Brussels' (CET, then CEST).
const winter = new Date(Date.UTC(2027, 0, 15)).getTimezoneOffset();
const summer = new Date(Date.UTC(2027, 6, 15)).getTimezoneOffset();
if (winter !== -60 || summer !== -120) {
  throw new Error(`local time is not ${zone}: offsets ${winter}, ${summer}`);
}
const parsed = new Map();
function oh(value) {
  if (!parsed.has(value)) {
    if (parsed.size > 1000) parsed.clear();
    parsed.set(value, new opening_hours(value, where, {tag_key: "opening_hours", locale: "fr"}));
  }
  return parsed.get(value);
}
const lines = require("readline").createInterface({input: process.stdin});
lines.on("line", (line) => {
  let answer;
  try {
    answer = JSON.parse(line).map(([value, ms]) => {
      let it;
      try {
        it = oh(value);
      } catch (error) {
        throw `${JSON.stringify(value)}: ${error}`;
      }
      const at = new Date(ms);
      const state = it.getUnknown(at) ? "unknown" : it.getState(at) ? "open" : "closed";
      return [state, it.getComment(at) ?? null];
    });
  } catch (error) {
    answer = {error: String(error)};
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
"""


class OhJsError(ValueError):
    """opening_hours.js refused a string (or node failed)."""


class OpeningHoursJs:
    """One node process running opening_hours.js; `evaluate` sends it a batch."""

    def __init__(self) -> None:
        if not OHJS.is_file():
            raise FileNotFoundError(f"{OHJS} is missing: run `make test-assets` (make test does)")
        node = shutil.which("node")
        if node is None:
            raise FileNotFoundError("node is missing (npm, which make test-assets uses, brings it)")
        self._process = subprocess.Popen(
            [node, "-e", SCRIPT, str(OHJS), json.dumps(BRUSSELS), ZONE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={**os.environ, "TZ": ZONE},
        )

    def evaluate(self, pairs: Sequence[tuple[str, datetime]]) -> list[tuple[State, str | None]]:
        """(state, comment) that opening_hours.js gives each string at each aware instant."""
        if not pairs:
            return []
        batch = [[value, round(at.astimezone(UTC).timestamp() * 1000)] for value, at in pairs]
        self._process.stdin.write(json.dumps(batch) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            self.close()
            raise OhJsError(f"node stopped: {self._process.stderr.read().strip()}")
        answer = json.loads(line)
        if isinstance(answer, dict):
            raise OhJsError(answer["error"])
        return [(state, comment) for state, comment in answer]

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.stdin.close()
            self._process.wait(timeout=10)

    def __enter__(self) -> "OpeningHoursJs":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def evaluate(pairs: Sequence[tuple[str, datetime]]) -> list[tuple[State, str | None]]:
    """One batch in a node process of its own."""
    with OpeningHoursJs() as ohjs:
        return ohjs.evaluate(pairs)
