"""Where each revision file came from: its history on main, read from git.

The only module that imports GitPython (STYLE "Shape"). For every revision
file it reads, from the first-parent history of the main branch (or of the
``--base`` ref of a pull request), the day the file first reached main — the
committer date, read in the agreement's time zone (:mod:`amend.zone`), of the
commit that added it — and every later commit
that changed its text; then what the working tree (or the pull request)
changes on top of that. ``check_history`` applies the rules of SPEC "Revision
timeline and the notice window" to those facts:

- a revision is immutable from the first moment it was public: the start of
  its posted day in the agreement's zone (the morning publish), or the commit
  that brought it to main if that was later. A change committed on or after the
  posted day is a violation (only a draft, before its posted day, may change),
  and so is deleting it on or after the posted day;
- ``posted`` may not be earlier than the day the file first reached main (nor
  may a later commit move it to a day already past): notice cannot be given
  before the text is public.

A violation stays reported until the posted text is restored byte for byte
(reverting is the fix; the change belongs in a new revision). History that
cannot be known is never guessed: a shallow clone is reported as a problem, and
a folder outside any git repository gets a note that history was not checked.
Revisions that predate the repository are accepted at an explicit, reviewed
``history_baseline`` commit: their dates are taken as given and every later
change is checked.

Everything here takes the as-of date and paths as arguments; dates come from
commits, never from the clock.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path, PurePosixPath

import git

from .frontmatter import parse_date, parse_front_matter, split_front_matter
from .problems import Problem
from .register import Announced, Register, Subprocessor, announced_fields, check_kept, parse_register
from .timeline import DEFAULT_NOTICE_DAYS
from .withdrawals import parse_withdrawals
from .zone import UTC_ZONE, Zone

SHORT = 7  # characters of a commit id shown in messages
SETTINGS_FILE = "mkdocs.yml"  # where history_baseline is set (the amend plugin block)


class ChangeKind(enum.StrEnum):
    """What the working tree or a pull request does to a revision file, relative to its base."""

    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class Version:
    """One state of a revision file: a commit on main's first-parent line, or the pending change.

    ``blob`` is the git object id of the text (``None`` once the file is deleted);
    ``day`` is the committer date's day in the agreement's zone, or the as-of date for a change that is
    not on main yet (``commit`` is ``None`` then).
    """

    commit: str | None
    day: date
    blob: str | None
    posted: date | None = None
    imported: bool = False  # the state at the history baseline: its dates are taken as given
    posted_line: int | None = None  # lines in the working-tree text, for pending changes
    changed_line: int | None = None

    @property
    def short(self) -> str:
        return (self.commit or "")[:SHORT]


@dataclass(frozen=True, slots=True)
class FileHistory:
    """A revision file's states on main, oldest first, and the change not on main yet."""

    path: str  # relative to the repository's top folder, as git names it
    shown: str  # relative to the site root, as problems name it
    versions: tuple[Version, ...]
    pending: Version | None = None

    @property
    def first_reached_main(self) -> Version | None:
        """The commit that first brought the file to main (after the baseline, if there is one)."""
        return next((v for v in self.versions if v.blob is not None), None)

    @property
    def changes_on_main(self) -> tuple[Version, ...]:
        """Every later commit on main that changed or deleted the file."""
        first = self.first_reached_main
        return self.versions[self.versions.index(first) + 1 :] if first is not None else ()


@dataclass(frozen=True, slots=True)
class FileChange:
    """A revision file the working tree or pull request adds, modifies or deletes."""

    path: str
    shown: str
    kind: ChangeKind
    old_text: str | None
    new_text: str | None


@dataclass(frozen=True, slots=True)
class History:
    """What git says about the revision folder: per-file history and the pending change."""

    ref: str  # the main line as named by the user: "HEAD" or the --base ref
    commit: str  # the commit ``ref`` resolved to
    compared_to: str  # the commit the pending change is measured from (base tip or merge base)
    files: tuple[FileHistory, ...]
    changes: tuple[FileChange, ...]
    baseline: str | None = None  # the history baseline commit, resolved
    commits: int = 0  # first-parent commits on main that touched the folder (after the baseline)

    def file(self, shown: str) -> FileHistory | None:
        return next((f for f in self.files if f.shown == shown), None)


@dataclass(frozen=True, slots=True)
class Unavailable:
    """History could not be read: problems (it must be fixed) or a note (it was skipped)."""

    problems: tuple[Problem, ...] = ()
    note: str | None = None


@dataclass(slots=True)
class _Blobs:
    """Texts of git blobs, read once each."""

    repo: git.Repo
    cache: dict[str, str] = field(default_factory=dict)

    def text(self, blob: str) -> str:
        if blob not in self.cache:
            raw = self.repo.odb.stream(bytes.fromhex(blob)).read()
            self.cache[blob] = _decode(raw)
        return self.cache[blob]


# --- reading git ---------------------------------------------------------------------------------


def read_history(
    root: Path,
    folder: Path,
    as_of: date,
    *,
    base: str | None = None,
    baseline: str | None = None,
    shown_root: Path | None = None,
    zone: Zone = UTC_ZONE,
) -> History | Unavailable:
    """The history of every revision file in ``folder`` on main, and the change on top of it.

    Without ``base``, main is HEAD's first-parent line and the pending change is
    the working tree against HEAD. With ``base`` (a pull request), main is the
    base ref's first-parent line and the pending change is the working tree
    against the merge base of HEAD and ``base``, dated ``as_of``: the earliest
    day it can reach main.
    """
    shown_root = shown_root if shown_root is not None else root
    folder_shown = _shown(folder, shown_root)
    try:
        return _read(root, folder, as_of, base, baseline, shown_root, folder_shown, zone)
    except git.GitCommandNotFound:
        return Unavailable(
            note="history not checked: the git command is not installed, "
            "so immutability and back-dating were not verified"
        )
    except git.GitCommandError as error:
        detail = (error.stderr or "").strip().splitlines()
        reason = detail[-1].removeprefix("stderr: ").strip(" '") if detail else str(error)
        return Unavailable((Problem(folder_shown, None, f"cannot read the git history: {reason}"),))


def _read(
    root: Path,
    folder: Path,
    as_of: date,
    base: str | None,
    baseline: str | None,
    shown_root: Path,
    folder_shown: str,
    zone: Zone,
) -> History | Unavailable:
    start = folder if folder.is_dir() else root
    try:
        repo = git.Repo(start, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return Unavailable(
            note=f"history not checked: {folder_shown} is not in a git repository, "
            "so immutability and back-dating were not verified"
        )
    try:
        return _read_repo(repo, folder, as_of, base, baseline, shown_root, folder_shown, zone)
    finally:
        repo.close()  # ends the git processes GitPython keeps open for reading objects


def _read_repo(
    repo: git.Repo,
    folder: Path,
    as_of: date,
    base: str | None,
    baseline: str | None,
    shown_root: Path,
    folder_shown: str,
    zone: Zone,
) -> History | Unavailable:
    if repo.working_tree_dir is None:
        return Unavailable(note="history not checked: the repository has no working tree")
    top = Path(repo.working_tree_dir).resolve()
    try:
        folder_path = PurePosixPath(folder.resolve().relative_to(top).as_posix())
    except ValueError:
        return Unavailable(note=f"history not checked: {folder_shown} is outside the git repository at {top}")

    # A shallow clone lacks the commits that prove when a file arrived: say so, never guess.
    if repo.git.rev_parse("--is-shallow-repository").strip() == "true":
        return Unavailable(
            (
                Problem(
                    folder_shown,
                    None,
                    "the git history is shallow (a clone made with --depth), so it cannot prove that posted "
                    "revisions were never changed or back-dated; fetch the full history: git fetch --unshallow "
                    "(in GitHub Actions: actions/checkout with fetch-depth: 0)",
                ),
            )
        )

    ref = base or "HEAD"
    main = _resolve(repo, ref)
    if main is None:
        if base is None:
            return Unavailable(note="history not checked: the git repository has no commits yet")
        return Unavailable(
            (
                Problem(
                    folder_shown,
                    None,
                    f"--base '{base}' is not a commit in this repository; fetch it first "
                    f"(e.g. git fetch origin {base.removeprefix('origin/')}) or name another ref",
                ),
            )
        )

    baseline_commit: str | None = None
    if baseline:
        baseline_commit = _resolve(repo, baseline)
        on_line = baseline_commit is not None and baseline_commit in repo.git.rev_list("--first-parent", main).split()
        if not on_line:
            return Unavailable(
                (
                    Problem(
                        SETTINGS_FILE,
                        None,
                        f"history_baseline '{baseline}' is not a commit on the first-parent history of {ref}; "
                        f"set it to a commit that git log --first-parent {ref} lists",
                    ),
                )
            )

    blobs = _Blobs(repo)
    pathspec = folder_path.as_posix() + "/" if folder_path.as_posix() != "." else "."
    states: dict[str, list[Version]] = {}
    if baseline_commit is not None:
        imported_day = _commit_day(repo, baseline_commit, zone)
        for path, blob in _tree_files(repo, baseline_commit, pathspec, folder_path).items():
            states[path] = [Version(baseline_commit, imported_day, blob, _posted(blobs.text(blob))[0], imported=True)]

    commits = _first_parent_changes(repo, main, baseline_commit, pathspec, folder_path, zone)
    for commit, day, touched in commits:
        for path, changed_to in touched:
            posted = _posted(blobs.text(changed_to))[0] if changed_to is not None else None
            states.setdefault(path, []).append(Version(commit, day, changed_to, posted))

    # The pending change: the working tree against HEAD, or against the merge base for a pull request.
    compared_to = _pending_base(repo, main, base)
    before = _tree_files(repo, compared_to, pathspec, folder_path)
    after = _working_files(repo, top, folder, folder_path)
    pending: dict[str, Version] = {}
    changes: list[FileChange] = []
    for path in sorted(set(before) | set(after)):
        old_blob, new_blob = before.get(path), after.get(path)
        if old_blob == new_blob:
            continue
        shown = _shown(top / path, shown_root)
        old_text = blobs.text(old_blob) if old_blob else None
        new_text = _decode((top / path).read_bytes()) if new_blob else None
        kind = ChangeKind.ADDED if old_blob is None else ChangeKind.DELETED if new_blob is None else ChangeKind.MODIFIED
        changes.append(FileChange(path, shown, kind, old_text, new_text))
        posted, posted_line = _posted(new_text) if new_text is not None else (None, None)
        pending[path] = Version(
            None,
            as_of,
            new_blob,
            posted,
            posted_line=posted_line,
            changed_line=_first_changed_line(old_text, new_text) if old_text and new_text else None,
        )

    files = tuple(
        FileHistory(path, _shown(top / path, shown_root), tuple(states.get(path, ())), pending.get(path))
        for path in sorted(set(states) | set(pending))
    )
    return History(
        ref=ref,
        commit=main,
        compared_to=compared_to,
        files=files,
        changes=tuple(changes),
        baseline=baseline_commit,
        commits=len(commits),
    )


def _pending_base(repo: git.Repo, main: str, base: str | None) -> str:
    """What the working tree's change is measured from: ``main``, or for a pull request its merge base."""
    if base is None:
        return main
    head = _resolve(repo, "HEAD")
    if head is None:
        return main
    try:
        return repo.git.merge_base(main, head).strip() or main
    except git.GitCommandError:
        return main  # unrelated histories: measure from the base itself


def _resolve(repo: git.Repo, ref: str) -> str | None:
    try:
        return str(repo.git.rev_parse("--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")).strip() or None
    except git.GitCommandError:
        return None


def _commit_day(repo: git.Repo, commit: str, zone: Zone) -> date:
    """The day ``commit`` reached main: its committer date, in the agreement's zone.

    A merge at 17:30 in California on 2026-11-16 is 01:30 UTC on the 17th; with
    ``timezone: America/Los_Angeles`` it reached main on the 16th.
    """
    return zone.day_of_timestamp(int(repo.git.show("-s", "--format=%ct", commit).strip()))


def _first_parent_changes(
    repo: git.Repo, main: str, baseline: str | None, pathspec: str, folder: PurePosixPath, zone: Zone
) -> list[tuple[str, date, list[tuple[str, str | None]]]]:
    """Oldest first: each first-parent commit touching the folder, with its day and (path, new blob) pairs.

    A merge is compared with its first parent only, so a pull request's file
    arrives on main in the merge commit, dated the day it was merged.
    """
    revisions = f"{baseline}..{main}" if baseline else main
    out = repo.git.log(
        "--first-parent",
        "--diff-merges=first-parent",
        "--no-renames",
        "--raw",
        "--no-abbrev",
        "-z",
        "--format=%x01%H %ct",
        revisions,
        "--",
        pathspec,
        strip_newline_in_stdout=False,
    )
    commits: list[tuple[str, date, list[tuple[str, str | None]]]] = []
    for record in out.split("\x01"):
        if not record.strip():
            continue
        header, _, raw = record.partition("\0")
        commit, stamp = header.split()
        tokens = [t for t in raw.lstrip("\n").split("\0") if t]
        changes: list[tuple[str, str | None]] = []
        for meta, path in zip(tokens[0::2], tokens[1::2], strict=False):
            _, _, old_blob, new_blob, status = meta.lstrip(":").split()
            if not _is_revision_path(path, folder) or (status != "D" and old_blob == new_blob):
                continue  # not a revision file, or only its mode changed
            changes.append((path, None if status == "D" else new_blob))
        if changes:
            commits.append((commit, zone.day_of_timestamp(int(stamp)), changes))
    commits.reverse()
    return commits


def _tree_files(repo: git.Repo, commit: str, pathspec: str, folder: PurePosixPath) -> dict[str, str]:
    """Revision files in ``folder`` at ``commit``: path → blob id."""
    out = repo.git.ls_tree("-z", "--full-tree", commit, "--", pathspec, strip_newline_in_stdout=False)
    files: dict[str, str] = {}
    for entry in out.split("\0"):
        if not entry:
            continue
        meta, _, path = entry.partition("\t")
        _, kind, blob = meta.split()
        if kind == "blob" and _is_revision_path(path, folder):
            files[path] = blob
    return files


def _working_files(repo: git.Repo, top: Path, folder: Path, folder_path: PurePosixPath) -> dict[str, str]:
    """Revision files in the working tree: path → the blob id git would store (its filters applied)."""
    if not folder.is_dir():
        return {}
    paths = [
        (folder_path / entry.name).as_posix()
        for entry in sorted(folder.iterdir(), key=lambda p: p.name)
        if entry.is_file() and _is_revision_path((folder_path / entry.name).as_posix(), folder_path)
    ]
    if not paths:
        return {}
    blobs = str(repo.git.hash_object("--", *paths)).split()
    return dict(zip(paths, blobs, strict=True))


def _is_revision_path(path: str, folder: PurePosixPath) -> bool:
    """A Markdown file directly in the revisions folder (the files ``load_revisions`` reads)."""
    candidate = PurePosixPath(path)
    return candidate.parent == folder and candidate.suffix == ".md" and not candidate.name.startswith(".")


def _decode(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _posted(text: str) -> tuple[date | None, int | None]:
    """The ``posted`` date of a revision text and its line, when it can be read."""
    split = split_front_matter(text)
    if split.front_matter is None or not split.closed:
        return None, None
    entries, _ = parse_front_matter(split.front_matter, "", split.front_line)
    for entry in entries:
        if entry.key == "posted":
            posted, problems = parse_date(entry.value, "posted", "", entry.line)
            return (posted if not problems else None), entry.line
    return None, None


def _first_changed_line(old: str, new: str) -> int:
    """The first line of ``new`` that differs from ``old`` (1-based), where an annotation belongs."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    for index, (a, b) in enumerate(zip(old_lines, new_lines, strict=False)):
        if a != b:
            return index + 1
    return min(len(new_lines), len(old_lines) + 1)  # lines added (or removed) at the end


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# --- the rules -----------------------------------------------------------------------------------


def check_history(history: History, notice_days: int = DEFAULT_NOTICE_DAYS) -> list[Problem]:
    """Immutability, back-dating and deletion problems of every revision file (SPEC "Revision timeline").

    The pending change is dated by the as-of date given to ``read_history``.
    """
    problems: list[Problem] = []
    renames = _pending_renames(history.files)
    for file in history.files:
        if file.path in renames:
            problems.append(renames[file.path])
            continue
        if any(problem.path == file.shown for problem in renames.values()):
            continue  # the other half of a rename: reported once, on the new name
        problems.extend(check_file_history(file, notice_days, restore_ref=history.ref))
    return problems


def _pending_renames(files: Iterable[FileHistory]) -> dict[str, Problem]:
    """A published revision the pending change deletes while adding the same text under another name.

    Renaming a posted revision would change its URL and id; the fix is to rename
    it back, not to re-date it. Keyed by the old file's path; the problem names
    the new file.
    """
    deleted = {
        f.versions[-1].blob: f
        for f in files
        if f.pending is not None and f.pending.blob is None and f.versions and f.versions[-1].blob is not None
    }
    renames: dict[str, Problem] = {}
    for file in files:
        pending = file.pending
        if pending is None or pending.blob is None or any(v.blob is not None for v in file.versions):
            continue
        old = deleted.pop(pending.blob, None)
        if old is None:  # renamed and edited: the same posted date still tells where it came from
            key = next((k for k, f in deleted.items() if f.versions[-1].posted == pending.posted), None)
            old = deleted.pop(key) if key is not None and pending.posted is not None else None
        if old is None:
            continue
        posted = old.versions[-1].posted
        renames[old.path] = Problem(
            file.shown,
            None,
            f"renames the revision {old.shown}"
            + (f" (posted {posted})" if posted else "")
            + f"; a revision keeps its file name, which is its id and its address: rename it back: "
            f"git mv {file.path} {old.path}",
        )
    return renames


def default_base(root: Path) -> str | None:
    """Where a branch left main, for ``amend check`` on a branch: ``origin/main``, else ``main``.

    Checking a branch against its own history would take the branch's commits for
    main's, and judge a draft as if it had been published. On ``main`` itself the
    base is ``origin/main`` when HEAD has commits not pushed yet (they are not
    public either), else ``None``: HEAD is the main line, as in CI after a merge.
    """
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    try:
        try:
            branch = repo.git.symbolic_ref("--quiet", "--short", "HEAD").strip()
        except git.GitCommandError:
            branch = ""  # a detached HEAD: CI names --base itself
        if not branch:
            return None
        on_main = branch in ("main", "master")
        head = _resolve(repo, "HEAD")
        for ref in (f"origin/{branch}",) if on_main else ("origin/main", "main"):
            commit = _resolve(repo, ref)
            if commit is not None:
                return None if on_main and commit == head else ref
        return None
    except git.GitCommandError:
        return None
    finally:
        repo.close()


def check_file_history(
    file: FileHistory, notice_days: int = DEFAULT_NOTICE_DAYS, restore_ref: str = "HEAD"
) -> list[Problem]:
    """Walk one file's states in order and apply the rules; ``restore_ref`` is named in the fixes.

    The text readers were given is locked by the first change made after its
    posted day; every later change is listed until the file holds the locked
    text again. Back-dating is judged whenever a posted date is set.
    """
    backdated: list[Problem] = []
    broken: list[Problem] = []
    locked: str | None = None  # the posted text, once a change broke it
    public: Version | None = None  # the last text on main (kept through a deletion that broke the rule)
    for version in _states(file):
        if public is None:  # the file arrives (first time, or again after a draft was withdrawn)
            if version.blob is None:
                continue
            if not version.imported and version.posted is not None and version.posted < version.day:
                backdated.append(_backdated(file, version, None, notice_days))
            public = version
            continue
        if version.blob is None:  # deleted
            if public.posted is not None and version.day >= public.posted:
                locked = locked or public.blob
                broken.append(_deleted(file, version, public, restore_ref))
            elif locked is None:
                public = None  # a draft withdrawn before it was posted: nothing was published
            continue
        if locked is not None and version.blob == locked:
            locked, broken, public = None, [], version  # the posted text is back: reverted
            continue
        if _locked(public, version.day):
            locked = locked or public.blob
            broken.append(_changed(file, version, public, restore_ref))
        elif version.posted is not None and version.posted != public.posted and version.posted < version.day:
            backdated.append(_backdated(file, version, public, notice_days))
        public = version
    return backdated + (broken if locked is not None else [])


def _locked(public: Version, day: date) -> bool:
    """Whether the text of ``public`` was already public on ``day``, so a change that day breaks it.

    Public from 00:00 of its posted day in the agreement's zone (the day the
    publish shows it), or from the commit that brought it to main when that came
    later; either way every change on or after the posted day is too late. Before
    this rule, edits "up to and including the posted day" were allowed, and a
    retention period could change after the morning publish without a trace.
    """
    return public.posted is not None and day >= public.posted


def _states(file: FileHistory) -> Iterable[Version]:
    yield from file.versions
    if file.pending is not None:
        yield file.pending


def _changed(file: FileHistory, version: Version, public: Version, restore_ref: str) -> Problem:
    if version.commit is None:
        return Problem(
            file.shown,
            version.changed_line,
            f"changes a revision posted on {public.posted}; posted revisions are immutable: undo this change "
            f"(git checkout {restore_ref} -- {file.path}) and put it in a new revision (amend new)",
        )
    return Problem(
        file.shown,
        None,
        f"changed on main after it was posted (commit {version.short}, {version.day}); posted revisions are "
        f"immutable: put the change in a new revision and restore the posted text (e.g. git revert {version.short})",
    )


def _deleted(file: FileHistory, version: Version, public: Version, restore_ref: str) -> Problem:
    if version.commit is None:
        return Problem(
            file.shown,
            None,
            f"deletes a revision published on {public.posted}; published revisions may not be deleted: restore it "
            f"(git checkout {restore_ref} -- {file.path}); to withdraw or replace it, add a new revision",
        )
    return Problem(
        file.shown,
        None,
        f"deleted from main after it was published on {public.posted} (commit {version.short}, {version.day}); "
        f"published revisions may not be deleted: restore it (git checkout {version.short}^ -- {file.path})",
    )


def _backdated(file: FileHistory, version: Version, before: Version | None, notice_days: int) -> Problem:
    posted = version.posted
    if version.commit is None:
        what = (
            f"posted {posted} is earlier than {version.day}, the first day this revision can reach main"
            if before is None
            else f"this change moves posted from {before.posted} to {posted}, a day already past ({version.day})"
        )
        fix = f"set posted to {version.day} or later"
        needed = version.day + timedelta(days=notice_days)
        return Problem(
            file.shown,
            version.posted_line,
            f"back-dated: {what}; notice cannot be given in the past: {fix} "
            f"(and keep effective at least {notice_days} days later, {needed} or after, "
            f"renaming the file to match, e.g. {needed}.md)",
        )
    what = (
        f"posted {posted} is earlier than the day its file first reached main (commit {version.short}, {version.day})"
        if before is None
        else f"commit {version.short} ({version.day}) moved posted from {before.posted} to {posted}, a day already past"
    )
    return Problem(
        file.shown,
        None,
        f"back-dated: {what}; notice cannot be given before the revision is public: have legal decide how to "
        f"correct the record (usually a new revision with true dates), then accept the history up to this commit "
        f"by setting history_baseline: '{version.short}' (or a later commit) in the amend settings of {SETTINGS_FILE}",
    )


# --- the command-line entry ----------------------------------------------------------------------


def check_provenance(
    root: Path,
    folder: Path,
    as_of: date,
    *,
    base: str | None = None,
    baseline: str | None = None,
    notice_days: int = DEFAULT_NOTICE_DAYS,
    shown_root: Path | None = None,
    zone: Zone = UTC_ZONE,
) -> tuple[list[Problem], str | None]:
    """Read the history and apply the rules: (problems, a note when history was not checked)."""
    history = read_history(root, folder, as_of, base=base, baseline=baseline, shown_root=shown_root, zone=zone)
    if isinstance(history, Unavailable):
        return list(history.problems), history.note
    return check_history(history, notice_days), None


# --- the subprocessor register ---------------------------------------------------------------------


def check_register_provenance(
    root: Path,
    register_file: Path,
    as_of: date,
    *,
    base: str | None = None,
    baseline: str | None = None,
    notice_days: int = DEFAULT_NOTICE_DAYS,
    shown_root: Path | None = None,
    zone: Zone = UTC_ZONE,
) -> list[Problem]:
    """A past announcement in the register is never edited on main (issue "subcontractor register").

    Every version of the register that stood on main (first-parent history of
    HEAD, or of ``base`` for a pull request, after ``baseline``) is compared with
    the register as it is now: an entry that was public in that version (announced
    before the day the next version replaced it) must be unchanged now. Comparing
    with the current text, not commit by commit, means restoring the announced
    wording is the fix. Shallow clones and missing git are reported by the
    revision check; here they mean no problems.
    """
    shown_root = shown_root if shown_root is not None else root
    shown = _shown(register_file, shown_root)
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return []
    try:
        versions = _register_versions(repo, register_file, as_of, base, baseline, zone)
    except git.GitCommandError:
        return []
    finally:
        repo.close()
    if not versions or versions[-1][2] is None:
        if any(text is not None for _, _, text in versions):
            return [
                Problem(
                    shown,
                    None,
                    "the subprocessor register was deleted after it was published; keep the file and end "
                    "entries with 'end_announced' and 'ends' instead",
                )
            ]
        return []
    parsed = [
        (commit, day, parse_register(text, shown, notice_days)[0] if text is not None else None)
        for commit, day, text in versions
    ]
    current = parsed[-1][2]
    if current is None:
        return []  # its own problems are reported by the register check
    # Each field's authority is the first version of main in which it was public: a later
    # edit does not become the new truth by having been committed. A version's fields are
    # public until the next version replaced it, on that version's day included: what was
    # announced by then had been on the site since 00:00 (or since its own commit).
    reference: Announced = {}
    origin: dict[tuple[str, str], str | None] = {}
    for (commit, _day, earlier), (_next, next_day, _later) in itertools.pairwise(parsed):
        if earlier is None:
            continue
        for field_key, value in announced_fields(earlier, next_day).items():
            if field_key not in reference:
                reference[field_key] = value
                origin[field_key] = commit
    problems: list[Problem] = []
    for commit in dict.fromkeys(origin.values()):
        fields = {k: v for k, v in reference.items() if origin[k] == commit}
        where = f"as published in commit {commit[:7]}" if commit else "as published"
        problems += check_kept(fields, current, where)
    return problems + _terms_kept(parsed, current, shown) + _backdated_events(parsed, current, shown)


def _terms_kept(parsed: list[tuple[str | None, date, Register | None]], current: Register, shown: str) -> list[Problem]:
    """A notice term that had taken effect on main (its ``from`` had come) is never changed or removed.

    The terms are what the BAA promised customers; a pull request that relaxes
    a term already in force would relax the check that judges it. A change of
    terms is a new term with a later ``from`` (and needs the owners' approval).
    """
    now = {(t.since, t.notice_days, t.objection_days) for t in current.terms}
    problems: list[Problem] = []
    seen: set[date] = set()
    for (commit, _day, earlier), (_next, next_day, _later) in itertools.pairwise(parsed):
        if earlier is None:
            continue
        for term in earlier.terms:
            if (
                term.since > next_day
                or term.since in seen
                or (term.since, term.notice_days, term.objection_days) in now
            ):
                continue
            seen.add(term.since)
            objection = f", {term.objection_days} days to object" if term.objection_days is not None else ""
            where = f"commit {commit[:7]}" if commit else "the base branch"
            problems.append(
                Problem(
                    shown,
                    current.lines.get("notice"),
                    f"the notice term from {term.since} ({term.notice_days} days' notice{objection}, as published in "
                    f"{where}) was changed or removed after it took effect; a term in force is what the BAA "
                    "promised: restore it, and put a new term in a new entry with a later 'from'",
                )
            )
    return problems


# The register's dated events: each says when something was announced or happens, so none may be
# dated before the day it reached main (issue "Dates that hold up": a back-dated 'withdrawn' once
# made a subprocessor that had processed PHI for months "never start").
EVENT_KEYS = ("announced", "end_announced", "ends", "withdrawn")
_EVENT_FIXES = {
    "announced": "(and starts to keep the notice window)",
    "end_announced": "(and ends on or after it)",
    "ends": "(on or after end_announced)",
    "withdrawn": "(before starts; once a subprocessor has started, end it instead)",
}


def _backdated_events(
    parsed: list[tuple[str | None, date, Register | None]], current: Register, shown: str
) -> list[Problem]:
    """Every event date of the register is no earlier than the day it reached main with that value.

    A date "reached main" in the oldest version of the unbroken run of versions,
    up to the current one, that gives it the same value: moving a date later
    re-dates it. The register's first version on record (the file's first
    commit after the baseline, or the baseline's own) is an import of what was
    published before the repository: its dates are taken as given.
    """
    existing = [(commit, day, register) for commit, day, register in parsed if register is not None]
    problems: list[Problem] = []
    for sub in current.subprocessors:
        for key in EVENT_KEYS:
            value = getattr(sub, key)
            if value is None:
                continue
            arrived = _arrival(existing, sub.name, key, value)
            if arrived is None:
                continue
            commit, day = arrived
            where = f"commit {commit[:7]}, {day}" if commit else f"this change, {day}"
            if key == "withdrawn" and day >= sub.starts:
                problems.append(_withdrawn_after_start(shown, sub, where, day))
                continue
            if value >= day:
                continue
            if key == "announced":
                what = f"subprocessor '{sub.name}' is back-dated: announced {value} is earlier than the day it"
            else:
                what = f"'{key}' of subprocessor '{sub.name}' is back-dated: {value} is earlier than the day it"
            problems.append(
                Problem(
                    shown,
                    sub.lines.get(key, sub.line),
                    f"{what} reached main ({where}); notice runs from publication: set {key} to {day} or later "
                    f"{_EVENT_FIXES[key]}",
                )
            )
    return problems


def _withdrawn_after_start(shown: str, sub: Subprocessor, where: str, day: date) -> Problem:
    """A withdrawal that reached main once the subprocessor had started: it did process PHI."""
    return Problem(
        shown,
        sub.lines.get("withdrawn", sub.line),
        f"'withdrawn' of subprocessor '{sub.name}' reached main ({where}) after it started on {sub.starts}; a "
        "subprocessor that has started may have processed PHI and is never withdrawn: remove 'withdrawn' and end it "
        f"instead (end_announced: {day} and ends: the first day it no longer processes PHI)",
    )


def _arrival(
    existing: list[tuple[str | None, date, Register]], name: str, key: str, value: object
) -> tuple[str | None, date] | None:
    """(commit, day) of the version where ``name``'s ``key`` took ``value``; None when imported with it."""
    arrived: tuple[str | None, date, int] | None = None
    for index in range(len(existing) - 1, -1, -1):
        commit, day, register = existing[index]
        entry = register.find(name)
        if entry is None or getattr(entry, key) != value:
            break
        arrived = (commit, day, index)
    if arrived is None or arrived[2] == 0:
        return None
    return arrived[0], arrived[1]


# --- withdrawn revisions (withdrawals.yml) -----------------------------------------------------------


def check_withdrawal_provenance(
    root: Path,
    withdrawals_file: Path,
    as_of: date,
    *,
    base: str | None = None,
    baseline: str | None = None,
    shown_root: Path | None = None,
    zone: Zone = UTC_ZONE,
) -> list[Problem]:
    """A withdrawal is dated no earlier than the day it reached main, and never changes once public.

    The same rules as the register's event dates: the day an entry's
    ``withdrawn`` date reached main is the oldest version of the unbroken run,
    up to now, that gives it; an entry public in some version of main (its
    ``withdrawn`` day had come by the day the next version replaced it) must
    still be there, unchanged. The file's first version on record is an
    import whose dates are taken as given.
    """
    shown_root = shown_root if shown_root is not None else root
    shown = _shown(withdrawals_file, shown_root)
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return []
    try:
        versions = _register_versions(repo, withdrawals_file, as_of, base, baseline, zone)
    except git.GitCommandError:
        return []
    finally:
        repo.close()
    parsed = [
        (commit, day, parse_withdrawals(text, shown)[0] if text is not None else {}) for commit, day, text in versions
    ]
    if not parsed:
        return []
    current = parsed[-1][2]
    problems: list[Problem] = []
    # Locked when public: each entry as first published.
    reported: set[str] = set()
    for (commit, _day, earlier), (_next, next_day, _later) in itertools.pairwise(parsed):
        for revision, withdrawal in earlier.items():
            if withdrawal.day > next_day or revision in reported:
                continue
            now = current.get(revision)
            if now is not None and (now.day, now.reason) == (withdrawal.day, withdrawal.reason):
                continue
            reported.add(revision)
            where = f"commit {commit[:7]}" if commit else "this change"
            line = now.line if now is not None else None
            problems.append(
                Problem(
                    shown,
                    line,
                    f"the withdrawal of revision {revision} (withdrawn {withdrawal.day}) was changed or removed after "
                    f"it was published ({where}); a published withdrawal stays as it was: restore it "
                    f"(git checkout {commit[:7] if commit else 'HEAD'} -- {shown})",
                )
            )
    # Never back-dated.
    for revision, withdrawal in current.items():
        arrived: tuple[str | None, date, int] | None = None
        for index in range(len(parsed) - 1, -1, -1):
            commit, day, entries = parsed[index]
            entry = entries.get(revision)
            if entry is None or entry.day != withdrawal.day:
                break
            arrived = (commit, day, index)
        if arrived is None or arrived[2] == 0 or withdrawal.day >= arrived[1]:
            continue
        commit, day, _ = arrived
        where = f"commit {commit[:7]}, {day}" if commit else f"this change, {day}"
        problems.append(
            Problem(
                shown,
                withdrawal.withdrawn_line,
                f"the withdrawal of revision {revision} is back-dated: withdrawn {withdrawal.day} is earlier than the "
                f"day it reached main ({where}); readers learn of it when it is published: set withdrawn to {day} "
                "or later (before the revision takes effect)",
            )
        )
    return problems


def text_at(root: Path, ref: str, file: Path) -> str | None:
    """The text of ``file`` at ``ref`` (e.g. the base branch's ``mkdocs.yml``); None when git cannot say."""
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    try:
        if repo.working_tree_dir is None:
            return None
        top = Path(repo.working_tree_dir).resolve()
        try:
            relative = file.resolve().relative_to(top).as_posix()
        except ValueError:
            return None
        commit = _resolve(repo, ref)
        return _show(repo, commit, relative) if commit is not None else None
    except git.GitCommandError:
        return None
    finally:
        repo.close()


def pending_file_texts(root: Path, file: Path, base: str | None) -> tuple[str | None, str | None] | None:
    """(text at the base, text in the working tree) of ``file`` when the pull request changes it, else None.

    The base is where the pull request left ``base`` (the merge base), or HEAD
    without one; None also when git cannot say.
    """
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    try:
        if repo.working_tree_dir is None:
            return None
        top = Path(repo.working_tree_dir).resolve()
        try:
            relative = file.resolve().relative_to(top).as_posix()
        except ValueError:
            return None
        main = _resolve(repo, base or "HEAD")
        if main is None:
            return None
        old = _show(repo, _pending_base(repo, main, base), relative)
        new = _decode(file.read_bytes()) if file.is_file() else None
        return None if old == new else (old, new)
    except git.GitCommandError:
        return None
    finally:
        repo.close()


def _register_versions(
    repo: git.Repo, register_file: Path, as_of: date, base: str | None, baseline: str | None, zone: Zone
) -> list[tuple[str | None, date, str | None]]:
    """Oldest first: (commit, day it reached main, text or None when deleted); the working tree last, dated as_of."""
    if repo.working_tree_dir is None or repo.git.rev_parse("--is-shallow-repository").strip() == "true":
        return []
    top = Path(repo.working_tree_dir).resolve()
    try:
        relative = register_file.resolve().relative_to(top).as_posix()
    except ValueError:
        return []
    main = _resolve(repo, base or "HEAD")
    if main is None:
        return []
    baseline_commit = _resolve(repo, baseline) if baseline else None
    span = f"{baseline_commit}..{main}" if baseline_commit else main
    log = repo.git.log("--first-parent", "--diff-merges=first-parent", "--format=%H %ct", span, "--", relative)
    versions: list[tuple[str | None, date, str | None]] = []
    if baseline_commit is not None:
        versions.append(
            (baseline_commit, _commit_day(repo, baseline_commit, zone), _show(repo, baseline_commit, relative))
        )
    for line in reversed(log.splitlines()):
        commit, stamp = line.split()
        versions.append((commit, zone.day_of_timestamp(int(stamp)), _show(repo, commit, relative)))
    working = _decode(register_file.read_bytes()) if register_file.is_file() else None
    if working != _show(repo, _pending_base(repo, main, base), relative):
        versions.append((None, as_of, working))
    return versions


def _show(repo: git.Repo, commit: str, path: str) -> str | None:
    try:
        return _decode(repo.git.show(f"{commit}:{path}", strip_newline_in_stdout=False).encode("utf-8"))
    except git.GitCommandError:
        return None
