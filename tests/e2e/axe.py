"""axe-core (vendor/axe-core, pinned) run on the page a browser test shows: what it finds, and a report that names
each violation. Not a test module.

The app's Content-Security-Policy runs no inline script (backend/middleware.py), and axe goes in as one: the
browser profiles that run it are made with Playwright's `bypass_csp` (conftest.py, `axe_phone`)."""

from __future__ import annotations

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()

# axe's default rules: WCAG 2.0 / 2.1 A and AA, and its best practices (landmarks, one main, a level-one heading,
# heading order, empty table headers...); not those off by default (experimental ones, AAA contrast), except WCAG
# 2.2's target size (24 px), which our own pages are held to (the PWA's targets are 48 px). Django's admin is not:
# its filter lists and date links are lines of small text links (`target_size=False`).
RUN_AXE = """async ([known, targetSize]) => {
  const results = await axe.run(document, {resultTypes: ["violations"], rules: {"target-size": {enabled: targetSize}}});
  const isKnown = (rule, node) => known.some(([id, container]) =>
    id === rule && document.querySelector(node.target[0])?.closest(container));
  return results.violations.map((v) => ({...v, nodes: v.nodes.filter((n) => !isKnown(v.id, n))}))
    .filter((v) => v.nodes.length).map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
    summary: v.nodes.slice(0, 3).map((n) => n.failureSummary),
  }));
}"""


def violations(page, known: tuple[tuple[str, str], ...] = (), target_size: bool = True) -> list[dict]:
    """axe's violations on the page as it is now, less the `known` ones: (rule id, CSS selector of the container of
    the elements it is known for); each use says why it cannot be fixed."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_SOURCE)
    return page.evaluate(RUN_AXE, [[list(pair) for pair in known], target_size])


def report(found: dict[str, list[dict]]) -> str:
    """One paragraph per screen with violations: rule id, impact, the elements (CSS selectors) and axe's help."""
    lines = []
    for screen, screen_violations in found.items():
        if not screen_violations:
            continue
        lines.append(f"{screen}:")
        for v in screen_violations:
            lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
            for target in v["targets"][:8]:
                lines.append(f"    - {target}")
            if len(v["targets"]) > 8:
                lines.append(f"    … and {len(v['targets']) - 8} more")
            lines.extend(f"      {summary}".replace("\n", " ") for summary in v["summary"][:1])
    return "\n".join(lines)


class Screens:
    """The violations per screen of one test; `check` runs axe on the page as it is now."""

    def __init__(self, page) -> None:
        self.page = page
        self.found: dict[str, list[dict]] = {}

    def check(self, screen: str, known: tuple[tuple[str, str], ...] = (), target_size: bool = True) -> None:
        self.found[screen] = violations(self.page, known, target_size)

    def assert_none(self) -> None:
        assert self.found, "no screen was checked"
        assert not any(self.found.values()), "axe found violations\n" + report(self.found)
