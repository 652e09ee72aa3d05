"""Sign-in and sign-out pages, one's own password (an initial one first of all), the accounts
officers manage, and the audit log. Thin: parse, call a service, commit once, render."""
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
from wtforms.fields.choices import SelectChoice

from core import accounts, audit, roles
from core.auth import acting_user, change_password, check_sign_in, end_session, page_roles, sign_in
from core.errors import API_PREFIX
from core.extensions import db
from core.forms import (
    AccountEditForm,
    AccountFilterForm,
    AccountForm,
    AuditFilterForm,
    ConfirmForm,
    LoginForm,
    PasswordForm,
    id_or_none,
)
from core.models import Role
from core.pages import PAGE_SIZE, form_status, page_count, page_number, safe_target, submit
from core.schemas import AccountIn, AccountPatch

bp = Blueprint("auth", __name__)
AUDIT_PAGE = 50
# what an account with an initial password may still open: the password page, signing out, the language
OPEN_BEFORE_CHANGE = {"auth.password", "auth.logout", "auth.login", "i18n.switch", "static"}


@bp.before_app_request
def initial_password_first():
    """An account made or reset with an initial password opens no other page until its user has
    chosen a password of their own (the API answers 403 likewise: core.auth.api_roles)."""
    if request.endpoint in OPEN_BEFORE_CHANGE or request.path.startswith(API_PREFIX):
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.password"))
    return None


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
        if user is not None and user.must_change_password:
            flash(_("Please choose a password of your own before you go on."), "info")
            return redirect(url_for("auth.password"))
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
    """Reads and changes of personal data, sign-ins and exact searches, newest first, in words."""
    form = AuditFilterForm(request.args)
    form.action.choices = [("", _("Any action"))] + [(k, str(v)) for k, v in audit.ACTION_LABELS.items()]
    page = page_number()
    filters = {"actor": form.user.data or None, "action": form.action.data or None,
               "since": form.since.data, "until": form.until.data} if form.validate() else {}
    events, total = audit.list_events(db.session, acting_user(), limit=AUDIT_PAGE, offset=(page - 1) * AUDIT_PAGE,
                                      **filters)
    areas = accounts.area_names(db.session, {e.area_code for e in events if e.area_code})
    return render_template("auth/audit.html", events=events, total=total, page=page, audit=audit, areas=areas,
                           pages=page_count(total, AUDIT_PAGE), args=request.args, form=form)


# --- accounts ------------------------------------------------------------------------------------

def _role_choices(actor, blank=None):
    return ([("", blank)] if blank else []) + [(r.value, str(accounts.ROLE_LABELS[r]))
                                               for r in accounts.roles_made_by(actor)]


@bp.get("/accounts")
@page_roles(*roles.OFFICERS)
def account_list():
    """The accounts the officer manages, by username, with their role, areas and whether active."""
    form, actor, page = AccountFilterForm(request.args), acting_user(), page_number()
    form.role.choices = _role_choices(actor, _("Any role"))
    form.active.choices = [("", _("Active or not")), ("1", _("Active")), ("0", _("Deactivated"))]
    filters = {}
    if form.validate():
        filters = {"q": (form.q.data or "").strip() or None, "active": {"1": True, "0": False}.get(form.active.data),
                   "role": Role(form.role.data) if form.role.data in {r.value for r in Role} else None}
    items, total = accounts.list_accounts(db.session, actor, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
                                          **filters)
    names = accounts.area_names(db.session, {code for user in items for code in user.area_codes})
    return render_template("accounts/list.html", items=items, total=total, page=page, form=form, names=names,
                           pages=page_count(total), args=request.args, labels=accounts.ROLE_LABELS)


@bp.route("/accounts/new", methods=["GET", "POST"])
@page_roles(*roles.OFFICERS)
def new_account():
    """Make an account; its initial password is shown on the next page, once."""
    form, actor = AccountForm(), acting_user()
    form.role.choices = _role_choices(actor)
    form.employer_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(number, name) for number, name in accounts.employers_without_account(db.session, actor)]
    if request.method == "GET":  # opened from an employer's or a person's page: filled in
        form.role.data = request.args.get("role", form.role.data)
        form.employer_id.data = id_or_none(request.args.get("employer_id"))
        form.worker_id.data = id_or_none(request.args.get("worker_id"))
    made = submit(form, lambda data: accounts.create_account(db.session, data, actor), AccountIn())
    if made:
        db.session.commit()
        user, password = made
        return render_template("accounts/password.html", account=user, password=password, made=True,
                               labels=accounts.ROLE_LABELS)
    return render_template("accounts/new.html", form=form, groups=accounts.area_groups(db.session, actor),
                           chosen=set(form.area_codes.data or []),
                           worker_name=accounts.bound_name(db.session, "workers", form.worker_id.data)), form_status()


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@page_roles(*roles.OFFICERS)
def account(user_id):
    """An account's display name and areas; deactivating, reactivating, a new initial password."""
    actor = acting_user()
    user = accounts.get_account(db.session, user_id, actor)
    form = AccountEditForm(data={"display_name": user.display_name, "area_codes": user.area_codes})
    data = {"display_name": (form.display_name.data or "").strip() or None, "area_codes": form.area_codes.data or []}
    if submit(form, lambda loaded: accounts.update_account(db.session, user_id, loaded, actor), AccountPatch(),
              data=data):
        db.session.commit()
        flash(_("The account %(name)s is saved.", name=user.username), "success")
        return redirect(url_for("auth.account", user_id=user_id))
    return render_template("accounts/edit.html", account=user, form=form, confirm=ConfirmForm(),
                           groups=accounts.area_groups(db.session, actor), chosen=set(form.area_codes.data or []),
                           names=accounts.area_names(db.session, user.area_codes),
                           labels=accounts.ROLE_LABELS), form_status()


@bp.post("/accounts/<int:user_id>/deactivate")
@page_roles(*roles.OFFICERS)
def deactivate_account(user_id):
    """Every sign-in and token of the account ends at once."""
    return _set_active(user_id, False, _("The account is deactivated; its sign-ins have ended."))


@bp.post("/accounts/<int:user_id>/reactivate")
@page_roles(*roles.OFFICERS)
def reactivate_account(user_id):
    return _set_active(user_id, True, _("The account is active again."))


def _set_active(user_id, active, done):
    actor = acting_user()
    if submit(ConfirmForm(), lambda: accounts.update_account(db.session, user_id, {"active": active}, actor)):
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("auth.account", user_id=user_id))


@bp.post("/accounts/<int:user_id>/reset-password")
@page_roles(*roles.OFFICERS)
def reset_account_password(user_id):
    """A new initial password, shown on this answer only; the account's sign-ins and tokens end."""
    actor = acting_user()
    made = submit(ConfirmForm(), lambda: accounts.reset_password(db.session, user_id, actor))
    if not made:
        return redirect(url_for("auth.account", user_id=user_id))
    db.session.commit()
    user, password = made
    return render_template("accounts/password.html", account=user, password=password, made=False,
                           labels=accounts.ROLE_LABELS)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        end_session(current_user)
        db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))
