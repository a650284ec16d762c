"""One measure registry names every figure: pages and views take headings from it, never write their own.

`models.measures.INDICATORS` gives each figure a code, a label (legends, selectors) and a short label (a table
column, a large figure). The scan below reads the source of pages/*.py and views/*.py and fails on any
heading written by hand for a registered figure, so that « Événements / 10 000 hab. » has one spelling and a
new figure is named in one place.
"""

import ast
from pathlib import Path

import pytest

from models.measures import INDICATORS, indicator_columns

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("views/*.py")])
SHORT_LABEL_MAX = 28  # characters: a table column or a figure of the first screen at 1366 × 768
# Every name of a registered figure: written anywhere else as a heading or a figure's label, it is a second spelling.
NAMES = {name: code for code, indicator in INDICATORS.items() for name in (indicator.label, indicator.short_label)}
FIGURE_CALLS = {"metric", "Figure"}  # st.metric(label, …) and views.presentation.Figure(label, …)


def _text(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _heading(node: ast.AST) -> str | None:
    """The text of a column heading: "Heading" or ("Heading", decimals), decimals an int or None."""
    if isinstance(node, ast.Tuple) and len(node.elts) == 2 and isinstance(node.elts[1], ast.Constant) and (
            node.elts[1].value is None or type(node.elts[1].value) is int):
        return _text(node.elts[0])
    return _text(node)


def _dict_entries(tree: ast.AST) -> tuple[list[str], set[int]]:
    """{code: "Heading"} or {code: ("Heading", decimals)} for a registered code; and every dict value under a
    column name (("Places libres", 0) under "free_count" heads a structure's own column, not the figure)."""
    found, headings = [], set()
    for node in ast.walk(tree):
        for key, value in zip(node.keys, node.values) if isinstance(node, ast.Dict) else ():
            column, heading = _text(key), _heading(value)
            if column in INDICATORS and heading is not None:
                found.append(f"line {value.lineno}: {column!r}: {heading!r}")
            if column is not None:
                headings.add(id(value))
    return found, headings


def _named_figure(node: ast.AST) -> str | None:
    """(code, "Label"), ("Registered name", …) or metric / Figure("Registered name", …)."""
    if isinstance(node, ast.Tuple) and len(node.elts) >= 2:
        first, second = _text(node.elts[0]), _text(node.elts[1])
        if first in INDICATORS and second is not None and second not in INDICATORS:
            return f"({first!r}, {second!r})"
        return f"({first!r}, …) names {NAMES[first]}" if first in NAMES else None
    if isinstance(node, ast.Call):
        callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        labels = [_text(label) for label in (*node.args[:1], *(k.value for k in node.keywords if k.arg == "label"))]
        named = [label for label in labels if label in NAMES]
        return f"{callee}({named[0]!r}, …) names {NAMES[named[0]]}" if callee in FIGURE_CALLS and named else None
    return None


def hand_written_names(source: str) -> list[str]:
    """Where a source names a registered figure itself, as a column heading, a figure's label or in a list
    of figures: each as « line n: what »."""
    tree = ast.parse(source)
    found, headings = _dict_entries(tree)
    for node in ast.walk(tree):
        named = _named_figure(node) if id(node) not in headings else None
        if named:
            found.append(f"line {node.lineno}: {named}")
    return found


def test_every_figure_has_a_short_label_that_fits_a_column():
    for code, indicator in INDICATORS.items():
        assert indicator.code == code
        assert indicator.short_label.strip() == indicator.short_label and indicator.short_label, code
        assert len(indicator.short_label) <= SHORT_LABEL_MAX, (code, indicator.short_label)


def test_no_two_figures_share_a_name():
    shorts = [indicator.short_label for indicator in INDICATORS.values()]
    assert len(set(shorts)) == len(shorts), sorted(s for s in shorts if shorts.count(s) > 1)
    for code, indicator in INDICATORS.items():
        others = {other.label for key, other in INDICATORS.items() if key != code}
        assert indicator.short_label not in others, (code, indicator.short_label)


def test_indicator_columns_are_the_registry_s_words_in_the_order_asked():
    columns = indicator_columns("events_per_10k", "population_count", "events_per_10k")
    assert columns == {"events_per_10k": ("Événements / 10 000 hab.", 2), "population_count": ("Habitants", 0)}
    assert list(columns) == ["events_per_10k", "population_count"]
    with pytest.raises(KeyError):
        indicator_columns("events_per_10000")


def test_the_scan_finds_what_it_looks_for():
    source = '''
COLUMNS = {"name": ("Commune", None), "events_per_10k": ("Événements / 10 000 hab.", 2), "events_count": "Évts"}
FIGURES = [("population_count", "Habitants")]
free = {"free_count": ("Places libres", 0)}
st.metric("Ambassadeurs actifs", 12)
deck = [("Participants", figure(row, "participants_count"))]
chart = bar_chart(frame, "sector", "events_count", "Filière", "Événements")
'''
    assert sorted(hand_written_names(source)) == [
        "line 2: 'events_count': 'Évts'", "line 2: 'events_per_10k': 'Événements / 10 000 hab.'",
        "line 3: ('population_count', 'Habitants')", "line 5: metric('Ambassadeurs actifs', …) names ambassadors_count",
        "line 6: ('Participants', …) names participants_count"]


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_pages_and_views_take_figure_names_from_the_registry(path):
    assert SOURCES, "pages and views found"
    found = hand_written_names(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(ROOT)} names registered figures itself (use models.measures." \
                      f"indicator_columns or INDICATORS[code].short_label):\n" + "\n".join(found)
