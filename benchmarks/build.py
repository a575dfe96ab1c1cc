"""The whole build at scale, measured against the floor it cannot beat (issue 8).

For each size (revisions, words, clauses) it writes a generated revision set
(:mod:`generate`) and measures, in the same run and as whole processes:

1. the floor: a plain mkdocs-material build of the same pages with the same text
   and no amend plugin, plus WeasyPrint rendering the same PDFs in one process
   (``amend.pdf.render_revision_pdf`` / ``render_redline_pdf`` on HTML prepared
   beforehand) divided by the number of cores;
2. amend's cold build: ``mkdocs build --strict``, PDFs included, empty cache;
3. the warm rebuild, nothing changed, same cache;
4. the rebuild after a sentence was added to the newest revision (on disk);
5. the peak memory of each: the largest process (``wait4``'s ``ru_maxrss``,
   worker processes included) and the whole process tree (sampled from /proc).

Each figure is the median, min and max of several runs. It prints a table and,
as its last line, one JSON object with every figure and the ratios
cold/floor, warm/plain and one-edit/plain.

    .venv/bin/python benchmarks/build.py                 # the default matrix (under 10 minutes on 2 cores)
    .venv/bin/python benchmarks/build.py --full          # adds 30 and 50 revisions, and 5 to 50 of 25,000 words
    .venv/bin/python benchmarks/build.py --sizes 20x2500x11 --runs 5
    .venv/bin/python benchmarks/build.py --profile 20x2500x11 --sizes ''   # profile only

``--profile SIZE`` runs the cold build once under cProfile (the MkDocs process;
PDF workers are other processes) and the PDFs once in-process under cProfile,
and prints the top costs of each before the table.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # the sibling module, found through the line above

ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CORES = os.cpu_count() or 1
BUILD_TIMEOUT = 1800  # seconds: a build that hangs fails the benchmark instead of the machine

# Targets of issue 8.
COLD_OVER_FLOOR = 1.1
WARM_OVER_PLAIN = 1.2


@dataclass(frozen=True, slots=True)
class Size:
    revisions: int
    words: int
    clauses: int

    @classmethod
    def parse(cls, text: str) -> Size:
        parts = text.lower().replace(",", "").split("x")
        if len(parts) != 3:
            raise argparse.ArgumentTypeError(f"size '{text}' is not REVISIONSxWORDSxCLAUSES, e.g. 20x2500x11")
        return cls(*(int(p) for p in parts))

    def __str__(self) -> str:
        return f"{self.revisions}x{self.words}x{self.clauses}"


# The default matrix fits in under 10 minutes on 2 cores with 3 runs; --full adds the sizes that take longer:
# 30 revisions (the most that still get a compare page for every pair), 50 (adjacent pairs and pairs with
# the revision in force), and several revisions of the 25,000-word agreement.
DEFAULT_SIZES = (Size(1, 2500, 11), Size(5, 2500, 11), Size(20, 2500, 11), Size(1, 25000, 100), Size(5, 25000, 100))
FULL_SIZES = (
    *DEFAULT_SIZES,
    Size(30, 2500, 11),
    Size(50, 2500, 11),
    Size(20, 25000, 100),
    Size(50, 25000, 100),
)


# --- measuring a process ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sample:
    """One process run: wall and CPU seconds, the largest process's and the whole tree's peak RSS (MB)."""

    wall: float
    cpu: float
    peak_mb: float
    tree_mb: float


def _children(pid: int) -> list[int]:
    found = [pid]
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    parents: dict[int, int] = {}
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name may hold spaces or parentheses: fields start after the last ')'.
        fields = stat[stat.rfind(b")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
    index = 0
    while index < len(found):
        found += [child for child, parent in parents.items() if parent == found[index]]
        index += 1
    return found


def _tree_rss(pid: int) -> int:
    total = 0
    for member in _children(pid):
        try:
            with open(f"/proc/{member}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            continue
    return total


def run_measured(command: Sequence[str], *, env: dict[str, str], cwd: Path, log: Path) -> Sample:
    """Runs ``command`` to the end; raises with its output when it fails."""
    peak = 0
    done = threading.Event()
    with open(log, "wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.05):
                peak = max(peak, _tree_rss(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            done.set()
            sampler.join()
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait for it again
    if process.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}) in {cwd}:\n{tail}")
    # Linux reports ru_maxrss in KiB; the child's own rusage includes its waited-for workers.
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, peak / 2**20)


@dataclass(frozen=True, slots=True)
class Stats:
    samples: tuple[Sample, ...]

    @property
    def walls(self) -> list[float]:
        return [s.wall for s in self.samples]

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    def as_json(self) -> dict[str, Any]:
        return {
            "median": round(self.median, 3),
            "min": round(min(self.walls), 3),
            "max": round(max(self.walls), 3),
            "runs": [round(w, 3) for w in self.walls],
            "cpu_median": round(statistics.median(s.cpu for s in self.samples), 3),
            "peak_rss_mb": round(max(s.peak_mb for s in self.samples), 1),
            "tree_rss_mb": round(max(s.tree_mb for s in self.samples), 1),
        }

    def cell(self) -> str:
        return f"{self.median:.2f} [{min(self.walls):.2f}, {max(self.walls):.2f}]"


# --- the sites --------------------------------------------------------------------------------------


NAV = """\
nav:
  - Home: index.md
  - Current agreement: security/baa/index.md
  - Revision history: security/baa/history/index.md
  - Compare revisions: security/baa/compare/index.md
validation:
  nav:
    omitted_files: ignore
"""


# Where the copy of amend this run measures lives (see ``snapshot``); None: the installed one.
SNAPSHOT: Path | None = None
SOURCE: Path | None = None  # --amend-src, when another copy of amend is measured


def snapshot(folder: Path, source: Path | None = None) -> Path:
    """Copies plugins/amend into ``folder`` and measures that copy in every process of the run.

    Edits to the working tree during a run (or a second checkout's work) then
    change neither the code measured nor the PDF cache's key, which hashes
    amend's own sources: a warm build stays warm.
    """
    global SNAPSHOT, SOURCE
    SOURCE = source
    target = folder / "src"
    shutil.rmtree(target, ignore_errors=True)
    package = source or ROOT / "plugins" / "amend"
    shutil.copytree(package, target / "amend", ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(target))
    SNAPSHOT = target
    return target


def code_version() -> dict[str, Any]:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "plugins")),
        "snapshot": SNAPSHOT is not None,
        "source": str(SOURCE) if SOURCE else "plugins/amend",
    }


def mkdocs_env(as_of: date, cache: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMEND_")}
    env |= {"AMEND_AS_OF": as_of.isoformat(), "NO_MKDOCS_2_WARNING": "1"}
    if SNAPSHOT is not None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SNAPSHOT), os.environ.get("PYTHONPATH", "")) if p)
    if cache is not None:
        env["AMEND_CACHE_DIR"] = str(cache)
    return env


def mkdocs_command(config: Path, site: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config), "-d", str(site)]


@dataclass
class Workload:
    """One size written out: the amend project, the plain project, what the build publishes."""

    size: Size
    folder: Path
    revisions: list[generate.GeneratedRevision]
    as_of: date
    amend_config: Path
    plain_config: Path
    pages: int = 0
    pdfs: list[str] = field(default_factory=list)
    words: int = 0

    @property
    def newest(self) -> Path:
        return self.amend_config.parent / "baa_versions" / self.revisions[-1].name


def prepare(size: Size, folder: Path) -> Workload:
    from amend.publication import prepare_publication
    from amend.settings import Settings

    revisions = generate.generate_revisions(size.revisions, size.words, size.clauses)
    as_of = generate.as_of(revisions)
    amend_config = generate.write_site(folder / "amend", revisions)
    with open(amend_config, "a", encoding="utf-8") as handle:
        handle.write(NAV)
    settings = Settings(
        root=amend_config.parent,
        title=generate.TITLE,
        organization=generate.ORGANIZATION,
        site_url="https://trust.example.test/",
    )
    publication, problems = prepare_publication(settings, as_of)
    if publication is None:
        raise RuntimeError("the generated set has problems:\n" + "\n".join(p.render() for p in problems))
    plain_config = generate.write_plain_site(folder / "plain", plain_pages(publication))
    with open(plain_config, "a", encoding="utf-8") as handle:
        handle.write(NAV)
    workload = Workload(size, folder, revisions, as_of, amend_config, plain_config)
    workload.pages = len(publication.pages) + 1  # the landing page
    workload.pdfs = [job.name for job in publication.pdf_jobs()]
    workload.words = generate.count_words(revisions[-1].text)
    return workload


def plain_pages(publication: Any) -> dict[str, str]:
    """The floor's pages: the same URLs as amend's, each with the same revision text as plain Markdown.

    A revision page and the current page hold the revision's Markdown; a compare
    page holds the newer revision's (a redline shows about as many words); the
    history and compare index list every revision with its dates and summary.
    """
    from amend.frontmatter import split_front_matter

    revisions = publication.revisions
    bodies = {rev: split_front_matter(r.source).body for rev, r in revisions.items()}
    listing = "\n".join(
        f"- **{rev}**: posted {r.posted}, effective {r.effective}. {r.summary}" for rev, r in revisions.items()
    )
    pages: dict[str, str] = {}
    for spec in publication.pages:
        if spec.kind == "current":
            in_force = publication.timeline.in_force
            text = bodies[in_force.id] if in_force else ""
        elif spec.kind == "revision":
            text = bodies[spec.revision]
        elif spec.kind == "compare":
            text = bodies[spec.other]
        else:
            text = listing
        pages[spec.src_uri] = f"# {spec.title}\n\n{text}"
    return pages


# --- the floor's PDFs -------------------------------------------------------------------------------


def pdf_floor(project: Path, as_of: date, profile: Path | None = None) -> dict[str, float]:
    """Seconds WeasyPrint takes for each PDF the build publishes, rendered one after another here.

    The HTML is prepared before the clock starts (the redline's diff is amend's
    work, not the floor's); the first render pays for loading fonts, as each
    of amend's worker processes does.
    """
    from amend.diff import diff_documents
    from amend.diffviews import render_html
    from amend.pdf import render_redline_pdf, render_revision_pdf
    from amend.pdfcache import REVISION
    from amend.publication import prepare_publication
    from amend.settings import Settings

    settings = Settings(root=project, title=generate.TITLE, organization=generate.ORGANIZATION)
    publication, problems = prepare_publication(settings, as_of)
    assert publication is not None, problems
    revisions = publication.revisions
    work: list[tuple[str, Callable[[], bytes]]] = []
    for job in publication.pdf_jobs():
        # The same arguments amend.pdfcache.render_job passes, so the floor prints the same documents.
        paper, organization, base_url = job.paper, job.organization, getattr(job, "base_url", "") or None
        new = revisions[job.new.name.removesuffix(".md")]
        if job.kind == REVISION:
            work.append(
                (job.name, partial(render_revision_pdf, new, paper=paper, organization=organization, base_url=base_url))
            )
        else:
            assert job.old is not None
            old = revisions[job.old.name.removesuffix(".md")]
            html = render_html(diff_documents(old.document, new.document))
            work.append(
                (
                    job.name,
                    partial(
                        render_redline_pdf, old, new, html, paper=paper, organization=organization, base_url=base_url
                    ),
                )
            )
    seconds: dict[str, float] = {}
    profiler = cProfile.Profile() if profile else None
    for name, render in work:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        render()
        if profiler:
            profiler.disable()
        seconds[name] = time.perf_counter() - started
    if profiler and profile:
        profiler.dump_stats(profile)
    return seconds


def measure_pdf_floor(workload: Workload, log: Path, profile: Path | None = None) -> tuple[Sample, dict[str, float]]:
    out = log.with_suffix(".json")
    command = [
        sys.executable,
        __file__,
        "--pdf-floor",
        str(workload.amend_config.parent),
        "--as-of",
        workload.as_of.isoformat(),
        "--write",
        str(out),
    ]
    if profile:
        command += ["--pdf-profile", str(profile)]
    sample = run_measured(command, env=mkdocs_env(workload.as_of), cwd=workload.folder, log=log)
    return sample, json.loads(out.read_text(encoding="utf-8"))


# --- one size ---------------------------------------------------------------------------------------


@dataclass
class Result:
    workload: Workload
    plain: Stats
    pdf_process: Stats
    pdf_seconds: list[dict[str, float]]
    cold: Stats
    warm: Stats
    edit: Stats
    load: tuple[float, float] = (0.0, 0.0)  # the 1-minute load average before and after: others' work

    @property
    def plain_cpu(self) -> float:
        return _cpu(self.plain)

    @property
    def pdf_serial(self) -> float:
        return statistics.median(sum(run.values()) for run in self.pdf_seconds)

    @property
    def pdf_floor(self) -> float:
        return self.pdf_serial / CORES

    @property
    def floor(self) -> float:
        return self.plain.median + self.pdf_floor

    @property
    def edited_pdfs(self) -> list[str]:
        newest = self.workload.revisions[-1].id
        return [name for name in self.workload.pdfs if newest in name.rsplit("/", 1)[-1]]

    @property
    def edit_pdf_seconds(self) -> float:
        """The newest revision's PDFs (its own and its redlines), rendered on the cores they can use."""
        names = self.edited_pdfs
        serial = statistics.median(sum(run[n] for n in names) for run in self.pdf_seconds)
        return serial / max(1, min(CORES, len(names)))

    def ratios(self) -> dict[str, float]:
        # The "cpu:" ratios compare CPU seconds (processes and their workers): less sensitive than wall
        # time to other work on the machine, they say how much more work amend does than the floor.
        floor_cpu = self.plain_cpu + statistics.median(s.cpu for s in self.pdf_process.samples)
        return {
            "cpu:cold/floor": round(_cpu(self.cold) / floor_cpu, 3),
            "cpu:warm/plain": round(_cpu(self.warm) / self.plain_cpu, 3),
            "cpu:one-edit/plain": round(_cpu(self.edit) / self.plain_cpu, 3),
            "cold/floor": round(self.cold.median / self.floor, 3),
            "warm/plain": round(self.warm.median / self.plain.median, 3),
            "one-edit/plain": round(self.edit.median / self.plain.median, 3),
            "one-edit/(warm+pdfs)": round(self.edit.median / (self.warm.median + self.edit_pdf_seconds), 3),
        }

    def targets(self) -> dict[str, bool]:
        return {
            "cold<=1.1*floor": self.cold.median <= COLD_OVER_FLOOR * self.floor,
            "warm<=1.2*plain": self.warm.median <= WARM_OVER_PLAIN * self.plain.median,
            "one-edit<=warm+pdfs": self.edit.median <= self.warm.median + self.edit_pdf_seconds,
        }

    def as_json(self) -> dict[str, Any]:
        w = self.workload
        return {
            "size": str(w.size),
            "revisions": w.size.revisions,
            "words": w.words,
            "clauses": w.size.clauses,
            "pages": w.pages,
            "pdfs": len(w.pdfs),
            "as_of": w.as_of.isoformat(),
            "plain": self.plain.as_json(),
            "pdf_floor": {
                "serial_median": round(self.pdf_serial, 3),
                "per_core": round(self.pdf_floor, 3),
                "process": self.pdf_process.as_json(),
            },
            "floor": round(self.floor, 3),
            "cold": self.cold.as_json(),
            "warm": self.warm.as_json(),
            "one_edit": self.edit.as_json(),
            "one_edit_pdfs": {"files": self.edited_pdfs, "seconds": round(self.edit_pdf_seconds, 3)},
            "ratios": self.ratios(),
            "targets": self.targets(),
            "load_average": {"before": round(self.load[0], 2), "after": round(self.load[1], 2)},
        }


def _cpu(stats: Stats) -> float:
    return statistics.median(s.cpu for s in stats.samples)


def measure(workload: Workload, runs: int, pdf_runs: int, say: Any) -> Result:
    folder = workload.folder
    logs = folder / "logs"
    logs.mkdir(exist_ok=True)
    site = folder / "site"

    def build(config: Path, label: str, index: int, cache: Path | None) -> Sample:
        sample = run_measured(
            mkdocs_command(config, site),
            env=mkdocs_env(workload.as_of, cache),
            cwd=config.parent,
            log=logs / f"{label}-{index}.log",
        )
        say(f"  {label} {index + 1}: {sample.wall:.2f} s, {sample.peak_mb:.0f} MB")
        return sample

    # Runs are interleaved (plain, cold, warm, one-edit, then again), so a machine that gets busier
    # or quieter during the run weighs on every kind of build alike, and the ratios stay fair.
    caches = folder / "caches"
    load_before = os.getloadavg()[0]
    original = workload.newest.read_text(encoding="utf-8")
    plain: list[Sample] = []
    cold: list[Sample] = []
    warm: list[Sample] = []
    edit: list[Sample] = []
    pdf_samples: list[Sample] = []
    pdf_seconds: list[dict[str, float]] = []
    for index in range(runs):
        plain.append(build(workload.plain_config, "plain", index, None))
        if index < pdf_runs:
            sample, seconds = measure_pdf_floor(workload, logs / f"pdf-floor-{index}.log")
            say(f"  pdf floor {index + 1}: {sum(seconds.values()):.2f} s serial for {len(seconds)} PDFs")
            pdf_samples.append(sample)
            pdf_seconds.append(seconds)
        cache = caches / f"run-{index}"  # a fresh, empty cache for every cold build
        cold.append(build(workload.amend_config, "cold", index, cache))
        warm.append(build(workload.amend_config, "warm", index, cache))
        try:
            # A different sentence each run: every run re-renders exactly the newest revision's PDFs.
            workload.newest.write_text(generate.edit_text(original, index), encoding="utf-8")
            edit.append(build(workload.amend_config, "one-edit", index, cache))
        finally:
            workload.newest.write_text(original, encoding="utf-8")
        shutil.rmtree(cache, ignore_errors=True)
    for index in range(runs, pdf_runs):
        sample, seconds = measure_pdf_floor(workload, logs / f"pdf-floor-{index}.log")
        pdf_samples.append(sample)
        pdf_seconds.append(seconds)
    return Result(
        workload,
        Stats(tuple(plain)),
        Stats(tuple(pdf_samples)),
        pdf_seconds,
        Stats(tuple(cold)),
        Stats(tuple(warm)),
        Stats(tuple(edit)),
        (load_before, os.getloadavg()[0]),
    )


# --- profile ----------------------------------------------------------------------------------------


def profile(workload: Workload, top: int) -> dict[str, Any]:
    """cProfile of one cold build (the MkDocs process) and of the PDFs rendered in one process."""
    folder = workload.folder / "profile"
    folder.mkdir(exist_ok=True)
    stats_file = folder / "cold.prof"
    command = [
        sys.executable,
        "-m",
        "cProfile",
        "-o",
        str(stats_file),
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--quiet",
        "-f",
        str(workload.amend_config),
        "-d",
        str(folder / "site"),
    ]
    sample = run_measured(
        command,
        env=mkdocs_env(workload.as_of, folder / "cache"),
        cwd=workload.amend_config.parent,
        log=folder / "cold.log",
    )
    pdf_stats = folder / "pdf.prof"
    pdf_sample, _ = measure_pdf_floor(workload, folder / "pdf.log", profile=pdf_stats)
    return {
        "size": str(workload.size),
        "cold_wall_profiled": round(sample.wall, 3),
        "pdf_serial_profiled": round(pdf_sample.wall, 3),
        "cold": summarize(stats_file, top),
        "pdf": summarize(pdf_stats, top),
        "files": [str(stats_file), str(pdf_stats)],
    }


def summarize(path: Path, top: int) -> dict[str, Any]:
    stats = pstats.Stats(str(path))
    total = stats.total_tt  # type: ignore[attr-defined]  # documented attribute, missing from the stubs
    rows = []
    for (filename, line, name), (_, calls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{_short(filename)}:{line}({name})",
                "calls": calls,
                "tottime": round(tottime, 3),
                "cumtime": round(cumtime, 3),
            }
        )
    by_cum = sorted(rows, key=lambda r: -r["cumtime"])[:top]
    by_self = sorted(rows, key=lambda r: -r["tottime"])[:top]
    amend = sorted((r for r in rows if r["function"].startswith("amend/")), key=lambda r: -r["cumtime"])[:top]
    return {"total": round(total, 3), "cumulative": by_cum, "self": by_self, "amend": amend}


def _short(filename: str) -> str:
    if "/amend/" in filename:  # the package, wherever this run's copy of it lives
        return filename[filename.rfind("/amend/") + 1 :]
    for marker in ("/site-packages/", "/lib/python"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def print_profile(report: dict[str, Any], say: Any) -> None:
    say(
        f"\nProfile of the cold build, {report['size']} ({report['cold_wall_profiled']:.1f} s under cProfile; "
        "main process only, PDFs render in worker processes):"
    )
    for heading, key in (("cumulative", "cumulative"), ("self time", "self"), ("amend's own functions", "amend")):
        say(f"  top by {heading}:")
        for row in report["cold"][key]:
            say(f"    {row['cumtime']:8.3f} cum {row['tottime']:8.3f} self {row['calls']:>8} calls  {row['function']}")
    say(f"\nProfile of the same PDFs rendered in one process ({report['pdf_serial_profiled']:.1f} s):")
    for heading, key in (("cumulative", "cumulative"), ("self time", "self"), ("amend's own functions", "amend")):
        say(f"  top by {heading}:")
        for row in report["pdf"][key]:
            say(f"    {row['cumtime']:8.3f} cum {row['tottime']:8.3f} self {row['calls']:>8} calls  {row['function']}")


# --- the table --------------------------------------------------------------------------------------


def table(results: Sequence[Result]) -> str:
    head = (
        "| revisions / words / clauses | pages | PDFs | plain s | PDF floor s | floor s | cold s | warm s "
        "| one-edit s | cold/floor | warm/plain | one-edit/plain | one-edit target s "
        "| peak MB (all processes) plain/cold/warm/edit |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        w, ratios, targets = r.workload, r.ratios(), r.targets()
        mark = {True: "✓", False: "✗"}
        lines.append(
            f"| {w.size.revisions} / {w.words:,} / {w.size.clauses} | {w.pages} | {len(w.pdfs)} "
            f"| {r.plain.cell()} | {r.pdf_floor:.2f} | {r.floor:.2f} | {r.cold.cell()} | {r.warm.cell()} "
            f"| {r.edit.cell()} | {ratios['cold/floor']:.2f} {mark[targets['cold<=1.1*floor']]} "
            f"| {ratios['warm/plain']:.2f} {mark[targets['warm<=1.2*plain']]} | {ratios['one-edit/plain']:.2f} "
            f"| {r.warm.median + r.edit_pdf_seconds:.2f} {mark[targets['one-edit<=warm+pdfs']]} "
            f"| {'/'.join(f'{max(x.tree_mb for x in st.samples):.0f}' for st in (r.plain, r.cold, r.warm, r.edit))} |"
        )
    return "\n".join(lines)


@contextmanager
def workspace(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    folder = Path(tempfile.mkdtemp(prefix="amend-bench-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--sizes",
        default=None,
        help="comma-separated REVISIONSxWORDSxCLAUSES (default: " + ", ".join(map(str, DEFAULT_SIZES)) + ")",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="also the largest sizes: " + ", ".join(str(s) for s in FULL_SIZES if s not in DEFAULT_SIZES),
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each build (default 3)")
    parser.add_argument("--pdf-runs", type=int, default=1, help="runs of the PDF floor (default 1: it is the slowest)")
    parser.add_argument(
        "--profile",
        type=Size.parse,
        default=None,
        metavar="SIZE",
        help="also profile a cold build of SIZE and its PDFs",
    )
    parser.add_argument("--top", type=int, default=15, help="rows of each profile list")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it (default: a temp one)")
    parser.add_argument(
        "--live", action="store_true", help="measure the installed amend as it changes, not a copy taken at the start"
    )
    parser.add_argument(
        "--amend-src",
        type=Path,
        default=None,
        metavar="DIR",
        help="measure a copy of this amend package folder (another checkout or branch) instead",
    )
    # Internal: the floor's PDF process.
    parser.add_argument("--pdf-floor", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--as-of", type=date.fromisoformat, help=argparse.SUPPRESS)
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--pdf-profile", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.pdf_floor:
        seconds = pdf_floor(args.pdf_floor, args.as_of, args.pdf_profile)
        args.write.write_text(json.dumps(seconds), encoding="utf-8")
        return 0

    if args.sizes is not None:
        sizes = [Size.parse(s) for s in args.sizes.split(",") if s.strip()]
    else:
        sizes = list(FULL_SIZES if args.full else DEFAULT_SIZES)

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    started = time.perf_counter()
    results: list[Result] = []
    report: dict[str, Any] | None = None
    with workspace(args.keep) as folder:
        if not args.live:
            snapshot(folder, args.amend_src)
        # One throw-away build first, so no size pays for a cold disk cache of the imports.
        warmup = prepare(Size(1, 2500, 11), folder / "warmup")
        run_measured(
            mkdocs_command(warmup.amend_config, warmup.folder / "site"),
            env=mkdocs_env(warmup.as_of, warmup.folder / "cache"),
            cwd=warmup.folder,
            log=folder / "warmup.log",
        )
        for size in sizes:
            say(f"size {size}: writing the sites")
            workload = prepare(size, folder / str(size))
            say(f"size {size}: {workload.pages} pages, {len(workload.pdfs)} PDFs, {workload.words:,} words a revision")
            results.append(measure(workload, args.runs, args.pdf_runs, say))
        if args.profile is not None:
            workload = prepare(args.profile, folder / f"profile-{args.profile}")
            report = profile(workload, args.top)
            print_profile(report, print)
    elapsed = time.perf_counter() - started
    if results:
        print()
        print(table(results))
    summary = {
        "machine": {
            "cpus": CORES,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "max_rss_units": "MB",
        },
        "code": code_version(),
        "runs": args.runs,
        "pdf_runs": args.pdf_runs,
        "elapsed_s": round(elapsed, 1),
        "targets": {
            "cold/floor": COLD_OVER_FLOOR,
            "warm/plain": WARM_OVER_PLAIN,
            "one-edit": "<= warm + the edited revision's PDFs / min(cores, their number)",
        },
        "sizes": [r.as_json() for r in results],
        "profile": None
        if report is None
        else {
            "size": report["size"],
            "cold_top": report["cold"]["cumulative"][:10],
            "cold_amend_top": report["cold"]["amend"][:10],
            "pdf_top": report["pdf"]["self"][:10],
        },
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
