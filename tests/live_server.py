"""The app served over real HTTP on 127.0.0.1, so the fake Jira can call it like Jira does."""

from __future__ import annotations

import threading

from werkzeug.serving import make_server


class _DeferredApp:
    """WSGI shim: the port must be known before the app (its BASE_URL) can be built."""

    def __init__(self):
        self.app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


class LiveServer:
    def __init__(self):
        self._shim = _DeferredApp()
        self._server = make_server("127.0.0.1", 0, self._shim, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread: threading.Thread | None = None

    @property
    def app(self):
        return self._shim.app

    def start(self, app) -> LiveServer:
        self._shim.app = app
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="ledgerline-live-app")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
