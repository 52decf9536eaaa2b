"""A headless Chromium driven through Debian's chromedriver with the W3C WebDriver protocol (plain
HTTP: no Selenium needed for the few steps the UI test takes)."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import httpx

from talentflow.core.runtime import free_port

CHROMIUM = Path("/usr/bin/chromium")
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


class Browser:
    def __init__(self, profile: Path):
        driver = shutil.which("chromedriver")
        if not driver or not CHROMIUM.exists():
            raise FileNotFoundError("chromium and chromedriver (Debian packages chromium, chromium-driver)")
        port = free_port()
        self.proc = subprocess.Popen(
            [driver, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120)
        for _ in range(100):
            try:
                self.http.get("/status")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--window-size=1400,1000",
        ]
        caps = {"browserName": "chrome", "goog:chromeOptions": {"binary": str(CHROMIUM), "args": args}}
        resp = self.http.post("/session", json={"capabilities": {"alwaysMatch": caps}})
        resp.raise_for_status()
        self.session = f"/session/{resp.json()['value']['sessionId']}"

    def _call(self, method: str, path: str, body: dict | None = None):
        resp = self.http.request(method, self.session + path, json=body)
        resp.raise_for_status()
        return resp.json()["value"]

    def open(self, url: str) -> None:
        self._call("POST", "/url", {"url": url})

    def find(self, css: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            resp = self.http.post(self.session + "/element", json={"using": "css selector", "value": css})
            if resp.status_code == 200:
                return resp.json()["value"][ELEMENT]
            if time.monotonic() > deadline:
                raise AssertionError(f"no element {css!r} on {self.url()}")
            time.sleep(0.5)

    def type(self, css: str, text: str) -> None:
        self._call("POST", f"/element/{self.find(css)}/value", {"text": text})

    def click(self, css: str) -> None:
        self._call("POST", f"/element/{self.find(css)}/click", {})

    def url(self) -> str:
        return self._call("GET", "/url")

    def text(self) -> str:
        return self._call("POST", "/execute/sync", {"script": "return document.body.innerText", "args": []})

    def wait_for_text(self, needles: list[str], timeout: float = 90.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            if all(n in text for n in needles) or time.monotonic() > deadline:
                return text
            time.sleep(1)

    def close(self) -> None:
        try:
            self.http.delete(self.session)
        finally:
            self.proc.terminate()
            self.proc.wait(timeout=20)
