"""What exactly is hashed: the canonical JSON of a signed contract.

content_sha256 = SHA-256 of the UTF-8 bytes of

    json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

where `record` is

    {
      "version": 1,
      "contract": {"number", "kind", "title", "body", "created_at",
                   "organisation": {"name", "uscc"}, "seeker": {"name", "phone"}},
      "signatures": [  # organisation first, then seeker
        {"party", "typed_name", "method", "signed_at", "ip", "image_sha256"}, …
      ]
    }

Times are ISO 8601 in UTC with microseconds ("2025-03-01T02:03:04.000005+00:00"); the drawn
image enters through the SHA-256 of its stored PNG bytes ("" for a tapped signature). The
number is printed in the PDF, the record stays reproducible from the database, and any change
to the text or to a signature record changes the hash.

The PDF's own SHA-256 (Contract.pdf_sha256) is a different thing: the hash of the file as
downloaded, which the verification page compares byte for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from daigang.contracts.models import Contract, Signature

FINGERPRINT_VERSION = 1
_PARTY_ORDER: dict[str, int] = {Signature.Party.ORGANISATION: 0, Signature.Party.SEEKER: 1}


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def contract_record(*, contract: Contract, signatures: Iterable[Signature]) -> dict[str, Any]:
    ordered = sorted(signatures, key=lambda signature: _PARTY_ORDER[signature.party])
    return {
        "version": FINGERPRINT_VERSION,
        "contract": {
            "number": contract.number,
            "kind": contract.kind,
            "title": contract.title,
            "body": contract.body,
            "created_at": _utc(contract.created_at),
            "organisation": {
                "name": contract.organisation_name,
                "uscc": contract.organisation_uscc,
            },
            "seeker": {"name": contract.seeker_name, "phone": contract.seeker_phone},
        },
        "signatures": [
            {
                "party": signature.party,
                "typed_name": signature.typed_name,
                "method": signature.method,
                "signed_at": _utc(signature.signed_at),
                "ip": signature.ip,
                "image_sha256": signature.image_sha256,
            }
            for signature in ordered
        ],
    }


def canonical_json(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def contract_fingerprint(*, contract: Contract, signatures: Iterable[Signature]) -> str:
    """The hex SHA-256 of the canonical JSON of the contract and its signature records."""
    record = contract_record(contract=contract, signatures=signatures)
    return hashlib.sha256(canonical_json(record)).hexdigest()
