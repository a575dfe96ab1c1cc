"""The shape of the package (STYLE "Shape"): each framework is imported by one adapter only.

Walks every module's imports (top level and inside functions) so the core stays
free of MkDocs, WeasyPrint, git, python-docx and pyHanko, and can outlive any of them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "plugins" / "amend"
ADAPTERS = {
    "mkdocs": {"plugin", "config"},
    "weasyprint": {"pdf"},
    "git": {"provenance"},
    "smtplib": {"mailer"},
    "docx": {"word"},
    "pyhanko": {"signing"},
}
# Modules that may not import any adapter either: the core below the site plan.
CORE = {"model", "problems", "frontmatter", "clauses", "revisions", "timeline", "align", "redline", "flags", "diff"}
CORE |= {"archive"}  # published files: read and written at the paths given, nothing rendered
CORE |= {"notices", "ledger", "notice_pages"}  # what a notice says and its record: no SMTP, no clock
CORE |= {"naming"}  # the names readers rely on: file names, years, anchors
CORE |= {"layout"}  # the Word files' blocks: python-docx stays in word.py
CORE |= {"verify"}  # which published file a copy is: the signature comes in read by signing.py


def imports_of(path: Path) -> tuple[set[str], set[str]]:
    """Top-level packages imported, and amend modules imported (relative imports)."""
    external: set[str] = set()
    internal: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            external.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                internal.update([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
            elif node.module:
                external.add(node.module.split(".")[0])
    return external, internal


MODULES = sorted(PACKAGE.glob("*.py"))


@pytest.mark.parametrize("module", MODULES, ids=[m.stem for m in MODULES])
def test_each_framework_is_imported_by_its_adapter_only(module: Path) -> None:
    external, _ = imports_of(module)
    for framework, allowed in ADAPTERS.items():
        if framework in external:
            assert module.stem in allowed, f"{module.stem} imports {framework}; only {sorted(allowed)} may"


@pytest.mark.parametrize("module", sorted(CORE))
def test_the_core_imports_no_adapter(module: str) -> None:
    _, internal = imports_of(PACKAGE / f"{module}.py")
    adapters = {"plugin", "config", "cli", "pdf", "pdfcache", "provenance", "fragments", "mailer", "cli_notice"}
    adapters |= {"word", "signing"}
    assert not internal & adapters, f"{module} imports {sorted(internal & adapters)}"
