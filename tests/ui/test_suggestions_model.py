"""The suggestions table as a plain model: where the visitor would go, said plainly."""

from __future__ import annotations

from loket.directory.routing import Suggestion
from loket.i18n import _
from ui.models.referral_models import SuggestionsModel


def _suggestion(**fields) -> Suggestion:
    base = {
        "service_id": "s1",
        "service_name": "Schulden Kampen",
        "organization_name": "Gemeente Kampen",
        "location_id": "l1",
        "city": "Kampen",
        "score": 10.0,
        "reasons": [_("only in {city}").format(city="Kampen")],
    }
    return Suggestion(**(base | fields))


def test_the_place_column_says_only_in_for_another_citys_local_service(qtbot):
    model = SuggestionsModel()
    model.set_items(
        [
            _suggestion(other_municipality=True),
            _suggestion(service_id="s2", other_municipality=False, city="Zwolle"),
            _suggestion(service_id="s3", city=None, location_id=None),
        ]
    )
    # the place isolated, so that right to left "'s-Hertogenbosch" keeps its apostrophe in front
    assert model.index(0, 1).data() == _("only in {city}").format(city="\u2068Kampen\u2069")
    assert model.index(1, 1).data() == "\u2068Zwolle\u2069"
    assert model.index(2, 1).data() == _("national")
    assert model.index(0, 2).data() == _("only in {city}").format(city="Kampen")


def test_a_place_name_with_an_apostrophe_keeps_it_in_front_in_a_right_to_left_reason(qtbot):
    # "في 's-Hertogenbosch": the apostrophe took the Arabic sentence's direction and was drawn
    # at the far end, "s-Hertogenbosch'"
    model = SuggestionsModel()
    model.set_items([_suggestion(reasons=["يساعد في الصحة", "في 's-Hertogenbosch"])])
    why = model.index(0, 2).data()
    assert why.endswith("في \u2068's\u2011Hertogenbosch\u2069")  # and kept on one line
    model.set_items([_suggestion(reasons=["helps with debts", "in Zwolle"])])
    assert model.index(0, 2).data() == "helps with debts · in Zwolle"
