"""The project's own Markdown: every relative link reaches its file, and every #anchor a heading there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".git", "build", "site", "node_modules"}
FENCED = re.compile(r"^```.*?^```", re.S | re.M)


def documents() -> list[Path]:
    return sorted(path for path in ROOT.rglob("*.md")
                  if not any(part in SKIPPED or part.startswith(".") for part in path.relative_to(ROOT).parts))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation but hyphens dropped, spaces as hyphens."""
    heading = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.replace("`", ""))
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    for heading in re.findall(r"^#{1,6}\s+(.*?)\s*#*\s*$", FENCED.sub("", path.read_text()), re.M):
        name = slug(heading)
        found.add(f"{name}-{seen[name]}" if name in seen else name)
        seen[name] = seen.get(name, 0) + 1
    return found


def test_the_slug_is_githubs():
    assert slug("Estimates from published figures") == "estimates-from-published-figures"
    assert slug("`comply check`: the main job") == "comply-check-the-main-job"
    assert slug("Ofsted's real grades, 2018-22") == "ofsteds-real-grades-2018-22"


@pytest.mark.parametrize("document", documents(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_link_in_the_docs_reaches_its_file_and_heading(document):
    broken = []
    for link in re.findall(r"\]\(([^)\s]+)\)", FENCED.sub("", document.read_text())):
        if re.match(r"[a-z][a-z0-9+.-]*:", link):  # https:, mailto: ...: not ours to check offline
            continue
        target, _, anchor = link.partition("#")
        path = (document.parent / target).resolve() if target else document
        if not path.exists():
            broken.append(f"{link}: no such file")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            broken.append(f"{link}: no such heading")
    assert not broken, broken
