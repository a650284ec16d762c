"""Finding the commune, département, EPCI or lycée a spreadsheet cell means.

Communes by INSEE code or by name, whatever the accents, case, hyphens or "St"; municipal
arrondissements and associated or delegated communes (Lomme, Hellemmes) resolve to their
commune; a name several communes share is settled by a département or a postal code, or
refused. Every answer is cached: a 100,000-row file names the same communes again and again.

A "did you mean" suggestion compares a name with every commune of the région (a few
milliseconds): only the first MAX_SUGGESTIONS unknown names of a file get one, so that a file
of 20,000 unknown names is checked in seconds, not minutes.
"""

import difflib
import re
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, select

from loaders.names import normalize_place_name
from loaders.parsing import ValueParseError
from models.queries import read_frame
from models.resources import School
from models.territory import Commune, CommuneAlias, Departement, Epci, PostalCode, Zoning

_CODE = re.compile(r"^(\d{5}|\d[AB]\d{3})$")
_DEPARTEMENT = re.compile(r"^(\d{1,3}|2[AB])$")
MAX_SUGGESTIONS = 100  # distinct unknown commune names per file that get a "did you mean"
_MAX_NAME_LENGTH = 100  # the longest commune name of France has 45 characters


@dataclass
class Places:
    """The région's territories and lycées, indexed for lookups."""

    region_code: str
    region_name: str
    communes: dict[str, tuple[str, str, float | None, float | None]]  # code -> name, département, lat, lon
    alias_codes: dict[str, str]  # COMD/COMA/ARM code -> commune code
    names: dict[str, set[str]]  # normalised name -> commune codes (communes and aliases)
    postal_codes: dict[str, set[str]]
    departements: dict[str, str]  # code -> name
    departement_names: dict[str, str]  # normalised name -> code
    epci: dict[str, str]  # SIREN -> name
    epci_departements: dict[str, set[str]]  # SIREN -> départements of its communes
    zonings: set[str]
    schools: dict[str, tuple[str | None, float | None, float | None]]  # UAI -> commune, lat, lon
    _cache: dict = field(default_factory=dict)
    suggestions_left: int = MAX_SUGGESTIONS
    suggestions_skipped: int = 0  # unknown names left without a suggestion since the last reset

    def reset_suggestions(self) -> None:
        """Give a new file its own budget of suggestions."""
        self.suggestions_left, self.suggestions_skipped = MAX_SUGGESTIONS, 0

    def commune(self, value, departement_code: str | None = None, postal_code: str | None = None) -> str:
        """The INSEE code of the commune a cell names; ValueParseError says why not."""
        key = (str(value).strip(), departement_code, postal_code)
        if key not in self._cache:
            skipped = self.suggestions_skipped
            try:
                answer = self._resolve(*key)
            except ValueParseError as error:
                answer = error
            if self.suggestions_skipped == skipped:  # an answer without the suggestion it lacked is not kept
                self._cache[key] = answer
        else:
            answer = self._cache[key]
        if isinstance(answer, ValueParseError):
            raise answer
        return answer

    def _resolve(self, text: str, departement_code: str | None, postal_code: str | None) -> str:
        code = text.upper().zfill(5) if text.isdigit() and len(text) == 4 else text.upper()
        if _CODE.match(code):
            if code in self.communes:
                return code
            if code in self.alias_codes:
                return self.alias_codes[code]
            raise ValueParseError(f"code commune « {text} » inconnu dans la région {self.region_name}")
        if len(text) > _MAX_NAME_LENGTH:
            raise ValueParseError(f"commune « {text[:40]}… » introuvable : {len(text)} caractères, bien plus "
                                  "qu'un nom de commune")
        candidates = set(self.names.get(normalize_place_name(text), set()))
        if not candidates:
            raise ValueParseError(f"commune « {text} » introuvable dans la région {self.region_name}"
                                  + self._suggestion(text))
        if departement_code:
            candidates = {c for c in candidates if self.communes[c][1] == departement_code}
        if postal_code:
            candidates &= self.postal_codes.get(postal_code, set())
        if not candidates:
            where = " et ".join(part for part in (departement_code and f"le département {departement_code}",
                                                  postal_code and f"le code postal {postal_code}") if part)
            raise ValueParseError(f"aucune commune « {text} » dans {where}")
        if len(candidates) > 1:
            listed = ", ".join(f"{self.communes[c][0]} ({c})" for c in sorted(candidates))
            raise ValueParseError(f"commune « {text} » ambiguë : {listed} ; précisez le département "
                                  "ou le code postal, ou indiquez le code INSEE")
        return candidates.pop()

    def _suggestion(self, text: str) -> str:
        if self.suggestions_left <= 0:
            self.suggestions_skipped += 1
            return ""
        self.suggestions_left -= 1
        close = difflib.get_close_matches(normalize_place_name(text), self.names, n=1, cutoff=0.85)
        if not close:
            return ""
        return f" ; vouliez-vous dire « {self.communes[sorted(self.names[close[0]])[0]][0]} » ?"

    def departement(self, value) -> str:
        """A département of the région, by code ("59", 2 for "02", "2A") or by name."""
        text = str(value).strip()
        code = text.upper().zfill(2) if _DEPARTEMENT.match(text.upper()) else None
        if code is None:
            code = self.departement_names.get(normalize_place_name(text))
        if code not in self.departements:
            raise ValueParseError(f"département « {text} » inconnu dans la région {self.region_name}")
        return code

    def postal_code(self, value) -> str:
        """A postal code that serves a commune of the région."""
        text = str(value).strip()
        if text.isdigit() and len(text) == 4:
            text = "0" + text
        if text not in self.postal_codes:
            raise ValueParseError(f"code postal « {text} » inconnu dans la région {self.region_name}")
        return text

    def school(self, value) -> str:
        """A lycée of the région's directory, by UAI (format and check letter verified first)."""
        from loaders.parsing import parse_uai

        uai = parse_uai(value)
        if uai not in self.schools:
            raise ValueParseError(f"lycée « {uai} » absent de l'annuaire des lycées de la région")
        return uai

    def epci_code(self, value) -> str:
        """An EPCI of the région, by SIREN."""
        text = re.sub(r"\s", "", str(value))
        if text not in self.epci:
            raise ValueParseError(f"EPCI « {str(value).strip()} » inconnu dans la région (code SIREN attendu)")
        return text

    def position(self, commune_code: str, school_uai: str | None = None) -> tuple[float | None, float | None]:
        """Where to draw a resource: its lycée if any, else its commune's town hall."""
        if school_uai and self.schools.get(school_uai, (None, None, None))[1] is not None:
            return self.schools[school_uai][1], self.schools[school_uai][2]
        return self.communes[commune_code][2], self.communes[commune_code][3]


def read_places(engine: Engine, region_code: str) -> Places:
    """Index the région's territories and lycées from the store."""
    communes = read_frame(engine, select(Commune.commune_code, Commune.name, Commune.departement_code,
                                         Commune.epci_code, Commune.latitude, Commune.longitude)
                          .where(Commune.region_code == region_code))
    aliases = read_frame(engine, select(CommuneAlias.alias_code, CommuneAlias.name, CommuneAlias.commune_code)
                         .join(Commune, Commune.commune_code == CommuneAlias.commune_code)
                         .where(Commune.region_code == region_code))
    postal = read_frame(engine, select(PostalCode.postal_code, PostalCode.commune_code)
                        .join(Commune, Commune.commune_code == PostalCode.commune_code)
                        .where(Commune.region_code == region_code))
    departements = read_frame(engine, select(Departement.departement_code, Departement.name)
                              .where(Departement.region_code == region_code))
    epci = read_frame(engine, select(Epci.epci_code, Epci.name).where(Epci.region_code == region_code))
    zonings = read_frame(engine, select(Zoning.zoning_code).where(Zoning.region_code == region_code))
    schools = read_frame(engine, select(School.uai, School.commune_code, School.latitude, School.longitude)
                         .where(School.region_code == region_code))
    from models.territory import Region

    region = read_frame(engine, select(Region.name).where(Region.region_code == region_code))
    names: dict[str, set[str]] = {}
    for name, code in [*zip(communes.name, communes.commune_code), *zip(aliases.name, aliases.commune_code)]:
        names.setdefault(normalize_place_name(name), set()).add(code)
    # An associated commune is often written without its commune's name: « Hellemmes » for « Hellemmes-Lille ».
    commune_names = dict(zip(communes.commune_code, communes.name))
    for name, code in zip(aliases.name, aliases.commune_code):
        alias, parent = normalize_place_name(name), normalize_place_name(commune_names[code])
        if alias.endswith(" " + parent) and alias != parent:
            names.setdefault(alias.removesuffix(" " + parent), set()).add(code)
    postal_codes: dict[str, set[str]] = {}
    for postal_code, code in zip(postal.postal_code, postal.commune_code):
        postal_codes.setdefault(postal_code, set()).add(code)
    epci_departements = communes.dropna(subset=["epci_code"]).groupby("epci_code").departement_code.agg(set)
    return Places(
        region_code=region_code,
        region_name=region.name.iloc[0] if not region.empty else region_code,
        communes={c: (n, d, _float(la), _float(lo)) for c, n, d, la, lo in zip(
            communes.commune_code, communes.name, communes.departement_code, communes.latitude, communes.longitude)},
        alias_codes=dict(zip(aliases.alias_code, aliases.commune_code)),
        names=names,
        postal_codes=postal_codes,
        departements=dict(zip(departements.departement_code, departements.name)),
        departement_names={normalize_place_name(n): c for c, n in zip(departements.departement_code,
                                                                      departements.name)},
        epci=dict(zip(epci.epci_code, epci.name)),
        epci_departements=epci_departements.to_dict(),
        zonings=set(zonings.zoning_code),
        schools={u: (c, _float(la), _float(lo)) for u, c, la, lo in zip(
            schools.uai, schools.commune_code, schools.latitude, schools.longitude)},
    )


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
