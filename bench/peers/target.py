"""A server under test: its base URL, token and its own path for each route, and wrk against it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bench.common import Result, Server, run_wrk

CONNECTIONS = 16
# The routes every target answers, in the order they are measured.
READS = ("GET by id", "list page", "deep page")
WRITE = "PATCH one row"


@dataclass
class Target:
    """`paths` maps a route to this server's path; "{id}" becomes a random product id per request."""

    name: str
    server: Server
    token: str
    paths: dict[str, str] = field(default_factory=dict)

    def lua(self, route: str, n: int) -> str:
        """A wrk script: the bearer token, a random product per request for {id} routes, PATCH bodies."""
        script = f'wrk.headers["Authorization"] = "Bearer {self.token}"\n'
        path = self.paths[route]
        if "{id}" not in path:
            return script
        before, after = path.split("{id}", 1)
        target = f'"{before}" .. math.random(1, {n}) .. "{after}"'
        if route == WRITE:
            return (
                script
                + 'wrk.headers["Content-Type"] = "application/json"\n'
                + "request = function()\n"
                + f"  return wrk.format(\"PATCH\", {target}, nil, '{{\"stock\": ' .. math.random(0, 500) .. '}}')\n"
                + "end\n"
            )
        return script + f'request = function()\n  return wrk.format("GET", {target})\nend\n'

    def wrk(self, route: str, n: int, duration: int, workdir: Path) -> Result:
        url = self.server.url + self.paths[route].replace("{id}", "1")
        return run_wrk(url, self.token, CONNECTIONS, duration, workdir, script=self.lua(route, n))

    def url(self, route: str, product_id: int = 1) -> str:
        return self.server.url + self.paths[route].replace("{id}", str(product_id))
