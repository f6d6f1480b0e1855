"""`python -m oppo_kz.sales.rebuild`: recompute the reports' daily sales summaries of DATABASE_URL from
its sales (after a loader that wrote sales past the ORM: raw SQL, COPY, a restore of the sales alone)."""

from __future__ import annotations

import time


def main() -> int:
    from oppo_kz.core.db import session_scope
    from oppo_kz.domains import load_models

    load_models()
    from oppo_kz.sales.summary import rebuild

    started = time.monotonic()
    with session_scope(write=True) as session:
        rebuild(session.connection())
        session.commit()
    print(f"sales summaries rebuilt in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
