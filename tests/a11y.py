"""axe-core audit (WCAG 2.1 A and AA, the rules behind RGAA 4.1) for any Playwright page."""

from axe_playwright_python.sync_playwright import Axe

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


SETTLE = """() => Promise.all(document.getAnimations()
    .filter((animation) => animation.effect && animation.effect.getComputedTiming().iterations !== Infinity)
    .map((animation) => animation.finished.catch(() => null)))"""


def settle(page):
    """Wait for the page's finite CSS transitions and animations to end (a dialog fading in): axe measures
    colours as they are painted at that moment."""
    page.evaluate(SETTLE)


def audit(page, context=None):
    """Run axe on the page; fail with a readable report on any violation, print 'incomplete' items."""
    settle(page)
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations", "incomplete"]}
    results = axe.run(page, context=context, options=options)
    incomplete = results.response.get("incomplete", [])
    if incomplete:
        print(f"axe: {len(incomplete)} item(s) to review by hand on {page.url}:")
        for item in incomplete:
            print(f"  - {item['id']}: {item['help']} ({len(item['nodes'])} node(s))")
    assert results.violations_count == 0, f"axe violations on {page.url}:\n{results.generate_report()}"
    return results
