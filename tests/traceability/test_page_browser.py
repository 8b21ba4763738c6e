"""The public page in Debian's chromium: no sideways scroll on a 390 px phone, fills a 1080p kiosk screen, no JS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.traceability.conftest import GTIN14

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "traceability"


def test_phone_and_kiosk_layouts(client: Any, lot: Any) -> None:
    from playwright.sync_api import sync_playwright

    html = client.get(f"/01/{GTIN14}/10/L2026-07").content.decode()
    html_en = client.get(f"/01/{GTIN14}/10/L2026-07?lang=en").content.decode()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, viewport, body in (
                ("phone", {"width": 390, "height": 844}, html),
                ("kiosk", {"width": 1920, "height": 1080}, html_en),
            ):
                page = browser.new_page(viewport=viewport, java_script_enabled=False)
                page.set_content(body)
                page.screenshot(path=str(SHOTS / f"lot-{name}.png"), full_page=True)
                page.close()
                measure = browser.new_page(viewport=viewport)
                measure.set_content(body)
                assert measure.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
                if name == "kiosk":
                    # The three fact cards sit side by side and the journey starts within the first screen.
                    tops = measure.evaluate(
                        "Array.from(document.querySelectorAll('.cols3 .card')).map(e => e.getBoundingClientRect().top)"
                    )
                    assert len(set(tops)) == 1
                    journey_top = measure.evaluate("document.querySelector('ol.timeline').getBoundingClientRect().top")
                    assert journey_top < viewport["height"]
                measure.close()
        finally:
            browser.close()
