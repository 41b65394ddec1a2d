"""Jira's Account issue field: its options follow the tenant's accounts.

The app declares the field (``jiraIssueFields`` module ``account-field``, a single select) and owns
its options. ``reconcile_account_options`` makes them match the accounts, comparing what Jira
holds with what each account wants, so it is safe to run any number of times:

- OPEN: an option named after the account, selectable.
- CLOSED: the option stays (issues keep showing it) but is ``notSelectable``: no new time.
- ARCHIVED: the option is deleted; Jira refuses (409) while issues have it selected, and then it
  is kept ``notSelectable``, marked archived so later runs leave it be.

Each option carries the account key in its properties, so an option created by a run that died
before committing the id is adopted by the next run instead of duplicated. Options that belong
to no account are removed the same way as archived ones. An issue's field value (the option id)
leads back to its account through ``account_rules.account_for_field_value``.

Jira's REST docs ("Issue custom field options (apps)", ``IssueFieldOptionConfiguration``)
describe ``notSelectable`` as the way to retire an option that issues already use, and the 409
on deleting one that is selected.

The field has three names, always spelt this way here: its *module key* in our descriptor
(``ACCOUNT_FIELD_MODULE``, ``account-field``), its *field key* in Jira's REST API
(``account_field_key``: ``<appKey>__account-field``, what the option API takes) and its *field
id* (``account_field_id``: ``customfield_N``, what issue JSON is keyed by; learnt from GET /field
and stored as a tenant setting). Sync functions' ``account_field=`` arguments are the field id.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.orm import Session

from ..jira.source import FieldOptions
from ..jira.source import JiraUnavailable
from ..models import Account
from ..models import TenantSetting
from ..models.account import ACCOUNT_ARCHIVED
from ..models.account import ACCOUNT_OPEN

ACCOUNT_FIELD_MODULE = "account-field"
ACCOUNT_FIELD_SETTING = "account_field"
KEY_PROPERTY = "accountKey"
STATUS_PROPERTY = "accountStatus"
NOT_SELECTABLE = "notSelectable"
# pg_advisory_xact_lock(class, tenant): one reconciliation per tenant at a time.
_LOCK_CLASS = zlib.crc32(b"ledgerline.account-options") & 0x7FFFFFFF


@dataclass
class OptionSyncResult:
    """What a reconciliation changed in Jira, by account key (orphans as ``option:<id>``)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {"created": len(self.created), "updated": len(self.updated),
                "deleted": len(self.deleted), "retired": len(self.retired),
                "failed": len(self.failed)}


def account_field_key(addon_key: str) -> str:
    """The field's REST key, ``<appKey>__<moduleKey>`` (the option API's ``fieldKey``)."""
    return f"{addon_key}__{ACCOUNT_FIELD_MODULE}"


def account_field_id(session: Session) -> str | None:
    """The field's id (``customfield_N``) in this tenant's Jira, once learnt."""
    setting = session.get(TenantSetting, (session.tenant_id, ACCOUNT_FIELD_SETTING))
    return setting.value.get("id") if setting else None


def remember_account_field_id(session: Session, field_id: str | None) -> None:
    setting = session.get(TenantSetting, (session.tenant_id, ACCOUNT_FIELD_SETTING))
    if setting is None:
        session.add(TenantSetting(name=ACCOUNT_FIELD_SETTING, value={"id": field_id}))
    else:
        setting.value = {"id": field_id}


def find_account_field_id(fields: list[dict], addon_key: str) -> str | None:
    """The id Jira gave the field, found in GET /field by its key."""
    key = account_field_key(addon_key)
    for found in fields:
        custom = (found.get("schema") or {}).get("custom", "")
        if custom.endswith(key) or found.get("key") == key:
            return found.get("id")
    return None


def discover_account_field(session: Session, fields: list[dict], addon_key: str) -> str | None:
    """Find the field's id in GET /field and remember it for issue reads."""
    field_id = find_account_field_id(fields, addon_key)
    if field_id is not None and field_id != account_field_id(session):
        remember_account_field_id(session, field_id)
    return field_id


def reconcile_account_options(session: Session, options: FieldOptions) -> OptionSyncResult:
    """Make Jira's options match the tenant's accounts; records ``Account.jira_option_id``.

    One account's failed call does not stop the others: it is listed in ``failed`` and the next
    run retries it. Raises JiraUnavailable only when the options cannot be listed.
    """
    _lock_tenant(session)
    accounts = list(session.scalars(select(Account).order_by(Account.id)))
    claimed, orphans = _match(accounts, options.options())
    result = OptionSyncResult()
    for account in accounts:
        try:
            _reconcile_one(account, claimed.get(account.id), options, result)
        except JiraUnavailable as exc:
            result.failed[account.key] = str(exc)
    for option in orphans:
        try:
            _retire_orphan(option, options, result)
        except JiraUnavailable as exc:
            result.failed[f"option:{option['id']}"] = str(exc)
    return result


def _lock_tenant(session: Session) -> None:
    """Serialise runs for one tenant, so two cannot both create an account's option."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock_class, :tenant)"),
                        {"lock_class": _LOCK_CLASS, "tenant": session.tenant_id})


def _match(accounts: list[Account], found: list[dict]) -> tuple[dict[int, dict], list[dict]]:
    """Pair options with accounts: by the stored option id, else by the key property."""
    by_id = {str(o["id"]): o for o in found}
    claimed: dict[int, dict] = {}
    for account in accounts:
        option = by_id.pop(account.jira_option_id, None) if account.jira_option_id else None
        if option is not None:
            claimed[account.id] = option
    by_key: dict[str, dict] = {}
    for option in sorted(by_id.values(), key=lambda o: int(o["id"])):
        key = (option.get("properties") or {}).get(KEY_PROPERTY)
        if isinstance(key, str):
            by_key.setdefault(key, option)
    for account in accounts:
        if account.id not in claimed and account.key in by_key:
            claimed[account.id] = by_id.pop(str(by_key.pop(account.key)["id"]))
    return claimed, list(by_id.values())


def _reconcile_one(account: Account, option: dict | None, options: FieldOptions,
                   result: OptionSyncResult) -> None:
    """Bring one account's option to what it wants; only calls Jira when they differ."""
    wanted = _wanted(account)
    if option is None:
        account.jira_option_id = None
        if account.status == ACCOUNT_OPEN:
            account.jira_option_id = str(options.create(wanted)["id"])
            result.created.append(account.key)
        return
    account.jira_option_id = str(option["id"])
    if _matches(option, wanted):
        return
    if account.status != ACCOUNT_ARCHIVED:
        options.update(account.jira_option_id, wanted)
        result.updated.append(account.key)
    elif options.delete(account.jira_option_id):
        account.jira_option_id = None
        result.deleted.append(account.key)
    else:
        options.update(account.jira_option_id, wanted)
        result.retired.append(account.key)


def _retire_orphan(option: dict, options: FieldOptions, result: OptionSyncResult) -> None:
    """An option no account claims: delete it, or stop it being chosen if issues use it."""
    if not _selectable(option):
        return
    label = f"option:{option['id']}"
    if options.delete(str(option["id"])):
        result.deleted.append(label)
        return
    options.update(str(option["id"]), {"value": option["value"],
                                       "properties": option.get("properties") or {},
                                       "config": _config(selectable=False)})
    result.retired.append(label)


def _wanted(account: Account) -> dict:
    """The option the account should have (for ARCHIVED: the fallback when it cannot go)."""
    return {
        "value": account.name,
        "properties": {KEY_PROPERTY: account.key, STATUS_PROPERTY: account.status},
        "config": _config(selectable=account.status == ACCOUNT_OPEN),
    }


def _config(*, selectable: bool) -> dict:
    # An empty ``global`` scope makes the option available in every project.
    return {"scope": {"global": {} if selectable else {"attributes": [NOT_SELECTABLE]}}}


def _selectable(option: dict) -> bool:
    config = option.get("config") or {}
    attributes = list(((config.get("scope") or {}).get("global") or {}).get("attributes") or [])
    # ``config.attributes`` is deprecated, but an option set through it still counts.
    return NOT_SELECTABLE not in attributes + list(config.get("attributes") or [])


def _matches(option: dict, wanted: dict) -> bool:
    properties = option.get("properties") or {}
    return (option.get("value") == wanted["value"]
            and all(properties.get(k) == v for k, v in wanted["properties"].items())
            and _selectable(option) == _selectable(wanted))
