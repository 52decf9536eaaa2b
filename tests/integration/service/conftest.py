"""The API service under uvicorn on a free port, over real HTTP, against the session's runtime."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from talentflow.core.runtime import free_port


class LiveServer:
    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False)
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the API server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def service_settings():
    from talentflow.service.settings import ServiceSettings

    # Small limits so the negative tests stay fast; quick back-off so a receiver-down test retries quickly.
    return ServiceSettings(
        max_resume_bytes=64 * 1024,
        max_recording_bytes=2 * 1024 * 1024,
        webhook_attempts=3,
        webhook_backoff_s=0.05,
        webhook_timeout_s=2,
        dispatch_interval_s=0,
        rate_per_s=1000,
        rate_burst=2000,
    )


@pytest.fixture(scope="module")
def api(clean_runtime, service_settings):
    from talentflow.service.app import create_app

    with LiveServer(create_app(clean_runtime, service_settings)) as server:
        yield server


def make_client(settings, tenant: str, scopes=None):
    from talentflow.service import auth

    return auth.create_client(f"HR system of {tenant}", tenant, scopes, settings)


def token_for(api_url: str, creds, scope: str | None = None) -> str:
    data = {
        "grant_type": "client_credentials",
        "client_id": creds.client_id,
        "client_secret": creds.client_secret,
    }
    if scope:
        data["scope"] = scope
    resp = httpx.post(f"{api_url}/oauth/token", data=data)
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


class Receiver:
    """The HR system's own webhook receiver: a tiny http.server that keeps what it is sent."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        self.received: list[tuple[dict, bytes]] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["content-length"]))
                received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def events(self, secret: str) -> list[dict]:
        from talentflow.service.webhooks import verify

        return [verify(secret, headers, body) for headers, body in self.received]


class ChatRobot:
    """A WeCom/DingTalk group robot: keeps each JSON card and answers like the real ones ({"errcode": 0});
    ``fail_first`` answers 503 to that many posts first."""

    def __init__(self, fail_first: int = 0, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/robot/send?access_token=tok-{self.port}"
        self.cards: list[dict] = []
        self.posts = 0
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["content-length"]))
                robot.posts += 1
                failing = robot.posts <= fail_first
                if not failing:
                    robot.cards.append(json.loads(body))
                answer = b'{"errcode": 1, "errmsg": "busy"}' if failing else b'{"errcode": 0, "errmsg": "ok"}'
                self.send_response(503 if failing else 200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ChatRobot:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def problem(resp: httpx.Response, status: int) -> dict:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body = json.loads(resp.content)
    assert body["status"] == status and body["type"] and body["title"] and body["detail"]
    return body
