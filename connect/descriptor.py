"""The app descriptor: ``atlassian-connect.json`` is the template and the single source of truth.

The file holds the modules, scopes, lifecycle and webhook URLs; ``key`` and ``baseUrl`` are
filled from configuration when it is served, so one file works on every deployment.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

DEFAULT_TEMPLATE = Path(__file__).resolve().parent.parent / "atlassian-connect.json"
LIFECYCLE_EVENTS = ("installed", "uninstalled", "enabled", "disabled")


class DescriptorError(ValueError):
    """The descriptor template is unusable."""


class Descriptor:
    def __init__(self, template: dict, *, base_url: str, key: str):
        self._document = copy.deepcopy(template)
        self._document["key"] = key
        self._document["baseUrl"] = base_url.rstrip("/")
        self._validate()

    @classmethod
    def load(cls, path: Path | str | None = None, *, base_url: str, key: str) -> Descriptor:
        path = Path(path or DEFAULT_TEMPLATE)
        try:
            template = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise DescriptorError(f"cannot read descriptor template {path}: {exc}") from exc
        return cls(template, base_url=base_url, key=key)

    def _validate(self) -> None:
        doc = self._document
        if doc.get("authentication", {}).get("type") != "jwt":
            raise DescriptorError("descriptor authentication must be jwt")
        missing = [event for event in LIFECYCLE_EVENTS if event not in doc.get("lifecycle", {})]
        if missing:
            raise DescriptorError(f"descriptor lacks lifecycle URLs: {', '.join(missing)}")
        if not doc.get("apiMigrations", {}).get("signed-install"):
            raise DescriptorError("descriptor must opt in to signed install")

    def as_dict(self) -> dict:
        return copy.deepcopy(self._document)

    @property
    def key(self) -> str:
        return self._document["key"]

    @property
    def base_url(self) -> str:
        return self._document["baseUrl"]

    def lifecycle_path(self, event: str) -> str:
        return self._document["lifecycle"][event]

    @property
    def webhooks(self) -> list[dict]:
        return copy.deepcopy(self._document.get("modules", {}).get("webhooks", []))

    def modules(self, kind: str) -> list[dict]:
        return copy.deepcopy(self._document.get("modules", {}).get(kind, []))
