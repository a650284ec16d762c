"""Statistical disclosure control for CODIR: small counts of people are not shown.

A count of people (ambassadors, participants) between 1 and the threshold minus one is hidden
(primary suppression, shown "< 5"). When a single cell of a column is hidden, the total (shown
elsewhere) minus the visible cells would give it back: the smallest other non-zero cell is hidden
too (secondary suppression, shown "secret"). Zero is not hidden: nobody can be recognised in it.
Figures derived from a hidden count (its rate per 10,000 inhabitants) are hidden with it.

Hidden cells are NaN in the numeric column, and a companion column `<column>__hidden` says how
each reads ("< 5", "secret" or None): tables and downloads show that text, maps and charts a gap.
Counts of events, places and lycées are not people and stay exact.
"""

import pandas as pd

HIDDEN = "__hidden"
SECONDARY_LABEL = "secret"
# People counts and the figures computed from them.
PEOPLE_COUNTS = {"ambassadors_count": ("ambassadors_per_10k",), "participants_count": ()}


def small_count_label(threshold: int) -> str:
    """How a hidden small count reads: "< 5"."""
    return f"< {threshold}"


def suppression_note(threshold: int) -> str:
    """The sentence that explains hidden cells, in French."""
    return (f"Secret statistique : « {small_count_label(threshold)} » signale moins de {threshold} personnes ; "
            f"« {SECONDARY_LABEL} », une valeur masquée pour qu'un total ne permette pas de la retrouver.")


def suppress_small_counts(frame: pd.DataFrame, threshold: int,
                          columns: dict[str, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """A copy of `frame` with small counts of people hidden (see the module docstring)."""
    frame = frame.copy()
    for column, derived in (PEOPLE_COUNTS if columns is None else columns).items():
        if column not in frame.columns:
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        primary = (values > 0) & (values < threshold)
        secondary = pd.Series(False, index=frame.index)
        if primary.sum() == 1:
            others = values[~primary & (values > 0)]
            if not others.empty:
                secondary[others.idxmin()] = True
        labels = pd.Series(None, index=frame.index, dtype=object)
        labels[primary] = small_count_label(threshold)
        labels[secondary] = SECONDARY_LABEL
        hidden = primary | secondary
        frame[column] = values.astype(float).where(~hidden)
        frame[column + HIDDEN] = labels
        for name in derived:
            if name in frame.columns:
                frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float).where(~hidden)
                frame[name + HIDDEN] = labels
    return frame


def hidden_labels(frame: pd.DataFrame, column: str) -> pd.Series | None:
    """How each cell of a column reads when hidden (None where shown), or None if nothing is hidden there."""
    name = column + HIDDEN
    return frame[name] if name in frame.columns else None

