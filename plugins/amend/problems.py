"""One record for everything wrong with the input, rendered the same everywhere.

``check_*`` functions return lists of :class:`Problem`; the boundary (CLI,
plugin, PR report) decides what to do with them. Nothing here raises for bad
input.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from .characters import show_line


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """Where (path and 1-based line, when known), what, and the fix, in one message."""

    path: str
    line: int | None
    message: str
    severity: Severity = Severity.ERROR
    column: int | None = None  # 1-based, when the problem is one place in a line

    def render(self) -> str:
        """``path:line: message`` (``path:line:column: message`` when the column is known), one line."""
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        if self.line is not None and self.column is not None:
            where += f":{self.column}"
        return show_line(f"{where}: {self.message}")

    def render_github(self) -> str:
        """A GitHub workflow annotation command."""
        props = [f"file={_escape_property(self.path)}"]
        if self.line is not None:
            props.append(f"line={self.line}")
        if self.column is not None:
            props.append(f"col={self.column}")
        return f"::{self.severity.value} {','.join(props)}::{_escape_data(show_line(self.message))}"


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in a stable order: by path, then line (file-level first)."""
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))


def render_problems(problems: Iterable[Problem], style: str = "text") -> str:
    """All problems, one per line, as ``text`` or ``github`` annotations."""
    lines = [p.render_github() if style == "github" else p.render() for p in sort_problems(problems)]
    return "\n".join(lines)


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")
