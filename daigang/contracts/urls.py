from __future__ import annotations

from django.urls import path

from daigang.contracts.views import manage, public, seeker

app_name = "contracts"
urlpatterns = [
    # organisation (owners and HR)
    path(
        "manage/<id:organisation_id>/applications/<id:application_id>/offer/",
        manage.manage_offer,
        name="manage_offer",
    ),
    path(
        "manage/<id:organisation_id>/applications/<id:application_id>/onboard/",
        manage.manage_onboard,
        name="manage_onboard",
    ),
    path(
        "manage/<id:organisation_id>/contracts/", manage.manage_contracts, name="manage_contracts"
    ),
    path(
        "manage/<id:organisation_id>/contracts/<id:contract_id>/",
        manage.manage_contract,
        name="manage_contract",
    ),
    path(
        "manage/<id:organisation_id>/contracts/<id:contract_id>/pdf/",
        manage.manage_contract_pdf,
        name="manage_contract_pdf",
    ),
    path(
        "manage/<id:organisation_id>/contract-templates/",
        manage.manage_templates,
        name="manage_templates",
    ),
    # seeker
    path("me/contracts/", seeker.seeker_todo, name="seeker_todo"),
    path("me/offers/<id:offer_id>/", seeker.seeker_offer, name="seeker_offer"),
    path("me/contracts/<id:contract_id>/", seeker.seeker_contract, name="seeker_contract"),
    path(
        "me/contracts/<id:contract_id>/pdf/",
        seeker.seeker_contract_pdf,
        name="seeker_contract_pdf",
    ),
    path("me/checkins/<id:checkin_id>/", seeker.seeker_checkin, name="seeker_checkin"),
    # public
    path("contracts/verify/", public.verify, name="verify"),
]
