"""The employers' subsidy ledger pages (issue 18): an employer's own (/employer/subsidies), one
employer's for officers, and the officers' ledger of their county (/subsidies/employers) with the
county's hiring subsidy form; each exports to .xlsx. Same blueprint as jobs/views.py.

Thin: parse, call jobs.subsidies, commit once, render."""
from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from core import roles
from core.auth import acting_user, page_roles
from core.extensions import db
from core.models import Role
from core.pages import PAGE_SIZE, page_count, page_number, submit
from core.spreadsheets import XLSX
from jobs import subsidies as ledger
from jobs.subsidy_api import HireSubsidyIn
from jobs.views import bp
from registry.models import AreaLevel
from registry.services import areas_in_scope

COUNTIES_SHOWN = 20  # counties whose policy the officers' page lists (an administrator's first ones)


class HireSubsidyForm(FlaskForm):
    """A county's hiring subsidy; the rules are the API's (jobs.subsidy_api.HireSubsidyIn)."""
    area_code = SelectField(_l("County"), choices=[])
    amount = IntegerField(_l("Hiring subsidy per person (yuan)"), validators=[Optional()],
                          render_kw={"inputmode": "numeric", "required": True})
    months = IntegerField(_l("Once the hire has lasted (months)"), validators=[Optional()],
                          render_kw={"inputmode": "numeric", "required": True})
    on_the_job_monthly = IntegerField(_l("On-the-job training subsidy per trainee and month (yuan, optional)"),
                                      validators=[Optional()], render_kw={"inputmode": "numeric"})


def _page_lines(employer):
    page = page_number()
    lines, total, amount = ledger.employer_ledger(db.session, employer, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    return dict(lines=lines, total=total, amount=amount, page=page, pages=page_count(total))


# --- an employer's ledger ----------------------------------------------------------------------

@bp.get("/employer/subsidies")
@page_roles(Role.employer)
def my_subsidies():
    """The employer's own subsidy lines: its hires of monitored or lifted-out households that
    lasted the county's months, and its months of on-the-job training."""
    actor = acting_user()
    if actor.employer_id is None:
        return redirect(url_for("jobs.employer_home"))
    employer = ledger.ledger_employer(db.session, actor.employer_id, actor)
    return render_template("jobs/subsidies.html", employer=employer, own=True, args={},
                           policy=ledger.policy_of(db.session, employer.area_code), **_page_lines(employer))


@bp.get("/employer/subsidies.xlsx")
@page_roles(Role.employer)
def my_subsidies_export():
    actor = acting_user()
    if actor.employer_id is None:
        return redirect(url_for("jobs.employer_home"))
    stream, filename = ledger.export(db.session, actor, ledger.ledger_employer(db.session, actor.employer_id, actor))
    db.session.commit()  # the audit event of the export
    return send_file(stream, as_attachment=True, download_name=filename, mimetype=XLSX)


@bp.get("/employers/<int:employer_id>/subsidies")
@page_roles(*roles.OFFICERS)
def employer_subsidies(employer_id):
    actor = acting_user()
    employer = ledger.ledger_employer(db.session, employer_id, actor)
    return render_template("jobs/subsidies.html", employer=employer, own=False, args={},
                           policy=ledger.policy_of(db.session, employer.area_code), **_page_lines(employer))


@bp.get("/employers/<int:employer_id>/subsidies.xlsx")
@page_roles(*roles.OFFICERS)
def employer_subsidies_export(employer_id):
    actor = acting_user()
    stream, filename = ledger.export(db.session, actor, ledger.ledger_employer(db.session, employer_id, actor))
    db.session.commit()  # the audit event of the export
    return send_file(stream, as_attachment=True, download_name=filename, mimetype=XLSX)


# --- the officers' ledger and the county's policy ----------------------------------------------

def _counties(actor):
    counties = areas_in_scope(db.session, actor, AreaLevel.county)
    area = request.args.get("area")
    return counties, area if area in {c.code for c in counties} else None


def _officers_page(actor, form=None):
    counties, area = _counties(actor)
    shown = [c for c in counties if area in (None, c.code)][:COUNTIES_SHOWN]
    chosen = area or (counties[0].code if counties else None)
    policies = ledger.policies_of(db.session, [chosen, *(c.code for c in shown)])
    page = page_number()
    lines, total, amount = ledger.area_ledger(db.session, actor, area, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    if form is None:
        form = HireSubsidyForm(formdata=None)
        policy = policies[chosen]
        form.area_code.data = chosen
        if policy is not None and policy.area_code == chosen:
            form.amount.data, form.months.data = policy.hire_subsidy_amount, policy.hire_subsidy_months
            form.on_the_job_monthly.data = policy.on_the_job_monthly
    form.area_code.choices = [SelectChoice(c.code, c.full_name) for c in counties]
    return render_template("jobs/subsidy_officers.html", lines=lines, total=total, amount=amount, page=page,
                           pages=page_count(total), counties=counties, area=area, args={"area": area} if area else {},
                           totals=ledger.employer_totals(db.session, actor, area), form=form,
                           policies=[(c, policies[c.code]) for c in shown])


@bp.get("/subsidies/employers")
@page_roles(*roles.OFFICERS)
def officers_subsidies():
    """The employers' subsidy lines the officer answers for: paid by their counties' policies, or
    earned by employers in their areas."""
    return _officers_page(acting_user())


@bp.get("/subsidies/employers.xlsx")
@page_roles(*roles.OFFICERS)
def officers_subsidies_export():
    actor = acting_user()
    _shown, area = _counties(actor)
    stream, filename = ledger.export(db.session, actor, area_code=area)
    db.session.commit()  # the audit event of the export
    return send_file(stream, as_attachment=True, download_name=filename, mimetype=XLSX)


@bp.post("/subsidies/hire-subsidy")
@page_roles(*roles.OFFICERS)
def set_hire_subsidy():
    """The county's hiring subsidy (and on-the-job subsidy), as PUT /api/v1/areas/{code}/hire-subsidy."""
    actor = acting_user()
    form = HireSubsidyForm()
    counties, _area = _counties(actor)
    form.area_code.choices = [SelectChoice(c.code, c.full_name) for c in counties]
    fields = ("amount", "months", "on_the_job_monthly")
    data = {"on_the_job_monthly": None, **{k: getattr(form, k).data for k in fields if getattr(form, k).data is not None}}
    policy = submit(form, lambda loaded: ledger.set_hire_subsidy(db.session, form.area_code.data, loaded, actor),
                    HireSubsidyIn(), data=data)
    if policy:
        db.session.commit()
        flash(_("The hiring subsidy is set: %(amount)s yuan once a hire has lasted %(months)s months.",
                amount=policy.hire_subsidy_amount, months=policy.hire_subsidy_months), "success")
        return redirect(url_for("jobs.officers_subsidies", area=policy.area_code))
    return _officers_page(actor, form), 422
