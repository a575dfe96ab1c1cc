"""The workflows build in one environment: the image of .github/build-environment and the Python lock."""

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


def test_an_image_pinned_by_digest_becomes_the_workflow_output_without_a_warning(tmp_path: Path) -> None:
    result = read(tmp_path, f"# comment\nimage=debian@sha256:{DIGEST}\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"image=debian@sha256:{DIGEST}\n"
    assert result.stderr == ""


@pytest.mark.parametrize("image", ["debian:bookworm-slim", "debian"])
def test_an_image_without_a_digest_is_used_with_a_warning_saying_how_to_pin_it(tmp_path: Path, image: str) -> None:
    result = read(tmp_path, f"# comment\n\nimage={image}\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"image={image}\n"
    # A GitHub annotation on the line that names the image.
    assert result.stderr.startswith(f"::warning file={tmp_path / 'build-environment'},line=3::"), result.stderr
    assert f"image is '{image}', not pinned by a sha256 digest" in result.stderr
    assert "docker pull" in result.stderr and "RepoDigests" in result.stderr


def test_the_checked_in_environment_is_read() -> None:
    result = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("image=debian")
    if "@sha256:" not in result.stdout:
        assert result.stderr.startswith("::warning file=.github/build-environment,line="), result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"image=debian@sha256:{DIGEST[:10]}\n", ":1: image is 'debian@sha256:aaaaaaaaaa', not an image name"),
        ("# a\nimage=deb ian\n", ":2: image is 'deb ian', not an image name"),
        ("image=Debian:bookworm\n", "not an image name"),
        ("# nothing\n", ":1: image is '', not an image name"),
    ],
)
def test_a_malformed_image_is_refused_with_the_fix(tmp_path: Path, text: str, expected: str) -> None:
    result = read(tmp_path, text)
    assert result.returncode == 1 and result.stdout == ""
    assert expected in result.stderr
    assert "RepoDigests" in result.stderr


@pytest.mark.parametrize("workflow", ["publish.yml", "pr.yml"])
def test_every_job_that_renders_runs_in_the_pinned_image(workflow: str) -> None:
    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / workflow).read_text(encoding="utf-8"))["jobs"]
    environment = jobs["environment"]
    read_step = next(step for step in environment["steps"] if step.get("id") == "read")
    assert read_step["run"] == 'scripts/build-environment >> "$GITHUB_OUTPUT"'
    assert environment["outputs"]["image"] == "${{ steps.read.outputs.image }}"
    rendering = [
        name
        for name, job in jobs.items()
        if "scripts/build" in str(job.get("steps")) or "amend check" in str(job.get("steps"))
    ]
    rendering = [name for name in rendering if name != "environment"]
    assert rendering
    for name in rendering:
        assert jobs[name]["container"]["image"] == "${{ needs.environment.outputs.image }}", name
        assert "AMEND_ARCHIVE" in str(jobs[name]), name
