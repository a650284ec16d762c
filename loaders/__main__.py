"""Command line: the same functions as the app.

    python -m loaders init [--region CODE] [--demo]
    python -m loaders compute [--year 2025-2026]
    python -m loaders import KIND FILE [--dry-run] [--keep-valid] [--sheet NAME] [--report PATH]
    python -m loaders export KIND FILE
    python -m loaders templates [DIR]
    python -m loaders stats [--json]

`import` exits 0 when every row is accepted (and written, unless --dry-run), 1 when rows
are refused (nothing written unless --keep-valid), 2 when the file cannot be read.
"""

import argparse
import json
import sys
from pathlib import Path

from loaders.build import init_store, is_region_loaded, store_stats
from loaders.compute import compute_store
from loaders.geography import GeographyError
from loaders.imports import export_rows, import_file, template_frame
from loaders.kinds import KINDS
from loaders.reading import FileRefused
from models.access import Viewer
from models.db import get_engine
from models.settings import get_settings


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
        content = args.file.read_bytes()
    except OSError as error:
        print(f"Erreur : fichier illisible {args.file} ({error.strerror}).", file=sys.stderr)
        return 2
    try:
        report = import_file(engine, args.kind, content, args.file.name, args.region, keep_valid=args.keep_valid,
                             dry_run=args.dry_run, sheet=args.sheet, white_zone_km=settings.white_zone_km,
                             progress=_print_progress)
    except FileRefused as error:
        if args.report:
            args.report.write_text(json.dumps({
                "kind": args.kind, "file": args.file.name, "rows_read": 0, "rows_written": 0, "rows_refused": 0,
                "status": "illisible", "message": str(error), "errors": [
                    {"line": None, "column": None, "value": None, "message": str(error)}]},
                ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"Fichier refusé : {error}", file=sys.stderr)
        return 2
    for error in report.errors[:50]:
        print(f"ligne {error.line}, colonne « {error.column} », valeur « {error.value} » : {error.message}",
              file=sys.stderr)
    if len(report.errors) > 50:
        print(f"… et {len(report.errors) - 50} autres problèmes (voir --report).", file=sys.stderr)
    print(report.summary())
    if args.report:
        args.report.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2, default=str),
                               encoding="utf-8")
    return 1 if report.rows_refused else 0


def _export(engine, args, settings) -> int:
    from views.tables import to_csv_bytes, to_xlsx_bytes

    try:
        frame = export_rows(engine, Viewer(settings.viewer_role), args.kind, args.region)
    except PermissionError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    is_xlsx = args.file.suffix.lower() == ".xlsx"
    data = to_xlsx_bytes(frame, KINDS[args.kind].label) if is_xlsx else to_csv_bytes(frame)
    args.file.write_bytes(data)
    print(f"{len(frame)} lignes exportées dans {args.file}")
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
    args = parser.parse_args(argv)

    if args.command == "templates":
        write_templates(args.directory)
        print(f"Modèles écrits dans {args.directory}")
        return 0
    engine = get_engine(settings.database_url)
    if args.command == "import":
        return _import(engine, args, settings)
    if args.command == "export":
        return _export(engine, args, settings)
    if args.command == "init":
        try:
            changed = init_store(engine, args.region, args.demo, settings.demo_seed, progress=_print_progress,
                                 white_zone_km=settings.white_zone_km)
        except GeographyError as error:
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
        written = compute_store(engine, args.region, settings.white_zone_km, school_years=args.year,
                                progress=_print_progress)
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


if __name__ == "__main__":
    sys.exit(main())
