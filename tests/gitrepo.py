"""Real temporary git repositories for the provenance tests, one commit per step.

Every commit pins BOTH dates: ``git commit --date`` sets only the author date,
while amend reads the committer date (the day a change reached main), so the
helper sets ``GIT_AUTHOR_DATE`` and ``GIT_COMMITTER_DATE`` together. The
user's own git configuration is shut out so a test behaves the same on every
machine. The helper drives the ``git`` command itself rather than GitPython,
so the tests do not share code paths with the module they test.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

REVISIONS = "baa_versions"


def git_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a git child process: no global or system config, a fixed identity."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        {
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Legal Team",
            "GIT_AUTHOR_EMAIL": "legal@example.org",
            "GIT_COMMITTER_NAME": "Legal Team",
            "GIT_COMMITTER_EMAIL": "legal@example.org",
            "GIT_TERMINAL_PROMPT": "0",
        }
    )
    if extra:
        env.update(extra)
    return env


class GitRepo:
    """A working tree with a ``main`` branch, driven step by step by a test."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, path: Path, branch: str = "main") -> GitRepo:
        path.mkdir(parents=True, exist_ok=True)
        repo = cls(path)
        repo.git("init", "--quiet", f"--initial-branch={branch}")
        return repo

    def git(self, *args: str, when: str | date | None = None) -> str:
        """Run git in the working tree; ``when`` (a day, or a full ISO timestamp) pins both dates of any commit."""
        extra: dict[str, str] = {}
        if when is not None:
            stamp = when.isoformat() if isinstance(when, date) else when
            if len(stamp) == len("2025-01-31"):
                stamp += "T12:00:00+00:00"  # a bare day means noon UTC: the same day everywhere
            extra = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        result = subprocess.run(
            ["git", *args],
            cwd=self.path,
            env=git_environment(extra),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout.strip()

    # --- the working tree ------------------------------------------------------------------

    def write(self, relative: str, text: str) -> Path:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
        return target

    def read(self, relative: str) -> str:
        return (self.path / relative).read_text(encoding="utf-8")

    def remove(self, relative: str) -> None:
        (self.path / relative).unlink()

    def write_revision(self, name: str, posted: str, effective: str, summary: str = "", body: str = "") -> Path:
        return self.write(f"{REVISIONS}/{name}.md", revision_text(posted, effective, summary, body))

    # --- history ---------------------------------------------------------------------------

    def commit(self, message: str, when: str | date) -> str:
        """Stage everything and commit it with both dates pinned; returns the full commit id."""
        self.git("add", "--all")
        self.git("commit", "--quiet", "--allow-empty", "-m", message, when=when)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def short(self, commit: str) -> str:
        return self.git("rev-parse", "--short=7", commit)

    def branch(self, name: str) -> None:
        """Create ``name`` at HEAD and switch to it."""
        self.git("switch", "--quiet", "--create", name)

    def switch(self, name: str) -> None:
        self.git("switch", "--quiet", name)

    def merge(self, branch: str, when: str | date, message: str | None = None) -> str:
        """Merge ``branch`` into the current branch with a merge commit, as a pull request does."""
        self.git("merge", "--quiet", "--no-ff", "-m", message or f"Merge {branch}", branch, when=when)
        return self.head()

    def clone(self, target: Path, *args: str) -> GitRepo:
        """``git clone`` of this repository over file:// (so ``--depth`` is honoured)."""
        subprocess.run(
            ["git", "clone", "--quiet", *args, self.path.resolve().as_uri(), str(target)],
            env=git_environment(),
            capture_output=True,
            text=True,
            check=True,
        )
        return GitRepo(target)


def revision_text(posted: str, effective: str, summary: str = "", body: str = "") -> str:
    """A small, valid revision file with the given dates."""
    summary = summary or f"Revision posted {posted}, effective {effective}."
    body = body or (
        "## 1. Parties {#parties}\n\n"
        "This agreement is between the Customer and the Vendor.\n\n"
        "## 2. Safeguards {#safeguards}\n\n"
        "The Vendor shall protect health information with reasonable safeguards.\n"
    )
    return (
        "---\n"
        "title: Business Associate Agreement\n"
        f"posted: {posted}\n"
        f"effective: {effective}\n"
        f"summary: {summary}\n"
        "---\n\n"
        f"{body}"
    )


def day(text: str) -> date:
    return date.fromisoformat(text)


def days_after(text: str, count: int) -> str:
    return (date.fromisoformat(text) + timedelta(days=count)).isoformat()
