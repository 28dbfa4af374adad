"""The incident record (docs/architecture.md, "The record") as strict pydantic models.

The JSON Schema of a record is generated from these classes (``python -m incidents schema``).
Checks that need the whole dataset (unique ids, ``related`` ids that exist) live in
``catalog.py``; everything a single file can get wrong is caught here.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationInfo,
    field_validator,
    model_validator,
)

from incidents.vocab import (
    AIRSPACE,
    BEHAVIOURS,
    CATEGORIES,
    COLLECTIONS,
    ESCALATION,
    NON_STATE_ACTORS,
    REGIONS,
    SERIES,
    TYPES,
    VERIFICATION,
    vocabulary,
)

ID_PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UNKNOWN_ACTOR = "unknown"


def parse_iso_date(value: object) -> dt.date:
    """A YYYY-MM-DD string as a date; anything else is a ValueError that says why.
    Shared by records and links so both read dates by the same rule."""
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise ValueError("is not a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"is not a real date ({error})") from None


def _iso_date(value: object) -> object:
    # Records are read with a YAML loader that keeps dates as text, so a date is always
    # an ISO string here; numbers and other shapes are refused rather than coerced.
    return value if isinstance(value, dt.date) else parse_iso_date(value)


def _utc_time(value: str) -> str:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise ValueError(f"{value!r} is not a time written HH:MM (00:00 to 23:59, UTC)")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


def _in_vocabulary(name: str) -> AfterValidator:
    def check(code: str) -> str:
        vocab = vocabulary(name)
        if code not in vocab:
            raise ValueError(f"{code!r} is not in vocab/{name}.yaml; use one of: {vocab.describe()}")
        return code

    return AfterValidator(check)


def is_country_code(code: str) -> bool:
    return len(code) == 2 and code.isupper() and pycountry.countries.get(alpha_2=code) is not None


def is_actor_code(code: str) -> bool:
    """The one actor-code rule, for records, links and flat files: an ISO 3166-1 alpha-2
    country, a non-state actor of vocab/actors.yaml, or ``unknown``."""
    return code == UNKNOWN_ACTOR or code in vocabulary(NON_STATE_ACTORS) or is_country_code(code)


def _actor_code(code: str) -> str:
    if is_actor_code(code):
        return code
    raise ValueError(
        f"{code!r} is neither an ISO 3166-1 alpha-2 country code (upper case), "
        f"a non-state actor of vocab/actors.yaml ({vocabulary(NON_STATE_ACTORS).describe()}) "
        f"nor {UNKNOWN_ACTOR!r}"
    )


def _country_code(code: str) -> str:
    if not is_country_code(code):
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code (e.g. US, RU, CN)")
    return code


IncidentType = Annotated[str, _in_vocabulary(TYPES)]
Region = Annotated[str, _in_vocabulary(REGIONS)]
Category = Annotated[str, _in_vocabulary(CATEGORIES)]
Verification = Annotated[str, _in_vocabulary(VERIFICATION)]
EscalationRisk = Annotated[str, _in_vocabulary(ESCALATION)]
Airspace = Annotated[str, _in_vocabulary(AIRSPACE)]
Behaviour = Annotated[str, _in_vocabulary(BEHAVIOURS)]
CollectionId = Annotated[str, _in_vocabulary(COLLECTIONS)]
SeriesId = Annotated[str, _in_vocabulary(SERIES)]
ActorCode = Annotated[str, AfterValidator(_actor_code)]
CountryCode = Annotated[str, AfterValidator(_country_code)]
WebUrl = HttpUrl  # pydantic refuses every scheme but http and https
Text = Annotated[str, Field(min_length=1)]
Count = Annotated[int, Field(ge=0)]


class Strict(BaseModel):
    """Unknown keys are errors: a typo must not silently drop a fact."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class DatePrecision(StrEnum):
    day = "day"
    month = "month"
    year = "year"


class Role(StrEnum):
    initiator = "initiator"
    target = "target"


class Location(Strict):
    name: Text
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    radius_km: Annotated[float, Field(gt=0, le=5000)] | None = Field(
        default=None, description="Honest uncertainty of the public location, in km."
    )
    region: Region
    airspace: Airspace | None = None
    country: CountryCode | None = Field(
        default=None, description="ISO 3166-1 alpha-2 code of the state whose airspace."
    )

    @model_validator(mode="after")
    def _coordinates_come_in_pairs(self) -> Location:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither (then run `python -m incidents geocode`)")
        return self


class Actor(Strict):
    role: Role
    country: ActorCode
    force: Text | None = None
    platform: Text | None = None
    category: Category = "unknown"
    count: Annotated[int, Field(ge=1)] | None = None


class Outcome(Strict):
    aircraft_lost: Count | None = None
    aircraft_damaged: Count | None = None
    killed: Count | None = None
    injured: Count | None = None
    note: Text | None = None


class Claim(Strict):
    party: ActorCode
    speaker: Text | None = Field(
        default=None, description="Who made the statement, as the source names them (e.g. US Air Forces Central)."
    )
    statement: Text
    source: Annotated[int, Field(ge=1, description="Number of the source, counting from 1.")]


class SourceKind(StrEnum):
    official = "official"  # the statement itself, as published by the government or command
    report = "report"  # news or analysis quoting or describing it
    other = "other"


class Source(Strict):
    publisher: Text
    title: Text | None = Field(default=None, description="Verbatim as published; leave empty rather than guess.")
    url: WebUrl
    published: IsoDate | None = None
    kind: SourceKind | None = Field(
        default=None,
        description="official: the statement as its government or command published it; "
        "report: news or analysis quoting or describing it; other.",
    )


class Incident(Strict):
    # Field order is validation order: the cross-field checks below read earlier fields
    # from ``info.data`` so that each error names the field a curator has to fix.
    id: Annotated[str, Field(pattern=ID_PATTERN.pattern, description="YYYY-MM-DD-slug, equal to the file name.")]
    title: Text
    date: IsoDate
    date_precision: DatePrecision = DatePrecision.day
    end_date: IsoDate | None = None
    time_utc: Annotated[str, AfterValidator(_utc_time)] | None = None
    type: IncidentType
    escalation_risk: EscalationRisk | None = None
    location: Location
    actors: Annotated[list[Actor], Field(min_length=1)]
    outcome: Outcome = Outcome()
    summary: Text
    notes: Text | None = None
    verification: Verification
    sources: Annotated[list[Source], Field(min_length=1)]
    claims: list[Claim] = []
    related: list[Annotated[str, Field(pattern=ID_PATTERN.pattern)]] = []
    series: SeriesId | None = None
    collections: list[CollectionId] = []
    behaviours: list[Behaviour] = []
    tags: list[Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]] = []

    @field_validator("id")
    @classmethod
    def _id_matches_file_name(cls, value: str, info: ValidationInfo) -> str:
        stem = (info.context or {}).get("file_stem")
        if stem is not None and value != stem:
            raise ValueError(f"id {value!r} must equal the file name {stem!r}")
        return value

    @field_validator("date")
    @classmethod
    def _date_matches_id(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        record_id = info.data.get("id")
        if record_id is not None and not record_id.startswith(value.isoformat()):
            raise ValueError(f"date {value.isoformat()} differs from the date in the id {record_id[:10]}")
        return value

    @field_validator("end_date")
    @classmethod
    def _end_not_before_start(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("date")
        if value is not None and start is not None and value < start:
            raise ValueError(f"end_date {value.isoformat()} is before date {start.isoformat()}")
        return value

    @field_validator("claims")
    @classmethod
    def _claims_cite_existing_sources(cls, claims: list[Claim], info: ValidationInfo) -> list[Claim]:
        if "sources" not in info.data:
            return claims  # the sources themselves are invalid; that error is reported already
        available = len(info.data["sources"])
        for number, claim in enumerate(claims, start=1):
            if claim.source > available:
                raise ValueError(f"claim {number} cites source {claim.source}, but there are {available} sources")
        return claims

    @field_validator("related")
    @classmethod
    def _not_related_to_itself(cls, related: list[str], info: ValidationInfo) -> list[str]:
        if info.data.get("id") in related:
            raise ValueError("an incident cannot be related to itself")
        return related

    @property
    def initiators(self) -> list[Actor]:
        return [actor for actor in self.actors if actor.role == Role.initiator]

    @property
    def targets(self) -> list[Actor]:
        return [actor for actor in self.actors if actor.role == Role.target]


def record_schema() -> dict[str, Any]:
    schema = Incident.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Airspace Incident Atlas record"
    return schema
