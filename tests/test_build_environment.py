"""The workflows build in one pinned environment: an image by sha256 digest and a Debian snapshot."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "build-environment"
DIGEST = "a" * 64


def read(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    file = tmp_path / "build-environment"
    file.write_text(text, encoding="utf-8")
    return subprocess.run([str(SCRIPT), str(file)], capture_output=True, text=True, timeout=30)


def test_a_pinned_image_and_snapshot_become_the_workflow_outputs(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        f"# comment\nimage=docker.io/library/debian@sha256:{DIGEST}\ndebian_snapshot=20261115T000000Z\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (f"image=docker.io/library/debian@sha256:{DIGEST}\ndebian_snapshot=20261115T000000Z\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "image=debian:bookworm-slim\ndebian_snapshot=20261115T000000Z\n",
            ":1: image is 'debian:bookworm-slim', not pinned by a digest",
        ),
        (f"image=debian@sha256:{DIGEST[:10]}\ndebian_snapshot=20261115T000000Z\n", "not pinned by a digest"),
        (
            f"image=debian@sha256:{DIGEST}\ndebian_snapshot=2026-11-15\n",
            ":2: debian_snapshot is '2026-11-15', not a snapshot",
        ),
        ("# nothing\n", "image is '', not pinned by a digest"),
    ],
)
def test_an_unpinned_environment_is_refused_with_the_fix(tmp_path: Path, text: str, expected: str) -> None:
    result = read(tmp_path, text)
    assert result.returncode == 1 and result.stdout == ""
    assert expected in result.stderr


@pytest.mark.parametrize("workflow", ["publish.yml", "pr.yml"])
def test_every_job_that_renders_runs_in_the_pinned_image(workflow: str) -> None:
    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / workflow).read_text(encoding="utf-8"))["jobs"]
    assert "scripts/build-environment" in str(jobs["environment"]["steps"])
    rendering = [
        name
        for name, job in jobs.items()
        if "scripts/build" in str(job.get("steps")) or "amend check" in str(job.get("steps"))
    ]
    rendering = [name for name in rendering if name != "environment"]
    assert rendering
    for name in rendering:
        assert jobs[name]["container"]["image"] == "${{ needs.environment.outputs.image }}", name
        first = jobs[name]["steps"][0]
        assert "snapshot.debian.org" in first["run"], name
        assert "AMEND_ARCHIVE" in str(jobs[name]), name
