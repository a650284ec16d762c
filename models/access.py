"""Who is looking: every data access function takes a Viewer.

Roles to come (direction, référent for their départements, CODIR with aggregates
only) are enforced here, not in pages. Without sign-in, the app runs in local mode:
the profile comes from the settings VIEWER_ROLE and VIEWER_DEPARTEMENTS (`local_viewer`).
"""

import re
from dataclasses import dataclass

ROLES = {
    "direction": "Direction",
    "referent": "Référent départemental",
    "codir": "CODIR (agrégats seulement)",
}


@dataclass(frozen=True)
class Viewer:
    """The person (or audience) a page is built for."""

    role: str = "codir"
    departement_codes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Refuse unknown roles, and a référent without département, rather than guessing."""
        if self.role not in ROLES:
            raise ValueError(f"Profil inconnu : « {self.role} ». Profils possibles : {', '.join(ROLES)}.")
        if self.role == "referent" and not self.departement_codes:
            raise ValueError("Profil référent sans département : indiquez les départements du référent "
                             "(réglage VIEWER_DEPARTEMENTS, par exemple 59 ou 59,62).")

    @property
    def label(self) -> str:
        """Who is looking, in French: the profile and, for a référent, their départements."""
        if self.role == "referent":
            return f"{ROLES[self.role]} ({', '.join(self.departement_codes)})"
        return ROLES[self.role]

    @property
    def home_departement(self) -> str | None:
        """Where the app opens: a référent's own département (the first one), the whole région otherwise."""
        return self.departement_codes[0] if self.role == "referent" else None

    @property
    def can_see_contacts(self) -> bool:
        """Contact details (RGPD personal data) are for direction and référents only."""
        return self.role in ("direction", "referent")

    @property
    def can_see_people(self) -> bool:
        """CODIR sees aggregates: no list of named people at all."""
        return self.role != "codir"

    @property
    def can_import(self) -> bool:
        """Loading files writes for the whole région: direction only."""
        return self.role == "direction"


_DEPARTEMENT = re.compile(r"^(\d{1,3}|2[AB])$")


def local_viewer(role: str, departements: str = "") -> Viewer:
    """The profile of local mode, from the settings: a role and, for a référent, départements ("59,62").

    Raises ValueError with a French message for an unknown role, a malformed code or a référent
    without département.
    """
    codes = []
    for part in re.split(r"[,;\s]+", departements.strip()):
        if not part:
            continue
        if not _DEPARTEMENT.match(part.upper()):
            raise ValueError(f"Département « {part} » illisible dans VIEWER_DEPARTEMENTS : codes attendus, séparés "
                             "par des virgules (59,62).")
        codes.append(part.upper().zfill(2))
    return Viewer(role.strip(), tuple(dict.fromkeys(codes)))
