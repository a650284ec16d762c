"""Who is looking: every data access function takes a Viewer, and enforces its rights there.

Roles: `direction` (everything in the région), `referent` (their own départements in detail,
personal data only there, aggregates elsewhere), `codir` (aggregates only: no personal data, no
per-person row, small counts of people suppressed) and `admin` (direction's rights plus imports,
users and purges). A Viewer holds a role and départements only, never who the person is, so that
cached results are shared by everyone with the same rights and by no one else.

Without sign-in, the app runs in local mode: the profile comes from the settings VIEWER_ROLE and
VIEWER_DEPARTEMENTS (`local_viewer`).
"""

import re
from dataclasses import dataclass

ROLES = {
    "direction": "Direction",
    "referent": "Référent départemental",
    "codir": "CODIR (agrégats seulement)",
    "admin": "Administration",
}
SMALL_COUNT = 5  # default threshold below which counts of people are shown as "< 5" to CODIR


@dataclass(frozen=True)
class Viewer:
    """The rights a page is built with: a role and, for a référent, their départements."""

    role: str = "codir"
    departement_codes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Refuse unknown roles, and a référent without département, rather than guessing."""
        if self.role not in ROLES:
            raise ValueError(f"Profil inconnu : « {self.role} ». Profils possibles : {', '.join(ROLES)}.")
        if self.role == "referent" and not self.departement_codes:
            raise ValueError("Profil référent sans département : indiquez les départements du référent "
                             "(réglage VIEWER_DEPARTEMENTS, par exemple 59 ou 59,62).")
        if self.role != "referent" and self.departement_codes:
            object.__setattr__(self, "departement_codes", ())

    @property
    def label(self) -> str:
        """The profile in French and, for a référent, their départements."""
        if self.role == "referent":
            return f"{ROLES[self.role]} ({', '.join(self.departement_codes)})"
        return ROLES[self.role]

    @property
    def home_departement(self) -> str | None:
        """Where the app opens: a référent's own département (the first one), the whole région otherwise."""
        return self.departement_codes[0] if self.role == "referent" else None

    @property
    def sees_whole_region(self) -> bool:
        """Direction and administration see every département in detail."""
        return self.role in ("direction", "admin")

    def sees_detail_in(self, departement_code: str | None) -> bool:
        """Whether per-person rows (and their contacts) of a département may be shown; None is the whole région."""
        if self.sees_whole_region:
            return True
        return self.role == "referent" and departement_code in self.departement_codes

    @property
    def detail_departements(self) -> tuple[str, ...] | None:
        """Départements whose per-person rows this viewer gets: None for all, () for none (CODIR)."""
        if self.sees_whole_region:
            return None
        return self.departement_codes

    @property
    def can_see_contacts(self) -> bool:
        """Whether any contact detail (RGPD personal data) may reach this viewer, somewhere."""
        return self.role != "codir"

    @property
    def can_see_people(self) -> bool:
        """CODIR sees aggregates: no list of named people, no per-person row at all."""
        return self.role != "codir"

    @property
    def suppresses_small_counts(self) -> bool:
        """CODIR sees counts of people below the threshold as "< 5" (statistical disclosure control)."""
        return self.role == "codir"

    @property
    def can_import(self) -> bool:
        """Loading files writes for the whole région: administration only."""
        return self.role == "admin"

    @property
    def can_manage(self) -> bool:
        """Users, purges and the access log: administration only."""
        return self.role == "admin"


_DEPARTEMENT = re.compile(r"^(\d{1,3}|2[AB])$")


def parse_departements(departements: str, setting: str = "VIEWER_DEPARTEMENTS") -> tuple[str, ...]:
    """Département codes from "59,62" (commas, semicolons or spaces); raises ValueError in French."""
    codes = []
    for part in re.split(r"[,;\s]+", (departements or "").strip()):
        if not part:
            continue
        if not _DEPARTEMENT.match(part.upper()):
            raise ValueError(f"Département « {part} » illisible dans {setting} : codes attendus, séparés "
                             "par des virgules (59,62).")
        codes.append(part.upper().zfill(2))
    return tuple(dict.fromkeys(codes))


def local_viewer(role: str, departements: str = "") -> Viewer:
    """The profile of local mode, from the settings: a role and, for a référent, départements ("59,62").

    Raises ValueError with a French message for an unknown role, a malformed code or a référent
    without département.
    """
    return Viewer(role.strip(), parse_departements(departements))
