"""Benchmark the products UI in headless Chromium against a production build.

    .venv/bin/python bench/ui.py [--n 100000] [--repeat 15]

A fresh SQLite database with N generated products (bench/products_api.py's generator), the production
build served by `python -m oppo_kz.serve` on a free port, then Playwright driving /usr/bin/chromium:

- the largest contentful paint of /products (a fresh page load, signed in);
- the time from an action (next page, a sort, a category filter, a price filter, a search) to the
  new rows on screen, measured inside the page (performance.now() around the click, a
  MutationObserver on the table's view marker);
- the size of the Reflex state deltas the browser received for one page change, per page size.

Figures vary with the machine; compare them with each other within one run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import ADMIN_EMAIL, ADMIN_PASSWORD, create_admin, migrate, start_server  # noqa: E402
from bench.products_api import load_sqlite  # noqa: E402
from tests.server import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# Runs an action inside the page and resolves with the milliseconds until the table shows a new view.
MEASURE_JS = """
async (action) => {
  // The page may re-render its root on navigation: look the marker up again on every change.
  const view = () => document.querySelector('[data-testid="products-page"]')?.dataset.view;
  const before = view();
  const changed = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      const now = view();
      if (now !== undefined && now !== before) { observer.disconnect(); resolve(); }
    });
    observer.observe(document.body, { attributes: true, childList: true, subtree: true });
  });
  const started = performance.now();
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  if (action.kind === "click") {
    q(action.testid).click();
  } else if (action.kind === "select") {
    const select = q(action.testid);
    for (const option of select.options) option.selected = action.values.includes(option.value);
    select.dispatchEvent(new Event("change", { bubbles: true }));
  } else if (action.kind === "type") {
    const input = q(action.testid);
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    setter.call(input, action.value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
  await changed;
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  return performance.now() - started;
}
"""

LCP_JS = """
() => new Promise((resolve) => {
  new PerformanceObserver((list) => {
    const entries = list.getEntries();
    resolve(entries[entries.length - 1].startTime);
  }).observe({ type: "largest-contentful-paint", buffered: true });
})
"""


def stats(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms   max {ordered[-1]:7.1f} ms"


def _sign_in(page: Any) -> None:
    page.goto("/login")
    page.wait_for_selector('[data-testid="login-submit"]:not([disabled])')
    page.get_by_test_id("login-email").fill(ADMIN_EMAIL)
    page.get_by_test_id("login-password").fill(ADMIN_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/products**")
    page.wait_for_selector('[data-testid="product-row"]')


def _largest_contentful_paint(context: Any, repeat: int) -> None:
    """LCP of a fresh load, signed in (the refresh token is in localStorage)."""
    lcps = []
    for _ in range(max(3, repeat // 3)):
        fresh = context.new_page()
        fresh.goto("/products?sort=-price")
        fresh.wait_for_selector('[data-testid="product-row"]')
        lcps.append(float(fresh.evaluate(LCP_JS)))
        fresh.close()
    print(f"LCP of /products (fresh load)            {stats(lcps)}")


def _interactions(page: Any, repeat: int) -> None:
    """Action -> rows on screen, for each way of changing the view."""

    def measure(label: str, actions: list[dict[str, Any]]) -> None:
        times = [float(page.evaluate(MEASURE_JS, actions[i % len(actions)])) for i in range(repeat)]
        print(f"{label:<41}{stats(times)}")

    page.goto("/products")
    page.wait_for_selector('[data-testid="product-row"]')
    measure("next page", [{"kind": "click", "testid": "products-next"}])
    measure("sort by price / reverse", [{"kind": "click", "testid": "sort-price"}])
    measure(
        "category filter",
        [
            {"kind": "select", "testid": "products-category", "values": ["tablet"]},
            {"kind": "select", "testid": "products-category", "values": ["smartphone", "audio"]},
        ],
    )
    measure(
        "price from (incl. 300 ms input debounce)",
        [
            {"kind": "type", "testid": "products-price-min", "value": str(100_000 + 1000 * i)}
            for i in range(repeat)
        ],
    )
    measure(
        "search (incl. 300 ms input debounce)",
        [
            {"kind": "type", "testid": "products-search", "value": term}
            for term in ("reno", "find x", "pad", "enco")
        ],
    )


def _state_deltas(page: Any) -> None:
    """Bytes Reflex's socket carries per page change, by page size."""
    for size in (20, 50, 100):
        page.goto(f"/products?page_size={size}&sort=price")
        page.wait_for_selector('[data-testid="product-row"]')
        frames: list[int] = []
        sizes: list[int] = []

        def on_ws(ws: Any, sink: list[int] = frames) -> None:
            ws.on("framereceived", lambda payload: sink.append(len(payload)))

        page.on("websocket", on_ws)
        page.reload()
        page.wait_for_selector('[data-testid="product-row"]')
        page.wait_for_timeout(300)
        for _ in range(5):
            frames.clear()
            page.evaluate(MEASURE_JS, {"kind": "click", "testid": "products-next"})
            page.wait_for_timeout(200)
            sizes.append(sum(frames))
        page.remove_listener("websocket", on_ws)
        print(f"state delta per page change, {size:>3} rows   {statistics.median(sizes) / 1024:7.1f} KiB")


def run(url: str, repeat: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=url, viewport={"width": 1366, "height": 860})
        page = context.new_page()
        _sign_in(page)
        _largest_contentful_paint(context, repeat)
        _interactions(page, repeat)
        _state_deltas(page)
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="products to generate (default 100000)")
    parser.add_argument("--repeat", type=int, default=15, help="measurements per action")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="oppo-bench-ui-"))
    db_path = workdir / "bench.db"
    db_url = f"sqlite:///{db_path}"
    started = time.monotonic()
    migrate(db_url)
    load_sqlite(db_path, args.n)
    create_admin(db_url)
    print(
        f"{args.n} products generated in {time.monotonic() - started:.1f} s; building and serving the UI ..."
    )
    server = start_server(db_url, workdir, ui=True)
    try:
        print(
            f"\nUI at {server.url}, SQLite, {args.n} products, headless Chromium, {args.repeat} runs each\n"
        )
        run(server.url, args.repeat)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
