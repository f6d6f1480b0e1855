"""Graceful shutdown of the uvicorn server, one process or `--workers N` of them.

On SIGTERM uvicorn stops accepting and then closes every connection it thinks idle, WebSockets with
no proper close. Each server here first closes the live sockets with 1001 (going away: clients
reconnect, to another instance or to this one once it is back), takes in requests already sent —
still in the kernel's accept queue or unread on a new connection — and lets requests in flight finish
(up to SHUTDOWN_GRACE_SECONDS). With several workers uvicorn's supervisor passes SIGTERM on to each
worker; every worker is this same server (`GracefulProcess`), so each of them drains the same way.
"""

from __future__ import annotations

import asyncio
import logging
import select
import socket
import time
from typing import Any

from uvicorn import Config, Server
from uvicorn.supervisors import multiprocess

from oppo_kz.core.lifecycle import drain

logger = logging.getLogger("oppo_kz.serve")

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


class GracefulServer(Server):
    """uvicorn's shutdown, preceded by what it lacks: live sockets closed with 1001, and requests
    already sent taken in before uvicorn closes every connection it thinks idle."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        logger.info("shutting down: closing live sockets (1001), then finishing requests in flight")
        await drain.finish(FEED_CLOSE_SECONDS)
        deadline = time.monotonic() + min(ARRIVAL_WAIT_SECONDS, self.config.timeout_graceful_shutdown or 0)
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


def graceful_server(config: Config) -> GracefulServer:
    """The one-process server."""
    return GracefulServer(config)


class GracefulProcess(multiprocess.Process):
    """A worker of uvicorn's supervisor whose server is `GracefulServer` (the stock one is plain
    `uvicorn.Server`). It is pickled into each spawned worker, so it lives at module level."""

    @property
    def server(self) -> Server:
        if self._server is None:
            self._server = GracefulServer(config=self.config)
        return self._server


def graceful_workers(config: Config) -> None:
    """Run `config.workers` graceful workers on one socket under uvicorn's supervisor (which passes
    SIGTERM on, restarts a worker that dies and replaces them all on SIGHUP)."""
    # The supervisor builds every worker, first ones, replacements and restarts, from this name.
    supervisor: Any = multiprocess
    supervisor.Process = GracefulProcess
    multiprocess.Multiprocess(config, sockets=[config.bind_socket()]).run()
