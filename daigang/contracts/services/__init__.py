"""Writes of daigang.contracts: offers, contracts and signing, onboarding and check-ins."""

from __future__ import annotations

from daigang.contracts.services.checkins import (
    CheckInAnswers,
    checkin_answer,
    checkins_send_due,
    onboarding_mark,
)
from daigang.contracts.services.contracts import (
    contract_sign,
    contract_template_reset,
    contract_template_save,
)
from daigang.contracts.services.offers import (
    OfferTerms,
    offer_accept,
    offer_decline,
    offer_send,
)

__all__ = [
    "CheckInAnswers",
    "OfferTerms",
    "checkin_answer",
    "checkins_send_due",
    "contract_sign",
    "contract_template_reset",
    "contract_template_save",
    "offer_accept",
    "offer_decline",
    "offer_send",
    "onboarding_mark",
]
