"""The archive of published files: once a PDF (or Word file) is published, its bytes never change.

The archive is a folder (the publish workflow keeps it as the ``published``
branch, checked out for each build) holding every file ever published, at its
site path, and ``published.json``: per file its SHA-256, size, the as-of date
it was first published, the cache key of the inputs that made it and what
made it (:func:`amend.pdfcache.renderer_record`). A build serves the archived
bytes of every file already published, compares them with a fresh render, and
reports a difference as :class:`Drift` (which file, which part of the renderer
changed) without ever replacing the published file. Files the archive does not
hold yet are served fresh and added to it.

A deliberate re-issue (a typo in a running header) is a record in
``reissues.yml``: the file keeps its name, bytes and checksum, and the fresh
render is published beside it under a new name (:func:`reissued_name`).

This module reads and writes only the folders it is given; it never reads the
clock, the environment or the working folder.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from .manifest import sha256
from .problems import Problem

INDEX = "published.json"
REISSUES = "reissues.yml"


@dataclass(frozen=True, slots=True)
class ArchivedFile:
    """One published file as the archive records it."""

    path: str  # site-relative, e.g. security/baa/2025-10-17.pdf
    sha256: str
    size: int
    published: date  # the as-of date of the build that first published it
    key: str  # the cache key of the inputs it was rendered from (pdfcache.job_key)
    made_with: dict[str, str]  # what rendered it: versions, stylesheet, fonts, amend's code

    def as_json(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "bytes": self.size,
            "published": self.published.isoformat(),
            "key": self.key,
            "made_with": dict(sorted(self.made_with.items())),
        }


@dataclass(frozen=True, slots=True)
class Reissue:
    """A deliberate re-issue of a published file: its fresh render published under a new name."""

    file: str  # the published file's site path
    on: date
    reason: str
    line: int

    @property
    def new_name(self) -> str:
        return reissued_name(self.file, self.on)


def reissued_name(path: str, on: date) -> str:
    """``security/baa/2025-10-17.pdf`` re-issued on 2026-12-01 → ``security/baa/2025-10-17.reissued-2026-12-01.pdf``."""
    pure = PurePosixPath(path)
    return str(pure.with_name(f"{pure.stem}.reissued-{on.isoformat()}{pure.suffix}"))


@dataclass(frozen=True, slots=True)
class Drift:
    """A fresh render that differs from the published bytes, and what changed in the renderer since."""

    path: str
    published_sha256: str
    fresh_sha256: str
    changed: tuple[tuple[str, str, str], ...]  # (part, then, now), sorted by part

    def render(self) -> str:
        parts = "; ".join(f"{part} {then} → {now}" for part, then, now in self.changed)
        why = f"what changed since it was published: {parts}" if parts else "nothing the record names changed"
        return (
            f"{self.path}: a fresh render differs from the published file (sha256 {self.published_sha256[:12]} "
            f"published, {self.fresh_sha256[:12]} now); {why}; the published file is served unchanged"
        )


def made_with_changes(then: Mapping[str, str], now: Mapping[str, str]) -> tuple[tuple[str, str, str], ...]:
    """Each part of the renderer whose record differs, as (part, then, now)."""
    parts = sorted(set(then) | set(now))
    return tuple(
        (part, then.get(part, "absent"), now.get(part, "absent")) for part in parts if then.get(part) != now.get(part)
    )


@dataclass
class Archive:
    """The files already published, read from an archive folder."""

    root: Path
    files: dict[str, ArchivedFile] = field(default_factory=dict)

    def read(self, path: str) -> bytes:
        return (self.root / path).read_bytes()

    def published_by(self, as_of: date) -> dict[str, ArchivedFile]:
        """The files published on or before ``as_of`` (a build of an earlier day serves only those)."""
        return {path: entry for path, entry in self.files.items() if entry.published <= as_of}


def load_archive(root: Path, shown: str) -> tuple[Archive | None, list[Problem]]:
    """The archive in ``root``; an empty folder is an empty archive (the first publishing run).

    ``shown`` names the folder in problems. Every listed file must be there with
    its recorded SHA-256: an archive that lost or changed a published file is
    refused, never repaired by rendering it again.
    """
    if not root.is_dir():
        return None, [
            Problem(
                shown,
                None,
                "the archive of published files is not there; check out the 'published' branch into it "
                "(git worktree add <folder> published), or build without an archive: the files are then not "
                "the published ones",
            )
        ]
    index = root / INDEX
    if not index.is_file():
        return Archive(root), []
    where = f"{shown.rstrip('/')}/{INDEX}"
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
        entries = data["files"]
        files = {
            str(path): ArchivedFile(
                path=str(path),
                sha256=str(entry["sha256"]),
                size=int(entry["bytes"]),
                published=date.fromisoformat(str(entry["published"])),
                key=str(entry.get("key", "")),
                made_with={str(k): str(v) for k, v in (entry.get("made_with") or {}).items()},
            )
            for path, entry in entries.items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        return None, [
            Problem(where, None, f"not a readable archive index ({error}); restore it from the published branch")
        ]
    problems = []
    for path, entry in sorted(files.items()):
        target = root / path
        if PurePosixPath(path).is_absolute() or ".." in PurePosixPath(path).parts:
            problems.append(Problem(where, None, f"'{path}' is outside the archive; restore the index"))
            continue
        try:
            found = sha256(target.read_bytes())
        except OSError:
            problems.append(
                Problem(where, None, f"{path} is listed but missing; restore it from the published branch's history")
            )
            continue
        if found != entry.sha256:
            problems.append(
                Problem(
                    where,
                    None,
                    f"{path} has sha256 {found[:12]}, but was published with {entry.sha256[:12]}; a published file "
                    "never changes: restore it from the published branch's history",
                )
            )
    if problems:
        return None, problems
    return Archive(root, files), []


@dataclass(frozen=True, slots=True)
class Served:
    """What a build publishes: each file's bytes, the files new to the archive, and the drift found."""

    files: dict[str, bytes]
    added: tuple[str, ...]
    drift: tuple[Drift, ...]
    reissued: tuple[Reissue, ...] = ()


def served_paths(names: list[str], archive: Archive, as_of: date, reissues: tuple[Reissue, ...] = ()) -> list[str]:
    """Every path :func:`serve` will fill for jobs writing ``names``: known before anything is rendered."""
    extra = [r.new_name for r in reissues if r.file in names and r.on <= as_of]
    return sorted(set(names) | set(archive.published_by(as_of)) | set(extra))


def serve(
    fresh: Mapping[str, bytes],
    archive: Archive,
    made_with: Mapping[str, str],
    as_of: date,
    reissues: tuple[Reissue, ...] = (),
) -> Served:
    """The bytes to publish: archived bytes for every file already published, fresh ones otherwise.

    Every file published by ``as_of`` is served, also one this build would no
    longer render (a redline the plan dropped): a published URL keeps its file.
    A re-issued file's fresh render is served under its new name as well.
    """
    published = archive.published_by(as_of)
    wanted = dict(fresh)
    done: list[Reissue] = []
    for reissue in reissues:
        if reissue.file in fresh and reissue.on <= as_of:
            wanted[reissue.new_name] = fresh[reissue.file]
            done.append(reissue)
    renamed = {reissue.file for reissue in done}
    files: dict[str, bytes] = {}
    added: list[str] = []
    drift: list[Drift] = []
    for path in sorted(set(wanted) | set(published)):
        entry = published.get(path)
        if entry is None:
            files[path] = wanted[path]
            added.append(path)
            continue
        files[path] = archive.read(path)
        now = wanted.get(path)
        if now is not None and sha256(now) != entry.sha256 and path not in renamed:
            drift.append(Drift(path, entry.sha256, sha256(now), made_with_changes(entry.made_with, made_with)))
    return Served(files, tuple(added), tuple(drift), tuple(done))


def write_archive(
    archive: Archive, served: Served, keys: Mapping[str, str], made_with: Mapping[str, str], as_of: date
) -> list[str]:
    """Add the files this build published first to the archive folder, and record them in its index.

    Never rewrites a file the archive holds. Returns the paths added. The
    publish workflow commits the folder to the ``published`` branch only after
    the site was deployed, so a failed run adds nothing for good.
    """
    added = [path for path in served.added if path not in archive.files]
    if not added:
        return []
    reissue_of = {r.new_name: r.file for r in served.reissued}
    for path in added:
        data = served.files[path]
        _write_atomic(archive.root / path, data)
        archive.files[path] = ArchivedFile(
            path=path,
            sha256=sha256(data),
            size=len(data),
            published=as_of,
            key=keys.get(reissue_of.get(path, path), ""),
            made_with=dict(made_with),
        )
    index = {"files": {path: archive.files[path].as_json() for path in sorted(archive.files)}}
    _write_atomic(archive.root / INDEX, (json.dumps(index, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return added


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_reissues(path: Path, shown: str) -> tuple[tuple[Reissue, ...], list[Problem]]:
    """The re-issue records of ``reissues.yml``: a list of ``file``, ``date`` and ``reason``; absent file: none."""
    if not path.is_file():
        return (), []
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return (), [Problem(shown, None, f"not readable YAML ({error.__class__.__name__}); fix the syntax")]
    if root is None:
        return (), []
    if not isinstance(root, yaml.SequenceNode):
        line = root.start_mark.line + 1
        return (), [Problem(shown, line, "must be a list of re-issues (- file: … date: … reason: …)")]
    found: list[Reissue] = []
    problems: list[Problem] = []
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problems.append(Problem(shown, line, "each re-issue is a mapping with file, date and reason"))
            continue
        values = {str(k.value): v for k, v in item.value if isinstance(k, yaml.ScalarNode)}
        unknown = sorted(set(values) - {"file", "date", "reason"})
        if unknown:
            problems.append(Problem(shown, line, f"unknown key '{unknown[0]}'; a re-issue has file, date and reason"))
        texts = {k: str(v.value).strip() for k, v in values.items() if isinstance(v, yaml.ScalarNode)}
        missing = [k for k in ("file", "date", "reason") if not texts.get(k)]
        if missing:
            problems.append(
                Problem(shown, line, f"a re-issue needs {', '.join(missing)}: say which file, on what day and why")
            )
            continue
        try:
            on = date.fromisoformat(texts["date"])
        except ValueError:
            problems.append(Problem(shown, line, f"date is '{texts['date']}', not a date; write it as YYYY-MM-DD"))
            continue
        found.append(Reissue(texts["file"].lstrip("/"), on, texts["reason"], line))
    names = [r.file for r in found]
    for reissue in found:
        if names.count(reissue.file) > 1 and reissue is not next(r for r in found if r.file == reissue.file):
            problems.append(
                Problem(shown, reissue.line, f"{reissue.file} is re-issued twice; a file is re-issued once, by date")
            )
    return tuple(found), problems
