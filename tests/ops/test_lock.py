"""The lock files (requirements/*.txt, `make lock`) pin every dependency pyproject.toml names,
each with its hashes: a dependency added to pyproject.toml without `make lock` fails here."""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^ ;\\]+)", re.MULTILINE)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text("utf-8")
    return {normalise(name): version for name, version in PIN.findall(text)}


def names(requirements: list[str]) -> set[str]:
    return {normalise(re.match(r"[A-Za-z0-9_.\-]+", r).group()) for r in requirements}


@pytest.mark.parametrize(
    ("lock", "wanted"),
    [
        ("runtime.txt", names(PROJECT["dependencies"])),
        ("test.txt", names(PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"])),
    ],
)
def test_every_dependency_is_pinned_with_hashes(lock, wanted):
    found = pinned(lock)
    assert wanted - found.keys() == set(), f"run `make lock`: {lock} misses them"
    text = (ROOT / "requirements" / lock).read_text("utf-8")
    for block in re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2]):
        if PIN.match(block):
            assert "--hash=sha256:" in block, block.splitlines()[0]


def test_the_test_lock_agrees_with_the_runtime_lock():
    runtime, test = pinned("runtime.txt"), pinned("test.txt")
    assert {name: test.get(name) for name in runtime} == runtime
