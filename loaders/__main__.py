"""Command line: `python -m loaders init [--region CODE] [--demo]`, `python -m loaders stats --json`."""

import argparse
import json
import sys

from loaders.build import init_store, is_region_loaded, store_stats
from loaders.compute import compute_store
from loaders.geography import GeographyError
from models.db import get_engine
from models.settings import get_settings


def _print_progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr)


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
    stats = commands.add_parser("stats", help="Nombre de lignes de chaque table")
    stats.add_argument("--json", action="store_true", help="Sortie JSON")
    args = parser.parse_args(argv)

    engine = get_engine(settings.database_url)
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
