"""Time the browser page (tools/build_site.py) in headless Chromium, against comply on this machine.

    python benchmarks/site_bench.py [--repeat N] [--site build/site]

Serves the built site from 127.0.0.1, opens the page N times in a fresh tab each (the browser's
cache warm after the first, as for an officer's second visit), has it check the Stoke example,
and prints the median seconds until comply is ready (Pyodide started, wheels installed, comply
imported) and for the check itself (reading, grading and drawing the HTML report: the first in
that Python, so its imports of the rest of comply count). The floor is the same first check and
HTML report by comply installed here (CPython, libyaml, jsonschema), in a fresh process that has
imported comply's api, as the page has. Needs Chromium, the site built, and comply installed in
the Python that runs this script.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_site import STOKE, Browser, check_in, serve  # noqa: E402


def floor(repeat: int) -> float:
    """The first check and HTML report in a fresh CPython that has imported comply's api, as the page has."""
    code = ("import time\nfrom compliance import api\nbegan = time.perf_counter()\n"
            f"api.render(api.check([{str(STOKE)!r}]).documents, 'html')\nprint(time.perf_counter() - began)")
    return statistics.median(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                                  check=True).stdout) for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "site")
    options = parser.parse_args()
    if not (options.site / ".comply-site").is_file():
        sys.exit(f"site_bench: no site built at {options.site}: run python tools/build_site.py")
    size = sum(path.stat().st_size for path in options.site.rglob("*") if path.is_file())
    loads, checks = [], []
    with tempfile.TemporaryDirectory() as profile, serve(options.site) as site:
        browser = Browser(Path(profile))
        try:
            for _ in range(options.repeat):
                shown = check_in(browser, site, "metrics.yaml", STOKE.read_bytes())
                loads.append(shown["seconds"]["loaded"])
                checks.append(shown["seconds"]["checked"])
        finally:
            browser.close()
    base = floor(options.repeat)
    print(f"site: {size / 2**20:.1f} MiB served; {options.repeat} loads of the page in headless Chromium")
    print(f"{'':28} {'median s':>9} {'min s':>7} {'max s':>7} {'x floor':>8}")
    print(f"{'first load (cold cache)':28} {loads[0]:9.2f}")
    print(f"{'comply ready':28} {statistics.median(loads):9.2f} {min(loads):7.2f} {max(loads):7.2f}")
    print(f"{'check Stoke, draw the HTML':28} {statistics.median(checks):9.2f} {min(checks):7.2f} {max(checks):7.2f} "
          f"{statistics.median(checks) / base:8.1f}")
    print(f"{'floor: the same, CPython':28} {base:9.2f}")


if __name__ == "__main__":
    main()
