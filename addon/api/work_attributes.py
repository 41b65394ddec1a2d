"""``/api/4/work-attributes``: Tempo's work attributes (the admin defines, everyone reads)."""

from __future__ import annotations

from flask import jsonify

from connect.context import allow_context_qsh

from ..caller import require_site_admin
from ..domain.attributes import create_attribute
from ..domain.attributes import delete_attribute
from ..domain.attributes import get_attribute
from ..domain.attributes import list_attributes
from ..domain.attributes import replace_attribute
from . import bp
from . import serialize
from .envelope import result_list
from .inputs import json_body
from .inputs import tenant_session


def _attribute_fields(body: dict) -> dict:
    return {"name": body.get("name"), "type": body.get("type"),
            "required": body.get("required", False), "values": body.get("values"),
            "names": body.get("names")}


@bp.get("/work-attributes")
@allow_context_qsh
def work_attributes():
    return jsonify(result_list([serialize.work_attribute(a)
                                for a in list_attributes(tenant_session())]))


@bp.get("/work-attributes/<key>")
@allow_context_qsh
def work_attribute(key):
    return jsonify(serialize.work_attribute(get_attribute(tenant_session(), key)))


@bp.post("/work-attributes")
@allow_context_qsh
def create_work_attribute():
    require_site_admin()
    body = json_body()
    session = tenant_session()
    with session.begin():
        attribute = create_attribute(session, key=body.get("key"), **_attribute_fields(body))
        result = serialize.work_attribute(attribute)
    return jsonify(result)


@bp.put("/work-attributes/<key>")
@allow_context_qsh
def update_work_attribute(key):
    require_site_admin()
    session = tenant_session()
    with session.begin():
        attribute = replace_attribute(session, key, **_attribute_fields(json_body()))
        result = serialize.work_attribute(attribute)
    return jsonify(result)


@bp.delete("/work-attributes/<key>")
@allow_context_qsh
def delete_work_attribute(key):
    require_site_admin()
    session = tenant_session()
    with session.begin():
        delete_attribute(session, key)
    return "", 204
