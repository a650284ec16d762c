"""Deterministic demo resources for a région, until it imports its own.

Everything written here is flagged `is_demo` and the pages say "Données de
démonstration". Names are drawn from common French first names and surnames, never
from the source documents. Density follows population with a power above one, so
rural EPCI are thinner than towns: the gaps the product exists to show are visible.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlmodel import Session

from loaders.store import (
    Progress,
    _audit,
    _no_progress,
    frame_records,
    get_meta,
    mark_measures_stale,
    set_meta,
    upsert,
)
from models.audit import now_utc
from models.db import transaction
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
    fold_key,
)
from models.schoolyear import school_year_bounds, school_year_of
from models.territory import Commune, Epci, Zoning, ZoningCommune

GENERATOR_VERSION = "5"  # 4: no two rows with the same natural key (unique in the store); 5: référents' dates
DEMO_SOURCE = "Générateur de démonstration Maillage"

FIRST_NAMES = [
    "Camille", "Julien", "Sophie", "Thomas", "Nadia", "Karim", "Élodie", "Mathieu", "Claire", "Antoine",
    "Inès", "Hugo", "Léa", "Yanis", "Manon", "Nicolas", "Sarah", "Olivier", "Amélie", "Rachid", "Pauline",
    "Damien", "Laura", "Maxime", "Céline", "Romain", "Émilie", "Benoît", "Aurélie", "Vincent", "Chloé",
    "Sébastien", "Lucie", "Mehdi", "Anaïs", "Florent", "Justine", "Kevin", "Marion", "Bastien",
]
LAST_NAMES = [
    "Martin", "Bernard", "Lefebvre", "Leroy", "Moreau", "Lambert", "Fontaine", "Roussel", "Caron",
    "Lemaire", "Dupont", "Delattre", "Vasseur", "Carpentier", "Lecomte", "Boucher", "Deschamps", "Hamel",
    "Prévost", "Masson", "Gauthier", "Renard", "Duhamel", "Lucas", "Marchand", "Poulain", "Devos", "Lemoine",
    "Vandamme", "Bouchez", "Descamps", "Mercier", "Leclercq", "Benali", "Haddad", "Nowak", "Kowalski",
]
SECTORS = [
    "Industrie", "Bâtiment et travaux publics", "Santé et action sociale", "Numérique",
    "Agriculture et agroalimentaire",
    "Transport et logistique", "Commerce et vente", "Hôtellerie-restauration", "Énergie et environnement",
    "Services à la personne", "Métiers d'art", "Banque et assurance",
]
JOBS = {
    "Industrie": ["Technicienne de maintenance", "Soudeur", "Pilote de ligne automatisée"],
    "Bâtiment et travaux publics": ["Conducteur de travaux", "Électricienne", "Maçon"],
    "Santé et action sociale": ["Infirmière", "Aide-soignant", "Éducatrice spécialisée"],
    "Numérique": ["Développeuse web", "Technicien réseaux", "Data analyste"],
    "Agriculture et agroalimentaire": ["Éleveur", "Conductrice de ligne", "Technicien qualité"],
    "Transport et logistique": ["Cariste", "Conductrice routière", "Responsable d'entrepôt"],
    "Commerce et vente": ["Vendeuse conseil", "Manager de rayon", "Commercial"],
    "Hôtellerie-restauration": ["Cuisinier", "Réceptionniste", "Pâtissière"],
    "Énergie et environnement": ["Technicien éolien", "Chargée de mission déchets", "Plombier chauffagiste"],
    "Services à la personne": ["Auxiliaire de vie", "Assistante maternelle", "Aide à domicile"],
    "Métiers d'art": ["Ébéniste", "Verrier", "Tapissière"],
    "Banque et assurance": ["Conseillère clientèle", "Gestionnaire sinistres", "Chargé d'affaires"],
}
EMPLOYER_FORMS = ["Ateliers", "Établissements", "Groupe", "Société", "Coopérative", "Transports", "Cabinet"]
CHANNELS = ["CCI", "CMA", "CFA", "Branche professionnelle", "Employeur", "Candidature spontanée"]
EVENT_TYPES = {  # type: (weight, typical participants, held in a lycée probability)
    "Forum des métiers": (0.26, 250, 0.5),
    "Salon de l'orientation": (0.08, 1500, 0.0),
    "Visite d'entreprise": (0.22, 30, 0.0),
    "Café des parents": (0.12, 25, 0.6),
    "Intervention en classe": (0.18, 60, 1.0),
    "Sélection WorldSkills": (0.03, 400, 0.0),
    "Projet lauréat de l'appel à projets": (0.11, 120, 0.3),
}
PUBLICS = ["Collégiens", "Lycéens", "Parents", "Apprentis", "Jeunes décrocheurs", "Enseignants"]
REMEDIATION_KINDS = {  # kind: (operator, capacity range)
    "École de la 2e chance (E2C)": ("E2C", (80, 160)),
    "Centre EPIDE": ("EPIDE", (120, 210)),
    "Micro-lycée / structure de retour à l'école": ("Éducation nationale", (20, 45)),
    "Action MLDS": ("Éducation nationale (MLDS)", (12, 24)),
    "Dispositif de mission locale": ("Mission locale", (20, 50)),
    "Parcours « nouvelles chances » en CFA": ("CFA", (12, 30)),
}
INDICATORS = [
    {"indicator_code": "decrocheurs_16_25", "label": "Jeunes de 16 à 25 ans sortis sans diplôme (repérés)",
     "unit": "personnes", "source": "Démonstration (à remplacer par le SIEI)", "periodicity": "annuelle",
     "is_higher_better": False},
    {"indicator_code": "taux_neet_16_25", "label": "Part des 16-25 ans ni en emploi, ni en études, ni en formation",
     "unit": "%", "source": "Démonstration (à remplacer par l'INSEE)", "periodicity": "annuelle",
     "is_higher_better": False},
    {"indicator_code": "lyceens_effectif", "label": "Lycéens scolarisés", "unit": "élèves",
     "source": "Démonstration (à remplacer par le rectorat)", "periodicity": "annuelle", "is_higher_better": True},
]


@dataclass
class DemoData:
    """Every generated table, as DataFrames ready for the store."""

    referents: pd.DataFrame
    event_schools: pd.DataFrame
    referent_areas: pd.DataFrame
    zonings: pd.DataFrame
    zoning_communes: pd.DataFrame
    events: pd.DataFrame
    ambassadors: pd.DataFrame
    mobilisations: pd.DataFrame
    structures: pd.DataFrame
    snapshots: pd.DataFrame
    indicator_values: pd.DataFrame


def _person(rng: np.random.Generator) -> tuple[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    slug = (first + "." + last).lower()
    for accented, plain in zip("éèêëàâäîïôöûüç", "eeeeaaaiioouuc"):
        slug = slug.replace(accented, plain)
    return f"{first} {last}", slug.replace(" ", "-").replace("'", "")


def _weights(population: pd.Series, power: float) -> np.ndarray:
    weights = population.clip(lower=0).to_numpy(dtype=float) ** power
    return weights / weights.sum()


def _jitter(rng: np.random.Generator, values: pd.Series, scale: float) -> np.ndarray:
    return np.round(values.to_numpy(dtype=float) + rng.normal(0, scale, len(values)), 5)


def _referents(rng, communes, epci, region_code, today: date):
    """One référent per département, two where it has over 2 million inhabitants (split by EPCI).

    The first référent of a département is in post before the data (no start date); a second one starts in the
    middle of the previous school year, so that "is the Nord better covered since its second référent?" has
    figures on both sides. No random draw depends on the dates: the rest of the demo stays the same.
    """
    previous_start, previous_end = school_year_bounds(f"{school_year_of(today)[0] - 1}-{school_year_of(today)[0]}")
    second_start = previous_start + timedelta(days=((previous_end - previous_start).days + 1) // 2)
    referents, areas, zonings, members = [], [], [], []
    slugs: dict[str, int] = {}  # two référents of the same name get two addresses
    by_dep = communes.groupby("departement_code")
    for dep_code, dep_communes in by_dep:
        population = dep_communes.population_count.sum()
        dep_epci = epci[epci.departement_code == dep_code].copy()
        if population > 2_000_000 and len(dep_epci) > 1:
            centre = dep_communes.groupby("epci_code")[["longitude"]].mean()
            dep_epci = dep_epci.join(centre, on="epci_code").sort_values("longitude")
            cumulative = (dep_epci.population_count.cumsum() / dep_epci.population_count.sum()).to_numpy()
            cut = int(np.argmin(np.abs(cumulative[:-1] - 0.5))) + 1  # west / east, as even as EPCI allow
            groups = [dep_epci.iloc[:cut], dep_epci.iloc[cut:]]
        else:
            groups = [None]
        for number, group in enumerate(groups, start=1):
            referent_id = len(referents) + 1
            name, slug = _person(rng)
            slugs[slug] = slugs.get(slug, 0) + 1
            referents.append({"id": referent_id, "region_code": region_code, "full_name": name,
                              "email": f"{slug}{slugs[slug] if slugs[slug] > 1 else ''}@demo.maillage.invalid",
                              "phone": f"03 {rng.integers(10, 99)} {rng.integers(10, 99)} "
                                       f"{rng.integers(10, 99)} {rng.integers(10, 99)}",
                              "fte": 1.0, "start_date": second_start if number > 1 else None, "end_date": None,
                              "is_demo": True})
            if group is None:
                areas.append({"referent_id": referent_id, "departement_code": dep_code, "epci_code": None})
                covered = dep_communes.commune_code
            else:
                areas += [{"referent_id": referent_id, "departement_code": dep_code, "epci_code": code}
                          for code in group.epci_code]
                covered = dep_communes[dep_communes.epci_code.isin(group.epci_code)].commune_code
            zonings.append({"id": referent_id, "zoning_code": f"demo-secteur-{region_code}-{referent_id}",
                            "name": f"Secteur {number} ({dep_code})", "zoning_kind": "Secteur de référent",
                            "region_code": region_code, "is_demo": True})
            members += [{"zoning_id": referent_id, "commune_code": code} for code in covered]
    return pd.DataFrame(referents), pd.DataFrame(areas), pd.DataFrame(zonings), pd.DataFrame(members)


def _events(rng, communes, schools, region_code, first_year: int, today: date):
    start, _ = school_year_bounds(f"{first_year}-{first_year + 1}")
    _, end = school_year_bounds(f"{today.year}-{today.year + 1}" if today.month >= 9
                                else f"{today.year - 1}-{today.year}")
    # Events happen during the school year, not in the July-August holidays.
    school_days = [day.date() for day in pd.date_range(start, end) if day.month not in (7, 8)]
    count = int(75 * communes.population_count.sum() / 1_000_000) * 3  # 75 per million inhabitants a year, 3 years
    types = list(EVENT_TYPES)
    kinds = rng.choice(types, size=count, p=[EVENT_TYPES[t][0] for t in types])
    picked = rng.choice(len(communes), size=count, p=_weights(communes.population_count, 1.25))
    rows = []
    placed = schools[schools.commune_code.notna()]
    schools_by_commune = placed.groupby("commune_code").uai.apply(list).to_dict()
    for index, (kind, commune_index) in enumerate(zip(kinds, picked)):
        commune = communes.iloc[commune_index]
        _, typical, in_school = EVENT_TYPES[kind]
        day = school_days[int(rng.integers(0, len(school_days)))]
        uai = None
        if rng.random() < in_school:
            local = schools_by_commune.get(commune.commune_code)
            if local:
                uai = str(rng.choice(local))
            elif len(placed):
                nearest = ((placed.latitude - commune.latitude) ** 2 + (placed.longitude - commune.longitude) ** 2)
                row = placed.loc[nearest.idxmin()]
                uai, commune = row.uai, communes[communes.commune_code == row.commune_code].iloc[0]
        sector = None if kind == "Salon de l'orientation" else str(rng.choice(SECTORS))
        title = f"{kind} – {sector}" if sector else f"{kind} de {commune['name']}"
        rows.append({
            "id": index + 1, "region_code": region_code, "title": title, "title_key": fold_key(title),
            "event_type": kind,
            "start_date": day, "commune_code": commune.commune_code, "school_uai": uai, "sector": sector,
            "target_public": ", ".join(sorted(rng.choice(PUBLICS, size=int(rng.integers(1, 3)), replace=False))),
            "participants_count": None if day > today else int(max(5, rng.lognormal(np.log(typical), 0.4))),
            "latitude": float(commune.latitude), "longitude": float(commune.longitude), "is_demo": True,
        })
    # The same title the same day in the same commune is one event (the store's key): the first drawn is kept.
    events = pd.DataFrame(rows).drop_duplicates(["title_key", "start_date", "commune_code"])
    events = events.sort_values(["start_date", "id"])
    events["latitude"] = _jitter(rng, events.latitude, 0.004)
    events["longitude"] = _jitter(rng, events.longitude, 0.006)
    return events


VISITING_TYPES = {"Forum des métiers", "Salon de l'orientation", "Sélection WorldSkills",
                  "Projet lauréat de l'appel à projets", "Visite d'entreprise"}


def _event_schools(rng, events, schools):
    """Lycées whose pupils came to an event: a few among the nearest ones, for events that draw classes."""
    placed = schools.dropna(subset=["latitude", "longitude"])
    lat, lon = placed.latitude.to_numpy(), placed.longitude.to_numpy()
    rows = []
    for event in events[events.event_type.isin(VISITING_TYPES)].itertuples():
        nearest = np.argsort((lat - event.latitude) ** 2 + ((lon - event.longitude) * 0.65) ** 2)[:8]
        count = int(rng.integers(1, 5 if event.event_type != "Visite d'entreprise" else 2))
        for index in rng.choice(nearest, size=min(count, len(nearest)), replace=False):
            rows.append({"event_id": event.id, "uai": placed.uai.iloc[index]})
    return pd.DataFrame(rows, columns=["event_id", "uai"]).drop_duplicates()


def _ambassadors(rng, communes, region_code, today: date):
    count = int(75 * communes.population_count.sum() / 1_000_000)
    picked = rng.choice(len(communes), size=count, p=_weights(communes.population_count, 1.35))
    rows = []
    for index, commune_index in enumerate(picked):
        commune = communes.iloc[commune_index]
        name, slug = _person(rng)
        sector = str(rng.choice(SECTORS))
        joined = today - timedelta(days=int(rng.integers(30, 4 * 365)))
        left = joined + timedelta(days=int(rng.integers(200, 900))) if rng.random() < 0.12 else None
        rows.append({
            "id": index + 1, "region_code": region_code, "full_name": name,
            "email": f"{slug}{index + 1}@demo.maillage.invalid",
            "phone": f"06 {rng.integers(10, 99)} {rng.integers(10, 99)} {rng.integers(10, 99)} {rng.integers(10, 99)}",
            "job_title": str(rng.choice(JOBS[sector])), "sector": sector,
            "employer": f"{rng.choice(EMPLOYER_FORMS)} {rng.choice(LAST_NAMES)} (fictif)",
            "recruitment_channel": str(rng.choice(CHANNELS)), "has_sponsorship_agreement": bool(rng.random() < 0.2),
            "commune_code": commune.commune_code, "joined_date": joined,
            "left_date": left if left and left < today else None,
            "latitude": float(commune.latitude), "longitude": float(commune.longitude), "is_demo": True,
        })
    ambassadors = pd.DataFrame(rows)
    ambassadors["latitude"] = _jitter(rng, ambassadors.latitude, 0.004)
    ambassadors["longitude"] = _jitter(rng, ambassadors.longitude, 0.006)
    return ambassadors


def _mobilisations(rng, ambassadors, events, schools, communes, today: date):
    dep_of = communes.set_index("commune_code").departement_code
    events = events[events.start_date <= today].assign(dep=lambda f: f.commune_code.map(dep_of))
    schools = schools[schools.commune_code.notna()]
    rows = []
    for ambassador in ambassadors.itertuples():
        dep = dep_of[ambassador.commune_code]
        local_events = events[(events.dep == dep) & (events.start_date >= ambassador.joined_date)]
        local_schools = schools[schools.departement_code == dep]
        for _ in range(int(rng.poisson(2.2))):
            if len(local_events) and rng.random() < 0.6:
                event = local_events.iloc[int(rng.integers(0, len(local_events)))]
                rows.append({"ambassador_id": ambassador.id, "event_id": int(event.id), "school_uai": event.school_uai,
                             "mobilisation_date": event.start_date})
            elif len(local_schools):
                active_days = max(1, (today - ambassador.joined_date).days)
                day = ambassador.joined_date + timedelta(days=int(rng.integers(0, active_days)))
                rows.append({"ambassador_id": ambassador.id, "event_id": None,
                             "school_uai": str(local_schools.uai.iloc[int(rng.integers(0, len(local_schools)))]),
                             "mobilisation_date": day})
    frame = pd.DataFrame(rows, columns=["ambassador_id", "event_id", "school_uai", "mobilisation_date"])
    frame.insert(0, "id", range(1, len(frame) + 1))
    frame["is_demo"] = True
    return frame


def _remediation(rng, communes, region_code, first_year: int, today: date):
    rows, named = [], {}
    towns = communes.sort_values("population_count", ascending=False)
    for _, dep_towns in towns.groupby("departement_code", sort=True):
        population = dep_towns.population_count.sum()
        plan = {
            "École de la 2e chance (E2C)": max(1, round(population / 450_000)),
            "Micro-lycée / structure de retour à l'école": 1,
            "Action MLDS": max(2, round(population / 400_000)),
            "Dispositif de mission locale": max(2, round(population / 250_000)),
            "Parcours « nouvelles chances » en CFA": 1,
        }
        if population > 800_000:
            plan["Centre EPIDE"] = 1
        candidates = dep_towns.head(25)
        for kind, number in plan.items():
            for _ in range(number):
                town = candidates.iloc[int(min(rng.exponential(2.5), len(candidates) - 1))]
                operator, (low, high) = REMEDIATION_KINDS[kind]
                name = f"{kind.split(' (')[0]} – {town['name']}"
                # A second one of a kind in the same town is numbered: a structure is its name and commune.
                key = (name, town.commune_code)
                named[key] = named.get(key, 0) + 1
                name += f" n° {named[key]}" if named[key] > 1 else ""
                rows.append({"id": len(rows) + 1, "region_code": region_code, "name": name,
                             "name_key": fold_key(name), "structure_kind": kind,
                             "operator": operator, "commune_code": town.commune_code,
                             "latitude": float(town.latitude), "longitude": float(town.longitude),
                             "capacity": int(rng.integers(low, high)), "is_demo": True})
    structures = pd.DataFrame(rows)
    structures["latitude"] = _jitter(rng, structures.latitude, 0.003)
    structures["longitude"] = _jitter(rng, structures.longitude, 0.004)
    months = pd.date_range(date(first_year, 9, 1), today, freq="MS").date
    snapshots = []
    for structure in structures.itertuples():
        base = rng.uniform(0.6, 1.0)
        for month in months:
            season = {9: 0.55, 10: 0.75, 11: 0.85, 12: 0.9}.get(month.month, 0.95 if month.month <= 6 else 0.6)
            occupied = int(min(structure.capacity, round(structure.capacity * base * season * rng.uniform(0.9, 1.08))))
            snapshots.append({"structure_id": structure.id, "snapshot_date": month,
                              "capacity_count": structure.capacity, "occupied_count": occupied})
    return structures.drop(columns="capacity"), pd.DataFrame(snapshots)


def _indicator_values(rng, communes, first_year: int, today: date):
    rows = []
    computed_at = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    deps = communes.groupby("departement_code").population_count.sum()
    rural = communes.assign(small=communes.population_count < 2000).groupby("departement_code").apply(
        lambda f: f.population_count[f.small].sum() / max(1, f.population_count.sum()), include_groups=False)
    for year in range(first_year, school_year_of(today)[0] + 1):
        period = f"{year}-{year + 1}"
        for dep_code, population in deps.items():
            neet = 11.0 + 8.0 * rural[dep_code] + rng.normal(0, 0.8) - 0.3 * (year - first_year)
            dropouts = population * 0.12 * neet / 100 * rng.uniform(0.08, 0.12)
            pupils = population * 0.034 * rng.uniform(0.97, 1.03)
            for code, value in (("taux_neet_16_25", round(neet, 1)), ("decrocheurs_16_25", round(dropouts)),
                                ("lyceens_effectif", round(pupils))):
                rows.append({"indicator_code": code, "territory_level": "departement", "territory_code": dep_code,
                             "period": period, "value": float(value), "computed_at": computed_at, "is_demo": True})
    return pd.DataFrame(rows)


def generate_demo(communes: pd.DataFrame, epci: pd.DataFrame, schools: pd.DataFrame, region_code: str,
                  seed: int, today: date) -> DemoData:
    """Generate the whole demo data set for a région: same inputs, same output."""
    rng = np.random.default_rng(seed)
    communes = communes[communes.latitude.notna()].sort_values("commune_code").reset_index(drop=True)
    first_year = school_year_of(today)[0] - 2
    referents, areas, zonings, members = _referents(rng, communes, epci.sort_values("epci_code"), region_code, today)
    events = _events(rng, communes, schools.sort_values("uai"), region_code, first_year, today)
    ambassadors = _ambassadors(rng, communes, region_code, today)
    mobilisations = _mobilisations(rng, ambassadors, events, schools.sort_values("uai"), communes, today)
    structures, snapshots = _remediation(rng, communes, region_code, first_year, today)
    indicator_values = _indicator_values(rng, communes, first_year, today)
    event_schools = _event_schools(np.random.default_rng(seed + 1), events, schools.sort_values("uai"))
    return DemoData(referents, event_schools, areas, zonings, members, events, ambassadors, mobilisations,
                    structures, snapshots, indicator_values)


def _insert(session: Session, model, frame: pd.DataFrame) -> dict[int, int]:
    """Add a frame's rows, without the generator's ids: return {generated id: id the store gave}.

    The generator numbers its rows from 1; another région's rows may already hold those ids. Rows go in the
    generator's order: in a store holding no other région, they keep its numbers.
    """
    frame = frame.sort_values("id", kind="stable") if "id" in frame.columns else frame
    records = frame_records(frame, [column for column in frame.columns if column != "id"])
    rows = [model(**record) for record in records]
    session.add_all(rows)
    session.flush()
    return {int(old): row.id for old, row in zip(frame["id"], rows)} if "id" in frame.columns else {}


def _relinked(frame: pd.DataFrame, links: dict[str, dict[int, int]]) -> pd.DataFrame:
    """A copy of `frame` whose columns in `links` point to the ids the store gave (an empty cell stays empty)."""
    frame = frame.copy()
    for column, ids in links.items():
        frame[column] = pd.Series([ids[int(value)] if pd.notna(value) else None for value in frame[column]],
                                  index=frame.index, dtype=object)
    return frame


def _read(engine: Engine, statement) -> pd.DataFrame:
    with Session(engine) as session:
        result = session.execute(statement)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def load_demo(engine: Engine, region_code: str, seed: int, today: date | None = None,
              progress: Progress = _no_progress) -> bool:
    """Write the demo data set of a région once; return False when it is already there."""
    meta_key = f"demo:{region_code}"
    if get_meta(engine, meta_key) is not None:
        return False
    today = today or date.today()
    started_at = now_utc()
    progress(0.65, "Génération des données de démonstration…")
    communes = _read(engine, select(Commune.commune_code, Commune.name, Commune.departement_code,
                                    Commune.epci_code, Commune.population_count, Commune.latitude,
                                    Commune.longitude).where(Commune.region_code == region_code))
    epci = _read(engine, select(Epci.epci_code, Epci.departement_code, Epci.population_count)
                 .where(Epci.region_code == region_code))
    schools = _read(engine, select(School.uai, School.commune_code, School.departement_code, School.latitude,
                                   School.longitude).where(School.region_code == region_code))
    demo = generate_demo(communes, epci, schools, region_code, seed, today)
    progress(0.85, "Écriture des données de démonstration…")
    with transaction(engine, region_code) as session:
        referents, zonings = _insert(session, Referent, demo.referents), _insert(session, Zoning, demo.zonings)
        events, ambassadors = _insert(session, Event, demo.events), _insert(session, Ambassador, demo.ambassadors)
        structures = _insert(session, RemediationStructure, demo.structures)
        for model, frame, links in ((ReferentArea, demo.referent_areas, {"referent_id": referents}),
                                    (ZoningCommune, demo.zoning_communes, {"zoning_id": zonings}),
                                    (EventSchool, demo.event_schools, {"event_id": events}),
                                    (Mobilisation, demo.mobilisations, {"ambassador_id": ambassadors,
                                                                        "event_id": events}),
                                    (CapacitySnapshot, demo.snapshots, {"structure_id": structures})):
            _insert(session, model, _relinked(frame, links))
        upsert(session, Indicator, [dict(row, is_demo=True) for row in INDICATORS])
        _insert(session, IndicatorValue, demo.indicator_values)
        total = sum(len(f) for f in (demo.referents, demo.events, demo.ambassadors, demo.structures))
        _audit(session, "demo", DEMO_SOURCE, total,
               f"Données de démonstration : {len(demo.referents)} référents, {len(demo.events)} événements, "
               f"{len(demo.ambassadors)} ambassadeurs, {len(demo.structures)} structures de remédiation "
               f"(graine {seed})", started_at, region_code=region_code)
        set_meta(session, meta_key, f"v{GENERATOR_VERSION} seed {seed} {today.isoformat()}")
        mark_measures_stale(session, region_code)
    progress(0.95, "Données de démonstration enregistrées.")
    return True
