"""Where the tests find the programs they drive: Chromium (or Chrome) and PostgreSQL's server binaries.

Pure functions with injectable filesystem probes, so one unit test can play Debian's layout and a stock
Ubuntu runner's. Standard library only: the Makefile runs this file with the system Python, before the
venv exists (`python3 tests/tooling.py chromium` prints the browser or exits 1; `pg-bin` likewise).
"""

from __future__ import annotations

import glob as _glob
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

# Debian's chromium first (what `make chromium` installs), then what other systems ship; GitHub's
# ubuntu-latest image has Google Chrome at /usr/bin/google-chrome.
CHROMIUM_CANDIDATES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
)
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
PG_PROGRAMS = ("initdb", "pg_ctl")


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find_chromium(
    env: Mapping[str, str] | None = None,
    exists: Callable[[str], bool] = _is_executable,
    candidates: Iterable[str] = CHROMIUM_CANDIDATES,
) -> str | None:
    """$CHROMIUM_PATH when set (as given: a wrong one should fail loudly), else the first browser found."""
    env = os.environ if env is None else env
    if explicit := env.get("CHROMIUM_PATH"):
        return explicit
    return next((path for path in candidates if exists(path)), None)


def _version_key(folder: str) -> tuple[int, ...]:
    """/usr/lib/postgresql/16/bin -> (16,); a folder that is not a version sorts last."""
    try:
        return tuple(int(part) for part in Path(folder).parent.name.split("."))
    except ValueError:
        return (-1,)


def find_pg_bin(
    env: Mapping[str, str] | None = None,
    glob: Callable[[str], list[str]] = _glob.glob,
    which: Callable[[str], str | None] = shutil.which,
    exists: Callable[[str], bool] = os.path.exists,
) -> Path | None:
    """The folder holding initdb and pg_ctl: $PG_BIN, then Debian/Ubuntu's newest
    /usr/lib/postgresql/<version>/bin, then wherever `initdb` is on PATH (Homebrew, Fedora, ...)."""
    env = os.environ if env is None else env
    candidates = [env.get("PG_BIN", "")]
    candidates += sorted(glob(PG_BIN_GLOB), key=_version_key, reverse=True)
    if found := which("initdb"):
        candidates.append(str(Path(found).parent))
    for candidate in candidates:
        if candidate and all(exists(str(Path(candidate) / name)) for name in PG_PROGRAMS):
            return Path(candidate)
    return None


def main(argv: list[str]) -> int:
    lookups: dict[str, Callable[[], object]] = {"chromium": find_chromium, "pg-bin": find_pg_bin}
    if len(argv) != 1 or argv[0] not in lookups:
        print(f"usage: {Path(__file__).name} {{{'|'.join(lookups)}}}", file=sys.stderr)
        return 2
    found = lookups[argv[0]]()
    if found is None:
        return 1
    print(found)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
