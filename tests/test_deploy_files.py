"""The deploy blueprint and .env.example name every setting of the contract."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_SETTINGS = {
    "APP_VERSION",
    "DATABASE_URL",
    "SECRET_KEY",
    "CORS_ORIGINS",
    "ENABLE_BONUSES",
    "ENABLE_MESSAGES",
    "ACCESS_TOKEN_MINUTES",
    "REFRESH_TOKEN_DAYS",
    "ENV",
}


def test_render_blueprint_has_a_database_and_every_setting() -> None:
    blueprint = yaml.safe_load((ROOT / "render.yaml").read_text())
    (service,) = blueprint["services"]
    env = {item["key"]: item for item in service["envVars"]}
    assert set(env) >= CONTRACT_SETTINGS
    assert env["ENV"]["value"] == "prod"
    assert env["SECRET_KEY"].get("generateValue") is True
    assert env["DATABASE_URL"]["fromDatabase"]["name"] == blueprint["databases"][0]["name"]
    assert service["startCommand"] == "python -m oppo_kz.serve"
    assert service["healthCheckPath"] == "/api/v1/health"


def test_env_example_documents_every_setting() -> None:
    text = (ROOT / ".env.example").read_text()
    names = {line.split("=")[0].lstrip("# ").strip() for line in text.splitlines() if "=" in line}
    assert CONTRACT_SETTINGS | {"PORT"} <= names


def test_no_local_environment_is_tracked_or_left_unignored() -> None:
    """A worktree's `.venv` symlink once got committed (`.venv/` does not match a symlink), and
    checking it out replaced the real venv. What is machine-local stays out of git."""
    import subprocess

    tracked = subprocess.run(
        ["git", "ls-files", "--", ".venv", ".web", ".states", "*.db"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert tracked == []
    ignored = subprocess.run(
        # A path that is not a directory here, as a worktree's venv symlink is not.
        ["git", "check-ignore", "--no-index", "wt/.venv", ".web", ".states", "app.db"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    assert ignored == ["wt/.venv", ".web", ".states", "app.db"]
