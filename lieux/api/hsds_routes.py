"""The Open Referral HSDS 3.0 export: /api/hsds/services and /api/hsds/organizations, as the
HSDS API lays them out (paginated lists, one record by id). See lieux/api/hsds.py for what each
lieu becomes and the choices made."""

from datetime import datetime
from typing import Annotated, Literal, TypeVar
from uuid import UUID

from litestar import get
from litestar.exceptions import NotFoundException
from litestar.params import Parameter
from sqlite_utils import Database

from lieux.api import gather, hsds
from lieux.api.hsds_models import Organization, OrganizationPage, Service, ServicePage
from lieux.api.routes import JsonApiController, errors, example
from lieux.settings import Settings

MAX_PER_PAGE = 100
LangParameter = Annotated[
    Literal["fr", "nl", "en"],
    Parameter(
        description="Language of the text fields (HSDS has no per-field translations): "
        "French by default; a Dutch or English text not written yet stays French.",
        examples=example("nl"),
    ),
]
PageParameter = Annotated[
    int,
    Parameter(
        description="Page number, from 1 (a page past the last is empty).",
        ge=1,
        le=1_000_000,
        examples=example(1),
    ),
]
PerPageParameter = Annotated[
    int,
    Parameter(description="Records per page.", ge=1, le=MAX_PER_PAGE, examples=example(20)),
]


class HsdsController(JsonApiController):
    path = "/api/hsds"
    tags = ["HSDS 3.0"]

    @get(
        "/services",
        operation_id="hsds_list_services",
        summary="HSDS services",
        response_description="One page of services, as the HSDS API pages them.",
        sync_to_thread=True,
        responses=errors(400),
    )
    def services(
        self,
        db: Database,
        settings: Settings,
        now: datetime,
        page: PageParameter = 1,
        per_page: PerPageParameter = 50,
        lang: LangParameter = "fr",
    ) -> ServicePage:
        """Every lieu as a fully nested Open Referral HSDS 3.0 service (organization, location,
        schedules), by name. Fictional demo hours are never exported."""
        records = gather.hsds_records(db, settings, now=now, lang=lang)
        return _page(ServicePage, records, page, per_page)

    @get(
        "/services/{service_id:uuid}",
        operation_id="hsds_get_service",
        summary="One HSDS service",
        response_description="The service, fully nested.",
        sync_to_thread=True,
        responses=errors(400, 404),
    )
    def service(
        self,
        db: Database,
        settings: Settings,
        now: datetime,
        service_id: Annotated[
            UUID,
            Parameter(
                description="The service's id.",
                examples=example("526f354a-72ad-5c40-9406-16086ef07fdc"),
            ),
        ],
        lang: LangParameter = "fr",
    ) -> Service:
        """One service, as in the list; 404 for an id no lieu has."""
        for record in gather.hsds_records(db, settings, now=now, lang=lang):
            if record.id == str(service_id):
                return record
        raise NotFoundException(f"No service {service_id}")

    @get(
        "/organizations",
        operation_id="hsds_list_organizations",
        summary="HSDS organizations",
        response_description="One page of organizations.",
        sync_to_thread=True,
        responses=errors(400),
    )
    def organizations(
        self,
        db: Database,
        settings: Settings,
        now: datetime,
        page: PageParameter = 1,
        per_page: PerPageParameter = 50,
        lang: LangParameter = "fr",
    ) -> OrganizationPage:
        """Every lieu's organization (each lieu is its own), with its location, by name."""
        records = [
            hsds.organization(r) for r in gather.hsds_records(db, settings, now=now, lang=lang)
        ]
        return _page(OrganizationPage, records, page, per_page)

    @get(
        "/organizations/{organization_id:uuid}",
        operation_id="hsds_get_organization",
        summary="One HSDS organization",
        response_description="The organization, with its location.",
        sync_to_thread=True,
        responses=errors(400, 404),
    )
    def organization(
        self,
        db: Database,
        settings: Settings,
        now: datetime,
        organization_id: Annotated[
            UUID,
            Parameter(
                description="The organization's id.",
                examples=example("1ab13413-6f0d-5a58-83cd-49d479d050ec"),
            ),
        ],
        lang: LangParameter = "fr",
    ) -> Organization:
        """One organization, as in the list; 404 for an id no lieu has."""
        for record in gather.hsds_records(db, settings, now=now, lang=lang):
            if record.organization_id == str(organization_id):
                return hsds.organization(record)
        raise NotFoundException(f"No organization {organization_id}")


Page = TypeVar("Page", ServicePage, OrganizationPage)


def _page(kind: type[Page], records: list, page: int, per_page: int) -> Page:
    """Page `page` (from 1) of `records`, with the HSDS API's paging fields."""
    info, part = hsds.page_info(len(records), page, per_page)
    fields = {name: getattr(info, name) for name in info.__struct_fields__}
    return kind(**fields, contents=tuple(records[part]))
