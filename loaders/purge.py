"""Retention: personal data is kept as long as the settings say, then anonymised or deleted.

`purge_store` runs the three purges in one transaction and records when it ran (StoreMeta key
`last_purge`, read back by `read_last_purge` for the Données page); `python -m loaders purge`
calls it with the settings RETENTION_YEARS and ACCESS_LOG_MONTHS.

- Ambassadors who left the network before the retention period are **anonymised, not deleted**:
  their row is what past years' figures count (ambassadors active in a school year, their
  mobilisations, the coverage indicators computed from them), and deleting it would rewrite those
  years. What names or singles out the person goes (name, e-mail, phone, job, employer); what the
  counts need stays (sector, commune, entry and exit dates, recruitment channel). E-mails become
  NULL, which the unique index on (région, e-mail) allows any number of times. Demo ambassadors
  are fictitious: they are left as they are.
- Refused rows of imports of kinds with personal data (référents, ambassadors), from imports older
  than the retention period, are deleted: they are raw file content, kept only to be fixed and
  imported again. The import itself stays in the history.
- Access log entries older than ACCESS_LOG_MONTHS are deleted.
"""

import calendar
import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, delete, func, or_, select, update
from sqlmodel import Session

from loaders.kinds import KINDS
from loaders.store import get_meta, set_meta
from models.audit import AccessLog, ImportBatch, ImportRefusal, now_utc
from models.db import transaction
from models.resources import Ambassador

LAST_PURGE_KEY = "last_purge"
PARIS = ZoneInfo("Europe/Paris")


def years_before(day: date, years: int) -> date:
    """The same day `years` years earlier (28 February for a 29 February that year lacks)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _paris_midnight(day: date) -> datetime:
    """The start of a day in Paris, as the aware UTC moment the store compares its timestamps with."""
    return datetime.combine(day, time(), PARIS).astimezone(UTC)


def _french_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _said(count: int, noun: str, nouns: str, verb: str, dry_run: bool, feminine: bool = False) -> str:
    """« 3 lignes … supprimées », « aucune ligne … supprimée », or « … à supprimer » in a dry run."""
    if count == 0:
        text = f"{'aucune' if feminine else 'aucun'} {noun}"
    else:
        text = f"{count:,} {noun if count == 1 else nouns}".replace(",", "\u202f")
    if dry_run:
        return f"{text} à {verb}"
    return f"{text} {verb.removesuffix('er')}é{'e' if feminine else ''}{'s' if count > 1 else ''}"


@dataclass
class PurgeReport:
    """What a purge did (or, in a dry run, would do), with the limits it applied."""

    today: date
    personal_before: date  # ambassadors who left, and imports, before this day are purged
    access_log_before: date  # access log entries before this day are deleted
    retention_years: int
    access_log_months: int
    dry_run: bool = False
    ambassadors_anonymised: int = 0
    refusals_deleted: int = 0
    access_entries_deleted: int = 0

    @property
    def changes_count(self) -> int:
        """Rows anonymised or deleted (or that would be, in a dry run)."""
        return self.ambassadors_anonymised + self.refusals_deleted + self.access_entries_deleted

    def summary(self) -> str:
        """One French sentence."""
        personal, log = _french_date(self.personal_before), _french_date(self.access_log_before)
        opening = ("Simulation de la purge, rien n'a été modifié" if self.dry_run
                   else f"Purge du {_french_date(self.today)}")
        parts = [
            _said(self.ambassadors_anonymised, f"ambassadeur sorti du réseau avant le {personal}",
                  f"ambassadeurs sortis du réseau avant le {personal}", "anonymiser", self.dry_run),
            _said(self.refusals_deleted, f"ligne refusée d'un import de référents ou d'ambassadeurs antérieur au "
                  f"{personal}", f"lignes refusées d'imports de référents ou d'ambassadeurs antérieurs au {personal}",
                  "supprimer", self.dry_run, feminine=True),
            _said(self.access_entries_deleted, f"entrée du journal des accès antérieure au {log}",
                  f"entrées du journal des accès antérieures au {log}", "supprimer", self.dry_run, feminine=True),
        ]
        years = f"{self.retention_years} an{'s' if self.retention_years > 1 else ''}"
        return (f"{opening} : {' ; '.join(parts)} (conservation : {years} pour les données personnelles, "
                f"{self.access_log_months} mois pour le journal des accès).")

    def to_json(self) -> dict:
        """The report as JSON values (dates in ISO format), with its summary."""
        data = {key: value.isoformat() if isinstance(value, date) else value for key, value in asdict(self).items()}
        return {**data, "summary": self.summary()}


def _expired_ambassadors(before: date):
    """Real ambassadors who left before `before` and still carry something that identifies them."""
    return (Ambassador.is_demo.is_(False), Ambassador.left_date < before,
            or_(Ambassador.full_name != "", Ambassador.email.is_not(None), Ambassador.phone.is_not(None),
                Ambassador.job_title != "", Ambassador.employer.is_not(None)))


def _expired_refusals(before: date):
    personal_kinds = [name for name, kind in KINDS.items() if kind.has_personal_data]
    batches = select(ImportBatch.id).where(ImportBatch.kind.in_(personal_kinds),
                                           ImportBatch.started_at < _paris_midnight(before))
    return (ImportRefusal.batch_id.in_(batches),)


def _count(session: Session, model, where) -> int:
    return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def purge_store(engine: Engine, today: date, retention_years: int = 3, access_log_months: int = 12,
                dry_run: bool = False) -> PurgeReport:
    """Anonymise ambassadors and delete refused rows and access log entries past their retention; say what.

    All in one write transaction, recorded under the StoreMeta key `last_purge`; a dry run only counts.
    Running it again the same day changes nothing more.
    """
    if retention_years < 1 or access_log_months < 1:
        raise ValueError("Durées de conservation invalides : au moins 1 an pour les données personnelles et "
                         "1 mois pour le journal des accès.")
    report = PurgeReport(today=today, personal_before=years_before(today, retention_years),
                         access_log_before=months_before(today, access_log_months),
                         retention_years=retention_years, access_log_months=access_log_months, dry_run=dry_run)
    ambassadors = _expired_ambassadors(report.personal_before)
    refusals = _expired_refusals(report.personal_before)
    entries = (AccessLog.at < _paris_midnight(report.access_log_before),)
    with (Session(engine) if dry_run else transaction(engine)) as session:
        report.ambassadors_anonymised = _count(session, Ambassador, ambassadors)
        report.refusals_deleted = _count(session, ImportRefusal, refusals)
        report.access_entries_deleted = _count(session, AccessLog, entries)
        if dry_run:
            return report
        unsynchronised = {"synchronize_session": False}  # no object of these tables is loaded in the session
        session.execute(update(Ambassador).where(*ambassadors).values(
            full_name="", email=None, phone=None, job_title="", employer=None), execution_options=unsynchronised)
        session.execute(delete(ImportRefusal).where(*refusals), execution_options=unsynchronised)
        session.execute(delete(AccessLog).where(*entries), execution_options=unsynchronised)
        set_meta(session, LAST_PURGE_KEY, json.dumps({"ran_at": now_utc().isoformat(), **report.to_json()},
                                                     ensure_ascii=False))
    return report


def read_last_purge(engine: Engine) -> dict | None:
    """The last purge's report (`ran_at` an aware datetime, `summary` in French), or None if none ran."""
    value = get_meta(engine, LAST_PURGE_KEY)
    if not value:
        return None
    try:
        data = json.loads(value)
        data["ran_at"] = datetime.fromisoformat(data["ran_at"])
    except (ValueError, KeyError, TypeError):
        return None
    return data
