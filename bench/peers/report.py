"""The figures of interleaved rounds: median req/s and latency per server and route, and ratios taken
round by round (ours ÷ each peer in the same round), then their median."""

from __future__ import annotations

import statistics
from pathlib import Path

from bench.common import Result
from bench.peers.target import Target

Results = dict[tuple[str, str], list[Result]]


def interleave(
    targets: list[Target], routes: list[str], rounds: int, n: int, duration: int, workdir: Path
) -> Results:
    """Each route against each target in turn, round after round; the order flips every round."""
    results: Results = {}
    for round_no in range(rounds):
        for route in routes:
            for t in targets if round_no % 2 == 0 else list(reversed(targets)):
                results.setdefault((t.name, route), []).append(t.wrk(route, n, duration, workdir))
        print(f"  round {round_no + 1}/{rounds} done", flush=True)
    return results


def ratio(results: Results, route: str, ours: str, peer: str) -> float:
    """The median over rounds of ours ÷ peer req/s, each round against the same round."""
    pairs = zip(results[(ours, route)], results[(peer, route)], strict=True)
    return statistics.median(a.rps / b.rps for a, b in pairs if b.rps)


def print_table(targets: list[Target], routes: list[str], results: Results, ours: str = "ours") -> None:
    peers = [t.name for t in targets if t.name != ours]
    print("\n16 connections, median of rounds; ratios per round (ours ÷ peer req/s), then the median")
    head = f"{'route':<15}{'server':<14}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
    print(head + "".join(f"  {'ours/' + p:>16}" for p in peers))
    for route in routes:
        for t in targets:
            runs = results[(t.name, route)]
            line = (
                f"{route:<15}{t.name:<14}{statistics.median(r.rps for r in runs):>8.0f}"
                f"{statistics.median(r.p50_ms for r in runs):>9.2f}"
                f"{statistics.median(r.p99_ms for r in runs):>9.1f}{sum(r.errors for r in runs):>8}"
            )
            if t.name == ours:
                line += "".join(f"  {ratio(results, route, ours, p):>16.2f}" for p in peers)
            print(line)


def print_rounds(results: Results, route: str) -> None:
    """Every round's p50/p99 of one route (the write tail varies most)."""
    for (name, r), runs in sorted(results.items()):
        if r == route:
            rounds = ", ".join(f"{x.p50_ms:.0f}/{x.p99_ms:.0f}" for x in runs)
            print(
                f"  {route} {name:<12} p50/p99 ms per round: {rounds}; errors {sum(x.errors for x in runs)}"
            )
