"""A reverse proxy in front of a fake Jira site that can stop answering on command.

The worker-crash test installs the app with this proxy as the site's ``baseUrl``, lets a number
of REST calls through and then holds the next one: the worker is then provably stuck in the
middle of a batch (its transaction open, its rows claimed), so the test kills it at a known
point instead of racing it. Only HTTP is involved; the fake site itself is untouched.
"""

from __future__ import annotations

import threading

import requests
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

_FORWARDED = ("Authorization", "Content-Type", "Accept")
_HOLD_SECONDS = 60


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-") -> None:
        return None


class GatedJira:
    """Forwards every request to ``target_url``; after ``hold_after(n)``, the (n+1)th and later
    requests wait until ``release()``."""

    def __init__(self, target_url: str):
        self.target_url = target_url.rstrip("/")
        self._lock = threading.Lock()
        self._allowance: int | None = None
        self._open = threading.Event()
        self._open.set()
        self.holding = threading.Event()
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True,
                                   request_handler=_QuietHandler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True,
                                        name="gated-jira")
        self._thread.start()

    def hold_after(self, count: int) -> None:
        with self._lock:
            self._allowance = count
            self._open.clear()

    def release(self) -> None:
        with self._lock:
            self._allowance = None
        self._open.set()

    def close(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _must_wait(self) -> bool:
        with self._lock:
            if self._allowance is None:
                return False
            if self._allowance > 0:
                self._allowance -= 1
                return False
            return True

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        if self._must_wait():
            self.holding.set()
            self._open.wait(_HOLD_SECONDS)
        target = self.target_url + (environ.get("RAW_URI") or request.full_path)
        upstream = requests.request(
            request.method, target, data=request.get_data(), timeout=30,
            headers={k: request.headers[k] for k in _FORWARDED if k in request.headers})
        headers = {k: v for k, v in upstream.headers.items()
                   if k.lower() in ("content-type", "retry-after")}
        response = Response(upstream.content, status=upstream.status_code, headers=headers)
        return response(environ, start_response)
