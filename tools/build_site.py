"""Build comply's browser page: a static site that runs comply in the browser, offline.

    python tools/build_site.py [--out build/site]

Assembles, in the output folder: the page (site/), a pinned Pyodide runtime (the npm package
`pyodide`, fetched with `npm pack` from the npm registry), and the wheels comply needs, every
one pure Python: those published as such, fetched with pip from the package index at the
versions pinned below; PyYAML and MarkupSafe built from source without their C speed-ups; and
comply's own wheel, built from this checkout with every bundled pack. Serve the folder from
any static web server (`python -m http.server -d build/site`; a page opened as a file:// will
not run). Needs Python 3.11+, pip and npm; the output replaces only a folder this script built.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYODIDE = "314.0.7"  # Python 3.14 in the browser
#: the pure wheels, pinned; micropip comes at the version the Pyodide release names
WHEELS = ["click==8.5.1", "tabulate==0.10.0", "jinja2==3.1.6", "openpyxl==3.1.5",
          "et_xmlfile==2.0.0"]
#: built from source, as pure Python (their C speed-ups are optional, and absent in the browser)
SOURCES = {"pyyaml==6.0.3": {"PYYAML_FORCE_LIBYAML": "0"}, "markupsafe==3.0.3": {"CC": "false"}}
RUNTIME = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]
MARK = ".comply-site"  # the output folder holds this file: a folder without it is never replaced


def run(command: list[str], **options: object) -> None:
    done = subprocess.run(command, capture_output=True, text=True, **options)  # type: ignore[call-overload]
    if done.returncode != 0:
        sys.exit(f"build_site: {' '.join(command)} failed:\n{done.stderr.strip() or done.stdout.strip()}")


def pyodide(target: Path, work: Path) -> str:
    """The Pyodide runtime into target; the micropip version its lock file names."""
    run(["npm", "pack", f"pyodide@{PYODIDE}", "--pack-destination", str(work)], cwd=work)
    with tarfile.open(work / f"pyodide-{PYODIDE}.tgz") as archive:
        for name in RUNTIME:
            member = archive.getmember(f"package/{name}")
            source = archive.extractfile(member)
            assert source is not None
            (target / name).write_bytes(source.read())
    lock = json.loads((target / "pyodide-lock.json").read_text())
    return str(lock["packages"]["micropip"]["version"])


def wheels(target: Path, micropip: str) -> list[str]:
    """Every wheel into target; the names, in the order micropip installs them."""
    import os

    pip = [sys.executable, "-m", "pip"]
    run([*pip, "download", "--quiet", "--no-deps", "--only-binary=:all:", "--python-version", "3.14", "--platform",
         "any", "--implementation", "py", "--dest", str(target), *WHEELS, f"micropip=={micropip}"])
    for requirement, environment in SOURCES.items():
        run([*pip, "wheel", "--quiet", "--no-deps", "--no-binary", requirement.split("==")[0], "--wheel-dir",
             str(target), requirement], env={**os.environ, **environment})
    run([*pip, "wheel", "--quiet", "--no-deps", "--wheel-dir", str(target), str(ROOT)])
    found = sorted(path.name for path in target.glob("*.whl"))
    impure = [name for name in found if not name.endswith(("-none-any.whl", "py2.py3-none-any.whl"))]
    if impure:
        sys.exit(f"build_site: not pure Python, so not for the browser: {', '.join(impure)}")
    return found


def build(out: Path) -> dict[str, object]:
    if out.exists():
        if not (out / MARK).is_file():
            sys.exit(f"build_site: {out} exists and is not a site this script built; choose another --out")
        shutil.rmtree(out)
    (out / "pyodide").mkdir(parents=True)
    (out / "wheels").mkdir()
    with tempfile.TemporaryDirectory(prefix="comply-site-") as work:
        micropip = pyodide(out / "pyodide", Path(work))
    names = wheels(out / "wheels", micropip)
    first = next(name for name in names if name.startswith("micropip-"))
    manifest = {"pyodide": PYODIDE, "micropip": first, "wheels": [name for name in names if name != first]}
    (out / "wheels.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for path in (ROOT / "site").iterdir():
        shutil.copy2(path, out / path.name)
    (out / MARK).write_text("built by tools/build_site.py\n")
    size = sum(path.stat().st_size for path in out.rglob("*") if path.is_file())
    wheel_size = sum(path.stat().st_size for path in (out / "wheels").glob("*.whl"))
    return {**manifest, "bytes": size, "wheel_bytes": wheel_size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site")
    options = parser.parse_args()
    built = build(options.out)
    print(f"build_site: {options.out}: {built['bytes'] / 2**20:.1f} MiB ({built['wheel_bytes'] / 2**20:.1f} MiB "
          f"of wheels; Pyodide {built['pyodide']}). Serve it with: python -m http.server -d {options.out}")


if __name__ == "__main__":
    main()
