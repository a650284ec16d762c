"""What each kind of import file holds: its columns (French header, required or not, format,
example), its natural key, and how a checked row becomes store rows.

This is the one description of the import formats: the templates in data/templates, the
column help on the Données page, the README table and the validation messages all come
from it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from loaders.parsing import (
    ValueParseError,
    format_bound,
    header_key,
    parse_bool,
    parse_count,
    parse_date,
    parse_decimal,
    parse_email,
)
from loaders.places import Places
from models.resources import fold_key

MAX_TEXT_LENGTH = 500
# Bounds of the numbers a column holds: far above any real figure, far below what the store's columns hold
# (PostgreSQL INTEGER stops at 2 147 483 647; a float is exact up to 9e15).
MAX_COUNT = 1_000_000
MAX_INDICATOR_VALUE = 1_000_000_000_000
_FORMULA_PREFIXES = ("=", "+", "-", "@")
_LIST_SEPARATORS = re.compile(r"[,;/|\n]+")
_PERIOD = re.compile(r"^(\d{4})(?:\s*[-/]\s*(\d{4}))?$")
MAX_ZONING_CODE_LENGTH = 40
_ZONING_CODE = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_.\-]{{0,{MAX_ZONING_CODE_LENGTH - 1}}}")
DEMO_ZONING_PREFIX = "demo-"  # the demo's référent sectors: demo-secteur-<région>-<n>
LEVELS = {"region": "region", "departement": "departement", "dep": "departement", "epci": "epci",
          "commune": "commune", "zonage": "zonage", "zoning": "zonage"}


def parse_text(value) -> str:
    """Text as typed; a neutralising apostrophe before =, +, - or @ (as exports write it) is removed."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        value = value.strftime("%d/%m/%Y")
    text = " ".join(str(value).split())
    if text.startswith("'") and text[1:2] in _FORMULA_PREFIXES:
        text = text[1:]
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueParseError(f"texte trop long ({len(text)} caractères, {MAX_TEXT_LENGTH} au plus)")
    return text


def parse_phone(value) -> str:
    """A French phone number, written 03 20 12 34 56 (or +33 3 20 12 34 56 kept as +33)."""
    text = parse_text(value)
    digits = re.sub(r"[\s.\-()]", "", text)
    if re.fullmatch(r"\d{9}", digits) and not digits.startswith("0"):  # a spreadsheet ate the leading 0
        digits = "0" + digits
    if re.fullmatch(r"0\d{9}", digits):
        return " ".join(digits[i:i + 2] for i in range(0, 10, 2))
    if re.fullmatch(r"\+33\d{9}", digits):
        return "+33 " + digits[3] + " " + " ".join(digits[i:i + 2] for i in range(4, 12, 2))
    raise ValueParseError(f"téléphone invalide « {text} » : 10 chiffres attendus (03 20 12 34 56)")


def parse_fte(value) -> float:
    """A share of full time, between 0 (excluded) and 1 ("0,5")."""
    fte = parse_decimal(value)
    if not 0 < fte <= 1:
        raise ValueParseError(f"ETP entre 0 et 1 attendu (0,5 pour un mi-temps), pas « {str(value).strip()} »")
    return fte


def parse_period(value) -> str:
    """A calendar year (2025) or a school year (2025-2026)."""
    text = parse_text(value)
    match = _PERIOD.match(text)
    if not match or (match.group(2) and int(match.group(2)) != int(match.group(1)) + 1):
        raise ValueParseError(f"période « {text} » illisible : année (2025) ou année scolaire (2025-2026) attendue")
    return f"{match.group(1)}-{match.group(2)}" if match.group(2) else match.group(1)


def parse_level(value) -> str:
    """A territory level: région, département, EPCI, commune or zonage."""
    level = LEVELS.get(header_key(value))
    if level is None:
        raise ValueParseError(f"niveau « {parse_text(value)} » inconnu : région, département, EPCI, commune "
                              "ou zonage attendu")
    return level


def parse_zoning_code(value) -> str:
    """A zoning's code as typed: letters, digits, -, _ or . (the demo's "demo-…" codes are reserved)."""
    text = parse_text(value)
    if not _ZONING_CODE.fullmatch(text):
        raise ValueParseError(f"code de zonage « {text} » invalide : lettres sans accent, chiffres, -, _ ou ., "
                              f"{MAX_ZONING_CODE_LENGTH} caractères au plus, sans espace")
    if text.casefold().startswith(DEMO_ZONING_PREFIX):
        raise ValueParseError(f"code de zonage « {text} » réservé : les codes commençant par "
                              f"« {DEMO_ZONING_PREFIX} » sont ceux des données de démonstration")
    return text


def split_list(value) -> list[str]:
    """A cell listing several codes ("59, 62" or "59;62")."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return [part.strip() for part in _LIST_SEPARATORS.split(str(value)) if part.strip()]


@dataclass(frozen=True)
class Column:
    """One column of an import file."""

    key: str
    header: str
    description: str
    example: str
    required: bool = False
    parse: Callable | None = parse_text  # None: resolved with the whole row (communes)
    is_personal: bool = False
    max_value: float | None = None  # a number's bound, both ways (-max_value to max_value)

    @property
    def key_form(self) -> str:
        """The header as compared (no case, accents, spaces, underscores)."""
        return header_key(self.header)

    def read(self, value):
        """A cell's value as this column holds it (parsed, within bounds); ValueParseError says why not."""
        result = self.parse(value)
        if self.max_value is not None and isinstance(result, (int, float)) and not isinstance(result, bool):
            if result > self.max_value:
                raise ValueParseError(f"nombre trop grand (au plus {format_bound(self.max_value)})")
            if result < -self.max_value:
                raise ValueParseError(f"nombre trop petit (au moins -{format_bound(self.max_value)})")
        return result


def _commune_columns(example_commune: str, example_dep: str, example_postal: str) -> list[Column]:
    return [
        Column("commune", "Commune", "Code INSEE ou nom de la commune (accents, « St » pour « Saint » et "
               "communes déléguées acceptés)", example_commune, required=True, parse=None),
        Column("departement", "Département", "Code du département ; départage deux communes de même nom",
               example_dep),
        Column("postal_code", "Code postal", "Départage deux communes de même nom", example_postal),
    ]


@dataclass(frozen=True)
class Kind:
    """A kind of import file."""

    name: str
    label: str
    columns: list[Column]
    key_columns: tuple[str, ...]
    key_doc: str
    # Columns that describe one entity when several rows share it (a structure and its dated seats).
    entity_columns: tuple[str, ...] = ()
    entity_fields: tuple[str, ...] = ()

    def column(self, key: str) -> Column:
        """The column of a key."""
        return next(c for c in self.columns if c.key == key)

    @property
    def has_personal_data(self) -> bool:
        """Whether the file holds people's contact details (RGPD)."""
        return any(c.is_personal for c in self.columns)


KINDS: dict[str, Kind] = {kind.name: kind for kind in [
    Kind("referents", "Référents départementaux", [
        Column("full_name", "Nom", "Prénom et nom du référent", "Camille Exemple", required=True, is_personal=True),
        Column("email", "Courriel", "Courriel professionnel ; identifie le référent", "camille.exemple@example.org",
               required=True, parse=parse_email, is_personal=True),
        Column("phone", "Téléphone", "Dix chiffres", "03 20 00 00 00", parse=parse_phone, is_personal=True),
        Column("fte", "ETP", "Part du temps consacrée à la mission, entre 0 et 1 (1 si vide)", "0,8",
               parse=parse_fte),
        Column("departements", "Départements", "Codes des départements couverts, séparés par des virgules",
               "59", required=True, parse=split_list),
        Column("epci", "EPCI", "Quand un département est partagé : codes SIREN des EPCI couverts, séparés par "
               "des virgules (un seul département alors)", "200093201", parse=split_list),
        Column("start_date", "Date de début", "Prise de poste, jj/mm/aaaa (vide : en poste avant les données)",
               "01/09/2024", parse=parse_date),
        Column("end_date", "Date de fin", "Fin de la mission, le cas échéant (au plus tôt la date de début)", "",
               parse=parse_date),
    ], ("email",), "le courriel : une ligne par référent ; réimporter un référent met à jour son nom, son "
        "téléphone, son ETP, ses dates et remplace ses territoires"),
    Kind("events", "Événements info-métiers", [
        Column("title", "Intitulé", "Nom de l'événement", "Forum des métiers de l'industrie", required=True),
        Column("event_type", "Type", "Forum, salon, visite d'entreprise, café des parents…", "Forum des métiers",
               required=True),
        Column("start_date", "Date", "jj/mm/aaaa (ou date Excel)", "12/03/2026", required=True, parse=parse_date),
        *_commune_columns("Lille", "59", "59000"),
        Column("school_uai", "UAI du lycée", "Lycée où il a lieu, le cas échéant (code UAI à 8 caractères)",
               "0590117G"),
        Column("sector", "Filière", "Filière métier", "Industrie"),
        Column("target_public", "Public", "Publics visés", "Lycéens, Parents"),
        Column("participants_count", "Participants", "Nombre de participants (entier)", "120", parse=parse_count,
               max_value=MAX_COUNT),
        Column("participant_schools", "Lycées participants", "Codes UAI des lycées dont les élèves sont venus, "
               "séparés par des virgules", "0590117G, 0593117T", parse=split_list),
    ], ("title", "start_date", "commune"), "l'intitulé (sans tenir compte de la casse), la date et la commune"),
    Kind("ambassadors", "Ambassadeurs", [
        Column("full_name", "Nom", "Prénom et nom de l'ambassadeur", "Dominique Exemple", required=True,
               is_personal=True),
        Column("email", "Courriel", "Courriel ; identifie l'ambassadeur", "dominique.exemple@example.org",
               required=True, parse=parse_email, is_personal=True),
        Column("phone", "Téléphone", "Dix chiffres", "06 00 00 00 00", parse=parse_phone, is_personal=True),
        Column("job_title", "Métier", "Métier exercé", "Technicienne de maintenance"),
        Column("sector", "Filière", "Filière métier", "Industrie", required=True),
        Column("employer", "Employeur", "Entreprise ou administration", "Entreprise Exemple"),
        Column("recruitment_channel", "Canal de recrutement", "CCI, CMA, CFA, branche professionnelle…", "CCI"),
        Column("has_sponsorship_agreement", "Mécénat", "Mécénat de compétences ou charte : oui ou non (non si vide)",
               "non", parse=parse_bool),
        *_commune_columns("Dunkerque", "59", "59140"),
        Column("joined_date", "Date d'entrée", "Entrée dans le réseau, jj/mm/aaaa", "01/09/2025", required=True,
               parse=parse_date),
        Column("left_date", "Date de sortie", "Sortie du réseau, le cas échéant", "", parse=parse_date),
    ], ("email",), "le courriel : une ligne par ambassadeur"),
    Kind("remediation", "Places de remédiation", [
        Column("name", "Nom", "Nom de la structure", "E2C Exemple", required=True),
        Column("structure_kind", "Type", "E2C, EPIDE, micro-lycée, MLDS, mission locale…",
               "École de la deuxième chance", required=True),
        Column("operator", "Porteur", "Organisme porteur", "Association Exemple"),
        *_commune_columns("Amiens", "80", "80000"),
        Column("snapshot_date", "Date du relevé", "Date à laquelle les places sont comptées, jj/mm/aaaa",
               "01/10/2025", required=True, parse=parse_date),
        Column("capacity_count", "Places ouvertes", "Nombre de places (entier)", "40", required=True,
               parse=parse_count, max_value=MAX_COUNT),
        Column("occupied_count", "Places occupées", "Nombre de places occupées (entier, au plus les places "
               "ouvertes)", "32", required=True, parse=parse_count, max_value=MAX_COUNT),
    ], ("name", "commune", "snapshot_date"), "le nom de la structure (sans tenir compte de la casse) et sa "
        "commune ; une ligne par structure et par date de relevé",
        entity_columns=("name", "commune"), entity_fields=("structure_kind", "operator")),
    Kind("indicators", "Indicateurs", [
        Column("indicator_code", "Code indicateur", "Code court de l'indicateur (minuscules, chiffres, _)",
               "decrocheurs_16_25", required=True),
        Column("level", "Niveau", "région, département, EPCI, commune ou zonage", "département", required=True,
               parse=parse_level),
        Column("territory_code", "Code territoire", "Code INSEE (région, département, commune), SIREN (EPCI) ou "
               "code du zonage", "59", required=True),
        Column("period", "Période", "Année (2025) ou année scolaire (2025-2026)", "2025-2026", required=True,
               parse=parse_period),
        Column("value", "Valeur", "Nombre, virgule décimale acceptée", "5230", required=True, parse=parse_decimal,
               max_value=MAX_INDICATOR_VALUE),
        Column("source", "Source", "Producteur de la donnée", "Rectorat, plateforme de suivi (PSAD)",
               required=True),
        Column("label", "Libellé", "Libellé de l'indicateur ; obligatoire pour un indicateur nouveau",
               "Jeunes décrocheurs de 16 à 25 ans"),
        Column("unit", "Unité", "Unité (personnes, %, places…)", "personnes"),
    ], ("indicator_code", "level", "territory_code", "period"), "le code indicateur, le niveau, le code "
        "territoire et la période",
        entity_columns=("indicator_code",), entity_fields=("source", "label", "unit")),
    Kind("zonings", "Zonages", [
        Column("zoning_code", "Code du zonage", "Identifiant court du zonage : lettres, chiffres, -, _ ou . "
               f"({MAX_ZONING_CODE_LENGTH} caractères au plus)", "BE-LILLE", required=True, parse=parse_zoning_code),
        Column("name", "Nom du zonage", "Nom affiché sur la carte et dans les tableaux", "Bassin d'emploi de Lille",
               required=True),
        Column("zoning_kind", "Nature du zonage", "Bassin d'emploi, bassin de formation (rectorat), territoire "
               "PRIF, agence territoriale… ; une commune peut appartenir à plusieurs zonages de natures différentes",
               "bassin d'emploi", required=True),
        *_commune_columns("Lille", "59", "59000"),
    ], ("zoning_code", "commune"), "le code du zonage (sans tenir compte de la casse) et la commune : une ligne par "
        "commune de chaque zonage ; réimporter un zonage met à jour son nom et sa nature et remplace ses communes "
        "par celles du fichier",
        entity_columns=("zoning_code",), entity_fields=("name", "zoning_kind")),
]}


def kind_of(name: str) -> Kind:
    """A kind by name; a French error lists the possible ones."""
    if name not in KINDS:
        raise ValueError(f"nature d'import inconnue « {name} » ; possibles : {', '.join(KINDS)}")
    return KINDS[name]


def columns_markdown(kind_name: str) -> str:
    """A kind's columns as the README's Markdown table (tests keep the README in step with this module)."""
    kind = kind_of(kind_name)
    lines = ["| colonne | obligatoire | contenu et format | exemple |", "| --- | --- | --- | --- |"]
    for column in kind.columns:
        cells = [column.header, "oui" if column.required else "non", column.description, f"`{column.example}`"
                 if column.example else ""]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def finish_row(kind: Kind, record: dict, places: Places, indicators: dict[str, str],
               computed: set[str]) -> list[tuple[str, str]]:
    """Checks across columns, and what is derived from them (commune, position).

    Returns (column key, French reason) for every problem found; fills `record` otherwise.
    """
    problems: list[tuple[str, str]] = []
    if "commune" in record or any(c.key == "commune" for c in kind.columns):
        _finish_commune(record, places, problems)
    checker = _FINISHERS.get(kind.name)
    if checker:
        checker(record, places, problems, indicators, computed)
    return problems


def _finish_commune(record: dict, places: Places, problems: list) -> None:
    try:
        departement = record.get("departement")
        if departement is not None:
            record["departement"] = departement = places.departement(departement)
        postal = record.get("postal_code")
        if postal is not None:
            record["postal_code"] = postal = places.postal_code(postal)
    except ValueParseError as error:
        problems.append(("departement" if "département" in str(error) else "postal_code", str(error)))
        return
    raw = record.get("commune")
    if raw is None:
        return
    try:
        record["commune"] = places.commune(raw, departement, postal)
    except ValueParseError as error:
        problems.append(("commune", str(error)))


def _finish_referent(record, places, problems, _indicators, _computed) -> None:
    departements = []
    for value in record.get("departements") or []:
        try:
            departements.append(places.departement(value))
        except ValueParseError as error:
            problems.append(("departements", str(error)))
    record["departements"] = sorted(set(departements))
    epci_codes = []
    for value in record.get("epci") or []:
        try:
            epci_codes.append(places.epci_code(value))
        except ValueParseError as error:
            problems.append(("epci", str(error)))
    record["epci"] = sorted(set(epci_codes))
    if record["epci"] and len(record["departements"]) > 1:
        problems.append(("epci", "des EPCI ne se listent qu'avec un seul département (celui qu'ils partagent)"))
    elif record["epci"] and record["departements"]:
        outside = [code for code in record["epci"]
                   if record["departements"][0] not in places.epci_departements.get(code, set())]
        if outside:
            problems.append(("epci", f"EPCI sans commune dans le département {record['departements'][0]} : "
                                     + ", ".join(outside)))
    record.setdefault("fte", 1.0)
    if record.get("fte") is None:
        record["fte"] = 1.0
    start, end = record.get("start_date"), record.get("end_date")
    if start and end and end < start:
        problems.append(("end_date", f"la date de fin ({end:%d/%m/%Y}) précède la date de début ({start:%d/%m/%Y})"))


def _finish_event(record, places, problems, _indicators, _computed) -> None:
    for key, many in (("school_uai", False), ("participant_schools", True)):
        values = record.get(key)
        if values is None:
            continue
        found = []
        for value in (values if many else [values]):
            try:
                found.append(places.school(value))
            except ValueParseError as error:
                problems.append((key, str(error)))
        record[key] = sorted(set(found)) if many else (found[0] if found else None)
    record.setdefault("participant_schools", [])
    if record.get("participant_schools") is None:
        record["participant_schools"] = []
    if record.get("commune") in places.communes:
        record["latitude"], record["longitude"] = places.position(record["commune"], record.get("school_uai"))


def _finish_ambassador(record, places, problems, _indicators, _computed) -> None:
    if record.get("has_sponsorship_agreement") is None:
        record["has_sponsorship_agreement"] = False
    joined, left = record.get("joined_date"), record.get("left_date")
    if joined and left and left < joined:
        problems.append(("left_date", "la date de sortie précède la date d'entrée"))
    if record.get("commune") in places.communes:
        record["latitude"], record["longitude"] = places.position(record["commune"])


def _finish_remediation(record, places, problems, _indicators, _computed) -> None:
    capacity, occupied = record.get("capacity_count"), record.get("occupied_count")
    if capacity is not None and occupied is not None and occupied > capacity:
        problems.append(("occupied_count", f"{occupied} places occupées pour {capacity} ouvertes"))
    if record.get("commune") in places.communes:
        record["latitude"], record["longitude"] = places.position(record["commune"])


def _indicator_code_problem(record, indicators, computed) -> tuple[str, str] | None:
    code = record.get("indicator_code")
    if code is None:
        return None
    if not re.fullmatch(r"[a-z0-9_]{1,64}", code):
        return "indicator_code", f"code « {code} » invalide : minuscules, chiffres et _ seulement"
    if code in computed:
        return "indicator_code", f"« {code} » est calculé par Maillage après chaque import : il ne s'importe pas"
    if code not in indicators and not record.get("label"):
        return "label", f"indicateur « {code} » nouveau : indiquez son libellé"
    return None


def _finish_indicator(record, places, problems, indicators, computed) -> None:
    if problem := _indicator_code_problem(record, indicators, computed):
        problems.append(problem)
    level, territory = record.get("level"), record.get("territory_code")
    if level is None or territory is None:
        return
    try:
        if level == "region":
            if territory != places.region_code:
                raise ValueParseError(f"région « {territory} » : seule la région {places.region_code} "
                                      f"({places.region_name}) s'importe ici")
        elif level == "departement":
            record["territory_code"] = places.departement(territory)
        elif level == "epci":
            record["territory_code"] = places.epci_code(territory)
        elif level == "commune":
            record["territory_code"] = places.commune(territory)
        elif territory not in places.zonings:
            raise ValueParseError(f"zonage « {territory} » inconnu")
    except ValueParseError as error:
        problems.append(("territory_code", str(error)))


_FINISHERS = {"referents": _finish_referent, "events": _finish_event, "ambassadors": _finish_ambassador,
              "remediation": _finish_remediation, "indicators": _finish_indicator}


def natural_key(kind: Kind, record: dict, columns: tuple[str, ...] | None = None) -> tuple:
    """The key that says two rows are the same thing (text compared without case or extra spaces)."""
    return tuple(fold_key(record.get(c)) if isinstance(record.get(c), str) else record.get(c)
                 for c in (columns or kind.key_columns))

