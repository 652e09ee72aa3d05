"""Sign-in and sign-out pages, one's own password, and the audit log. Thin: parse, call a service,
commit once, render."""
from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from core import audit
from core.auth import acting_user, change_password, check_sign_in, end_session, page_roles, sign_in
from core.extensions import db
from core.forms import AuditFilterForm, LoginForm, PasswordForm
from core.models import Role
from core.pages import form_status, page_count, page_number, safe_target, submit

bp = Blueprint("auth", __name__)
AUDIT_PAGE = 50


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Failed attempts are counted before they are checked (core.auth.check_sign_in): beyond the
    limit the page answers 429 without looking at the password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = check_sign_in(db.session, form.username.data, form.password.data)
        if user is not None:
            sign_in(user, remember=form.remember.data)
        db.session.commit()  # the sign-in, or the failure that the next attempts count
        if user is not None:
            return redirect(safe_target(request.args.get("next")))
        flash(_("Wrong username or password."), "error")
    return render_template("auth/login.html", form=form), 200


@bp.route("/account/password", methods=["GET", "POST"])
@page_roles()
def password():
    """Change one's own password; every other sign-in and token of the account ends."""
    form, actor = PasswordForm(), acting_user()
    if submit(form, lambda: change_password(db.session, actor, form.old.data, form.new.data)):
        db.session.commit()
        flash(_("Your password is changed. Other devices must sign in again."), "success")
        return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form), form_status()


@bp.get("/audit")
@page_roles(Role.admin)
def audit_log():
    """Reads and changes of personal data, sign-ins and exact searches, newest first."""
    form = AuditFilterForm(request.args)
    form.action.choices = [("", _("Any action"))] + [(k, str(v)) for k, v in audit.ACTION_LABELS.items()]
    page = page_number()
    filters = {"actor": form.user.data or None, "action": form.action.data or None,
               "since": form.since.data} if form.validate() else {}
    events, total = audit.list_events(db.session, acting_user(), limit=AUDIT_PAGE, offset=(page - 1) * AUDIT_PAGE,
                                **filters)
    return render_template("auth/audit.html", events=events, total=total, page=page, labels=audit.ACTION_LABELS,
                           pages=page_count(total, AUDIT_PAGE), args=request.args, form=form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        end_session(current_user)
        db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))
