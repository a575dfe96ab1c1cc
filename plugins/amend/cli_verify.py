"""The ``amend verify FILE [--site DIR]`` command: is this copy one we published?

Registers itself in :data:`amend.cli.EXTRA_COMMANDS` when imported. Reads the
copy (streamed, so a large file costs no memory) and the built site's
``versions.json``; the lookup itself is :func:`amend.verify.verify_digest`,
the same one the verify page does in the browser. A PDF's signature is read
too (:func:`amend.signing.describe_signature`, integrity only: no trust list is
consulted): the command says who signed it, or that it is not signed. Exit 0 for
a published file, 1 for anything else.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

from . import cli
from .settings import Settings
from .verify import NOT_SIGNED, Verification, verify_digest

SIGNATURE_LIMIT = 200 * 1024 * 1024  # a PDF larger than this is hashed but its signature not read (bounded work)


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    copy = Path(args.file)
    site = Path(args.site) if args.site else settings.root / "site"
    versions_path = site / settings.url_prefix.strip("/") / "versions.json"
    versions = _read_versions(versions_path, given=bool(args.site))
    try:
        with copy.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256")
            size = handle.tell()
    except IsADirectoryError:
        raise cli.UsageError(f"{copy} is a folder; name the file to verify") from None
    except OSError as error:
        raise cli.UsageError(f"cannot read {copy}: {error.strerror}") from None
    result = verify_digest(digest.hexdigest(), size, versions, _signature(copy, size))
    if args.format == "json":
        print(json.dumps(verification_data(copy, result), indent=2))
    else:
        print(render_verification(copy, result, versions_path))
    return 0 if result.published else 1


def _signature(copy: Path, size: int) -> str | None:
    """A PDF's signature in words (:attr:`Verification.signature`); None for a file that is not a PDF."""
    try:
        with copy.open("rb") as handle:
            if b"%PDF-" not in handle.read(1024):  # a PDF's header is within its first 1024 bytes
                return None
            if size > SIGNATURE_LIMIT:
                return f"not checked: the file is larger than {SIGNATURE_LIMIT // (1024 * 1024)} MB"
            handle.seek(0)
            data = handle.read()
    except OSError as error:
        raise cli.UsageError(f"cannot read {copy}: {error.strerror}") from None
    from .signing import describe_signature  # pyHanko loads only for a PDF

    return describe_signature(data) or NOT_SIGNED


def render_verification(copy: Path, result: Verification, versions_path: Path) -> str:
    """Two to four lines: what the file is (or that we did not publish it), its digest, where it was
    published, and for a PDF who signed it (or that it is not signed)."""
    checked = f"{versions_path}" + (f", built as of {result.as_of}" if result.as_of else "")
    signature = f"\n  signature: {result.signature}" if result.signature is not None else ""
    if result.match is None:
        return (
            f"{copy}: not a file we published: no file in {checked} has this SHA-256\n"
            f"  sha256 {result.sha256} ({result.size} bytes){signature}"
        )
    return (
        f"{copy}: this is {result.match.describe()}\n"
        f"  sha256 {result.sha256} ({result.size} bytes)\n"
        f"  published at {result.match.url} (checked against {checked}){signature}"
    )


def verification_data(copy: Path, result: Verification) -> dict[str, Any]:
    match = result.match
    return {
        "file": str(copy),
        "sha256": result.sha256,
        "bytes": result.size,
        "published": result.published,
        "as_of": result.as_of,
        "signed": result.signed if result.signature is not None else None,
        "signature": result.signature,
        "match": None
        if match is None
        else {
            "kind": match.kind,
            "format": match.format,
            "revision": match.revision,
            "from": match.previous,
            "posted": match.posted,
            "effective": match.effective,
            "status": match.status,
            "url": match.url,
            "page": match.page,
        },
    }


def _read_versions(path: Path, *, given: bool) -> dict[str, Any]:
    hint = "check --site" if given else "build the site first (scripts/build) or name a built site with --site DIR"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise cli.UsageError(f"{path}: no versions.json there; {hint}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise cli.UsageError(f"{path}: cannot read it ({error}); {hint}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise cli.UsageError(f"{path}:{error.lineno}: not valid JSON ({error.msg}); build the site again") from None
    if not isinstance(data, dict) or not isinstance(data.get("revisions"), list):
        raise cli.UsageError(f"{path}:1: not an amend versions.json (no list of revisions); build the site again")
    return data


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]  # argparse's private generic
    parser = commands.add_parser(
        "verify",
        help="say which published revision or redline a file is (and who signed a PDF), from versions.json",
        description=(
            "Compute FILE's SHA-256 and look it up in the built site's versions.json: prints which revision or "
            "redline it is (PDF or Word file), or that it is not a file the site published (exit 1); for a PDF, "
            "also who signed it and whether it is unchanged since, or that it is not signed."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the copy to verify, e.g. a PDF someone sent you")
    parser.add_argument("--site", metavar="DIR", help="the built site (default: site/ beside mkdocs.yml)")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.set_defaults(handler=cmd_verify)


cli.EXTRA_COMMANDS.append(register)
