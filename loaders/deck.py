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
from models.schoolyear import previous_school_year, school_year_label
from models.settings import get_settings
from views.deck import (
    CODIR,
    Deck,
    Progress,
    ambassadors_topic,
    changes_topic,
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
    year_label,
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


def read_data_date(engine, region_code: str, school_year: str) -> str:
    """The date of a région's data: the school year's last computation, else its last import, as dd/mm/yyyy."""
    computed = queries.read_computed_at(engine, region_code, school_year)
    stamps = [computed] if computed else []
    batches = queries.read_import_batches(engine, CODIR, region_code)
    if not stamps and not batches.empty:
        stamps.append(str(batches.started_at.max()))
    if not stamps:
        return "date inconnue"
    return format_date(datetime.fromisoformat(max(stamps)[:19]).date())


def select_places(places: pd.DataFrame, communes: pd.DataFrame, departement_code: str | None = None) -> pd.DataFrame:
    """Places a deck map names: the préfectures; for one département, its préfecture and sous-préfectures.

    `places` as queries.read_place_names gives them (most important first), `communes` with their
    département (queries.read_communes).
    """
    located = places.merge(communes[["commune_code", "departement_code"]], on="commune_code", how="left")
    if departement_code is None:
        return located[located["rank"] == "prefecture"].reset_index(drop=True)
    return located[located["rank"].isin(["prefecture", "sous-prefecture"])
                   & (located.departement_code == departement_code)].reset_index(drop=True)


def read_deck(engine, region_code: str, school_year: str, today: date, departement_code: str | None = None,
              per_departement: bool = False, small_count: int = 5, white_zone_km: float = 20.0,
              progress: Progress | None = None) -> Deck:
    """Gather the deck's figures, maps and sentences, as the `codir` role sees them.

    The previous school year is compared when it has data (queries.read_school_years_with_data, as
    the Présentation page decides); otherwise the changes topic says « pas de données ».
    """
    progress = progress or no_progress
    progress(0.05, "Lecture des indicateurs…")
    args = (engine, region_code)
    measures = {level: read_codir_measures(*args, level, school_year, today, small_count, white_zone_km)
                for level in ("region", "departement", "epci")}
    region_name = measures["region"].name.iloc[0]
    progress(0.15, "Lecture des contours…")
    shapes = {level: queries.read_shapes(*args, level) for level in ("departement", "epci")}
    communes = queries.read_communes(*args)
    places = queries.read_place_names(*args)
    region_places = select_places(places, communes)
    departements, epci = measures["departement"], measures["epci"]
    scope, scope_label = measures["region"].iloc[0], region_name
    epci_scope, scope_places, parts, part_label = epci, region_places, departements, "Département"
    if departement_code:
        scope = departements.set_index("territory_code").loc[departement_code]
        scope_label = str(scope["name"])
        epci_scope = read_codir_measures(*args, "epci", school_year, today, small_count, white_zone_km,
                                         departement_code)
        scope_places, parts, part_label = select_places(places, communes, departement_code), epci_scope, "EPCI"
    epci_shapes = shapes["epci"][shapes["epci"].territory_code.isin(epci_scope.territory_code)]
    last_year = previous_school_year(school_year)
    last_scope = last_parts = None
    if last_year in queries.read_school_years_with_data(engine, region_code, today):
        progress(0.2, f"Lecture de l'année {last_year}…")
        last = read_codir_measures(*args, "departement" if departement_code else "region", last_year, today,
                                   small_count, white_zone_km)  # hidden as this year's figures: all départements
        if departement_code:
            last = last[last.territory_code == departement_code]
        last_scope = last.iloc[0] if not last.empty else None
        last_parts = read_codir_measures(*args, "epci" if departement_code else "departement", last_year, today,
                                         small_count, white_zone_km, departement_code)
    demo = queries.count_demo_rows(engine, region_code)
    sectors = queries.read_sectors(engine, region_code)
    gap_departements = departements[departements.territory_code == departement_code] if departement_code \
        else departements  # a département's deck: its own gaps, as the Présentation page shows them
    gaps = find_gaps(scope, gap_departements, epci_scope, white_zone_km, len(sectors))
    topics = [
        glance_topic(scope, scope_label, departements, shapes["departement"], epci_scope, epci_shapes,
                     departement_code, scope_places),
        referents_topic(scope, departements, shapes["departement"], region_places),
        events_topic(scope, epci_scope, epci_shapes, school_year, scope_places),
        ambassadors_topic(scope, epci_scope, epci_shapes, len(sectors), scope_places),
        remediation_topic(scope, epci_scope, epci_shapes, scope_places, white_zone_km),
        gaps_topic(gap_sentences(gaps, 4, scope_label="du département" if departement_code else "de la région",
                                 year_label=f"en {year_label(school_year)}"), epci_scope, epci_shapes, school_year,
                   scope_places),
        changes_topic(scope, parts, last_scope, last_parts if last_scope is not None else None, school_year,
                      last_year, part_label, is_partial=school_year == school_year_label(today)),
        table_topic(departements, measures["region"].iloc[0], small_count),
    ]
    if per_departement and not departement_code:
        for row in departements.itertuples():
            codes = set(communes.loc[communes.departement_code == row.territory_code, "epci_code"])
            topics.append(departement_topic(departements.set_index("territory_code").loc[row.territory_code],
                                            epci[epci.territory_code.isin(codes)],
                                            shapes["epci"][shapes["epci"].territory_code.isin(codes)],
                                            select_places(places, communes, row.territory_code)))
    progress(0.25, "Indicateurs lus.")
    return Deck(region_name=region_name, school_year=school_year,
                data_date=read_data_date(engine, region_code, school_year),
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
