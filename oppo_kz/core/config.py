"""One settings object for the whole platform, read from `.env` and the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Keys that ship in the repository; a production server must never run with one of them.
DEFAULT_SECRET_KEY = "dev-secret-change-me"  # noqa: S105 - refused in ENV=prod
PLACEHOLDER_SECRET_KEYS = frozenset(
    {DEFAULT_SECRET_KEY, "change-me", "changeme", "secret", "replace-me-with-a-long-random-string"}
)
MIN_PROD_SECRET_LENGTH = 32
# A long key of few distinct characters (`aaaa…a`) is long but guessable: ask for variety too.
MIN_PROD_SECRET_DISTINCT = 16


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message is one line for the operator."""


def normalize_database_url(url: str) -> str:
    """Map every accepted URL form onto the driver we actually use.

    `postgresql://`, `postgres://` and the original brief's `postgresql+asyncpg://` are all
    served by psycopg 3, so one synchronous driver covers REST, the UI and migrations.
    """
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError("DATABASE_URL must look like sqlite:///path.db or postgresql://user:pass@host/db")
    scheme = scheme.lower()
    if scheme in {
        "postgres",
        "postgresql",
        "postgresql+asyncpg",
        "postgresql+psycopg",
        "postgresql+psycopg2",
    }:
        return f"postgresql+psycopg://{rest}"
    if scheme in {"sqlite", "sqlite+pysqlite"}:
        return f"sqlite://{rest}"
    raise ValueError(f"DATABASE_URL scheme {scheme!r} is not supported; use sqlite:// or postgresql://")


class Settings(BaseSettings):
    """Every setting of the contract; names match the original brief."""

    model_config = SettingsConfigDict(
        env_file=PROJECT_ROOT / ".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=True,
    )

    APP_VERSION: str = "0.1.0"
    ENV: Literal["dev", "test", "prod"] = "dev"
    DATABASE_URL: str = Field(default=f"sqlite:///{PROJECT_ROOT / 'oppo_kz.db'}")
    SECRET_KEY: str = DEFAULT_SECRET_KEY
    CORS_ORIGINS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    ENABLE_BONUSES: bool = False
    ENABLE_MESSAGES: bool = False
    ACCESS_TOKEN_MINUTES: int = Field(default=15, ge=1, le=24 * 60)
    REFRESH_TOKEN_DAYS: int = Field(default=7, ge=1, le=365)
    PORT: int = Field(default=3000, ge=1, le=65535)
    # bcrypt cost; 12 in production. The test suite lowers it to keep thousands of logins fast.
    BCRYPT_ROUNDS: int = Field(default=12, ge=4, le=16)
    # The public address browsers use, when it is not http://localhost:PORT (e.g. on a PaaS).
    PUBLIC_URL: str | None = None
    # Where `python -m oppo_kz.serve` binds; 0.0.0.0 on a server or PaaS.
    HOST: str = "127.0.0.1"
    # Proxies whose X-Forwarded-* headers are trusted (comma-separated, or * behind a PaaS router).
    FORWARDED_ALLOW_IPS: str = "127.0.0.1"
    # The first admin's password when an empty database is seeded. In ENV=prod, when unset, a
    # random one is generated and printed once; elsewhere the documented Admin123! is used.
    FIRST_ADMIN_PASSWORD: str | None = None
    # Business dates (a sale's day, a month's reports) and every time the UI shows are in this zone.
    TIMEZONE: str = "Asia/Almaty"
    # How many days back a promoter may report a sale (head office may enter older ones).
    SALE_MAX_AGE_DAYS: int = Field(default=3, ge=0, le=366)
    # After SIGTERM, how long requests in flight may take to finish before they are cut (PaaS routers
    # wait about 30 s between SIGTERM and SIGKILL).
    SHUTDOWN_GRACE_SECONDS: int = Field(default=30, ge=0, le=600)
    # Sign-in throttling (oppo_kz/auth/limiter.py): free failures per (email, client address) and per
    # client address across emails within the window; past them each attempt waits LOGIN_DELAY_SECONDS
    # after the latest failure, doubling up to LOGIN_MAX_DELAY_SECONDS. No account is ever locked.
    LOGIN_FREE_FAILURES: int = Field(default=5, ge=1, le=1000)
    LOGIN_ADDRESS_FREE_FAILURES: int = Field(default=30, ge=1, le=100_000)
    LOGIN_DELAY_SECONDS: float = Field(default=1.0, gt=0, le=3600)
    LOGIN_MAX_DELAY_SECONDS: float = Field(default=900, gt=0, le=86_400)
    LOGIN_WINDOW_SECONDS: float = Field(default=900, gt=0, le=86_400)
    # Where `python -m oppo_kz.backup` looks first for pg_dump/pg_restore (then PATH, then
    # /usr/lib/postgresql/<newest>/bin).
    PG_BIN: str | None = None
    # Redis (or Valkey) shared by every instance: the sign-in limiter's counters, and Reflex's state
    # (it is passed on as REFLEX_REDIS_URL). Unset: one instance, everything in process.
    REDIS_URL: str | None = None
    # How long committed events stay in the outbox for `since=<seq>` replay (at least 24 h).
    EVENTS_RETENTION_HOURS: int = Field(default=48, ge=24, le=24 * 90)
    # Database connections each server process keeps open (never more: no overflow churn). Request
    # threads (the API's thread pool, UI handlers) wait for a free one; 20 serves 16+ concurrent
    # requests on two cores with room for the UI.
    DB_POOL_SIZE: int = Field(default=20, ge=1, le=500)

    @field_validator("DATABASE_URL")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return normalize_database_url(value)

    @field_validator("REDIS_URL")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("REDIS_URL must look like redis://host:6379/0 (or rediss://, unix://)")
        return value

    @field_validator("TIMEZONE")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"TIMEZONE {value!r} is not an IANA time zone (e.g. Asia/Almaty)") from None
        return value

    @field_validator("CORS_ORIGINS", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_placeholder_secret_in_prod(self) -> Settings:
        if self.ENV == "prod" and (
            self.SECRET_KEY in PLACEHOLDER_SECRET_KEYS
            or len(self.SECRET_KEY) < MIN_PROD_SECRET_LENGTH
            or len(set(self.SECRET_KEY)) < MIN_PROD_SECRET_DISTINCT
        ):
            raise ValueError(
                f"ENV=prod needs a SECRET_KEY of at least {MIN_PROD_SECRET_LENGTH} random characters, "
                f"{MIN_PROD_SECRET_DISTINCT} of them different (not the default); "
                'generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
            )
        return self

    @property
    def tz(self) -> ZoneInfo:
        """The business time zone (TIMEZONE)."""
        return ZoneInfo(self.TIMEZONE)

    @property
    def is_sqlite(self) -> bool:
        return self.DATABASE_URL.startswith("sqlite")

    @property
    def public_url(self) -> str:
        return (self.PUBLIC_URL or f"http://localhost:{self.PORT}").rstrip("/")

    @property
    def allowed_origins(self) -> list[str]:
        """Browser origins that may call the API and open sockets: our own address plus CORS_ORIGINS."""
        own = [self.public_url, f"http://localhost:{self.PORT}", f"http://127.0.0.1:{self.PORT}"]
        return list(dict.fromkeys([*own, *self.CORS_ORIGINS]))


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning a validation failure into one readable line."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg'].removeprefix('Value error, ')}"
            for err in exc.errors()
        )
        raise ConfigError(f"Configuration error: {problems}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (cached; tests clear the cache)."""
    return load_settings()
