"""Référents page: only those in post in the school year, and the département before / since its last arrival."""

from tests.pages.test_pages import run_page


def test_the_nord_before_and_since_its_second_referent(app_env):
    app = run_page("pages/referents.py", "59")
    assert not app.exception, [e.message for e in app.exception]
    (heading,) = [h.value for h in app.subheader if h.value.startswith("Avant et depuis l'arrivée du")]
    figures = {m.label: m for m in app.metric}
    assert figures["Référents en poste"].value == "2" and figures["Référents en poste"].proto.delta == "+1", heading
    load = figures["Hab. par référent (ETP)"]
    assert load.proto.delta.startswith("-") and load.proto.color == 1  # fewer inhabitants per référent: good news
    assert any("En poste depuis" in table.value.columns for table in app.dataframe)


def test_a_departement_without_dated_referent_has_no_before_and_after(app_env):
    app = run_page("pages/referents.py", "80")
    assert not app.exception
    assert not [h for h in app.subheader if h.value.startswith("Avant et depuis")]
