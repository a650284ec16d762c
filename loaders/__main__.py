"""Command line: the same functions as the app.

    python -m loaders init [--region CODE] [--demo]
    python -m loaders compute [--year 2025-2026]
    python -m loaders import KIND FILE [--dry-run] [--keep-valid] [--sheet NAME] [--report PATH]
    python -m loaders export KIND FILE
    python -m loaders templates [DIR]
    python -m loaders stats [--json]
    python -m loaders purge [--dry-run]
    python -m loaders users add EMAIL ROLE [--departements 59,62]
    python -m loaders users list
    python -m loaders users remove EMAIL
    python -m loaders deck OUT.pptx [--pdf OUT.pdf] [--departement CODE] [--year 2025-2026] [--par-departement]

`import` exits 0 when every row is accepted (and written, unless --dry-run), 1 when rows
are refused (nothing written unless --keep-valid), 2 when the file cannot be read, the store
is busy, or anything unexpected stops it (a French message, never a traceback).
`deck` exits 0 when the files are written, 2 when the région or the département is not in the store or
a file cannot be written.
`users` exits 1 when it refuses an input (unknown role, malformed e-mail, unknown user to remove).
"""

import argparse
import hashlib
import json
import logging
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from loaders.build import init_store, is_region_loaded, store_stats
from loaders.compute import compute_store
from loaders.geography import GeographyError
from loaders.imports import default_author, export_rows, import_file, template_frame
from loaders.kinds import KINDS
from loaders.purge import purge_store
from loaders.reading import FileRefused, refuse_oversized
from models.access import ROLES, local_viewer
from models.audit import ImportBatch, log_access
from models.db import StoreBusy, get_engine
from models.settings import get_settings
from models.users import add_user, list_users, normalize_email, remove_user, viewer_for


def _print_progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr)


TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "data" / "templates"


def write_templates(directory: Path) -> None:
    """Write each kind's template, as CSV (French Excel) and XLSX."""
    from views.tables import to_csv_bytes, to_xlsx_bytes

    directory.mkdir(parents=True, exist_ok=True)
    for name, kind in KINDS.items():
        frame = template_frame(name)
        (directory / f"{name}.csv").write_bytes(to_csv_bytes(frame))
        (directory / f"{name}.xlsx").write_bytes(to_xlsx_bytes(frame, kind.label))


def _import(engine, args, settings) -> int:
    try:
        refuse_oversized(args.file.stat().st_size)  # before reading a file of gigabytes into memory
        content = args.file.read_bytes()
    except FileRefused as error:
        return _refused(args, error)
    except OSError as error:
        print(f"Erreur : fichier illisible {args.file} ({error.strerror}).", file=sys.stderr)
        return 2
    before = _last_batch_id(engine)
    try:
        report = import_file(engine, args.kind, content, args.file.name, args.region, keep_valid=args.keep_valid,
                             dry_run=args.dry_run, sheet=args.sheet, white_zone_km=settings.white_zone_km,
                             progress=_print_progress)
    except FileRefused as error:
        return _refused(args, error)
    except StoreBusy as error:  # nothing written: another write held the store too long
        _write_report(args, _failure_report(args, "occupé", str(error)))
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    except Exception as error:  # whatever else went wrong: a French message and exit 2, never a traceback
        return _failed(engine, args, error, content, before)
    for error in report.errors[:50]:
        print(f"ligne {error.line}, colonne « {error.column} », valeur « {error.value} » : {error.message}",
              file=sys.stderr)
    if len(report.errors) > 50:
        print(f"… et {len(report.errors) - 50} autres problèmes (voir --report).", file=sys.stderr)
    print(report.summary())
    _write_report(args, report.to_json())
    return 1 if report.rows_refused else 0


def _write_report(args, data: dict) -> None:
    """The JSON report, when asked for; a French message if it cannot be written."""
    if not args.report:
        return
    try:
        args.report.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    except OSError as error:
        print(f"Erreur : rapport impossible à écrire dans {args.report} ({error.strerror}).", file=sys.stderr)


def _failure_report(args, status: str, message: str, **counts) -> dict:
    return {"kind": args.kind, "file": args.file.name, "rows_read": 0, "rows_written": 0, "rows_refused": 0,
            **counts, "status": status, "message": message,
            "errors": [{"line": None, "column": None, "value": None, "message": message}]}


def _refused(args, error: FileRefused) -> int:
    _write_report(args, _failure_report(args, "illisible", str(error)))
    print(f"Fichier refusé : {error}", file=sys.stderr)
    return 2


def _last_batch_id(engine) -> int | None:
    """The latest import's id, to tell afterwards whether a failed import was written; None if unknown."""
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.coalesce(func.max(ImportBatch.id), 0))).scalar_one()
    except Exception:  # the import will fail too, and say so
        return None


def _written_batch(engine, content: bytes, before: int | None) -> dict | None:
    """The audit row a failed import left (it was written; the recompute after it failed), or None.

    Raises LookupError when the store cannot tell.
    """
    if before is None:
        raise LookupError("entrepôt injoignable")
    try:
        with engine.connect() as connection:
            row = connection.execute(select(ImportBatch.id, ImportBatch.rows_read, ImportBatch.rows_written,
                                            ImportBatch.rows_refused).where(
                ImportBatch.id > before, ImportBatch.file_sha256 == hashlib.sha256(content).hexdigest())
                .order_by(ImportBatch.id.desc()).limit(1)).first()
    except Exception as error:
        raise LookupError("entrepôt injoignable") from error
    return dict(row._mapping) if row else None


def _failed(engine, args, error: Exception, content: bytes, before: int | None) -> int:
    """An unexpected error: what was written or not, in French; the technical detail in a log line."""
    log = logging.getLogger("loaders.import")
    log.error("détail technique : %s: %s", type(error).__name__, error)
    log.debug("trace de l'erreur", exc_info=error)
    counts: dict = {}
    try:
        batch = None if args.dry_run else _written_batch(engine, content, before)
    except LookupError:
        message = ("l'import s'est arrêté sur une erreur inattendue, et l'entrepôt n'a pas pu être consulté pour "
                   "savoir s'il a été écrit (un import est écrit en entier ou pas du tout) : consultez l'historique "
                   "des chargements de la page Données")
    else:
        if batch is None:
            message = ("l'import s'est arrêté sur une erreur inattendue ; rien n'a été écrit dans l'entrepôt. "
                       "Réessayez ; si l'erreur revient, transmettez ce message et le fichier à l'administrateur "
                       "de Maillage")
        else:
            counts = {"batch_id": batch["id"], "rows_read": batch["rows_read"],
                      "rows_written": batch["rows_written"], "rows_refused": batch["rows_refused"]}
            message = (f"les lignes ont été écrites (import n° {batch['id']}), mais le recalcul des indicateurs de "
                       "couverture s'est arrêté sur une erreur inattendue : lancez « python -m loaders compute »")
    _write_report(args, _failure_report(args, "erreur", message, **counts))
    print(f"Erreur : {message}.", file=sys.stderr)
    return 2


def _export(engine, args, settings) -> int:
    from views.tables import to_csv_bytes, to_xlsx_bytes

    try:
        frame = export_rows(engine, local_viewer(settings.viewer_role, settings.viewer_departements), args.kind,
                            args.region)
    except (PermissionError, ValueError) as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    is_xlsx = args.file.suffix.lower() == ".xlsx"
    data = to_xlsx_bytes(frame, KINDS[args.kind].label) if is_xlsx else to_csv_bytes(frame)
    args.file.write_bytes(data)
    if KINDS[args.kind].has_personal_data:
        log_access(engine, f"ligne de commande ({default_author()})", settings.viewer_role, "export",
                   f"{KINDS[args.kind].label} : export en ligne de commande ({args.file.name})", len(frame))
    print(f"{len(frame)} lignes exportées dans {args.file}")
    return 0


def _users(engine, args, _settings) -> int:
    """Who may sign in: add (or change) a user, list them, remove one; 1 with a French message for a refused input."""
    if args.action == "list":
        users = list_users(engine)
        if users.empty:
            print("Aucun utilisateur : ajoutez-en avec « python -m loaders users add COURRIEL PROFIL ».")
        added = users.created_at.dt.tz_convert("Europe/Paris").dt.strftime("%d/%m/%Y %H:%M")
        for user, added_at in zip(users.itertuples(), added, strict=True):
            where = f" ({user.departements.replace(',', ', ')})" if user.departements else ""
            author = f" par {user.created_by}" if user.created_by else ""
            print(f"{user.email}\t{ROLES.get(user.role, user.role)}{where}\tajouté le {added_at}{author}")
        return 0
    try:
        if args.action == "add":
            created = add_user(engine, args.email, args.role, args.departements,
                               created_by=f"ligne de commande ({default_author()})")
            print(f"Utilisateur {'ajouté' if created else 'mis à jour'} : {normalize_email(args.email)}, "
                  f"profil {viewer_for(engine, args.email).label}.")
            return 0
        if not remove_user(engine, args.email):
            print(f"Erreur : aucun utilisateur n'a le courriel « {args.email.strip()} » ; "
                  "« python -m loaders users list » les liste.", file=sys.stderr)
            return 1
    except ValueError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    except StoreBusy as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    print(f"Utilisateur retiré : {normalize_email(args.email)} n'a plus accès à Maillage.")
    return 0


def _purge(engine, args, settings) -> int:
    """Personal data past its retention (settings RETENTION_YEARS, ACCESS_LOG_MONTHS) anonymised or deleted."""
    try:
        report = purge_store(engine, date.today(), settings.retention_years, settings.access_log_months,
                             dry_run=args.dry_run)
    except StoreBusy as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def _deck(engine, args, settings) -> int:
    """The CODIR deck (aggregates only) as PowerPoint, and as PDF when asked."""
    from loaders.deck import read_deck
    from models.queries import read_departements
    from models.schoolyear import school_year_label
    from views.deck import deck_pdf, deck_pptx

    if not is_region_loaded(engine, args.region):
        print(f"Erreur : la région {args.region} n'est pas dans l'entrepôt ; lancez d'abord "
              f"« python -m loaders init --region {args.region} ».", file=sys.stderr)
        return 2
    codes = set(read_departements(engine, args.region).departement_code)
    if args.departement and args.departement not in codes:
        print(f"Erreur : le département « {args.departement} » n'est pas dans la région {args.region} "
              f"(départements : {', '.join(sorted(codes))}).", file=sys.stderr)
        return 2
    today = date.today()
    deck = read_deck(engine, args.region, args.year or school_year_label(today), today, args.departement,
                     args.per_departement, settings.small_count, settings.white_zone_km, _print_progress)
    outputs = [(args.file, deck_pptx)] + ([(args.pdf, deck_pdf)] if args.pdf else [])
    for path, build in outputs:
        try:
            path.write_bytes(build(deck, _print_progress))
        except OSError as error:
            print(f"Erreur : impossible d'écrire {path} ({error.strerror}).", file=sys.stderr)
            return 2
        print(f"Présentation écrite dans {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m loaders", description="Entrepôt Maillage")
    commands = parser.add_subparsers(dest="command", required=True)
    init = commands.add_parser("init", help="Créer ou mettre à jour l'entrepôt (idempotent)")
    init.add_argument("--region", default=settings.region_code, help="Code INSEE de la région (défaut : %(default)s)")
    init.add_argument("--demo", action="store_true", help="Ajouter les données de démonstration")
    compute = commands.add_parser("compute", help="Recalculer les indicateurs de couverture (toutes les années)")
    compute.add_argument("--region", default=settings.region_code, help="Code INSEE de la région")
    compute.add_argument("--year", action="append", help="Année scolaire (ex. 2025-2026) ; plusieurs possibles")
    imports = commands.add_parser("import", help="Importer un fichier CSV ou XLSX (tout ou rien par défaut)")
    imports.add_argument("kind", choices=list(KINDS), help="Nature des données")
    imports.add_argument("file", type=Path, help="Fichier .csv ou .xlsx")
    imports.add_argument("--dry-run", action="store_true", help="Vérifier seulement, sans rien écrire")
    imports.add_argument("--keep-valid", action="store_true",
                         help="Écrire les lignes valides même si d'autres sont refusées")
    imports.add_argument("--sheet", help="Feuille du classeur (défaut : la première)")
    imports.add_argument("--report", type=Path, help="Écrire le compte rendu JSON dans ce fichier")
    imports.add_argument("--region", default=settings.region_code, help="Code INSEE de la région")
    export = commands.add_parser("export", help="Exporter les lignes d'une nature au format du modèle")
    export.add_argument("kind", choices=list(KINDS), help="Nature des données")
    export.add_argument("file", type=Path, help="Fichier .csv ou .xlsx à écrire")
    export.add_argument("--region", default=settings.region_code, help="Code INSEE de la région")
    templates = commands.add_parser("templates", help="Écrire les modèles de fichiers (CSV et XLSX)")
    templates.add_argument("directory", type=Path, nargs="?", default=TEMPLATES_DIR,
                           help="Dossier (défaut : %(default)s)")
    stats = commands.add_parser("stats", help="Nombre de lignes de chaque table")
    stats.add_argument("--json", action="store_true", help="Sortie JSON")
    purge = commands.add_parser("purge", help="Anonymiser ou supprimer les données personnelles dont la durée de "
                                "conservation est passée, et les entrées anciennes du journal des accès")
    purge.add_argument("--dry-run", action="store_true", help="Compter seulement, sans rien modifier")
    users = commands.add_parser("users", help="Utilisateurs de la connexion : qui a accès, avec quel profil")
    user_actions = users.add_subparsers(dest="action", required=True)
    user_add = user_actions.add_parser("add", help="Ajouter un utilisateur (ou changer son profil)")
    user_add.add_argument("email", help="Courriel de connexion")
    user_add.add_argument("role", help=f"Profil : {', '.join(ROLES)}")
    user_add.add_argument("--departements", default="", help="Départements du profil referent (ex. 59,62)")
    user_actions.add_parser("list", help="Lister les utilisateurs")
    user_remove = user_actions.add_parser("remove", help="Retirer un utilisateur")
    user_remove.add_argument("email", help="Courriel de connexion")
    deck = commands.add_parser("deck", help="Présentation CODIR (agrégats seulement) en PowerPoint, et en PDF")
    deck.add_argument("file", type=Path, help="Fichier .pptx à écrire")
    deck.add_argument("--pdf", type=Path, help="Écrire aussi le même contenu en PDF dans ce fichier")
    deck.add_argument("--departement", help="Code du département (défaut : toute la région)")
    deck.add_argument("--year", help="Année scolaire (ex. 2025-2026 ; défaut : l'année en cours)")
    deck.add_argument("--par-departement", dest="per_departement", action="store_true",
                      help="Ajouter une diapositive par département")
    deck.add_argument("--region", default=settings.region_code, help="Code INSEE de la région")
    args = parser.parse_args(argv)

    if args.command == "templates":
        write_templates(args.directory)
        print(f"Modèles écrits dans {args.directory}")
        return 0
    engine = get_engine(settings.database_url)
    # a command of its own function
    handlers = {"import": _import, "export": _export, "users": _users, "purge": _purge, "deck": _deck}
    if args.command in handlers:
        return handlers[args.command](engine, args, settings)
    if args.command == "init":

        try:  # also finishes a recompute of the measures left pending by an interrupted import
            changed = init_store(engine, args.region, args.demo, settings.demo_seed, progress=_print_progress,
                                 white_zone_km=settings.white_zone_km)
        except (GeographyError, StoreBusy) as error:
            print(f"Erreur : {error}", file=sys.stderr)
            return 2
        done = [name for name, was_changed in changed.items() if was_changed]
        print("Entrepôt mis à jour : " + ", ".join(done) if done else "Entrepôt déjà à jour : rien à changer.")
        return 0
    if args.command == "compute":
        if not is_region_loaded(engine, args.region):
            print(f"Erreur : la région {args.region} n'est pas dans l'entrepôt ; lancez d'abord "
                  f"« python -m loaders init --region {args.region} ».", file=sys.stderr)
            return 2

        try:
            written = compute_store(engine, args.region, settings.white_zone_km, school_years=args.year,
                                    progress=_print_progress)
        except StoreBusy as error:
            print(f"Erreur : {error}", file=sys.stderr)
            return 2
        for year, rows in written.items():
            print(f"{year} : {rows} valeurs d'indicateurs calculées")
        return 0
    counts = store_stats(engine)
    if args.json:
        print(json.dumps(counts, ensure_ascii=False))
    else:
        for name, count in counts.items():
            print(f"{name:25s} {count:>10,}".replace(",", "\u202f"))
    return 0


def run(argv: list[str] | None = None) -> int:
    """`main`, with any unexpected error of any command said in French (exit 2), the detail in the log only."""
    try:
        return main(argv)
    except Exception as error:  # noqa: BLE001  (argparse's exits are SystemExit: they pass)
        logging.getLogger("loaders").error("détail technique : %s: %s", type(error).__name__, error)
        print("Erreur : la commande s'est arrêtée sur une erreur inattendue (détail technique dans le journal) ; "
              "un import ou un calcul interrompu est écrit en entier ou pas du tout, et la prochaine commande "
              "termine un recalcul laissé en suspens.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(run())
