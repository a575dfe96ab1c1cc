"""The labelled set: what a reviewer must see flagged, must not see flagged, and which clause is which.

Facts read by hand from our own small cases, from ../shared/corpus (the GitHub
policies) and from ../shared/standard-agreements (Common Paper, read in place,
never copied here). ``tests/test_labelled_set.py`` holds the redline to its
targets; ``benchmarks/flags.py`` prints the figures.

A flag fact says: in this clause of this pair (or in this own case), a flag of
this kind whose old and new wording contain these words must (or must not)
be raised. ``kind`` "*" in a must-not fact means no flag of any kind. A
pairing fact says which old clause (by title) became which new one, or that it
was removed (``None``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from amend.clauses import parse_document
from amend.diff import DocumentDiff, diff_documents
from amend.diffviews import walk_with_path
from amend.flags import Flag
from amend.revisions import load_document

P = "Harborlight shall"


@dataclass(frozen=True)
class FlagFact:
    source: str  # "own:<n>", or "<folder>/<old stem>><new stem>" in the corpus or the standard agreements
    clause: str  # words of the clause's path ("" for an own case)
    kind: str
    must: bool
    old: str = ""  # words the flag's old wording contains
    new: str = ""
    party: str | None = None  # the party a must fact names, when the sentence names one


# Own cases: (old text, new text, facts as (kind, must, old words, new words, party)).
OWN: list[tuple[str, str, list[tuple[str, bool, str, str, str | None]]]] = [
    (
        f"{P} report within fourteen (14) days.",
        f"{P} report within 30 days.",
        [("duration", True, "fourteen (14) days", "30 days", "Harborlight")],
    ),
    (f"{P} report within thirty (30) days.", f"{P} report within 30 days.", [("*", False, "", "", None)]),
    (
        "Customer may audit Harborlight once a year.",
        "Customer may audit Harborlight twice a year.",
        [("frequency", True, "once a year", "twice a year", "Customer"), ("number", False, "", "", None)],
    ),
    (
        f"{P} test backups annually.",
        f"{P} test backups quarterly.",
        [("frequency", True, "annually", "quarterly", "Harborlight")],
    ),
    (
        f"{P} review access every twelve months.",
        f"{P} review access every six months.",
        [("frequency", True, "twelve", "six", "Harborlight")],
    ),
    (
        "Customer shall pay a fee of $5,000.00 per month.",
        "Customer shall pay a fee of $500.00 per month.",
        [("amount", True, "$5,000.00", "$500.00", "Customer"), ("number", False, "", "", None)],
    ),
    (
        "Liability is capped at 100% of the fees.",
        "Liability is capped at 150% of the fees.",
        [("amount", True, "100%", "150%", None)],
    ),
    (
        "A late payment bears interest of one percent a month.",
        "A late payment bears interest of two percent a month.",
        [("amount", True, "one percent", "two percent", None)],
    ),
    (
        f"{P} encrypt and back up PHI.",
        f"{P} encrypt or back up PHI.",
        [("conjunction", True, "and", "or", "Harborlight")],
    ),
    (
        "Customer may suspend or terminate the Services.",
        "Customer may suspend and terminate the Services.",
        [("conjunction", True, "or", "and", "Customer")],
    ),
    ("Red and blue are colours we like.", "Red or blue are colours we like.", [("conjunction", False, "", "", None)]),
    (
        f"{P} notify Customer of a Breach.",
        "Harborlight may notify Customer of a Breach.",
        [("modal", True, "shall", "may", "Harborlight")],
    ),
    (
        "Customer may terminate on notice.",
        "Customer must terminate on notice.",
        [("modal", True, "may", "must", "Customer")],
    ),
    (
        "Effective May 1, 2024. The parties agree as follows.",
        "Effective June 1, 2024. The parties agree as follows.",
        [("modal", False, "", "", None), ("number", True, "May 1, 2024", "June 1, 2024", None)],
    ),
    ("Signed in May 2024 by both parties.", "Signed in June 2024 by both parties.", [("modal", False, "", "", None)]),
    ("We thank 37signals for the idea.", "We thank 38signals for the idea.", [("*", False, "", "", None)]),
    ("Our partner Acme2Go hosts the forms.", "Our partner Acme3Go hosts the forms.", [("*", False, "", "", None)]),
    (
        "Harborlight may: 1. use PHI to run the Services; 2. disclose PHI as the law requires.",
        "Harborlight may: 1. use PHI to run the Services; 2. de-identify PHI for research; 3. disclose PHI as the "
        "law requires.",
        [("permission-added", True, "", "de-identify PHI", "Harborlight"), ("number", False, "", "", None)],
    ),
    (
        "Harborlight may: use PHI to run the Services; disclose PHI as the law requires; sell PHI to partners.",
        "Harborlight may: use PHI to run the Services; disclose PHI as the law requires.",
        [("permission-removed", True, "sell PHI", "", "Harborlight")],
    ),
    (
        f"{P} keep logs. Customer shall pay.",
        f"{P} keep logs. {P} delete PHI on request. Customer shall pay.",
        [("obligation-added", True, "", "delete PHI on request", "Harborlight"), ("modal", False, "", "", None)],
    ),
    (
        f"{P} keep logs. {P} delete PHI on request.",
        f"{P} keep logs.",
        [("obligation-removed", True, "delete PHI on request", "", "Harborlight")],
    ),
    (
        "Customer may export its data. Support is included.",
        "Customer may export its data. Customer may request a copy of the audit report. Support is included.",
        [("permission-added", True, "", "audit report", "Customer")],
    ),
    (
        "Customer may export its data. Customer may request a copy of the audit report.",
        "Customer may export its data.",
        [("permission-removed", True, "audit report", "", "Customer")],
    ),
    (
        '"PHI" means health data held by Harborlight.',
        '"PHI" means health data held or sent by Harborlight.',
        [("definition", True, "", "or sent", None)],
    ),
    ('"Incident" refers to a loss of PHI.', '"Incident" means a loss of PHI.', [("definition", False, "", "", None)]),
    (
        "As set out in Section 5, the fee applies.",
        "As set out in Section 6, the fee applies.",
        [("reference", True, "Section 5", "Section 6", None)],
    ),
    (
        "The duties in section 4.2(b) survive.",
        "The duties in section 4.3(b) survive.",
        [("reference", True, "4.2(b)", "4.3(b)", None)],
    ),
    (
        "See 45 C.F.R. § 164.504(e) for the terms.",
        "See 45 C.F.R. § 164.314(a) for the terms.",
        [("reference", True, "164.504(e)", "164.314(a)", None)],
    ),
    ("1. Use PHI. 2. Store PHI.", "1. Audit PHI. 2. Use PHI. 3. Store PHI.", [("number", False, "", "", None)]),
    ("Items: (1) logs, (2) backups.", "Items: (1) keys, (2) logs, (3) backups.", [("number", False, "", "", None)]),
    (f"{P} keep **backups** for 30 days.", f"{P} keep *backups* for 30 days.", [("*", False, "", "", None)]),
    (f"{P} keep backups for “30 days”.", f'{P} keep backups for "30 days".', [("*", False, "", "", None)]),
    (
        f"{P} retain logs for one (1) year.",
        f"{P} retain logs for twelve (12) months.",
        [("duration", True, "one (1) year", "twelve (12) months", "Harborlight")],
    ),
    (f"{P} retain logs for one (1) year.", f"{P} retain logs for 1 year.", [("*", False, "", "", None)]),
    (
        "Customer shall pay 5 percent of the fees.",
        "Customer shall pay five (5) percent of the fees.",
        [("amount", False, "", "", None)],
    ),
    (
        "Customer may audit twice a year.",
        "Customer may audit two times a year.",
        [("frequency", True, "twice", "two", "Customer")],
    ),
    (
        "Either party may terminate on notice.",
        "Either party shall terminate on notice.",
        [("modal", True, "may", "shall", "Either party")],
    ),
    (
        "Business Associate shall report within 10 days.",
        "Business Associate shall report within 5 days.",
        [("duration", True, "10 days", "5 days", "Business Associate")],
    ),
    ("The fee is USD 1,200 a year.", "The fee is USD 1,500 a year.", [("amount", True, "1,200", "1,500", None)]),
    ("We will reply by email.", "We will reply by email or phone.", [("*", False, "", "", None)]),
    (f"{P} act in May.", f"{P} act in June.", [("modal", False, "", "", None)]),
    (
        "Customer shall keep its password secret and shall tell Harborlight of any loss.",
        "Customer shall keep its password secret or shall tell Harborlight of any loss.",
        [("conjunction", True, "and", "or", "Customer")],
    ),
    (
        '"Breach" has the meaning given in 45 C.F.R. § 164.402.',
        '"Breach" has the meaning given in 45 C.F.R. § 164.404.',
        [("reference", True, "164.402", "164.404", None), ("definition", True, "402", "404", None)],
    ),
    (
        f"{P} report to Customer.",
        f"{P} report to Customer, and Customer may object within 10 days.",
        [("duration", True, "", "10 days", None)],
    ),
    (
        f"{P} keep backups for 30 days.",
        f"{P} keep backups for 30 calendar days.",
        [("duration", True, "30 days", "30 calendar days", "Harborlight")],
    ),
    (
        f"{P} answer within 72 hours.",
        f"{P} answer within 3 business days.",
        [("duration", True, "72 hours", "3 business days", "Harborlight")],
    ),
    (
        "The insurance covers 2,000,000 records.",
        "The insurance covers 3,000,000 records.",
        [("number", True, "2,000,000", "3,000,000", None)],
    ),
    (
        "Each party shall keep the other's secrets.",
        "Each party shall keep the other's secrets for five years.",
        [("duration", True, "", "five years", "Each party")],
    ),
    (
        "You must be at least 13 years of age.",
        "You must be at least 16 years of age.",
        [("duration", True, "13 years", "16 years", "you")],
    ),
    (f"{P} promptly notify Customer.", f"{P} notify Customer without undue delay.", [("*", False, "", "", None)]),
    ("Customer can not assign this BAA.", "Customer cannot assign this BAA.", [("*", False, "", "", None)]),
    (
        "The Services will be available 99.9% of the time.",
        "The Services will be available 99.5% of the time.",
        [("amount", True, "99.9%", "99.5%", None)],
    ),
]


def own_flag_facts() -> list[FlagFact]:
    return [
        FlagFact(f"own:{n}", "", kind, must, old, new, party)
        for n, (_, _, facts) in enumerate(OWN)
        for kind, must, old, new, party in facts
    ]


# Facts read off the corpus and the standard agreements: (source, clause path words, kind, must, old, new).
CORPUS_FLAGS: list[tuple[str, str, str, bool, str, str]] = [
    # Effective dates: the date is one expression, and "May" is the month.
    (
        "github-terms-of-service/2017-06-09>2017-08-04",
        "The GitHub Terms of Service",
        "number",
        True,
        "May 22, 2017",
        "August 7, 2017",
    ),
    ("github-terms-of-service/2017-06-09>2017-08-04", "The GitHub Terms of Service", "modal", False, "", ""),
    ("github-corporate-terms-of-service/2017-06-09>2017-08-04", "Corporate Terms", "modal", False, "", ""),
    ("github-corporate-terms-of-service/2017-08-04>2018-05-10", "Corporate Terms", "modal", False, "", ""),
    ("github-privacy-statement/2017-06-09>2018-05-24", "Preamble", "modal", False, "", ""),
    ("github-privacy-statement/2018-05-24>2019-04-18", "Preamble", "modal", False, "", ""),
    ("github-privacy-statement/2018-05-24>2019-04-18", "Preamble", "number", True, "May 25, 2018", "April 19, 2019"),
    ("github-subprocessors/2018-05-24>2019-04-19", "Preamble", "modal", False, "", ""),
    # thirty (30) days → 30 days is the same period written another way.
    (
        "github-corporate-terms-of-service/2017-06-09>2017-08-04",
        "GitHub May Terminate",
        "duration",
        False,
        "thirty (30) days",
        "30 days",
    ),
    (
        "github-corporate-terms-of-service/2018-05-10>2019-04-12",
        "Limitation of Liability",
        "duration",
        True,
        "24 months",
        "12 months",
    ),
    ("github-corporate-terms-of-service/2019-04-12>2019-07-01", "Limitation of Total", "amount", True, "$5,000.00", ""),
    (
        "github-privacy-statement/2017-06-09>2018-05-24",
        "How you can access and control",
        "duration",
        True,
        "30 days",
        "90 days",
    ),
    # Digits inside a name or an address are not numbers of substance; the subprocessors' formatting-only years.
    ("github-corporate-terms-of-service/2024-05-01>2026-03-02", "", "*", False, "", ""),
    ("github-terms-of-service/2025-09-29>2026-03-02", "", "*", False, "", ""),
    ("github-terms-of-service/2020-10-15>2022-09-01", "", "*", False, "", ""),
    # A definition that gained words, and the clauses that use the term.
    (
        "github-terms-of-service/2019-07-01>2019-11-13",
        "A. Definitions",
        "definition",
        True,
        "",
        ", including any Beta Previews",
    ),
    ("github-terms-of-service/2019-07-01>2019-11-13", "J. Beta Previews", "definition", True, "Service", "Service"),
    ("github-corporate-terms-of-service/2023-08-14>2023-12-27", '"Fees"', "definition", True, "Professional", "Expert"),
    ("github-corporate-terms-of-service/2023-12-27>2024-05-01", '"Fees"', "definition", True, "Expert", "Professional"),
    # A new section adds its obligation.
    ("github-terms-of-service/2023-10-17>2025-09-29", "Access Reciprocity", "obligation-added", True, "", ""),
    # "in accordance with Section T" pointed at Miscellaneous itself; it now names R, Changes: retargeted.
    (
        "github-corporate-terms-of-service/2020-10-15>2022-09-01",
        "Amendments",
        "reference",
        True,
        "Section T",
        "Section R",
    ),
    # "Section B(4): Additional Terms" pointed at Account Security; Additional Terms was already B.5: retargeted.
    ("github-terms-of-service/2018-05-10>2019-04-18", "A. Definitions", "reference", True, "B(4)", "B(5)"),
    # A new sentence with a period and no duty: the period is flagged.
    (
        "github-corporate-terms-of-service/2019-11-13>2020-10-15",
        "Changes to the Service or Terms",
        "duration",
        True,
        "",
        "30 days",
    ),
    # Common Paper NDA, read as numbered clauses: a typo made and undone, a version label in the closing line.
    ("commonpaper-mutual-nda/2-2021-07-19-7930975>3-2021-07-19-d872e5a", "", "*", False, "", ""),
    ("commonpaper-mutual-nda/3-2021-07-19-d872e5a>4-2021-07-19-d003745", "", "*", False, "", ""),
    ("commonpaper-dpa/1-2022-07-14-f083ee1>2-2025-05-09-3873abc", "", "*", False, "", ""),
    ("commonpaper-mutual-nda/1-2021-07-12-335270c>2-2021-07-19-7930975", "", "modal", False, "", ""),
    # "a Cover Page" → "a cover page" beside the definition of "Cover Page": case only, no new meaning.
    ("commonpaper-mutual-nda/1-2021-07-12-335270c>2-2021-07-19-7930975", "", "definition", False, "", ""),
    ("commonpaper-mutual-nda/1-2021-07-12-335270c>2-2021-07-19-7930975", "Preamble", "number", True, "0.1", "1.0"),
    # Semicolons for commas between the (a) (b) (c) exceptions, and "written" notice: no number, no modal.
    ("commonpaper-mutual-nda/1-2021-07-12-335270c>2-2021-07-19-7930975", "Exceptions", "*", False, "", ""),
    (
        "commonpaper-mutual-nda/1-2021-07-12-335270c>2-2021-07-19-7930975",
        "Term and Termination",
        "modal",
        False,
        "",
        "",
    ),
    ("commonpaper-mutual-nda/4-2021-07-19-d003745>5-2021-07-19-f90b8ac", "", "*", False, "", ""),
]


def corpus_flag_facts() -> list[FlagFact]:
    return [FlagFact(source, clause, kind, must, old, new) for source, clause, kind, must, old, new in CORPUS_FLAGS]


@dataclass(frozen=True)
class PairFact:
    source: str  # "own:<name>" or "<folder>/<old>><new>"
    old: str  # an old clause's title
    new: str | None  # the title of the new clause it became; None: removed


# Own pairing cases: the old and new documents.
OWN_DOCS: dict[str, tuple[str, str]] = {
    "slot-past-a-move": (
        "## 1. Alpha\n\nAlpha text about fees and payment terms for the customer.\n\n## 2. Beta\n\nThe provider "
        "shall keep records of all access for audit by the customer each year.\n\n## 3. Gamma\n\nGamma covers the "
        "governing law of the state and venue of disputes.\n\n## 4. Delta\n\nDelta text on notices sent by email "
        "to the addresses on file.\n",
        "## 1. Alpha\n\nAlpha text about fees and payment terms for the customer.\n\n## 2. Record keeping\n\nThe "
        "provider shall keep logs of all access; the customer may inspect them on request.\n\n## 3. Delta\n\nDelta "
        "text on notices sent by email to the addresses on file.\n\n## 4. Gamma\n\nGamma covers the governing law "
        "of the state and venue of disputes.\n",
    ),
    "section-become-subsection": (
        "## 1. Security\n\nProvider shall encrypt data at rest and in transit with strong keys.\n\n## 2. Audits\n\n"
        "Customer may audit once a year.\n",
        "## 1. Operations\n\nGeneral operations terms.\n\n### Security\n\nProvider shall encrypt all data with keys "
        "it rotates every quarter.\n\n## 2. Audits\n\nCustomer may audit once a year.\n",
    ),
    "subsection-become-section": (
        "## 1. Operations\n\nGeneral operations terms.\n\n### Backups\n\nProvider shall back up data daily and keep "
        "copies in two regions.\n\n## 2. Fees\n\nCustomer shall pay monthly.\n",
        "## 1. Operations\n\nGeneral operations terms.\n\n## 2. Backups\n\nProvider shall back up data every hour "
        "and test a restore each month.\n\n## 3. Fees\n\nCustomer shall pay monthly.\n",
    ),
    "renumbered-and-inserted": (
        "## 1. Scope\n\nThis BAA covers PHI.\n\n## 2. Use\n\nProvider may use PHI to run the Services.\n\n## 3. "
        "Term\n\nThis BAA lasts as long as the agreement.\n",
        "## 1. Scope\n\nThis BAA covers PHI.\n\n## 2. Definitions\n\nTerms mean what HIPAA says.\n\n## 3. Use\n\n"
        "Provider may use PHI to run the Services.\n\n## 4. Term\n\nThis BAA lasts as long as the agreement.\n",
    ),
    "labelled-becomes-plain": (
        "## 1. Reports\n\nIntro text here.\n\n**Timing.** Provider shall report a Breach within 72 hours.\n\n"
        "**Form.** Reports are written.\n",
        "## 1. Reports\n\nIntro text here.\n\nTiming. Provider shall report a Breach within 72 hours.\n\n"
        "**Form.** Reports are written.\n",
    ),
}

OWN_PAIRS: list[PairFact] = [
    PairFact("own:slot-past-a-move", "Alpha", "Alpha"),
    PairFact("own:slot-past-a-move", "Beta", "Record keeping"),
    PairFact("own:slot-past-a-move", "Gamma", "Gamma"),
    PairFact("own:slot-past-a-move", "Delta", "Delta"),
    PairFact("own:section-become-subsection", "Security", "Security"),
    PairFact("own:section-become-subsection", "Audits", "Audits"),
    PairFact("own:subsection-become-section", "Backups", "Backups"),
    PairFact("own:subsection-become-section", "Operations", "Operations"),
    PairFact("own:subsection-become-section", "Fees", "Fees"),
    PairFact("own:renumbered-and-inserted", "Scope", "Scope"),
    PairFact("own:renumbered-and-inserted", "Use", "Use"),
    PairFact("own:renumbered-and-inserted", "Term", "Term"),
    PairFact("own:labelled-becomes-plain", "Reports", "Reports"),
    PairFact("own:labelled-becomes-plain", "Form", "Form"),
]

_PROMOTED = [
    "Definitions", "Account Terms", "Acceptable Use", "User-Generated Content", "Private Repositories",
    "Copyright Infringement and DMCA Policy", "Intellectual Property Notice", "API Terms", "Payment",
    "Cancellation and Termination", "Communications with GitHub", "Disclaimer of Warranties",
    "Limitation of Liability", "Release and Indemnification", "Changes to These Terms", "Miscellaneous",
]  # fmt: skip

CORPUS_PAIRS: list[PairFact] = [
    # 2022-09-01 promoted every heading one level; every clause is still itself.
    *(PairFact("github-terms-of-service/2020-10-15>2022-09-01", title, title) for title in _PROMOTED),
    PairFact("github-terms-of-service/2020-10-15>2022-09-01", "User Account Security", "Account Security"),
    # Subprocessor rows pair by name; a vendor that left is removed, never renamed into a new one.
    PairFact("github-subprocessors/2019-08-08>2020-08-14", "Front", None),
    PairFact("github-subprocessors/2019-08-08>2020-08-14", "Lithium", None),
    PairFact("github-subprocessors/2019-08-08>2020-08-14", "Segment", None),
    PairFact("github-subprocessors/2019-08-08>2020-08-14", "Zendesk", "Zendesk"),
    PairFact("github-subprocessors/2019-04-19>2019-08-08", "Zendesk", "Zendesk"),
    # A new section does not displace the ones around it.
    PairFact("github-terms-of-service/2023-10-17>2025-09-29", "Miscellaneous", "Miscellaneous"),
    PairFact("github-terms-of-service/2023-10-17>2025-09-29", "Governing Law", "Governing Law"),
    PairFact("github-terms-of-service/2023-10-17>2025-09-29", "Upon Cancellation", "Upon Cancellation"),
    PairFact(
        "github-terms-of-service/2023-10-17>2025-09-29", "GitHub's Rights to Content", "GitHub's Rights to Content"
    ),
    # The same title at another level or under another parent: the clause moved, it was not replaced.
    PairFact(
        "github-corporate-terms-of-service/2019-04-12>2019-07-01",
        "Copyright Infringement and DMCA Policy",
        "Copyright Infringement and DMCA Policy",
    ),
    PairFact("github-privacy-statement/2019-04-18>2019-12-20", "Repository contents", "Repository contents"),
    *(
        PairFact(f"github-privacy-statement/{pair}", title, title)
        for pair, title in (
            ("2019-04-18>2019-12-20", "Dispute resolution process"),
            ("2020-11-23>2022-05-24", "Change in control or sale"),
        )
    ),
    PairFact("github-privacy-statement/2020-11-23>2022-05-24", "For legal disclosure", "For legal disclosure"),
    # Common Paper's numbered-list agreements: each item is a clause, paired by its title.
    *(
        PairFact("commonpaper-mutual-nda/1-2021-07-12-335270c>2-2021-07-19-7930975", title, title)
        for title in ("Introduction", "Use and Protection of Confidential Information", "Exceptions", "General")
    ),
    *(
        PairFact("commonpaper-dpa/1-2022-07-14-f083ee1>2-2025-05-09-3873abc", title, title)
        for title in ("Processing", "Provider as Processor", "Subprocessors", "Definitions")
    ),
]  # fmt: skip


def pair_facts() -> list[PairFact]:
    return OWN_PAIRS + CORPUS_PAIRS


# --- evaluation ---------------------------------------------------------------------------------


@dataclass
class Score:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0
    pairs_right: int = 0
    pairs_wrong: int = 0
    misses: list[str] | None = None

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0


def _sources(roots: list[Path]) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for root in roots:
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            out[folder.name] = folder
    return out


class Diffs:
    """Each pair diffed once."""

    def __init__(self, roots: list[Path]) -> None:
        self.folders = _sources(roots)
        self.cache: dict[str, DocumentDiff] = {}

    def available(self, source: str) -> bool:
        return source.startswith("own:") or source.split("/")[0] in self.folders

    def get(self, source: str) -> DocumentDiff:
        if source not in self.cache:
            if source.startswith("own:"):
                old, new = OWN_DOCS[source[4:]]
                self.cache[source] = diff_documents(parse_document(old, "old"), parse_document(new, "new"))
            else:
                folder, pair = source.split("/")
                old_stem, new_stem = pair.split(">")
                a, _ = load_document(self.folders[folder] / f"{old_stem}.md")
                b, _ = load_document(self.folders[folder] / f"{new_stem}.md")
                assert a is not None and b is not None, source
                self.cache[source] = diff_documents(a, b)
        return self.cache[source]


def _flags_of(fact: FlagFact, diffs: Diffs) -> list[Flag]:
    if fact.source.startswith("own:"):
        from amend.flags import flag_changes
        from amend.redline import diff_words

        old, new, _ = OWN[int(fact.source[4:])]
        diff = diff_documents(
            parse_document(f"## 1. Case\n\n{old}\n", "a"), parse_document(f"## 1. Case\n\n{new}\n", "b")
        )
        del flag_changes, diff_words
        return [flag for _, flag in diff.flags()]
    diff = diffs.get(fact.source)
    return [flag for entry, path in walk_with_path(diff.clauses) if fact.clause in path for flag in entry.flags]


def _matches(flag: Flag, fact: FlagFact) -> bool:
    if fact.kind != "*" and flag.kind.value != fact.kind:
        return False
    return fact.old in (flag.old or "") and fact.new in (flag.new or "")


def evaluate(roots: list[Path]) -> tuple[Score, int, int]:
    """Score every fact whose source is on this machine; also returns how many flag and pair facts were scored."""
    diffs = Diffs(roots)
    score = Score(misses=[])
    assert score.misses is not None
    flag_count = pair_count = 0
    for fact in own_flag_facts() + corpus_flag_facts():
        if not diffs.available(fact.source):
            continue
        flag_count += 1
        found = [flag for flag in _flags_of(fact, diffs) if _matches(flag, fact)]
        if fact.must:
            hit = bool(found) and (fact.party is None or any(flag.party == fact.party for flag in found))
            if hit:
                score.true_positive += 1
            else:
                score.false_negative += 1
                score.misses.append(f"missed: {fact}")
        elif found:
            score.false_positive += 1
            score.misses.append(f"raised: {fact}: {found}")
        else:
            score.true_negative += 1
    for pair in pair_facts():
        if not diffs.available(pair.source):
            continue
        pair_count += 1
        diff = diffs.get(pair.source)
        outcomes = [
            (entry.new.title if entry.new is not None and entry.old is not None else None)
            for entry in diff.walk()
            if entry.old is not None and entry.old.title == pair.old and not entry.moved_to
        ]
        if pair.new in outcomes:
            score.pairs_right += 1
        else:
            score.pairs_wrong += 1
            score.misses.append(f"paired wrong: {pair}: {outcomes}")
    return score, flag_count, pair_count


def iter_roots(base: Path) -> Iterator[Path]:
    for name in ("corpus", "standard-agreements"):
        if (base / name).is_dir():
            yield base / name


__all__ = ["evaluate", "iter_roots", "itertools"]
