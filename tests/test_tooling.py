"""The Chromium and PostgreSQL lookups on Debian's layout (this machine) and a stock Ubuntu runner's."""

from __future__ import annotations

import fnmatch
import subprocess
import sys
from pathlib import Path

import pytest

from tests import pg, server, tooling

# Debian bookworm with `make chromium` and `apt-get install postgresql` (PostgreSQL 15).
DEBIAN = {
    "/usr/bin/chromium",
    "/usr/lib/postgresql/15/bin/initdb",
    "/usr/lib/postgresql/15/bin/pg_ctl",
}
# GitHub's ubuntu-latest: Google Chrome, PostgreSQL 16 (an older major's leftovers beside it).
UBUNTU = {
    "/usr/bin/google-chrome",
    "/usr/lib/postgresql/14/bin/psql",
    "/usr/lib/postgresql/16/bin/initdb",
    "/usr/lib/postgresql/16/bin/pg_ctl",
}
# PostgreSQL from somewhere that puts the server binaries on PATH (Fedora, Homebrew, a custom build).
PATH_ONLY = {
    "/usr/bin/google-chrome-stable",
    "/opt/pg/bin/initdb",
    "/opt/pg/bin/pg_ctl",
}


class FakeFs:
    """A set of file paths standing in for the disk: exists / glob / which over it."""

    def __init__(self, files: set[str], path: tuple[str, ...] = ("/usr/local/bin", "/usr/bin")) -> None:
        self.files = files
        self.path = path

    def exists(self, path: str) -> bool:
        return path in self.files

    def glob(self, pattern: str) -> list[str]:
        folders = {str(Path(f).parent) for f in self.files}
        return sorted(f for f in folders if fnmatch.fnmatch(f, pattern))

    def which(self, name: str) -> str | None:
        return next((f"{d}/{name}" for d in self.path if f"{d}/{name}" in self.files), None)

    def pg_bin(self, env: dict[str, str] | None = None) -> Path | None:
        return tooling.find_pg_bin(env or {}, glob=self.glob, which=self.which, exists=self.exists)

    def chromium(self, env: dict[str, str] | None = None) -> str | None:
        return tooling.find_chromium(env or {}, exists=self.exists)


@pytest.mark.parametrize(
    ("files", "browser", "pg_bin"),
    [
        pytest.param(DEBIAN, "/usr/bin/chromium", "/usr/lib/postgresql/15/bin", id="debian"),
        pytest.param(UBUNTU, "/usr/bin/google-chrome", "/usr/lib/postgresql/16/bin", id="ubuntu-runner"),
        pytest.param(PATH_ONLY, "/usr/bin/google-chrome-stable", "/opt/pg/bin", id="on-path-only"),
    ],
)
def test_each_layout_finds_its_browser_and_server_binaries(
    files: set[str], browser: str, pg_bin: str
) -> None:
    fs = FakeFs(files, path=("/usr/local/bin", "/opt/pg/bin", "/usr/bin"))
    assert fs.chromium() == browser
    assert fs.pg_bin() == Path(pg_bin)


def test_chromium_path_wins_even_over_an_installed_browser() -> None:
    fs = FakeFs(DEBIAN | UBUNTU)
    assert fs.chromium({"CHROMIUM_PATH": "/opt/chrome/chrome"}) == "/opt/chrome/chrome"
    assert fs.chromium({"CHROMIUM_PATH": ""}) == "/usr/bin/chromium"


def test_debian_chromium_comes_before_chrome_and_nothing_is_none() -> None:
    assert FakeFs({"/usr/bin/google-chrome", "/usr/bin/chromium-browser"}).chromium() == (
        "/usr/bin/chromium-browser"
    )
    assert FakeFs(set()).chromium() is None


def test_pg_bin_prefers_pg_bin_then_the_newest_version_then_path() -> None:
    files = UBUNTU | DEBIAN | PATH_ONLY | {"/srv/pg/initdb", "/srv/pg/pg_ctl"}
    fs = FakeFs(files, path=("/opt/pg/bin",))
    assert fs.pg_bin({"PG_BIN": "/srv/pg"}) == Path("/srv/pg")
    assert fs.pg_bin() == Path("/usr/lib/postgresql/16/bin")
    # Versions compare as numbers (15 > 9.6), and a folder with initdb alone does not count.
    old = {"/usr/lib/postgresql/9.6/bin/initdb", "/usr/lib/postgresql/9.6/bin/pg_ctl"}
    assert FakeFs(DEBIAN | old).pg_bin() == Path("/usr/lib/postgresql/15/bin")
    assert FakeFs(UBUNTU | {"/usr/lib/postgresql/17/bin/initdb"}).pg_bin() == Path(
        "/usr/lib/postgresql/16/bin"
    )
    # A PG_BIN without the binaries falls through to the usual places.
    assert fs.pg_bin({"PG_BIN": "/nowhere"}) == Path("/usr/lib/postgresql/16/bin")
    assert FakeFs(PATH_ONLY, path=("/opt/pg/bin",)).pg_bin({"PG_BIN": "/nowhere"}) == Path("/opt/pg/bin")


def test_no_postgresql_is_none_here_and_an_error_for_the_suite(monkeypatch: pytest.MonkeyPatch) -> None:
    assert FakeFs({"/usr/bin/chromium", "/usr/lib/postgresql/15/bin/psql"}).pg_bin() is None
    assert FakeFs(
        {"/usr/lib/postgresql/main/bin/initdb", "/usr/lib/postgresql/main/bin/pg_ctl"}
    ).pg_bin() == (Path("/usr/lib/postgresql/main/bin"))
    monkeypatch.setattr(tooling, "find_pg_bin", lambda: None)
    with pytest.raises(RuntimeError, match="set PG_BIN"):
        pg.find_pg_bin()


def test_the_suite_uses_these_lookups_on_the_real_disk() -> None:
    """tests/pg.py and tests/server.py answer what tooling answers here (no arguments, real probes)."""
    assert pg.find_pg_bin() == tooling.find_pg_bin()
    expected = tooling.find_chromium() or "/usr/bin/chromium"
    assert expected == server.CHROMIUM


def test_the_makefile_runs_it_as_a_script_with_the_standard_library_only() -> None:
    script = Path(tooling.__file__)
    result = subprocess.run(
        [sys.executable, "-I", str(script), "chromium"],
        capture_output=True,
        text=True,
        check=False,
        env={"CHROMIUM_PATH": "/opt/chrome/chrome"},
    )
    assert (result.returncode, result.stdout) == (0, "/opt/chrome/chrome\n")
    usage = subprocess.run([sys.executable, "-I", str(script)], capture_output=True, text=True, check=False)
    assert usage.returncode == 2
    assert "chromium|pg-bin" in usage.stderr
