"""``/api/4`` accounts, customers, account categories and account links (Tempo v4 shapes)."""

from __future__ import annotations

from contextlib import contextmanager

from flask import jsonify
from flask import request

from connect.context import allow_context_qsh
from connect.context import current_context

from ..caller import require_site_admin
from ..domain import account_setup as setup
from ..domain.account_rules import selectable_accounts
from ..domain.account_terms import apply_terms
from ..domain.account_terms import parse_terms
from ..domain.accounts import BUDGET_MAX
from ..domain.accounts import AccountDetails
from ..domain.accounts import account_input_problems
from ..domain.accounts import create_account
from ..domain.accounts import delete_account
from ..domain.accounts import get_account
from ..domain.accounts import list_accounts
from ..domain.accounts import replace_account
from ..domain.errors import InvalidInput
from ..domain.extension_fields import KEEP
from ..jobs import OPTIONS_SYNC_JOB
from ..jobs import get_jobs
from ..models import Account
from ..models import AccountCategory
from ..models import AccountLink
from ..models import Customer
from ..models.account import CATEGORY_TYPES
from . import bp
from . import serialize
from .envelope import envelope
from .envelope import page_from_request
from .envelope import result_list
from .extensions import extension
from .inputs import MAX_LIST_ITEMS
from .inputs import Problems
from .inputs import is_id
from .inputs import json_body
from .inputs import json_body_exact
from .inputs import parse_bool
from .inputs import parse_int
from .inputs import parse_int_list
from .inputs import parse_str
from .inputs import parse_str_list
from .inputs import tenant_session
from .money import reprice_after_commit


def _sync_options_after_commit(session) -> None:
    """Jira's Account field options follow the accounts, once this change is committed."""
    get_jobs().enqueue(OPTIONS_SYNC_JOB, current_context().tenant_id, queue="sync",
                       session=session)


@contextmanager
def _naming_also(problems: list):
    """Every bad field at once: the account's own problems and its terms' together."""
    try:
        yield
    except InvalidInput as exc:
        raise InvalidInput(exc.message, exc.problems + problems) from None
    if problems:
        raise InvalidInput(problems[0].message if len(problems) == 1 else "invalid account",
                           problems)


def _paged(rows, serializer):
    page = page_from_request()
    chunk = rows[page.offset:page.offset + page.limit]
    return jsonify(envelope([serializer(r) for r in chunk], page,
                            has_more=page.offset + page.limit < len(rows)))


# Ours, not Tempo's: a PUT that leaves them out keeps them (``extensions``).
ACCOUNT_EXTENSIONS = {"contractType": "TIME_AND_MATERIALS", "currency": "USD"}


def _account_details(body: dict, problems: Problems, *, replacing: bool = False) -> AccountDetails:
    """The body's details; problems go to ``problems`` (raised with the domain's, at once)."""
    def text(name: str, max_length: int) -> str | None:
        return parse_str(body.get(name), name, problems, max_length=max_length)

    def ours(name: str, max_length: int):
        kept = extension(body, name, ACCOUNT_EXTENSIONS[name], replacing=replacing)
        return kept if kept is KEEP else (text(name, max_length) or ACCOUNT_EXTENSIONS[name])

    return AccountDetails(
        status=text("status", 16) or "OPEN",
        lead_account_id=text("leadAccountId", 128),
        contact_account_id=text("contactAccountId", 128),
        external_contact_name=text("externalContactName", 255),
        customer_key=text("customerKey", 255),
        category_key=text("categoryKey", 255),
        contract_type=ours("contractType", 32),
        currency=ours("currency", 3),
        monthly_budget=parse_int(body.get("monthlyBudget"), "monthlyBudget", problems,
                                 minimum=0, maximum=BUDGET_MAX),
        is_global=parse_bool(body.get("global"), "global", problems))


def _checked_account(session, body: dict, *, key=None) -> tuple[str, str, AccountDetails]:
    """Key, name and details of an account body (``key`` given: a PUT, which keeps our
    extension fields it leaves out); a 400 names every bad field at once."""
    problems = Problems()
    details = _account_details(body, problems, replacing=key is not None)
    new_key = key if key is not None else body.get("key")
    if problems.items:
        problems.items += account_input_problems(session, key=new_key, name=body.get("name"),
                                                 details=details, check_key=key is None)
    problems.raise_if_any("invalid account")
    return new_key, body.get("name"), details


def _numeric_id(id_or_key: str) -> int | None:
    return int(id_or_key) if is_id(id_or_key) else None


@bp.get("/accounts")
@allow_context_qsh
def accounts():
    return _paged(list_accounts(tenant_session()), serialize.account)


@bp.post("/accounts/search")
@allow_context_qsh
def search_accounts():
    body = json_body()
    problems = Problems()
    keys = parse_str_list(body.get("keys"), "keys", problems)
    ids = parse_int_list(body.get("ids"), "ids", problems)
    statuses = parse_str_list(body.get("statuses"), "statuses", problems, max_length=16)
    is_global = body.get("global")
    if is_global is not None and not isinstance(is_global, bool):
        problems.add("global", "'global' must be true or false")
    problems.raise_if_any()
    rows = list_accounts(tenant_session(), keys=keys, ids=ids, statuses=statuses,
                         is_global=is_global)
    return _paged(rows, serialize.account)


@bp.post("/accounts")
@allow_context_qsh
def create_account_view():
    require_site_admin()
    body = json_body_exact()
    terms, term_problems = parse_terms(body)
    session = tenant_session()
    with session.begin(), _naming_also(term_problems):
        key, name, details = _checked_account(session, body)
        account = create_account(session, key=key, name=name, details=details)
        apply_terms(account, terms)
        _sync_options_after_commit(session)
        result = serialize.account(account)
    return jsonify(result)


@bp.get("/accounts/<id_or_key>")
@allow_context_qsh
def account(id_or_key):
    session = tenant_session()
    if _numeric_id(id_or_key) is not None:
        return jsonify(serialize.account(setup.get_by_id(session, Account,
                                                         _numeric_id(id_or_key))))
    return jsonify(serialize.account(get_account(session, id_or_key)))


@bp.put("/accounts/<key>")
@allow_context_qsh
def replace_account_view(key):
    """Tempo's fields are replaced; our commercial terms are kept when left out."""
    require_site_admin()
    body = json_body_exact()
    terms, term_problems = parse_terms(body)
    session = tenant_session()
    with session.begin(), _naming_also(term_problems):
        _, name, details = _checked_account(session, body, key=key)
        account = replace_account(session, key, name=name, details=details)
        apply_terms(account, terms)
        reprice_after_commit(session)  # currency or billing rounding may have changed
        _sync_options_after_commit(session)
        result = serialize.account(account)
    return jsonify(result)


@bp.delete("/accounts/<key>")
@allow_context_qsh
def delete_account_view(key):
    require_site_admin()
    session = tenant_session()
    with session.begin():
        delete_account(session, key)
        _sync_options_after_commit(session)
    return "", 204


@bp.get("/accounts/<key>/links")
@allow_context_qsh
def account_links_of(key):
    session = tenant_session()
    links = setup.links_for_account(session, get_account(session, key))
    return jsonify(result_list([serialize.account_link(link) for link in links]))


def _save_simple(model, serializer, existing_key=None):
    require_site_admin()
    body = json_body()
    session = tenant_session()
    with session.begin():
        if model is Customer:
            row = setup.save_customer(session, key=body.get("key", existing_key),
                                      name=body.get("name"), existing_key=existing_key)
        else:
            row = setup.save_category(session, key=body.get("key", existing_key),
                                      name=body.get("name"), type_name=body.get("typeName"),
                                      existing_key=existing_key)
        result = serializer(row)
    return jsonify(result)


def _delete_simple(model, key):
    require_site_admin()
    session = tenant_session()
    with session.begin():
        setup.delete_by_key(session, model, key)
    return "", 204


@bp.get("/customers")
@allow_context_qsh
def customers():
    return _paged(setup.list_rows(tenant_session(), Customer), serialize.customer)


@bp.post("/customers")
@allow_context_qsh
def create_customer():
    return _save_simple(Customer, serialize.customer)


@bp.post("/customers/search")
@allow_context_qsh
def search_customers():
    problems = Problems()
    keys = parse_str_list(json_body().get("keys"), "keys", problems)
    problems.raise_if_any()
    return _paged(setup.list_rows(tenant_session(), Customer, keys), serialize.customer)


@bp.get("/customers/<id_or_key>")
@allow_context_qsh
def customer(id_or_key):
    session = tenant_session()
    if _numeric_id(id_or_key) is not None:
        return jsonify(serialize.customer(setup.get_by_id(session, Customer,
                                                          _numeric_id(id_or_key))))
    return jsonify(serialize.customer(setup.get_by_key(session, Customer, id_or_key)))


@bp.get("/customers/<id:customer_id>/accounts")
@allow_context_qsh
def customer_accounts(customer_id):
    session = tenant_session()
    found = setup.get_by_id(session, Customer, customer_id)
    rows = [a for a in list_accounts(session) if a.customer_id == found.id]
    return jsonify(result_list([serialize.account(a) for a in rows]))


@bp.put("/customers/<key>")
@allow_context_qsh
def replace_customer(key):
    return _save_simple(Customer, serialize.customer, existing_key=key)


@bp.delete("/customers/<key>")
@allow_context_qsh
def delete_customer(key):
    return _delete_simple(Customer, key)


@bp.get("/account-categories")
@allow_context_qsh
def categories():
    return jsonify(result_list([serialize.category(c)
                                for c in setup.list_rows(tenant_session(), AccountCategory)]))


@bp.post("/account-categories")
@allow_context_qsh
def create_category():
    return _save_simple(AccountCategory, serialize.category)


@bp.get("/account-categories/<key>")
@allow_context_qsh
def category(key):
    return jsonify(serialize.category(setup.get_by_key(tenant_session(), AccountCategory, key)))


@bp.put("/account-categories/<key>")
@allow_context_qsh
def replace_category(key):
    return _save_simple(AccountCategory, serialize.category, existing_key=key)


@bp.delete("/account-categories/<key>")
@allow_context_qsh
def delete_category(key):
    return _delete_simple(AccountCategory, key)


@bp.get("/account-category-types")
@allow_context_qsh
def category_types():
    return jsonify(result_list([{"name": name} for name in CATEGORY_TYPES]))


@bp.post("/account-links")
@allow_context_qsh
def create_link():
    require_site_admin()
    body = json_body()
    problems = Problems()
    account_key = parse_str(body.get("accountKey"), "accountKey", problems, required=True,
                            max_length=255)
    scope_id = parse_int(body.get("scopeId"), "scopeId", problems, required=True, minimum=0)
    default = parse_bool(body.get("default"), "default", problems)
    scope_type = parse_str(body.get("scopeType"), "scopeType", problems, max_length=16)
    problems.raise_if_any()
    session = tenant_session()
    with session.begin():
        link = setup.link_account(session, account_key=account_key, project_id=str(scope_id),
                                  default=default, scope_type=scope_type or "PROJECT")
        result = serialize.account_link(link)
    return jsonify(result)


@bp.get("/account-links/<id:link_id>")
@allow_context_qsh
def link(link_id):
    return jsonify(serialize.account_link(setup.get_by_id(tenant_session(), AccountLink, link_id)))


@bp.delete("/account-links/<id:link_id>")
@allow_context_qsh
def delete_link(link_id):
    require_site_admin()
    session = tenant_session()
    with session.begin():
        setup.delete_link(session, link_id)
    return "", 204


@bp.route("/account-links/<id:link_id>/make-default", methods=["PATCH", "PUT", "POST"])
@allow_context_qsh
def make_default(link_id):
    require_site_admin()
    session = tenant_session()
    with session.begin():
        result = serialize.account_link(setup.make_default(session, link_id))
    return jsonify(result)


@bp.get("/account-links/project/<project_id>")
@allow_context_qsh
def project_links(project_id):
    session = tenant_session()
    results = [serialize.account_link(link) for link in setup.links_for_project(session,
                                                                                project_id)]
    if request.args.get("includeGlobalAccounts", "").lower() == "true":
        linked = {r["account"]["key"] for r in results}
        results += [{"self": None, "id": None, "default": False,
                     "scope": {"id": serialize.jira_id(project_id), "type": "PROJECT"},
                     "account": {"self": f"{serialize.api_base()}/accounts/{a.id}",
                                 "key": a.key}}
                    for a in selectable_accounts(session, project_id)
                    if a.is_global and a.key not in linked]
    return jsonify(result_list(results))


@bp.post("/project-accounts")
@allow_context_qsh
def map_projects():
    """Ours: set many projects' default accounts at once (the admin page's bulk mapping)."""
    require_site_admin()
    body = json_body()
    problems = Problems()
    pairs = body.get("mappings")
    if not isinstance(pairs, list) or len(pairs) > MAX_LIST_ITEMS or \
            not all(isinstance(p, dict) for p in pairs):
        problems.add("mappings", "'mappings' must be a list of {projectId, accountKey}")
        pairs = []
    mapping = {}
    for index, pair in enumerate(pairs):
        project_id = parse_int(pair.get("projectId"), f"mappings[{index}].projectId", problems,
                               required=True, minimum=0)
        mapping[str(project_id)] = parse_str(pair.get("accountKey"),
                                             f"mappings[{index}].accountKey", problems,
                                             max_length=255)
    problems.raise_if_any()
    session = tenant_session()
    with session.begin():
        changed = setup.map_projects(session, mapping)
    return jsonify({"changed": changed})
