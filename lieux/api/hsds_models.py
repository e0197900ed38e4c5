"""The Open Referral HSDS 3.0 records the export writes (lieux/api/hsds.py fills them).

Field names and types are HSDS's; the descriptions are its own, shortened, with what each field
holds here. Fields are absent rather than null (HSDS types them as plain strings).
"""

from typing import Annotated

import msgspec
from msgspec import Meta


def about(text: str) -> Meta:
    return Meta(description=text)


_ID = about("A UUID derived from the lieu's slug: the same on every instance, every day.")
_SERVICE_ID = about("The service's id.")
_LOCATION_ID = about("The location's id.")
_ORGANIZATION_ID = about("The organization's id.")


class Record(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """HSDS fields are absent rather than null (its schemas type them as plain strings)."""


class Phone(Record, frozen=True, kw_only=True):
    id: Annotated[str, _ID]
    number: Annotated[str, about("The phone number, as the lieu writes it.")]
    service_id: Annotated[str | None, _SERVICE_ID] = None
    organization_id: Annotated[str | None, _ORGANIZATION_ID] = None
    location_id: Annotated[str | None, _LOCATION_ID] = None
    type: Annotated[str, about("The kind of line (RFC 6350): always `voice`.")]


class Language(Record, frozen=True, kw_only=True):
    id: Annotated[str, _ID]
    service_id: Annotated[str | None, _SERVICE_ID] = None
    name: Annotated[str | None, about("The language's name, in the answer's language.")] = None
    code: Annotated[str | None, about("Its ISO 639-1 (or 639-3) code.")] = None


class Address(Record, frozen=True, kw_only=True):
    id: Annotated[str, _ID]
    location_id: Annotated[str, _LOCATION_ID]
    address_1: Annotated[str, about("Street and number.")]
    city: Annotated[str, about("The commune (Bruxelles when not known).")]
    region: Annotated[str, about("The Brussels-Capital Region, in the answer's language.")]
    state_province: Annotated[str, about("The same region (HSDS requires this field).")]
    postal_code: Annotated[str, about("The postcode.")]
    country: Annotated[str, about("ISO 3166-1 alpha-2 country code: BE.")]
    address_type: Annotated[str, about("`physical`: where people go.")]


class Accessibility(Record, frozen=True, kw_only=True):
    id: Annotated[str, _ID]
    location_id: Annotated[str, _LOCATION_ID]
    description: Annotated[str | None, about("Step-free access: yes, partly or no, in words.")] = (
        None
    )
    details: Annotated[str | None, about("What else to know about access, as written.")] = None


class Schedule(Record, frozen=True, kw_only=True):
    id: Annotated[str, _ID]
    service_id: Annotated[str | None, _SERVICE_ID] = None
    freq: Annotated[
        str | None, about("`WEEKLY` for the weekly hours; absent for a dated special opening.")
    ] = None
    byday: Annotated[str | None, about("The days (`MO,TU,TH`), iCalendar style.")] = None
    opens_at: Annotated[
        str | None, about("Opening time, HH:MM, local wall time in Europe/Brussels.")
    ] = None
    closes_at: Annotated[
        str | None,
        about("Closing time, HH:MM local; earlier than `opens_at` when it closes the next day."),
    ] = None
    valid_from: Annotated[str | None, about("First day it applies (YYYY-MM-DD).")] = None
    valid_to: Annotated[str | None, about("Last day it applies (YYYY-MM-DD).")] = None
    description: Annotated[
        str | None,
        about("Names the time zone (HSDS's numeric `timezone` cannot follow summer time)."),
    ] = None
    notes: Annotated[
        str | None,
        about(
            "What the hours alone do not say: the lieu's closures (its live status and dated "
            "closures) and what it does on public holidays."
        ),
    ] = None


class CostOption(Record, frozen=True, kw_only=True):
    id: Annotated[str, _ID]
    service_id: Annotated[str, _SERVICE_ID]
    option: Annotated[str | None, about("The price, in words.")] = None
    amount: Annotated[float | None, about("0 when free; absent otherwise.")] = None
    currency: Annotated[str | None, about("EUR, with `amount`.")] = None
    amount_description: Annotated[str | None, about("The price, in words.")] = None


class Location(Record, frozen=True, kw_only=True):
    id: Annotated[str, _ID]
    location_type: Annotated[str, about("`physical`: a place people walk into.")]
    organization_id: Annotated[str | None, _ORGANIZATION_ID] = None
    name: Annotated[str | None, about("The lieu's name.")] = None
    url: Annotated[str | None, about("The lieu's public page.")] = None
    transportation: Annotated[str | None, about("How to get there by public transport.")] = None
    latitude: Annotated[float | None, about("Latitude in decimal degrees (WGS 84).")] = None
    longitude: Annotated[float | None, about("Longitude in decimal degrees (WGS 84).")] = None
    addresses: Annotated[
        tuple[Address, ...], about("Its street address (none when not known).")
    ] = ()
    accessibility: Annotated[
        tuple[Accessibility, ...], about("Its access for people with disabilities.")
    ] = ()


class ServiceAtLocation(Record, frozen=True, kw_only=True):
    id: Annotated[str, _ID]
    service_id: Annotated[str, _SERVICE_ID]
    location_id: Annotated[str, _LOCATION_ID]
    location: Annotated[Location | None, about("The location, in full.")] = None


class Organization(Record, frozen=True, kw_only=True):
    id: Annotated[str, _ID]
    name: Annotated[str, about("The lieu's name (each lieu is its own organization).")]
    description: Annotated[str, about("What the lieu is (its name when it wrote nothing).")]
    email: Annotated[str | None, about("The lieu's e-mail address.")] = None
    website: Annotated[str | None, about("The lieu's website.")] = None
    uri: Annotated[str | None, about("The lieu's public page here: a persistent URI.")] = None
    phones: Annotated[tuple[Phone, ...], about("The lieu's phone.")] = ()
    locations: Annotated[tuple[Location, ...], about("The lieu, as a place.")] = ()


class Service(Record, frozen=True, kw_only=True):
    id: Annotated[str, _ID]
    name: Annotated[str, about("The lieu's name.")]
    status: Annotated[
        str,
        about(
            "`active`, or `temporarily closed` while a dated closure or a live status "
            '("closed today") closes the lieu.'
        ),
    ]
    organization_id: Annotated[str | None, _ORGANIZATION_ID] = None
    description: Annotated[str | None, about("What the lieu is, in the answer's language.")] = None
    url: Annotated[str | None, about("The lieu's public page.")] = None
    email: Annotated[str | None, about("The lieu's e-mail address.")] = None
    eligibility_description: Annotated[
        str | None, about("Who the lieu is for and how people are welcomed.")
    ] = None
    fees_description: Annotated[str | None, about("Free or pay what you can, in words.")] = None
    alert: Annotated[
        str | None,
        about(
            "The lieu's closures, in words: its live status while it lasts (closed, closing "
            "early, with its note), then its dated closures to come."
        ),
    ] = None
    last_modified: Annotated[
        str | None, about("When the lieu's profile last changed (UTC, milliseconds).")
    ] = None
    assured_date: Annotated[
        str | None,
        about("The day (YYYY-MM-DD, Brussels) the lieu last confirmed its hours; or none."),
    ] = None
    phones: Annotated[tuple[Phone, ...], about("The lieu's phone.")] = ()
    schedules: Annotated[
        tuple[Schedule, ...],
        about("Its weekly hours and dated special openings (none when not entered)."),
    ] = ()
    languages: Annotated[tuple[Language, ...], about("Languages spoken at the welcome.")] = ()
    cost_options: Annotated[tuple[CostOption, ...], about("What it costs.")] = ()
    service_at_locations: Annotated[
        tuple[ServiceAtLocation, ...], about("Where the service is offered: the lieu.")
    ] = ()
    organization: Annotated[
        Organization | None, about("The organization offering it (the lieu itself).")
    ] = None


class PageInfo(msgspec.Struct, frozen=True, kw_only=True):
    """The HSDS API's paging fields."""

    total_items: Annotated[int, about("How many records there are in all.")]
    total_pages: Annotated[int, about("How many pages of `per_page` records.")]
    page_number: Annotated[int, about("This page's number, from 1.")]
    size: Annotated[int, about("How many records this page holds.")]
    first_page: Annotated[bool, about("True on the first page.")]
    last_page: Annotated[bool, about("True on the last page (or beyond it).")]
    empty: Annotated[bool, about("True when this page holds no record.")]


class ServicePage(PageInfo, frozen=True, kw_only=True):
    contents: Annotated[tuple[Service, ...], about("The services of this page, fully nested.")]


class OrganizationPage(PageInfo, frozen=True, kw_only=True):
    contents: Annotated[
        tuple[Organization, ...], about("The organizations of this page, with their location.")
    ]
