"""The lock files scripts/setup installs from: every dependency pinned, with hashes, and no index named."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCKS = {"run": ROOT / "requirements" / "run.lock", "all": ROOT / "requirements" / "all.lock"}
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][\w.-]*)==(?P<version>\S+)(?:\s*;\s*(?P<marker>[^\\]+?))?\s*\\?$")


def pins(lock: Path) -> dict[str, list[tuple[str, str]]]:
    """name → [(version, marker)] as the lock file pins them."""
    found: dict[str, list[tuple[str, str]]] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            found.setdefault(canonicalize_name(match["name"]), []).append(
                (match["version"], (match["marker"] or "").strip())
            )
    return found


def pinned_here(lock: Path, name: str) -> str | None:
    """The version of ``name`` this Python would install from ``lock`` (markers evaluated)."""
    environment = default_environment()
    for version, marker in pins(lock).get(canonicalize_name(name), []):
        if not marker or Requirement(f"x; {marker}").marker.evaluate(environment):  # type: ignore[union-attr]
            return version
    return None


def requirements(*groups: str) -> list[Requirement]:
    project = PYPROJECT["project"]
    listed = list(project["dependencies"]) + list(PYPROJECT["build-system"]["requires"])
    for group in groups:
        listed += project["optional-dependencies"][group]
    return [Requirement(text) for text in listed]


@pytest.mark.parametrize(
    ("lock", "groups"), [("run", ()), ("all", tuple(PYPROJECT["project"]["optional-dependencies"]))]
)
def test_every_dependency_is_pinned_to_a_version_pyproject_allows(lock: str, groups: tuple[str, ...]) -> None:
    for requirement in requirements(*groups):
        version = pinned_here(LOCKS[lock], requirement.name)
        assert version is not None, f"{requirement.name} is not in {LOCKS[lock].name}: run scripts/lock"
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{LOCKS[lock].name} pins {requirement.name}=={version}, outside {requirement}: run scripts/lock"
        )


def test_the_run_time_lock_pins_the_same_versions_as_the_full_one() -> None:
    run, full = pins(LOCKS["run"]), pins(LOCKS["all"])
    assert set(run) <= set(full)
    for name, versions in run.items():
        assert [v for v, _ in versions] == [v for v, _ in full[name]], name


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_pin_carries_hashes_and_no_index_is_named(lock: str) -> None:
    text = LOCKS[lock].read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    assert blocks and all(re.search(r"--hash=sha256:[0-9a-f]{64}", block) for block in blocks)
    assert not re.search(r"--(extra-)?index-url|--find-links|--trusted-host|://", text)


def test_pyproject_gives_lower_bounds_and_leaves_exact_versions_to_the_lock() -> None:
    for requirement in requirements(*PYPROJECT["project"]["optional-dependencies"]):
        operators = {spec.operator for spec in requirement.specifier}
        assert ">=" in operators, f"{requirement} has no lower bound"
        assert not operators & {"==", "===", "~="}, f"{requirement}: exact versions belong in the lock files"
