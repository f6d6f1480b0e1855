"""Back up and restore the database of DATABASE_URL.

    python -m oppo_kz.backup                      # a timestamped copy in ./backups (or --dir)
    python -m oppo_kz.backup --restore FILE       # put a backup back (stop the server first)

SQLite: SQLite's online backup API, so the copy is consistent while the server keeps writing (WAL
included). PostgreSQL: `pg_dump -Fc` (custom format, for `pg_restore`); without pg_dump on this
machine the command is printed for wherever it is installed. The password goes through PGPASSWORD,
never on the command line.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from oppo_kz.core.config import PROJECT_ROOT, ConfigError, Settings, get_settings

PG_INSTALL_ROOT = Path("/usr/lib/postgresql")  # Debian's and Ubuntu's server packages


class BackupError(RuntimeError):
    """The backup or restore could not be made; the message is one line for the operator."""


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("DATABASE_URL names no SQLite file to back up.")
    return Path(url.database)


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy one SQLite database into another with the online backup API (consistent, WAL-aware)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
        dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        src.close()
        dst.close()


def find_pg_tool(name: str, settings: Settings) -> str | None:
    """pg_dump or pg_restore: in PG_BIN, on PATH, or the newest /usr/lib/postgresql/<version>/bin."""
    if settings.PG_BIN and (Path(settings.PG_BIN) / name).is_file():
        return str(Path(settings.PG_BIN) / name)
    if found := shutil.which(name):
        return found
    versions = sorted(PG_INSTALL_ROOT.glob("*/bin"), key=lambda p: _version(p.parent.name))
    for folder in reversed(versions):
        if (folder / name).is_file():
            return str(folder / name)
    return None


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the libpq tools, and the environment carrying the password."""
    args = [f"--dbname={url.database}", f"--host={url.host or 'localhost'}", f"--port={url.port or 5432}"]
    if url.username:
        args.append(f"--username={url.username}")
    env = {**os.environ, "PGPASSWORD": url.password or ""} if url.password else dict(os.environ)
    return args, env


def _shown(command: list[str]) -> str:
    return " ".join(command)


def backup(settings: Settings, folder: Path) -> Path:
    """Write a timestamped backup of the configured database into `folder`; return its path."""
    url = make_url(settings.DATABASE_URL)
    folder.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = _sqlite_path(url)
        if not source.exists():
            raise BackupError(f"There is no database file at {source}.")
        target = folder / f"{source.stem}-{_stamp()}.sqlite3"
        _copy_sqlite(source, target)
        return target
    target = folder / f"{url.database}-{_stamp()}.dump"
    args, env = _pg_args(url)
    tool = find_pg_tool("pg_dump", settings)
    command = [tool or "pg_dump", "--format=custom", "--no-owner", f"--file={target}", *args]
    if tool is None:
        raise BackupError(f"pg_dump is not installed here; run it where it is: {_shown(command)}")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return target


def restore(settings: Settings, file: Path) -> None:
    """Replace the configured database's contents with a backup (the server must be stopped)."""
    if not file.is_file():
        raise BackupError(f"There is no backup file at {file}.")
    url = make_url(settings.DATABASE_URL)
    if url.get_backend_name() == "sqlite":
        target = _sqlite_path(url)
        _copy_sqlite(file, target)
        return
    args, env = _pg_args(url)
    tool = find_pg_tool("pg_restore", settings)
    command = [tool or "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args]
    command.append(str(file))
    if tool is None:
        raise BackupError(f"pg_restore is not installed here; run it where it is: {_shown(command)}")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oppo_kz.backup", description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=PROJECT_ROOT / "backups", help="where backups go")
    parser.add_argument("--restore", type=Path, metavar="FILE", help="restore this backup instead")
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
        if args.restore:
            restore(settings, args.restore)
            print(f"restored {args.restore}", file=sys.stderr)
        else:
            print(backup(settings, args.dir))
    except (ConfigError, BackupError) as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
