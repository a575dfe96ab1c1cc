"""Synthetic revision sets for the build benchmark: a contract that changes over the years.

One call writes ``N`` revision files of an agreement of about ``W`` words in ``C``
top-level clauses, in the revision format of SPEC "A revision file" (front
matter, ``## N. Title {#id}`` clauses, bold-labelled paragraphs and list items,
numbered items, a definitions table). Each revision makes a few edits to the one
before, of the kinds a legal team makes: a reworded paragraph, a sub-clause
inserted or deleted, a deadline changed, a clause moved (so the clauses after it
are renumbered) and now and then retitled. Dates keep the notice window: the
first revision takes effect the day it is posted, every later one at least
``NOTICE_DAYS`` after it is posted.

The text is assembled from this module's own phrase lists by a seeded random
generator, so a size and a seed always give the same bytes. It reads no clock
and no environment; only :func:`write_revision_set` and :func:`write_site`
touch the disk.

Run it by hand to look at a set::

    python benchmarks/generate.py --revisions 5 --words 2500 --clauses 11 -o /tmp/set
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

NOTICE_DAYS = 30
FIRST_POSTED = date(2016, 3, 1)
TITLE = "Business Associate Agreement"
ORGANIZATION = "Larkspur Records Cloud, Inc."
PROVIDER = "Larkspur"
SITE_NAME = "Larkspur Trust Center"

# --- phrase lists -----------------------------------------------------------------------------------

_BASE_TITLES = (
    "Parties and Scope",
    "Definitions",
    "Permitted Uses and Disclosures",
    "Customer Duties",
    "Safeguards",
    "Incident Reporting",
    "Subprocessors",
    "Individual Rights",
    "Records and Audits",
    "Term and Termination",
    "General Terms",
)
_AREAS = (
    "Access",
    "Backup",
    "Encryption",
    "Logging",
    "Training",
    "Supplier",
    "Key",
    "Retention",
    "Deletion",
    "Transfer",
    "Network",
    "Device",
    "Facility",
    "Testing",
    "Change",
    "Capacity",
    "Support",
    "Archive",
    "Identity",
    "Continuity",
)
_ASPECTS = ("Control", "Review", "Management", "Standards", "Reporting")

_LABELS = (
    "Notice",
    "Timing",
    "Records",
    "Costs",
    "Cooperation",
    "Exceptions",
    "Review",
    "Training",
    "Evidence",
    "Retention",
    "Deletion",
    "Backups",
    "Encryption",
    "Access",
    "Logging",
    "Testing",
    "Escalation",
    "Contacts",
    "Format",
    "Survival",
    "Remedies",
    "Waiver",
    "Assignment",
    "Approvals",
    "Reporting",
    "Limits",
    "Transfers",
    "Locations",
    "Keys",
    "Certification",
    "Suspension",
    "Objection",
    "Updates",
    "Personnel",
    "Facilities",
    "Media",
    "Disposal",
    "Monitoring",
    "Verification",
    "Instructions",
    "Confidentiality",
    "Language",
    "Priority",
    "Exports",
    "Handover",
    "Inventory",
    "Segregation",
    "Restoration",
    "Accuracy",
    "Complaints",
    "Referral",
    "Fees",
    "Tools",
    "Sampling",
    "Calendar",
)
_TERMS = (
    ("Agreement Data", "Health information that {p} receives, keeps or sends for Customer through the Services."),
    ("Business Day", "Any weekday that is not a public holiday where Customer has its main office."),
    ("Documentation", "The guides {p} publishes for the Services, as updated from time to time."),
    (
        "Incident",
        "An event that leads, or is reasonably likely to lead, to Agreement Data being seen, changed or "
        "lost by someone without the right to it.",
    ),
    ("Individual", "The person the Agreement Data is about, or that person's lawful representative."),
    ("Main Agreement", "The services contract between {p} and Customer that this agreement supplements."),
    ("Regulator", "A public authority with power over the handling of health information by either party."),
    ("Services", "The hosted record-keeping services that {p} provides to Customer under the Main Agreement."),
    ("Subprocessor", "A company that {p} engages and that may handle Agreement Data in doing so."),
    ("Workforce", "Employees, contractors and volunteers whose work is directed by {p}."),
)
_ACTORS = (
    "{p}",
    "{p}",
    "{p}",
    "Customer",
    "Each party",
    "{p}'s Workforce",
    "Every Subprocessor",
    "The receiving party",
)
_MODALS = ("shall", "shall", "shall", "shall", "must", "will", "may")
_ACTIONS = (
    "encrypt Agreement Data held on portable devices",
    "keep a written record of each disclosure of Agreement Data",
    "review the access rights of every account that can read Agreement Data",
    "tell the other party about any Incident it discovers",
    "return or securely erase Agreement Data",
    "make its internal practices and books available to the Regulator",
    "test its backup and restore procedures",
    "limit each use of Agreement Data to the minimum the task needs",
    "train new members of the Workforce on the handling of Agreement Data",
    "keep audit logs of administrative access to production systems",
    "answer reasonable questions about its security programme",
    "replace cryptographic keys that may have been exposed",
    "remove access for people who no longer need it",
    "store backups in a separate facility from the primary copy",
    "apply security patches to systems that hold Agreement Data",
    "give Customer a copy of its latest independent assessment",
    "document the purpose of every transfer of Agreement Data",
    "notify Customer before changing the region where Agreement Data is stored",
    "check the identity of anyone who asks for Agreement Data by telephone",
    "keep Agreement Data apart from the data of its other customers",
    "correct inaccurate Agreement Data when Customer asks it to",
    "provide the information Customer needs to answer a request from an Individual",
    "keep a current list of the Subprocessors that may handle Agreement Data",
    "run a tabletop exercise of its incident response plan",
)
_QUALIFIERS = (
    "within {deadline} after {event}",
    "within {deadline} after {event}",
    "no later than {deadline} after {event}",
    "at least once every {every}",
    "in line with the Documentation",
    "at its own expense",
    "unless the law requires otherwise",
    "on Customer's written request",
    "to the extent reasonably practicable",
    "using methods that are current industry practice",
    "and shall keep evidence of having done so for {period}",
)
_EVENTS = (
    "discovery",
    "the end of the term",
    "receiving a written request",
    "becoming aware of it",
    "the change takes effect",
    "the date of the request",
    "Customer's notice",
    "the Incident is contained",
)
_PERIODS = ("twelve (12) months", "six (6) months", "three (3) years", "two (2) years", "ninety (90) days")
_EVERY = ("twelve (12) months", "six (6) months", "calendar quarter", "year", "two (2) years")
_NUMBER_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
    14: "fourteen",
    15: "fifteen",
    20: "twenty",
    30: "thirty",
    45: "forty-five",
    60: "sixty",
    90: "ninety",
}
_DEADLINE_UNITS = ("business days", "days", "calendar days")
_HOURS = (24, 48, 72, 96)
_OPENERS = (
    "This clause sets out how the parties deal with {topic}.",
    "The parties agree the following arrangements for {topic}.",
    "Nothing in this clause limits any duty that the law places on either party in respect of {topic}.",
    "Where the Main Agreement says something different about {topic}, this clause prevails.",
)
# Reword: a phrase and the wording a reviewer would put in its place (both directions are used).
_REWORDINGS = (
    ("shall", "must"),
    ("tell the other party about", "notify the other party of"),
    ("at its own expense", "at no cost to Customer"),
    ("to the extent reasonably practicable", "as far as it reasonably can"),
    ("securely erase", "permanently delete"),
    ("in line with the Documentation", "as the Documentation describes"),
    ("current industry practice", "generally accepted in the industry"),
    ("keep a written record of", "record in writing"),
    ("on Customer's written request", "when Customer asks in writing"),
    ("unless the law requires otherwise", "except where the law requires otherwise"),
)

DEADLINE = re.compile(r"\b([a-z-]+) \((\d+)\) (business days|calendar days|days)\b|\b(\d+) hours\b")
WORD = re.compile(r"\S+")


# --- the agreement as data --------------------------------------------------------------------------


@dataclass
class Part:
    """A sub-clause or a body paragraph: ``style`` is ``para``, ``bullet``, ``item`` or ``row``."""

    style: str
    label: str | None
    sentences: list[str]


@dataclass
class Clause:
    id: str
    title: str
    intro: list[str]
    parts: list[Part] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class GeneratedRevision:
    """One revision file: its name (``YYYY-MM-DD.md``, the effective date), its text and what changed."""

    name: str
    posted: date
    effective: date
    text: str
    edits: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.name.removesuffix(".md")


class _Writer:
    """Sentences and clauses from the phrase lists, drawn from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def deadline(self) -> str:
        if self.rng.random() < 0.2:
            return f"{self.rng.choice(_HOURS)} hours"
        days = self.rng.choice(sorted(_NUMBER_WORDS))
        return f"{_NUMBER_WORDS[days]} ({days}) {self.rng.choice(_DEADLINE_UNITS)}"

    def sentence(self) -> str:
        rng = self.rng
        actor = rng.choice(_ACTORS).format(p=PROVIDER)
        qualifier = rng.choice(_QUALIFIERS).format(
            deadline=self.deadline(), event=rng.choice(_EVENTS), period=rng.choice(_PERIODS), every=rng.choice(_EVERY)
        )
        return f"{actor} {rng.choice(_MODALS)} {rng.choice(_ACTIONS)} {qualifier}."

    def sentences(self, low: int, high: int) -> list[str]:
        return [self.sentence() for _ in range(self.rng.randint(low, high))]

    def part(self, used: set[str]) -> Part:
        free = [label for label in _LABELS if label not in used] or [f"Further Terms {len(used) + 1}"]
        label = self.rng.choice(free)
        used.add(label)
        style = "bullet" if self.rng.random() < 0.3 else "para"
        return Part(style, label, self.sentences(1, 3))

    def clause(self, title: str, budget: int) -> Clause:
        topic = title.lower()
        clause = Clause(_slug(title), title, [self.rng.choice(_OPENERS).format(topic=topic), *self.sentences(1, 2)])
        used: set[str] = set()
        if title == "Definitions":
            clause.parts = [Part("row", term, [meaning.format(p=PROVIDER)]) for term, meaning in _TERMS]
        elif self.rng.random() < 0.25:
            clause.parts = [Part("item", None, [self.sentence()]) for _ in range(self.rng.randint(3, 5))]
        while _clause_words(clause) < budget:
            clause.parts.append(self.part(used | {p.label for p in clause.parts if p.label}))
        return clause


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _titles(count: int) -> list[str]:
    titles = list(_BASE_TITLES[: min(count, len(_BASE_TITLES))])
    extra = [f"{area} {aspect}" for aspect in _ASPECTS for area in _AREAS]
    titles += extra[: max(0, count - len(titles))]
    if len(titles) < count:
        raise ValueError(f"at most {len(_BASE_TITLES) + len(extra)} clauses can be generated, not {count}")
    # Keep "General Terms" last, where an agreement has its boilerplate.
    if "General Terms" in titles and count > len(_BASE_TITLES):
        titles.remove("General Terms")
        titles.append("General Terms")
    return titles


def _clause_words(clause: Clause) -> int:
    words = len(clause.title.split()) + sum(len(s.split()) for s in clause.intro)
    for part in clause.parts:
        words += sum(len(s.split()) for s in part.sentences) + (len(part.label.split()) if part.label else 0)
    return words


# --- rendering --------------------------------------------------------------------------------------


def render_body(clauses: Sequence[Clause]) -> str:
    """The agreement's Markdown after the front matter: a preamble, then ``## N. Title {#id}`` clauses."""
    lines = [
        f'This {TITLE} (the "Agreement") is between {ORGANIZATION} ("{PROVIDER}") and the customer that '
        'accepts it ("Customer"). It applies to health information that Customer places in the Services.',
        "",
    ]
    for number, clause in enumerate(clauses, start=1):
        lines += [f"## {number}. {clause.title} {{#{clause.id}}}", "", " ".join(clause.intro), ""]
        previous = ""
        item = 0
        for part in clause.parts:
            text = " ".join(part.sentences)
            if previous in ("bullet", "item", "row") and part.style != previous:
                lines.append("")
            if part.style == "para":
                lines += [f"**{part.label}.** {text}", ""]
            elif part.style == "bullet":
                lines.append(f"- **{part.label}.** {text}")
            elif part.style == "item":
                item += 1
                lines.append(f"{item}. {text}")
            else:  # a row of the definitions table
                if previous != "row":
                    lines += ["| Term | Meaning |", "| --- | --- |"]
                lines.append(f"| {part.label} | {text} |")
            previous = part.style
        if previous in ("bullet", "item", "row"):
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_revision(body: str, posted: date, effective: date, summary: str) -> str:
    """A whole revision file: front matter and body."""
    return (
        f"---\ntitle: {TITLE}\nposted: {posted.isoformat()}\neffective: {effective.isoformat()}\n"
        f"summary: {summary}\n---\n\n{body}"
    )


def count_words(text: str) -> int:
    return len(WORD.findall(text))


# --- edits ------------------------------------------------------------------------------------------


def _editable(clauses: list[Clause]) -> list[Clause]:
    return [c for c in clauses if c.title != "Definitions"]


def _reword(rng: random.Random, clauses: list[Clause]) -> str:
    clause = rng.choice(_editable(clauses))
    targets = [s for s in ([clause.intro] + [p.sentences for p in clause.parts])]
    sentences = rng.choice([t for t in targets if t])
    index = rng.randrange(len(sentences))
    old = sentences[index]
    for a, b in rng.sample(_REWORDINGS, len(_REWORDINGS)):
        for before, after in ((a, b), (b, a)):
            if before in old:
                sentences[index] = old.replace(before, after, 1)
                return f"rewords a sentence of {clause.title}"
    sentences[index] = _Writer(rng).sentence()
    return f"rewrites a sentence of {clause.title}"


def _change_deadline(rng: random.Random, clauses: list[Clause]) -> str:
    found = [
        (clause, part, i, match)
        for clause in _editable(clauses)
        for part in [Part("para", None, clause.intro), *clause.parts]
        for i, s in enumerate(part.sentences)
        for match in [DEADLINE.search(s)]
        if match
    ]
    if not found:
        clause = rng.choice(_editable(clauses))
        clause.intro.append(f"{PROVIDER} shall answer Customer's notice within ten (10) business days.")
        return f"adds a deadline to {clause.title}"
    clause, part, index, match = rng.choice(found)
    old = match.group(0)
    new = old
    while new == old:
        new = _Writer(rng).deadline()
    sentence = part.sentences[index]
    part.sentences[index] = sentence[: match.start()] + new + sentence[match.end() :]
    return f"changes a deadline in {clause.title} from {old} to {new}"


def _insert_part(rng: random.Random, clauses: list[Clause]) -> str:
    clause = rng.choice(_editable(clauses))
    part = _Writer(rng).part({p.label for p in clause.parts if p.label})
    clause.parts.insert(rng.randint(0, len(clause.parts)), part)
    return f"adds {part.label} to {clause.title}"


def _delete_part(rng: random.Random, clauses: list[Clause]) -> str:
    candidates = [c for c in _editable(clauses) if sum(1 for p in c.parts if p.label) > 1]
    if not candidates:
        return _insert_part(rng, clauses)
    clause = rng.choice(candidates)
    labelled = [p for p in clause.parts if p.label]
    part = rng.choice(labelled)
    clause.parts.remove(part)
    return f"removes {part.label} from {clause.title}"


def _move_clause(rng: random.Random, clauses: list[Clause]) -> str:
    # Parties, Definitions and the closing boilerplate stay put, as they do in real agreements.
    movable = range(2, len(clauses) - 1)
    if len(movable) < 2:
        return _reword(rng, clauses)
    source, target = rng.sample(list(movable), 2)
    clause = clauses.pop(source)
    clauses.insert(target, clause)
    if rng.random() < 0.3:
        old = clause.title
        clause.title = f"{old} Obligations" if not old.endswith("Obligations") else old.removesuffix(" Obligations")
        return f"moves {old} to section {target + 1} and retitles it {clause.title}"
    return f"moves {clause.title} from section {source + 1} to section {target + 1}"


def _edits_for(index: int) -> tuple[str, ...]:
    """The edits revision ``index`` (1-based, after the first) makes: each kind comes back regularly."""
    edits = ["reword", "deadline", "insert" if index % 2 else "delete"]
    if index % 2 == 0 or index == 1:
        edits.append("move")
    if index % 3 == 0:
        edits.append("reword")
    return tuple(edits)


_EDITS = {
    "reword": _reword,
    "deadline": _change_deadline,
    "insert": _insert_part,
    "delete": _delete_part,
    "move": _move_clause,
}


def _copy(clauses: list[Clause]) -> list[Clause]:
    return [
        replace(c, intro=list(c.intro), parts=[replace(p, sentences=list(p.sentences)) for p in c.parts])
        for c in clauses
    ]


# --- the set ----------------------------------------------------------------------------------------


def generate_revisions(revisions: int, words: int, clauses: int, seed: int = 0) -> list[GeneratedRevision]:
    """``revisions`` revisions of an agreement of about ``words`` words in ``clauses`` clauses, oldest first."""
    if revisions < 1 or clauses < 3 or words < clauses * 40:
        raise ValueError("need at least 1 revision, 3 clauses and 40 words a clause")
    rng = random.Random(f"amend-bench:{revisions}:{words}:{clauses}:{seed}")
    writer = _Writer(rng)
    titles = _titles(clauses)
    preamble_words = 40
    # Headings, labels and markup count as words too, and the last sub-clause of a clause overshoots.
    budget = max(40, (words - preamble_words) // clauses - 30)
    current = [writer.clause(title, budget) for title in titles]
    out: list[GeneratedRevision] = []
    posted = effective = FIRST_POSTED
    summary = f"The first published {TITLE}."
    edits: tuple[str, ...] = ()
    for index in range(revisions):
        if index:
            current = _copy(current)
            edits = tuple(_EDITS[kind](rng, current) for kind in _edits_for(index))
            posted = effective + timedelta(days=rng.randint(20, 120))
            effective = posted + timedelta(days=NOTICE_DAYS + rng.randint(0, 45))
            summary = _summary(edits)
        body = render_body(current)
        name = f"{effective.isoformat()}.md"
        out.append(GeneratedRevision(name, posted, effective, render_revision(body, posted, effective, summary), edits))
    return out


def _summary(edits: Sequence[str]) -> str:
    text = "; ".join(edits)
    return (text[0].upper() + text[1:] + ".").replace(":", " -")  # keeps the YAML a plain scalar


def as_of(revisions: Sequence[GeneratedRevision]) -> date:
    """The day a benchmark builds as of: inside the newest revision's notice window, so it is upcoming
    (a banner, a redline against the one in force); with one revision, a month after it took effect."""
    last = revisions[-1]
    if len(revisions) == 1 or last.posted == last.effective:
        return last.effective + timedelta(days=30)
    return last.posted + timedelta(days=3)


def edit_text(text: str, variant: int) -> str:
    """``text`` with one sentence added to the last labelled paragraph: a small edit of one revision.

    Different variants give different text, so each edit defeats the PDF cache exactly once.
    """
    lines = text.split("\n")
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].startswith("**"):
            lines[index] += (
                f" {PROVIDER} shall confirm each such step to Customer in writing within {variant + 2} business days."
            )
            return "\n".join(lines)
    raise ValueError("no labelled paragraph to edit")


def write_revision_set(folder: Path, revisions: Sequence[GeneratedRevision]) -> list[Path]:
    """Writes each revision as ``folder/YYYY-MM-DD.md`` (UTF-8, ``\\n``); returns the paths, oldest first."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for revision in revisions:
        path = folder / revision.name
        path.write_text(revision.text, encoding="utf-8", newline="\n")
        paths.append(path)
    return paths


MKDOCS_COMMON = """\
site_name: {site_name}
site_url: https://trust.example.test/
docs_dir: docs
use_directory_urls: true
strict: true
theme:
  name: material
  font: false
markdown_extensions:
  - tables
  - attr_list
  - toc:
      permalink: true
"""

AMEND_PLUGINS = """\
plugins:
  - search
  - amend:
      revisions: baa_versions
      notice_days: {notice_days}
      title: {title}
      organization: {organization}
      paper: letter
"""

PLAIN_PLUGINS = """\
plugins:
  - search
"""

LANDING = """\
# {site_name}

Every revision of our {title}, with redlines, PDFs and the notice we give before a change takes effect.
"""


def write_site(root: Path, revisions: Sequence[GeneratedRevision]) -> Path:
    """A MkDocs project at ``root`` publishing ``revisions`` with the amend plugin; returns its mkdocs.yml."""
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "index.md").write_text(LANDING.format(site_name=SITE_NAME, title=TITLE), encoding="utf-8")
    write_revision_set(root / "baa_versions", revisions)
    config = root / "mkdocs.yml"
    config.write_text(
        MKDOCS_COMMON.format(site_name=SITE_NAME)
        + AMEND_PLUGINS.format(notice_days=NOTICE_DAYS, title=TITLE, organization=ORGANIZATION),
        encoding="utf-8",
    )
    return config


def write_plain_site(root: Path, pages: dict[str, str]) -> Path:
    """A MkDocs project at ``root`` with the same theme and extensions, no amend, and ``pages``
    (``docs``-relative path → Markdown); returns its mkdocs.yml."""
    docs = root / "docs"
    (docs).mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text(LANDING.format(site_name=SITE_NAME, title=TITLE), encoding="utf-8")
    for path, text in pages.items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(MKDOCS_COMMON.format(site_name=SITE_NAME) + PLAIN_PLUGINS, encoding="utf-8")
    return config


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--revisions", type=int, default=5)
    parser.add_argument("--words", type=int, default=2500)
    parser.add_argument("--clauses", type=int, default=11)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", type=Path, required=True, help="folder for a whole MkDocs project")
    args = parser.parse_args(argv)
    revisions = generate_revisions(args.revisions, args.words, args.clauses, args.seed)
    config = write_site(args.output, revisions)
    for revision in revisions:
        print(f"{revision.name}: {count_words(revision.text)} words; {'; '.join(revision.edits) or 'first'}")
    print(f"{config}: build it as of {as_of(revisions).isoformat()} (AMEND_AS_OF)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
