import os
import subprocess
import sys
from pathlib import Path

import pytest

from oppo_kz.core.config import ConfigError, Settings, load_settings, normalize_database_url

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "Yq3vN8wZ-tL1pR6sK0mX_aD4fH7jB2cE9gU5iO"  # as secrets.token_urlsafe would give


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///./oppo.db", "sqlite:///./oppo.db"),
        ("sqlite:////var/data/oppo.db", "sqlite:////var/data/oppo.db"),
        ("postgresql://u:p@db:5432/oppo", "postgresql+psycopg://u:p@db:5432/oppo"),
        ("postgresql+psycopg://u:p@db/oppo", "postgresql+psycopg://u:p@db/oppo"),
        ("postgresql+asyncpg://u:p@db/oppo", "postgresql+psycopg://u:p@db/oppo"),
        ("postgres://u:p@db/oppo", "postgresql+psycopg://u:p@db/oppo"),
    ],
)
def test_every_accepted_database_url_form_is_served_by_our_driver(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected
    assert expected == load_settings(DATABASE_URL=given).DATABASE_URL


@pytest.mark.parametrize("bad", ["mysql://u:p@db/x", "oppo.db", ""])
def test_unsupported_database_url_is_one_clear_line(bad: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(DATABASE_URL=bad)
    assert "DATABASE_URL" in str(err.value)
    assert "\n" not in str(err.value)


def test_defaults_match_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ACCESS_TOKEN_MINUTES", "REFRESH_TOKEN_DAYS", "PORT", "APP_VERSION", "CORS_ORIGINS", "ENV"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.APP_VERSION == "0.1.0"
    assert settings.ACCESS_TOKEN_MINUTES == 15
    assert settings.REFRESH_TOKEN_DAYS == 7
    assert settings.PORT == 3000
    assert settings.ENV == "dev"
    assert settings.ENABLE_BONUSES is False
    assert settings.ENABLE_MESSAGES is False
    assert settings.CORS_ORIGINS == []
    assert settings.BCRYPT_ROUNDS >= 4


def test_cors_origins_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://bi.oppo.kz, https://stores.oppo.kz/ ,")
    settings = load_settings()
    assert settings.CORS_ORIGINS == ["https://bi.oppo.kz", "https://stores.oppo.kz"]
    assert "https://bi.oppo.kz" in settings.allowed_origins
    assert "http://localhost:3000" in settings.allowed_origins


def test_dotenv_file_is_read_and_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("APP_VERSION=9.9.9\nENABLE_BONUSES=true\nPORT=4100\n")
    monkeypatch.delenv("APP_VERSION", raising=False)
    monkeypatch.delenv("ENABLE_BONUSES", raising=False)
    monkeypatch.setenv("PORT", "4200")
    settings = Settings(_env_file=env_file)
    assert settings.APP_VERSION == "9.9.9"
    assert settings.ENABLE_BONUSES is True
    assert settings.PORT == 4200


@pytest.mark.parametrize(
    "key",
    [
        None,
        "change-me",
        "dev-secret-change-me",
        "short-but-not-default",
        "a" * 36,  # long enough, but one character
        "abcdefghijklmno" * 4,  # 60 characters, 15 distinct
    ],
)
def test_prod_refuses_a_missing_default_or_weak_secret(
    key: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    overrides = {"ENV": "prod"} | ({"SECRET_KEY": key} if key else {})
    with pytest.raises(ConfigError) as err:
        load_settings(**overrides)
    assert "SECRET_KEY" in str(err.value)


def test_prod_accepts_a_strong_secret_and_dev_accepts_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert load_settings(ENV="prod", SECRET_KEY=STRONG_KEY).SECRET_KEY == STRONG_KEY
    assert load_settings(ENV="dev").SECRET_KEY


def _start(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | env
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env=full_env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    "args",
    [["-m", "oppo_kz.serve", "--check", "--no-build"], ["-c", "import rxconfig"]],
    ids=["start-command", "reflex-config"],
)
def test_prod_start_up_stops_with_one_clear_line(args: list[str]) -> None:
    result = _start(args, ENV="prod", SECRET_KEY="change-me")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "SECRET_KEY" in lines[0]
    assert "Traceback" not in result.stderr
