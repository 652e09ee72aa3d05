"""`/api/v1/me`: the signed-in user's own account and, for a worker, their own record, which they
partly change themselves. Thin: parse, call registry.me, commit once, answer."""
from flask import jsonify
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from core.auth import acting_user, api_roles
from core.extensions import db
from registry import me
from registry.schemas import WorkerOut

bp = Blueprint("me_api", __name__, url_prefix="/api/v1/me", description="One's own account and record")
blueprints = (bp,)


class AreaRef(Schema):
    code = fields.String()
    name = fields.String()
    full_name = fields.String()


class AccountOut(Schema):
    id = fields.Integer()
    username = fields.String()
    role = fields.String()
    display_name = fields.String(allow_none=True)
    areas = fields.List(fields.Nested(AreaRef))
    employer_id = fields.Integer(allow_none=True)
    worker_id = fields.Integer(allow_none=True)


class MeOut(WorkerOut):
    """A worker: their record as `GET /workers/{id}` gives it, with the account's fields
    (`user_id`, `username`, `role`, `display_name`, `worker_id`). Anyone else: the account only
    (`id`, `username`, `role`, `display_name`, `areas`, `employer_id`, `worker_id`)."""
    user_id = fields.Integer()
    username = fields.String()
    role = fields.String()
    display_name = fields.String(allow_none=True)
    areas = fields.List(fields.Nested(AreaRef))
    employer_id = fields.Integer(allow_none=True)
    worker_id = fields.Integer(allow_none=True)


def _answer(user, worker):
    account = AccountOut().dump({"id": user.id, "username": user.username, "role": user.role.value,
                                 "display_name": user.display_name, "employer_id": user.employer_id,
                                 "worker_id": user.worker_id, "areas": me.account_areas(db.session, user)})
    if worker is None:
        return jsonify(account)
    del account["id"]
    return jsonify({**WorkerOut().dump(worker), **account, "user_id": user.id})


@bp.get("")
@api_roles()
@bp.response(200, MeOut)
def get_me():
    """Who is signed in: for a worker, their own record with their account; for anyone else, the
    account (its areas for station and county staff)."""
    user = acting_user()
    return _answer(user, me.own_worker(db.session, user))


@bp.patch("")
@api_roles()
@bp.arguments(me.SelfServicePatch(partial=True))
@bp.response(200, MeOut)
def patch_me(data):
    """A worker changes their own `expected_wage`, `max_commute_km`, `willing_to_migrate`,
    `needs_flexible_hours` and `skills` (as they say them; certified skills stay), with the same
    rules as the station's form; audited as their own change. Other roles: 403; an account not
    linked to a record yet: 409."""
    user = acting_user()
    worker = me.update_own(db.session, user, data)
    db.session.commit()
    return _answer(user, worker)
