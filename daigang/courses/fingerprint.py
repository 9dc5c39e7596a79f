"""What a certificate's content fingerprint hashes: the canonical JSON of its facts.

content_sha256 = SHA-256 of the UTF-8 bytes of

    json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

where `record` is

    {"version": 1,
     "certificate": {"number", "issued_at",
                     "holder": {"name", "phone"},
                     "course": {"title", "kind_of_work", "lessons"},
                     "bureau": {"name", "uscc"},
                     "provider": {"name", "uscc"}}}

("provider" only for a course a training organisation provided: the record of a bureau's own
course is as it always was, so certificates issued before providers existed still verify.)

Times are ISO 8601 in UTC with microseconds. The facts are copied onto the certificate when
it is issued, so the record stays reproducible from the database. The PDF's own SHA-256
(Certificate.pdf_sha256) is the hash of the file as downloaded, which the verification page
compares byte for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from daigang.contracts.fingerprint import canonical_json
from daigang.courses.models import Certificate

FINGERPRINT_VERSION = 1


def certificate_record(*, certificate: Certificate) -> dict[str, Any]:
    record: dict[str, Any] = {
        "version": FINGERPRINT_VERSION,
        "certificate": {
            "number": certificate.number,
            "issued_at": certificate.issued_at.astimezone(dt.UTC).isoformat(
                timespec="microseconds"
            ),
            "holder": {"name": certificate.holder_name, "phone": certificate.holder_phone},
            "course": {
                "title": certificate.course_title,
                "kind_of_work": certificate.kind_of_work,
                "lessons": certificate.lessons,
            },
            "bureau": {"name": certificate.bureau_name, "uscc": certificate.bureau_uscc},
        },
    }
    if certificate.provider_name:
        record["certificate"]["provider"] = {
            "name": certificate.provider_name,
            "uscc": certificate.provider_uscc,
        }
    return record


def certificate_fingerprint(*, certificate: Certificate) -> str:
    """The hex SHA-256 of the canonical JSON of the certificate's facts."""
    return hashlib.sha256(canonical_json(certificate_record(certificate=certificate))).hexdigest()
