"""Reproducible builds: every dependency is bounded in pyproject.toml, and the lock files that
`make install`, CI and the Docker image install from pin every package of the resolution with
hashes."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _locked(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+) \\$", text, re.MULTILINE))
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.strip())
    for entry in entries:
        assert "--hash=sha256:" in entry, f"{lock}: no hash for {entry.splitlines()[0]}"
    return {name.lower().replace("_", "-"): version for name, version in pins.items()}


def _declared(*, dev: bool) -> list[str]:
    runtime = PYPROJECT["project"]["dependencies"]
    return runtime + (PYPROJECT["project"]["optional-dependencies"]["dev"] if dev else [])


def test_every_declared_dependency_has_an_upper_bound():
    for requirement in _declared(dev=True):
        assert "<" in requirement, f"{requirement} has no upper bound"


def test_the_locks_pin_every_declared_dependency_with_hashes():
    base = _locked("base.txt")
    dev = _locked("dev.txt")
    for requirement in _declared(dev=False):
        assert _name(requirement) in base, f"{requirement} missing from requirements/base.txt"
    for requirement in _declared(dev=True):
        assert _name(requirement) in dev, f"{requirement} missing from requirements/dev.txt"
    # The runtime resolution is the same in both files: tests run what production runs.
    for name, version in base.items():
        assert dev.get(name) == version, (
            f"{name}: {version} in base.txt, {dev.get(name)} in dev.txt"
        )


def test_install_and_ci_use_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet --require-hashes --no-deps -r requirements/dev.txt" in makefile
    assert "\nlock:" in makefile
    assert 'pip install ".[dev]"' not in makefile
