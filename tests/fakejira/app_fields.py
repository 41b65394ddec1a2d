"""App-owned issue fields (the Connect ``jiraIssueFields`` module) and their select options.

Jira creates one custom field per module when the app is installed; its REST key is
``<appKey>__<moduleKey>`` and GET /rest/api/3/field lists it with that ``key`` beside the usual
``customfield_N`` id. The fake creates the fields lazily, from the installed descriptor, the first
time anything asks (a REST call or a test's ``app_field``), which looks the same over HTTP.

Options follow Jira's "Issue custom field options (apps)" resource: ``IssueFieldOption`` is
``{id, value, properties, config}``; ``config.scope.global.attributes`` containing
``notSelectable`` keeps an option on the issues that have it but stops it being chosen again.
Issue values of such a field are option objects (``issue_value``); that shape, the schema ``type``
``option`` and the ``custom`` type string are the fake's reading of Jira, not documented facts.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

from . import payloads

if TYPE_CHECKING:
    from .site import FakeJiraSite

CONNECT_FIELD_TYPE = "com.atlassian.plugins.atlassian-connect-plugin"
# The schema type GET /field shows for each module type (single_select is the one we rely on).
SCHEMA_TYPES = {"single_select": "option", "multi_select": "array", "number": "number",
                "string": "string", "text": "string", "read_only": "string"}
# Jira's documented limit per field.
MAX_OPTIONS = 10000
NOT_SELECTABLE = "notSelectable"


@dataclass(slots=True)
class FieldOption:
    id: int
    value: str
    properties: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def selectable(self) -> bool:
        scope_attributes = ((self.config.get("scope") or {}).get("global") or {}).get(
            "attributes", [])
        return NOT_SELECTABLE not in scope_attributes + self.config.get("attributes", [])

    def json(self) -> dict[str, Any]:
        return {"id": self.id, "value": self.value, "properties": dict(self.properties),
                "config": dict(self.config)}


@dataclass(slots=True)
class AppField:
    """One app-owned field: ``id`` is ``customfield_N``, ``key`` is ``<appKey>__<moduleKey>``."""

    id: str
    key: str
    app_key: str
    name: str
    module_type: str
    options: dict[int, FieldOption] = field(default_factory=dict)
    last_option_id: int = 0

    def option_named(self, value: str) -> FieldOption:
        """The option whose value is ``value``; LookupError if there is none (or several)."""
        found = [o for o in self.options.values() if o.value == value]
        if len(found) != 1:
            raise LookupError(f"{len(found)} options named {value!r} in {self.key}")
        return found[0]


_FIELDS: weakref.WeakKeyDictionary[FakeJiraSite, dict[str, AppField]] = (
    weakref.WeakKeyDictionary())


def app_fields(site: FakeJiraSite) -> dict[str, AppField]:
    """The site's app-owned fields by key, created for any module of the installed descriptor."""
    with site.model.lock:
        fields = _FIELDS.setdefault(site, {})
        descriptor = site.app_descriptor
        if descriptor is None:
            return fields
        for module in descriptor.raw.get("modules", {}).get("jiraIssueFields", []):
            key = f"{descriptor.key}__{module['key']}"
            if key not in fields:
                kind = module.get("type", "string").lower()
                name = (module.get("name") or {}).get("value") or module["key"]
                custom = site.model.add_custom_field(name, SCHEMA_TYPES.get(kind, "string"))
                fields[key] = AppField(custom.id, key, descriptor.key, name, kind)
        return fields


def app_field(site: FakeJiraSite, module_key: str) -> AppField:
    """The installed app's field for ``module_key`` (what tests put values into)."""
    descriptor = site.app_descriptor
    if descriptor is None:
        raise RuntimeError("the app is not installed on this site")
    return app_fields(site)[f"{descriptor.key}__{module_key}"]


def issue_value(option: FieldOption) -> dict[str, Any]:
    """The value an issue shows for an app select field set to ``option``."""
    return option.json()


def option_in_use(site: FakeJiraSite, app: AppField, option_id: int) -> bool:
    """Whether any issue has the option selected (Jira then refuses to delete it, 409)."""
    for issue in site.model.issues_in_order():
        selected = issue.custom_fields.get(app.id)
        values = selected if isinstance(selected, list) else [selected]
        if any(isinstance(v, dict) and str(v.get("id")) == str(option_id) for v in values):
            return True
    return False


def field_list(site: FakeJiraSite) -> list[dict[str, Any]]:
    """The body of GET /rest/api/3/field: app-owned fields carry the app's key and Connect type."""
    by_id = {f.id: f for f in app_fields(site).values()}
    listed = payloads.field_list(site.model)
    for entry in listed:
        owned = by_id.get(entry["id"])
        if owned is not None:
            entry["key"] = owned.key
            entry["schema"]["custom"] = f"{CONNECT_FIELD_TYPE}:{owned.key}"
    return listed
