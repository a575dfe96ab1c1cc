"""The system-library check scripts/setup runs: which library is missing, and which package brings it."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from amend import syslibs
from amend.syslibs import LIBRARIES, find_missing, library_versions, load_library, main, packages

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"


class FakeFunction:
    """A C function as ctypes hands it out: callable, with a restype to set."""

    def __init__(self, result: Any) -> None:
        self.result = result
        self.restype: Any = None

    def __call__(self) -> Any:
        return self.result


class FakeLibrary:
    def __init__(self, **functions: Any) -> None:
        for name, result in functions.items():
            setattr(self, name, FakeFunction(result))


def loader(absent: set[str], **versions: Any) -> Any:
    """A finder that has every library but ``absent`` (sonames), with the given version functions."""

    def load(soname: str) -> Any:
        if soname in absent:
            raise OSError(f"{soname}: cannot open shared object file: No such file or directory")
        return FakeLibrary(**versions)

    return load


CURRENT = {"hb_version_string": b"8.3.0", "pango_version_string": b"1.52.1", "FcGetVersion": 21500}


def test_nothing_is_missing_when_every_library_loads(capsys: pytest.CaptureFixture[str]) -> None:
    assert find_missing(loader(set(), **CURRENT)) == []
    assert main([], loader(set(), **CURRENT)) == 0
    assert main(["--packages"], loader(set(), **CURRENT)) == 0
    assert capsys.readouterr().out == ""


def test_a_missing_subsetter_names_its_debian_package(capsys: pytest.CaptureFixture[str]) -> None:
    load = loader({"libharfbuzz-subset.so.0"}, **CURRENT)
    missing = find_missing(load)
    assert [m.library.name for m in missing] == ["HarfBuzz-subset"]
    assert packages(missing) == ["libharfbuzz-subset0"]
    assert main(["--packages"], load) == 1
    assert capsys.readouterr().out == "libharfbuzz-subset0\n"
    assert main([], load) == 1
    assert capsys.readouterr().err == (
        "amend: HarfBuzz-subset (libharfbuzz-subset.so.0) is not installed; "
        "install it: apt-get install libharfbuzz-subset0\n"
    )


@pytest.mark.parametrize(
    ("absent", "expected"),
    [
        ({"libpango-1.0.so.0"}, ["libpango-1.0-0"]),
        ({"libpangoft2-1.0.so.0", "libfontconfig.so.1"}, ["libfontconfig1", "libpangoft2-1.0-0"]),
        ({"libharfbuzz.so.0", "libharfbuzz-subset.so.0"}, ["libharfbuzz0b", "libharfbuzz-subset0"]),
        ({"libgobject-2.0.so.0"}, ["libglib2.0-0"]),
        ({library.soname for library in LIBRARIES}, [library.package for library in LIBRARIES]),
    ],
)
def test_each_missing_library_maps_to_the_package_that_ships_it(absent: set[str], expected: list[str]) -> None:
    assert packages(find_missing(loader(absent, **CURRENT))) == expected


def test_a_harfbuzz_too_old_to_subset_is_reported_as_missing() -> None:
    missing = find_missing(loader(set(), **{**CURRENT, "hb_version_string": b"3.4.0"}))
    assert [(m.library.name, m.reason) for m in missing] == [("HarfBuzz", "is version 3.4.0, older than 4.1.0")]
    assert "apt-get install libharfbuzz0b" in missing[0].message()


def test_versions_are_read_from_the_loaded_libraries(capsys: pytest.CaptureFixture[str]) -> None:
    assert library_versions(loader(set(), **CURRENT)) == {
        "HarfBuzz": "8.3.0",
        "Pango": "1.52.1",
        "fontconfig": "2.15.0",
    }
    assert library_versions(loader({"libpango-1.0.so.0"}, **CURRENT))["Pango"] == "not installed"
    assert main(["--versions"], loader(set(), **CURRENT)) == 0
    assert capsys.readouterr().out == '{"HarfBuzz": "8.3.0", "Pango": "1.52.1", "fontconfig": "2.15.0"}\n'


def test_an_unknown_argument_is_refused_with_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--install"], loader(set())) == 2
    assert "usage: python -m amend.syslibs" in capsys.readouterr().err


def test_the_real_libraries_of_this_machine_load_with_their_versions() -> None:
    assert find_missing(load_library) == []
    versions = library_versions()
    assert set(versions) == {"Pango", "HarfBuzz", "fontconfig"}
    for name, version in versions.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), (name, version)


def test_the_check_covers_every_library_weasyprint_requires() -> None:
    # WeasyPrint's loader lists each library's names; a library it adds must be added here too.
    spec = importlib.util.find_spec("weasyprint")
    assert spec is not None and spec.origin is not None
    source = (Path(spec.origin).parent / "text" / "ffi.py").read_text(encoding="utf-8")
    opened = set(re.findall(r"'(lib[\w.-]+\.so\.\d+)'", source))
    optional = {"libharfbuzz-vector.so.0"}  # only for COLR emoji fonts, which the bundled face is not
    assert opened - optional == {library.soname for library in LIBRARIES}


def test_setup_runs_it_with_the_system_python_before_any_dependency_is_installed() -> None:
    # scripts/setup runs `python -m amend.syslibs` from plugins/ with no virtual environment: stdlib only
    # (-S: no site-packages at all).
    completed = subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            "-c",
            "import sys; sys.path.insert(0, '.'); import amend.syslibs; print(sorted("
            "m for m in sys.modules if m.split('.')[0] not in sys.stdlib_module_names and m != '__main__'))",
        ],
        cwd=PLUGINS,
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.strip() == "['amend', 'amend.syslibs']"
    assert syslibs.__doc__ is not None and "python -m amend.syslibs" in syslibs.__doc__
