"""A disk cache of rendered text fragments (compare-page redlines) kept between builds.

A warm build re-diffed every pair of revisions; with this cache a pair is
diffed again only when one of its two texts, the page's links or the code
that makes a redline changed. Keys are SHA-256 digests of those inputs; the
cache folder is the build's ``cache_dir``. This module touches the disk and
nothing else: it never reads the clock or the environment.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def module_sources(root: str) -> list[Path]:
    """The files of amend module ``root`` and every amend module it imports, directly or not."""
    seen: set[str] = set()
    todo = [root]
    while todo:
        name = todo.pop()
        path = _PACKAGE / f"{name}.py"
        if name in seen or not path.is_file():
            continue
        seen.add(name)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                todo.extend([node.module.split(".")[0]] if node.module else [alias.name for alias in node.names])
    return [_PACKAGE / f"{name}.py" for name in sorted(seen | {"__init__"})]


def sources_digest(roots: Iterable[str]) -> str:
    """SHA-256 over the source of the modules behind ``roots``: a change to that code changes every key."""
    digest = hashlib.sha256()
    for path in sorted({p for root in roots for p in module_sources(root)}):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def key_of(*parts: str) -> str:
    """A cache key from the inputs that shape a fragment."""
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


class FragmentCache:
    """JSON fragments in ``folder/<key>.json``, written atomically; unreadable entries count as missing."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def get(self, key: str) -> dict[str, object] | None:
        self.used.add(key)
        try:
            value = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    def put(self, key: str, value: dict[str, object]) -> None:
        self.used.add(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(value, out, ensure_ascii=False)
            os.replace(temporary, self.folder / f"{key}.json")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def prune(self) -> None:
        """Remove entries this build did not ask for (revisions or code that no longer exist)."""
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("*.json")):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)
