"""The site's amend settings, shared by the plugin and the command line.

Both the plugin and the command line build them from the amend block of
``mkdocs.yml`` validated by one schema (:mod:`amend.config`), so ``amend check``
and ``mkdocs build`` never disagree about, say, ``notice_days``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .timeline import DEFAULT_NOTICE_DAYS
from .zone import Zone, parse_zone

AS_OF_VARIABLE = "AMEND_AS_OF"
# Overrides the archive setting: the publish workflow points it at its checkout of the published branch.
ARCHIVE_VARIABLE = "AMEND_ARCHIVE"
CACHE_VARIABLE = "AMEND_CACHE_DIR"  # overrides cache_dir, e.g. for a CI cache or a test's own folder
# Signing the PDFs (off unless the key is set): a PKCS#12 file and its passphrase, as a CI secret gives them.
SIGNING_KEY_VARIABLE = "AMEND_SIGNING_KEY"
SIGNING_PASSPHRASE_VARIABLE = "AMEND_SIGNING_PASSPHRASE"


def first_date(candidates: Iterable[tuple[str, object]], default: date) -> date:
    """The first given value of ``(source, value)`` pairs as a date, else ``default``.

    The one rule for the as-of date (SPEC "Revision timeline"): the command line's
    ``--as-of`` or the plugin's ``as_of``, then ``AMEND_AS_OF``, then today. A value
    that is not a date raises ValueError with the message to show.
    """
    for source, value in candidates:
        if value:
            try:
                return date.fromisoformat(str(value).strip())
            except ValueError:
                raise ValueError(
                    f"{source} is '{value}', not a date; write it as YYYY-MM-DD, e.g. 2026-01-31"
                ) from None
    return default


@dataclass(frozen=True, slots=True)
class Settings:
    root: Path  # the folder holding mkdocs.yml (or the working folder without one)
    revisions_dir: str = "baa_versions"
    notice_days: int = DEFAULT_NOTICE_DAYS
    paper: str = "letter"
    url_prefix: str = "security/baa"
    title: str = "Business Associate Agreement"
    organization: str = ""
    site_url: str = ""
    # A commit on main where revisions older than the repository were imported: their dates are
    # taken as given there, and every later change is checked (see provenance.py).
    history_baseline: str = ""
    register: str = "subprocessors.yml"  # the subprocessor register, relative to root; absent file: no register
    register_prefix: str = "security/subprocessors"
    # Notices emailed to customers (notices.py, ledger.py, cli_notice.py); SMTP itself comes from the environment.
    notice_to: str = ""  # the mailing list's address: the repository holds no customer address
    notice_from: str = ""  # the sender (From) of every notice
    objection_address: str = ""  # where customers object to a subprocessor change (a prefilled mailto:)
    list_unsubscribe: str = ""  # a mailto: or https: URL, sent as the List-Unsubscribe header when given
    notice_ledger: str = "notice-ledger.yml"  # the record of every notice sent, relative to root
    withdrawals: str = "withdrawals.yml"  # withdrawn revisions, relative to root; absent file: none
    # The agreement's time zone (IANA name): the day a date starts, the day a commit reached main, "today".
    # Empty: not set, read as UTC (amend check says so: every new site should set it).
    timezone: str = ""
    # The archive of published files (archive.py): a folder, relative to root, holding the published branch;
    # empty: none, and the files built are not the published ones. The plugin and the CLI resolve AMEND_ARCHIVE.
    archive: str = ""
    reissues: str = "reissues.yml"  # deliberate re-issues of published files, relative to root
    cache_dir: str = ".cache/amend"  # rendered PDFs kept between builds, relative to root

    @property
    def zone(self) -> Zone:
        """The agreement's time zone; ValueError with the message to show when ``timezone`` names none."""
        return parse_zone(self.timezone)

    @property
    def archive_path(self) -> Path | None:
        return self.root / self.archive if self.archive else None

    @property
    def reissues_path(self) -> Path:
        return self.root / self.reissues

    @property
    def register_path(self) -> Path:
        return self.root / self.register

    @property
    def ledger_path(self) -> Path:
        return self.root / self.notice_ledger

    @property
    def withdrawals_path(self) -> Path:
        return self.root / self.withdrawals

    @property
    def revisions_path(self) -> Path:
        return self.root / self.revisions_dir


# The settings that are the agreement's rules: a pull request is checked by the base branch's values
# of these (issue "Dates that hold up"), so it cannot relax the rules its own check applies.
GOVERNING = ("notice_days", "timezone", "history_baseline")


def governed_by(settings: Settings, base: Settings) -> tuple[Settings, list[str]]:
    """``settings`` with the base branch's rules, and a note for each rule the change would alter."""
    notes = [
        f"this change sets {name} to '{getattr(settings, name)}' in mkdocs.yml (it is '{getattr(base, name)}' on "
        "the base branch); it is checked by the base branch's rules, and the new value applies once merged "
        "(a change to the rules needs the approval of the owners named in .github/CODEOWNERS)"
        for name in GOVERNING
        if getattr(settings, name) != getattr(base, name)
    ]
    return replace(settings, **{name: getattr(base, name) for name in GOVERNING}), notes
