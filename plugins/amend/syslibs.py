"""The system libraries WeasyPrint draws text with: are they there, and which Debian package brings each.

WeasyPrint loads Pango, PangoFT2, HarfBuzz, HarfBuzz's subsetter, fontconfig and
GObject with ``dlopen`` when it is imported. Without the subsetter it still
imports, and falls back to fontTools with a warning for every font of every PDF
(different bytes, and a build that fails late, once per PDF). So this module
loads each library itself, the way WeasyPrint does, and names the package that
installs a missing or too old one.

It imports nothing outside the standard library and no other amend module:
``scripts/setup`` runs it (``python -m amend.syslibs``) with the system Python
before any virtual environment exists, and :mod:`amend.pdf` asks it before
rendering. It never reads the clock, the environment or the working folder.

    python -m amend.syslibs              # exit 0 when every library loads; else says what to install
    python -m amend.syslibs --packages   # only the Debian packages to install, one line, space-separated
    python -m amend.syslibs --versions   # the libraries' versions, as JSON
"""

from __future__ import annotations

import ctypes
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

# Loads one shared library by its file name; raises OSError when it cannot (ctypes.CDLL does both).
Loader = Callable[[str], Any]


@dataclass(frozen=True, slots=True)
class Library:
    """One shared library WeasyPrint loads, as its soname, and the Debian package that ships it."""

    name: str  # as people call it: "HarfBuzz-subset"
    soname: str  # the file dlopen finds: "libharfbuzz-subset.so.0"
    package: str  # the Debian package with that file: "libharfbuzz-subset0"
    minimum: tuple[int, int, int] | None = None  # the oldest version WeasyPrint can use, where it says so


# What WeasyPrint's text/ffi.py opens, in its order (Linux names; Debian 12 package names).
LIBRARIES: tuple[Library, ...] = (
    Library("GObject", "libgobject-2.0.so.0", "libglib2.0-0"),
    Library("Pango", "libpango-1.0.so.0", "libpango-1.0-0", (1, 44, 0)),
    Library("HarfBuzz", "libharfbuzz.so.0", "libharfbuzz0b", (4, 1, 0)),
    # Optional to WeasyPrint, which then subsets fonts with fontTools: other bytes, and a warning per font.
    Library("HarfBuzz-subset", "libharfbuzz-subset.so.0", "libharfbuzz-subset0"),
    Library("fontconfig", "libfontconfig.so.1", "libfontconfig1"),
    Library("PangoFT2", "libpangoft2-1.0.so.0", "libpangoft2-1.0-0"),
)


@dataclass(frozen=True, slots=True)
class Missing:
    """A library that did not load, or loaded at a version WeasyPrint cannot use."""

    library: Library
    reason: str  # "not installed", or "version 3.0.0 is older than 4.1.0"

    def message(self) -> str:
        return (
            f"{self.library.name} ({self.library.soname}) {self.reason}; "
            f"install it: apt-get install {self.library.package}"
        )


def load_library(soname: str) -> Any:
    """The library loaded with ``dlopen``, as WeasyPrint's cffi loads it; OSError when it is not there."""
    return ctypes.CDLL(soname)


def find_missing(load: Loader = load_library, libraries: Sequence[Library] = LIBRARIES) -> list[Missing]:
    """Every library that does not load (or is too old), in WeasyPrint's order; empty when all is well."""
    missing: list[Missing] = []
    for library in libraries:
        try:
            handle = load(library.soname)
        except OSError:
            missing.append(Missing(library, "is not installed"))
            continue
        if library.minimum is not None:
            found = _version(library, handle)
            if found is not None and found < library.minimum:
                missing.append(Missing(library, f"is version {_dotted(found)}, older than {_dotted(library.minimum)}"))
    return missing


def packages(missing: Sequence[Missing]) -> list[str]:
    """The Debian packages that install ``missing``, each once, in order."""
    return list(dict.fromkeys(m.library.package for m in missing))


def library_versions(load: Loader = load_library) -> dict[str, str]:
    """The versions of Pango, HarfBuzz and fontconfig this process loads (for ``versions.json``)."""
    found: dict[str, str] = {}
    for library in LIBRARIES:
        if library.name not in _VERSION_READERS:
            continue
        try:
            handle = load(library.soname)
        except OSError:
            found[library.name] = "not installed"
            continue
        version = _version(library, handle)
        found[library.name] = _dotted(version) if version is not None else "unknown"
    return found


def _version(library: Library, handle: Any) -> tuple[int, int, int] | None:
    reader = _VERSION_READERS.get(library.name)
    if reader is None:
        return None
    try:
        return reader(handle)
    except (AttributeError, ValueError):  # a library without the function, or an odd version string
        return None


def _string_version(function: str) -> Callable[[Any], tuple[int, int, int]]:
    def read(handle: Any) -> tuple[int, int, int]:
        call = getattr(handle, function)
        call.restype = ctypes.c_char_p
        text = call().decode("ascii")
        major, minor, micro = (int(part) for part in text.split(".")[:3])
        return major, minor, micro

    return read


def _fontconfig_version(handle: Any) -> tuple[int, int, int]:
    number = int(handle.FcGetVersion())  # 21400 for 2.14.0
    return number // 10000, number // 100 % 100, number % 100


_VERSION_READERS: dict[str, Callable[[Any], tuple[int, int, int]]] = {
    "Pango": _string_version("pango_version_string"),
    "HarfBuzz": _string_version("hb_version_string"),
    "fontconfig": _fontconfig_version,
}


def _dotted(version: tuple[int, int, int]) -> str:
    return ".".join(str(part) for part in version)


def main(argv: Sequence[str] | None = None, load: Loader = load_library) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--versions"]:
        print(json.dumps(library_versions(load), sort_keys=True))
        return 0
    if args not in ([], ["--packages"]):
        print("usage: python -m amend.syslibs [--packages | --versions]", file=sys.stderr)
        return 2
    missing = find_missing(load)
    if args == ["--packages"]:
        if missing:
            print(" ".join(packages(missing)))
        return 1 if missing else 0
    for item in missing:
        print(f"amend: {item.message()}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
