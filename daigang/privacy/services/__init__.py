"""A seeker's rights over their personal information (PIPL): export, deletion, retention.

This package sits above every domain holding a seeker's data (accounts … contracts) so it can
read and anonymise all of it in one place; no lower package imports it.
"""

from __future__ import annotations

from daigang.privacy.services.deletion import (
    DELETED_NAME,
    AccountDeleteRefused,
    account_delete,
)
from daigang.privacy.services.export import seeker_export
from daigang.privacy.services.retention import applications_retention_run

__all__ = [
    "DELETED_NAME",
    "AccountDeleteRefused",
    "account_delete",
    "applications_retention_run",
    "seeker_export",
]
