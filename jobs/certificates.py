"""Employment certificates (就业证明, 外出务工证明): a paper for a person in work, naming the employer,
the posting and the day of the hire, with a QR code of its public check.

One certificate per hire (referral): asking again for the same hire gives the same code. The code is
"JY<year>-<referral, 6 digits>-<keyed check>" (core.crypto.check_code): the check makes a code of
another hire impossible to guess from one seen on paper. The paper is titled 外出务工证明 when the work
site lies outside the person's home county, 就业证明 otherwise.

The public check (`verify`) gives a masked name, the employer, the posting and the dates, nothing
more. Plain functions taking a session (and the acting user); they flush, the caller commits."""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import audit
from core.crypto import check_code, mask_name
from core.errors import Conflict, Forbidden, NotFound
from core.models import Role, User, china_today
from jobs.models import EmploymentCertificate, Referral, ReferralStatus
from registry.models import Area
from registry.services import get_worker

PREFIX = "JY"
MAX_CODE = 40  # as long as a code is stored


def code_for(referral: Referral, year: int) -> str:
    base = f"{PREFIX}{year}-{referral.id:06d}"
    return f"{base}-{check_code(base)}"


def may_issue(actor: User, worker) -> bool:
    """The station of the person's area (or an administrator), and the person themself."""
    if actor.role is Role.worker:
        return actor.worker_id == worker.id
    return actor.keeps_registry


def _current_hire(session: Session, worker) -> Referral:
    hire = session.scalar(select(Referral).where(Referral.worker_id == worker.id,
                                                 Referral.status == ReferralStatus.hired))
    if hire is not None:
        return hire
    left = session.scalar(select(Referral).where(Referral.worker_id == worker.id,
                                                 Referral.status == ReferralStatus.left)
                          .order_by(Referral.left_on.desc(), Referral.id.desc()).limit(1))
    if left is not None:
        raise Conflict(_("%(name)s left %(title)s on %(day)s and is not in work now: an employment certificate "
                         "is only for a person in work.", name=worker.name, title=left.job.title,
                         day=left.left_on.isoformat() if left.left_on else "—"),
                       {"status": _("not in work since %(day)s", day=left.left_on.isoformat() if left.left_on else "—")})
    raise Conflict(_("%(name)s has no hire on record: an employment certificate is only for a person in work.",
                     name=worker.name), {"status": _("no hire on record")})


def issue_or_get(session: Session, worker_id: int, actor: User) -> EmploymentCertificate:
    """The certificate of the person's current hire, issued (and audited) the first time it is
    asked for. Nobody outside the person's area learns the person exists (404); a person not in
    work has none (409, saying why)."""
    worker = get_worker(session, worker_id, actor)
    if not may_issue(actor, worker):
        raise Forbidden(_("The labour station of the person's area issues employment certificates."))
    hire = _current_hire(session, worker)
    found = session.scalar(select(EmploymentCertificate).where(EmploymentCertificate.referral_id == hire.id))
    if found is not None:
        return found
    today = china_today()
    certificate = EmploymentCertificate(code=code_for(hire, today.year), worker_id=worker.id, referral_id=hire.id,
                                        issued_on=today, issued_by_id=actor.id)
    try:
        with session.begin_nested():  # the same hire asked for twice at once: one certificate
            session.add(certificate)
    except IntegrityError:
        return session.scalar(select(EmploymentCertificate).where(EmploymentCertificate.referral_id == hire.id))
    audit.record(actor, "create", "employment_certificate", certificate.code,
                 area_code=worker.household.village_code)
    return certificate


@dataclass(frozen=True)
class EmploymentPaper:
    """What the printed certificate says."""
    certificate: EmploymentCertificate
    referral: Referral
    away: bool  # the work site lies outside the person's home county: 外出务工证明
    home: Area  # the person's village: its labour station issues the paper
    work_place: Area | None

    @property
    def worker(self):
        return self.referral.worker

    @property
    def job(self):
        return self.referral.job


def paper(session: Session, worker_id: int, actor: User) -> EmploymentPaper:
    certificate = issue_or_get(session, worker_id, actor)
    referral = session.get(Referral, certificate.referral_id)
    job, home_code = referral.job, referral.worker.household.village_code
    place = job.area_code or job.employer.area_code
    return EmploymentPaper(certificate, referral, away=place is not None and place[:6] != home_code[:6],
                           home=session.get(Area, home_code), work_place=session.get(Area, place) if place else None)


@dataclass(frozen=True)
class EmploymentCheck:
    """The public check of a code: nothing of the person but a masked name."""
    code: str
    name_masked: str
    employer: str
    title: str
    hired_on: date | None
    left_on: date | None
    issued_on: date
    state: str  # in_work | left | withdrawn (the hire was undone)

    @property
    def in_work(self) -> bool:
        return self.state == "in_work"


def verify(session: Session, code: str) -> EmploymentCheck:
    """Whether a code is of a certificate on record (case does not matter), and the hire it names,
    as it stands today. Any other code is not genuine (404). The code is looked up as stored, so
    a change of PII_KEY leaves issued certificates genuine."""
    code = code.strip().upper()
    certificate = session.scalar(select(EmploymentCertificate).where(EmploymentCertificate.code == code)) \
        if 0 < len(code) <= MAX_CODE else None
    if certificate is None:
        raise NotFound(_("No employment certificate has this code: it is not genuine."))
    referral = session.get(Referral, certificate.referral_id)
    state = {ReferralStatus.hired: "in_work", ReferralStatus.left: "left"}.get(referral.status, "withdrawn")
    return EmploymentCheck(certificate.code, mask_name(referral.worker.name), referral.job.employer.name,
                           referral.job.title, referral.hired_on, referral.left_on, certificate.issued_on, state)


