"""Writes of the accounts domain. Import services from here."""

from __future__ import annotations

from daigang.accounts.services.memberships import membership_add, membership_remove
from daigang.accounts.services.organisations import (
    organisation_approve,
    organisation_document_add,
    organisation_register,
    organisation_reject,
    organisation_renew_request,
    organisation_update,
    required_document_kinds,
)
from daigang.accounts.services.phone_codes import (
    PHONE_CODE_DAILY_LIMIT,
    PHONE_CODE_RESEND_AFTER,
    phone_code_hash,
    phone_code_send,
    phone_code_verify,
    user_get_or_create,
    user_login_by_phone,
)

__all__ = [
    "PHONE_CODE_DAILY_LIMIT",
    "PHONE_CODE_RESEND_AFTER",
    "membership_add",
    "membership_remove",
    "organisation_approve",
    "organisation_document_add",
    "organisation_register",
    "organisation_reject",
    "organisation_renew_request",
    "organisation_update",
    "phone_code_hash",
    "phone_code_send",
    "phone_code_verify",
    "required_document_kinds",
    "user_get_or_create",
    "user_login_by_phone",
]
