"""The minimal Flask app the benchmarks compare against: what any Flask service costs.

``create_app()`` serves ``POST /webhooks/jira`` (parse the JSON body, answer 204) and
``GET /panels/issue`` (a small rendered page), under the same gunicorn arguments as the app.
"""

from __future__ import annotations

from flask import Flask
from flask import render_template_string
from flask import request


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/webhooks/jira")
    def webhook():
        request.get_json()
        return "", 204

    @app.get("/panels/issue")
    def panel():
        return render_template_string("<h1>{{ key }}</h1>", key=request.args.get("issueKey"))

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
