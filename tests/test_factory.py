"""The factory, its configuration, the descriptor and the operational endpoints."""

from __future__ import annotations

import io
import json
import logging

import pytest

from addon import create_app
from addon.config import ConfigError
from addon.config import load_settings
from addon.log import JsonFormatter

from .conftest import DB_KEY
from .conftest import app_config


def test_secret_key_is_required_outside_dev_mode():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings(environ={})


def test_dev_mode_runs_on_embedded_defaults():
    settings = load_settings(environ={"DEV_MODE": "1"})
    assert settings.base_url == "http://localhost:8000"
    assert settings.database_url.endswith("var/ledgerline.db")
    assert settings.redis_url is None
    assert settings.secret_key


def test_the_development_secret_is_refused_in_production():
    settings = load_settings(environ={"DEV_MODE": "1"})
    with pytest.raises(ConfigError):
        load_settings(environ={"SECRET_KEY": settings.secret_key})


def test_postgres_urls_use_the_psycopg_driver():
    settings = load_settings(environ={"SECRET_KEY": "k", "DATABASE_URL": "postgresql://u@h/db"})
    assert settings.database_url == "postgresql+psycopg://u@h/db"


def test_environment_variables_are_read():
    settings = load_settings(environ={
        "SECRET_KEY": "k", "BASE_URL": "https://tunnel.example.com", "ADDON_KEY": "ll-dev",
        "REDIS_URL": "redis://r:6379/1", "CONNECT_INSTALL_KEYS_URL": "https://keys",
        "ATLASSIAN_OAUTH_URL": "https://oauth", "DEV_MODE": "0",
    })
    assert (settings.base_url, settings.addon_key, settings.redis_url) == (
        "https://tunnel.example.com", "ll-dev", "redis://r:6379/1")
    assert (settings.connect_install_keys_url, settings.atlassian_oauth_url) == (
        "https://keys", "https://oauth")
    assert settings.dev_mode is False


def test_bad_integer_setting_names_the_variable():
    with pytest.raises(ConfigError, match="UNINSTALLED_RETENTION_DAYS"):
        load_settings(environ={"SECRET_KEY": "k", "UNINSTALLED_RETENTION_DAYS": "soon"})


def test_descriptor_carries_the_configured_key_and_base_url(live_app, http):
    descriptor = http.get(f"{live_app.url}/atlassian-connect.json").json()
    assert descriptor["baseUrl"] == live_app.url
    assert descriptor["key"] == "ledgerline"
    assert descriptor["authentication"] == {"type": "jwt"}
    assert descriptor["apiMigrations"]["signed-install"] is True
    assert set(descriptor["lifecycle"]) == {"installed", "uninstalled", "enabled", "disabled"}
    assert {"READ", "WRITE", "ACT_AS_USER"} <= set(descriptor["scopes"])


def test_healthz_and_readyz(live_app, http, backend):
    assert http.get(f"{live_app.url}/healthz").json() == {"status": "ok"}
    ready = http.get(f"{live_app.url}/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == "ok"
    expected_redis = "ok" if backend.redis_url else "not configured (jobs run in-process)"
    assert ready.json()["checks"]["redis"] == expected_redis


def test_readyz_is_503_naming_the_unreachable_dependency(backend):
    app = create_app(app_config(backend, database_url="postgresql://nobody@127.0.0.1:1/none",
                                redis_url="redis://127.0.0.1:1/0"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"].startswith("unreachable")
    assert checks["redis"].startswith("unreachable")


def test_unexpected_error_is_a_500_with_request_id_and_no_trace(backend):
    app = create_app(app_config(backend))

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.view_functions["boom"]._connect_auth_mode = "public"
    response = app.test_client().get("/boom", headers={"X-Request-Id": "req-123"})
    assert response.status_code == 500
    body = response.get_json()
    assert body["requestId"] == "req-123" and response.headers["X-Request-Id"] == "req-123"
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_request_log_is_json_with_tenant_and_request_id_and_no_token(live_app, installed_site,
                                                                     http):
    token = installed_site.sign_app_request("GET", "/pages/home", account_id="u1")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("ledgerline.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        http.get(f"{live_app.url}/pages/home", params={"jwt": token},
                 headers={"X-Request-Id": "abc-1"})
    finally:
        access.removeHandler(handler)
        access.setLevel(logging.NOTSET)
    (entry,) = [json.loads(line) for line in stream.getvalue().splitlines()
                if '"abc-1"' in line]
    assert entry["path"] == "/pages/home" and entry["status"] == 200
    assert entry["tenant"] == installed_site.client_key
    assert token not in stream.getvalue()


def test_log_formatter_redacts_tokens_and_secrets():
    record = logging.makeLogRecord({"msg": "calling with eyJhbGciOi.eyJpc3Mi.c2lnbmF0dXJl",
                                    "body": {"sharedSecret": "s3cret", "clientKey": "k"}})
    line = JsonFormatter().format(record)
    assert "eyJ" not in line and "s3cret" not in line and '"k"' in line


@pytest.mark.parametrize(("proxies", "expected"), [
    (0, "https://ledgerline.example.com/api/4"),
    (1, "https://public.example.org/api/4"),
])
def test_forwarded_headers_count_only_behind_a_configured_proxy(backend, proxies, expected):
    app = create_app(app_config(backend, base_url="https://ledgerline.example.com",
                                trusted_proxy_count=proxies))
    response = app.test_client().get("/api/4/openapi.json", headers={
        "X-Forwarded-Host": "public.example.org", "X-Forwarded-Proto": "https"})
    assert response.json["servers"] == [{"url": expected}]
    app.extensions[DB_KEY].dispose()
