from __future__ import annotations

from daigang.accounts.forms import OrganisationEditForm
from daigang.contracts.forms import OfferForm


def test_an_offer_note_over_2000_characters_is_a_form_error():
    form = OfferForm(data={"note": "约" * 2001})

    form.is_valid()

    assert "note" in form.errors
    assert "2000" in form.errors["note"][0]


def test_an_organisation_description_over_2000_characters_is_a_form_error():
    form = OrganisationEditForm(data={"description": "简" * 2001})

    form.is_valid()

    assert "description" in form.errors
    assert "2000" in form.errors["description"][0]
