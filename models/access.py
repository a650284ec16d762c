"""Who is looking: every data access function takes a Viewer.

Roles to come (direction, référent for their départements, CODIR with aggregates
only) are enforced here, not in pages. Today the role comes from the settings.
"""

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
        """Refuse unknown roles rather than guessing."""
        if self.role not in ROLES:
            raise ValueError(f"Profil inconnu : « {self.role} ». Profils possibles : {', '.join(ROLES)}.")

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
