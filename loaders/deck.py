"""The CODIR deck read from the store: aggregates only, as the codir role sees them (views.deck draws it).

`build_deck` and `build_pdf` are what the command line (`python -m loaders deck`) and the pages call.
"""

from datetime import date, datetime

import pandas as pd

from loaders.compute import read_inputs
from models import queries
from models.disclosure import suppress_small_counts, suppression_note
from models.gaps import find_gaps
from models.measures import INDICATORS, compute_measures
from models.settings import get_settings
from views.deck import (
    CODIR,
    Deck,
    Progress,
    ambassadors_topic,
    deck_pdf,
    deck_pptx,
    departement_topic,
    events_topic,
    gaps_topic,
    glance_topic,
    no_progress,
    referents_topic,
    remediation_topic,
    table_topic,
)
from views.formatting import format_date
from views.gaps import gap_sentences


def read_codir_measures(engine, region_code: str, level: str, school_year: str, today: date, small_count: int,
                        white_zone_km: float, departement_code: str | None = None) -> pd.DataFrame:
    """One level's measures as CODIR sees them: stored (or computed), named, small counts of people hidden.

    The uncached twin of loaders.read.measures, for the command line and the deck.
    """
    frame = queries.read_stored_measures(engine, region_code, level, school_year)
    if frame.empty or len(frame.columns) < len(INDICATORS):
        frame = compute_measures(read_inputs(engine, region_code, school_year, today), white_zone_km,
                                 levels=(level,))[level]
    if level == "region":
        names = pd.DataFrame({"territory_code": [region_code],
                              "name": [(queries.read_region(engine, region_code) or {}).get("name", region_code)]})
    else:
        reader = {"departement": queries.read_departements, "epci": queries.read_epci}[level]
        names = reader(engine, region_code).rename(columns={f"{level}_code": "territory_code"})[
            ["territory_code", "name"]]
    frame = frame.merge(names, on="territory_code", how="left")
    frame["name"] = frame.name.fillna(frame.territory_code)
    if departement_code and level == "departement":
        frame = frame[frame.territory_code == departement_code]
    elif departement_code and level == "epci":
        communes = queries.read_communes(engine, region_code)
        frame = frame[frame.territory_code.isin(communes.loc[communes.departement_code == departement_code,
                                                             "epci_code"])]
    ordered = ["territory_code", "name", *[c for c in INDICATORS if c in frame.columns]]
    frame = frame[ordered].sort_values("territory_code").reset_index(drop=True)
    return suppress_small_counts(frame, small_count)  # CODIR's rule, whoever builds the deck


def read_data_date(engine, school_year: str) -> str:
    """The date of the data: the school year's last computation, else the last import, as dd/mm/yyyy."""
    meta = queries.read_meta(engine)
    stamps = [meta[f"computed_at:{school_year}"]] if f"computed_at:{school_year}" in meta else []
    batches = queries.read_import_batches(engine, CODIR)
    if not stamps and not batches.empty:
        stamps.append(str(batches.started_at.max()))
    if not stamps:
        return "date inconnue"
    return format_date(datetime.fromisoformat(max(stamps)[:19]).date())


def read_deck(engine, region_code: str, school_year: str, today: date, departement_code: str | None = None,
              per_departement: bool = False, small_count: int = 5, white_zone_km: float = 20.0,
              progress: Progress | None = None) -> Deck:
    """Gather the deck's figures, maps and sentences, as the `codir` role sees them."""
    progress = progress or no_progress
    progress(0.05, "Lecture des indicateurs…")
    args = (engine, region_code)
    measures = {level: read_codir_measures(*args, level, school_year, today, small_count, white_zone_km)
                for level in ("region", "departement", "epci")}
    region_name = measures["region"].name.iloc[0]
    progress(0.15, "Lecture des contours…")
    shapes = {level: queries.read_shapes(*args, level) for level in ("departement", "epci")}
    departements, epci = measures["departement"], measures["epci"]
    scope, scope_label = measures["region"].iloc[0], region_name
    epci_scope = epci
    if departement_code:
        scope = departements.set_index("territory_code").loc[departement_code]
        scope_label = str(scope["name"])
        epci_scope = read_codir_measures(*args, "epci", school_year, today, small_count, white_zone_km,
                                         departement_code)
    epci_shapes = shapes["epci"][shapes["epci"].territory_code.isin(epci_scope.territory_code)]
    demo = queries.count_demo_rows(engine, region_code)
    sectors = queries.read_sectors(engine, region_code)
    gaps = find_gaps(measures["region"].iloc[0], departements, epci, white_zone_km, len(sectors))
    topics = [
        glance_topic(scope, scope_label, departements, shapes["departement"], epci_scope, epci_shapes,
                     departement_code),
        referents_topic(scope, departements, shapes["departement"]),
        events_topic(scope, epci_scope, epci_shapes),
        ambassadors_topic(scope, epci_scope, epci_shapes, len(sectors)),
        remediation_topic(scope, epci_scope, epci_shapes),
        gaps_topic(gap_sentences(gaps, 4), epci, shapes["epci"]),
        table_topic(departements, measures["region"].iloc[0], small_count),
    ]
    if per_departement and not departement_code:
        for row in departements.itertuples():
            codes = set(queries.read_communes(*args).query("departement_code == @row.territory_code").epci_code)
            topics.append(departement_topic(departements.set_index("territory_code").loc[row.territory_code],
                                            epci[epci.territory_code.isin(codes)],
                                            shapes["epci"][shapes["epci"].territory_code.isin(codes)]))
    progress(0.25, "Indicateurs lus.")
    return Deck(region_name=region_name, school_year=school_year, data_date=read_data_date(engine, school_year),
                scope_label=scope_label, topics=topics, is_demo=any(demo.values()),
                note=suppression_note(small_count))


# --- topics: figures and sentences, pure --------------------------------------------------------




def _read(engine, region_code, school_year, today, departement_code, per_departement, progress) -> Deck:
    settings = get_settings()
    return read_deck(engine, region_code, school_year, today, departement_code, per_departement,
                     settings.small_count, settings.white_zone_km, progress)


def build_deck(engine, region_code: str, school_year: str, today: date, departement_code: str | None = None,
               per_departement: bool = False, progress: Progress | None = None) -> bytes:
    """The CODIR deck of a région (or one département) as PowerPoint bytes."""
    return deck_pptx(_read(engine, region_code, school_year, today, departement_code, per_departement, progress),
                     progress)


def build_pdf(engine, region_code: str, school_year: str, today: date, departement_code: str | None = None,
              per_departement: bool = False, progress: Progress | None = None) -> bytes:
    """The same deck as PDF bytes (one A4-landscape page per topic)."""
    return deck_pdf(_read(engine, region_code, school_year, today, departement_code, per_departement, progress),
                    progress)


def _stage(progress: Progress, start: float, end: float) -> Progress:
    """A part of the work reported as its share [start, end] of the whole."""
    return lambda fraction, message: progress(start + (end - start) * fraction, message)


def build_files(engine, region_code: str, school_year: str, today: date, departement_code: str | None = None,
                per_departement: bool = False, progress: Progress | None = None) -> tuple[bytes, bytes]:
    """The deck read once, then written as PowerPoint and as PDF (what the Présentation page offers)."""
    progress = progress or no_progress
    deck = _read(engine, region_code, school_year, today, departement_code, per_departement,
                 _stage(progress, 0.0, 0.3))
    pptx = deck_pptx(deck, _stage(progress, 0.3, 0.65))
    pdf = deck_pdf(deck, _stage(progress, 0.65, 1.0))
    progress(1.0, "Diaporama prêt.")
    return pptx, pdf
