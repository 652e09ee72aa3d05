"""Sign-in and sign-out pages."""
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from core import audit
from core.auth import authenticate, end_session, page_roles, sign_in
from core.extensions import db, limiter
from core.forms import LoginForm
from core.models import Role
from core.pages import safe_target

bp = Blueprint("auth", __name__)
AUDIT_PAGE = 50


def _failed_login(response) -> bool:
    """Only failed attempts count against the throttle: a form shown again means it failed."""
    return request.method == "POST" and response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_THROTTLE"], methods=["POST"], deduct_when=_failed_login)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("registry.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            sign_in(user, remember=form.remember.data)
            db.session.commit()
            return redirect(safe_target(request.args.get("next")))
        flash(_("Wrong username or password."), "error")
    return render_template("auth/login.html", form=form), 200


@bp.get("/audit")
@page_roles(Role.admin)
def audit_log():
    """The latest reads and changes of personal data, newest first."""
    page = max(request.args.get("page", 1, type=int), 1)
    events, total = audit.recent(db.session, limit=AUDIT_PAGE, offset=(page - 1) * AUDIT_PAGE,
                                 user=request.args.get("user") or None)
    return render_template("auth/audit.html", events=events, total=total, page=page, labels=audit.ACTION_LABELS,
                           pages=max((total + AUDIT_PAGE - 1) // AUDIT_PAGE, 1), args=request.args)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        end_session(current_user)
        db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))
