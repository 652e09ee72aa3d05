"""Employment certificates on paper and their public check. Same blueprint as jobs/views.py.

- `/workers/<id>/employment-certificate`: the certificate of a person in work, on one A4 page, with
  a QR code of its check (the station of the person's area, the person themself, administrators);
- `/verify/<code>`: the check, open without signing in: a masked name, the employer, the posting
  and the dates; a code not on record is not genuine (404).

Thin: call jobs.certificates, commit once, render."""
from flask import render_template, url_for

from core import roles
from core.auth import acting_user, page_roles
from core.errors import NotFound
from core.extensions import db
from core.models import china_today
from jobs import certificates
from jobs.public import place_name
from jobs.public_views import qr_code
from jobs.views import bp


@bp.get("/workers/<int:worker_id>/employment-certificate")
@page_roles(*roles.WORKER_FILE)
def employment_certificate(worker_id):
    paper = certificates.paper(db.session, worker_id, acting_user())
    code = paper.certificate.code
    db.session.commit()  # a certificate issued now is on record before anyone scans it
    url = url_for("jobs.verify_employment", code=code, _external=True)
    return render_template("jobs/employment_certificate.html", paper=paper, code=code, url=url, qr=qr_code(url),
                           station=place_name(paper.home), work_place=place_name(paper.work_place),
                           today=china_today())


@bp.get("/verify/<code>")
def verify_employment(code):
    """Public: whether a certificate is genuine, with nothing of the person but a masked name."""
    try:
        found = certificates.verify(db.session, code)
    except NotFound as refusal:
        return render_template("jobs/verify_employment.html", found=None, code=code[:certificates.MAX_CODE],
                               message=refusal.message), 404
    return render_template("jobs/verify_employment.html", found=found, code=found.code)
