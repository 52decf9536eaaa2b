"""Headless Chromium driven by Selenium through Debian's chromedriver, for the tests that read pages
(the HR pages in tests/integration/web, the Airflow UI in tests/integration/airflow)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def missing() -> list[str]:
    """The browser parts that are not installed (Debian packages chromium, chromium-driver)."""
    return [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]


@contextmanager
def chromium(window: str = "1280,1000") -> Iterator:
    """A headless Chromium for the block; quit afterwards whatever happened."""
    if absent := missing():
        raise FileNotFoundError(f"{', '.join(absent)} (Debian packages chromium, chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--window-size={window}",
        "--lang=en-US",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
