"""Every installed package is pinned (docs/dependencies.md): the compiled lists name each one at
an exact version, and agree with the .in files they are built from. Reads the files only."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][A-Za-z0-9.+!-]*)$")


def _name(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _lines(filename):
    """The file's requirement lines, comments and blank lines dropped."""
    for line in (ROOT / filename).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            yield line


def _pins(filename):
    pins = {}
    for line in _lines(filename):
        match = PIN.match(line)
        assert match, f"{filename}: {line!r} is not name==version"
        assert _name(match[1]) not in pins, f"{filename}: {match[1]} twice"
        pins[_name(match[1])] = match[2]
    return pins


def _direct(filename):
    """The .in file's direct dependencies, following its -r lines (-c only constrains)."""
    pins = {}
    for line in _lines(filename):
        if line.startswith("-r "):
            pins.update(_direct(line[3:].strip()))
        elif line.startswith("-c "):
            continue
        else:
            match = PIN.match(line)
            assert match, f"{filename}: {line!r} should keep an exact pin (name==version)"
            pins[_name(match[1])] = match[2]
    return pins


@pytest.mark.parametrize("compiled", ["requirements.txt", "requirements-dev.txt"])
def test_the_compiled_lists_pin_every_package_exactly(compiled):
    assert _pins(compiled)


@pytest.mark.parametrize(
    "source, compiled",
    [("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")],
)
def test_every_direct_dependency_is_in_its_compiled_list_at_its_pin(source, compiled):
    pins = _pins(compiled)
    for name, version in _direct(source).items():
        assert pins.get(name) == version, f"{name}=={version} ({source}) vs {compiled}"


def test_the_dev_list_installs_the_runtime_list_unchanged():
    runtime, dev = _pins("requirements.txt"), _pins("requirements-dev.txt")
    assert {name: dev.get(name) for name in runtime} == runtime


def test_pip_tools_stays_out_of_the_runtime_list():
    assert "pip-tools" not in _pins("requirements.txt")
    assert "pip-tools" in _direct("requirements-dev.in")
