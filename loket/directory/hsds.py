"""The Open Referral HSDS 3 tabular layout as Loket reads and writes it.

Column names are the specification's.  Fields HSDS has no column for — the needs a service
addresses, whether it takes warm handovers, whether it is the national escalation, whether its
contact details still need checking — travel as HSDS `attributes` pointing at terms of a
taxonomy of our own ("loket"), never as renamed or extra columns.

Ids Loket derives (taxonomy, terms, attributes, addresses, accessibility rows) are UUID5s of a
fixed namespace, so an export is the same file every time for the same directory.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

NAMESPACE = uuid.UUID("6f1c3a52-94d1-4f0e-9a57-2b8d1d0c7e21")
TAXONOMY_NAME = "loket"
NEED_PREFIX = "need."

# attribute term code -> (entities it may describe, database column)
FLAG_TERMS: dict[str, tuple[tuple[str, ...], str]] = {
    "warm_handover": (("service",), "warm_handover"),
    "escalation": (("service",), "is_escalation"),
    "to_verify": (("service", "organization", "location"), "to_verify"),
}
FLAG_DESCRIPTIONS = {
    "warm_handover": "The partner accepts a warm handover from the desk.",
    "escalation": "National escalation for multiple problems; only after local escalation.",
    "to_verify": "Contact details not yet checked (te controleren).",
}
TRUE_VALUES = frozenset({"", "true", "1", "yes", "ja", "y"})
FALSE_VALUES = frozenset({"false", "0", "no", "nee", "n"})


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


TAXONOMY_ID = stable_id("taxonomy", TAXONOMY_NAME)


def term_id(code: str) -> str:
    return stable_id("term", code)


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[str, ...]  # export order: the HSDS column names Loket fills
    required: tuple[str, ...]  # columns that must exist and hold a value on import


FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "organizations.csv",
        ("id", "name", "alternate_name", "description", "email", "website", "legal_status"),
        ("id", "name"),
    ),
    FileSpec(
        "services.csv",
        (
            "id",
            "organization_id",
            "name",
            "alternate_name",
            "description",
            "url",
            "email",
            "status",
            "interpretation_services",
            "application_process",
            "fees_description",
            "eligibility_description",
            "assured_date",
            "assurer_email",
        ),
        ("id", "organization_id", "name"),
    ),
    FileSpec(
        "locations.csv",
        (
            "id",
            "location_type",
            "organization_id",
            "name",
            "alternate_name",
            "description",
            "transportation",
            "latitude",
            "longitude",
        ),
        ("id",),
    ),
    FileSpec(
        "addresses.csv",
        (
            "id",
            "location_id",
            "address_1",
            "address_2",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ),
        ("id", "location_id"),
    ),
    FileSpec("accessibility.csv", ("id", "location_id", "description"), ("id", "location_id")),
    FileSpec(
        "service_at_location.csv",
        ("id", "service_id", "location_id", "description"),
        ("id", "service_id", "location_id"),
    ),
    FileSpec(
        "languages.csv", ("id", "service_id", "location_id", "name", "code", "note"), ("id", "code")
    ),
    FileSpec(
        "phones.csv",
        (
            "id",
            "location_id",
            "service_id",
            "organization_id",
            "service_at_location_id",
            "number",
            "extension",
            "type",
            "description",
        ),
        ("id", "number"),
    ),
    FileSpec(
        "schedules.csv",
        (
            "id",
            "service_id",
            "location_id",
            "service_at_location_id",
            "freq",
            "byday",
            "opens_at",
            "closes_at",
            "description",
            "notes",
        ),
        ("id",),
    ),
    FileSpec(
        "required_documents.csv",
        ("id", "service_id", "document", "uri"),
        ("id", "service_id", "document"),
    ),
    FileSpec("taxonomies.csv", ("id", "name", "description", "uri", "version"), ("id", "name")),
    FileSpec(
        "taxonomy_terms.csv",
        (
            "id",
            "code",
            "name",
            "description",
            "parent_id",
            "taxonomy",
            "language",
            "taxonomy_id",
            "term_uri",
        ),
        ("id", "name"),
    ),
    FileSpec(
        "attributes.csv",
        ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"),
        ("id", "link_id", "taxonomy_term_id"),
    ),
)
SPECS = {spec.name: spec for spec in FILES}
REQUIRED_FILES = ("organizations.csv",)

SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
ADDRESS_COLUMNS = (
    "address_1",
    "address_2",
    "city",
    "region",
    "state_province",
    "postal_code",
    "country",
)
# Text columns the schema declares NOT NULL: an empty cell is stored as "" rather than NULL.
NOT_NULL_TEXT = {("organisation", "description"), ("service", "description")}
# Which CSV file fills which directory table (addresses, accessibility and attributes are
# folded into location and service rows instead).
FILE_TABLE = {
    "organizations.csv": "organisation",
    "services.csv": "service",
    "locations.csv": "location",
    "service_at_location.csv": "service_at_location",
    "languages.csv": "service_language",
    "phones.csv": "phone",
    "schedules.csv": "schedule",
    "required_documents.csv": "required_document",
}
# HSDS attribute link_entity -> our table
# HSDS schedule `byday` codes (iCalendar), Monday first as Babel numbers the days.
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ENTITY_TABLE = {"service": "service", "organization": "organisation", "location": "location"}
