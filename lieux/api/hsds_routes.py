"""The Open Referral HSDS 3.0 export: /api/hsds/services and /api/hsds/organizations, as the
HSDS API lays them out (paginated lists, one record by id). See lieux/api/hsds.py for what each
lieu becomes and the choices made."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import Parameter
from sqlite_utils import Database

from lieux.api import gather, hsds
from lieux.api.caching import API_MIDDLEWARE
from lieux.api.routes import errors
from lieux.settings import Settings

MAX_PER_PAGE = 100
LangParameter = Annotated[
    Literal["fr", "nl", "en"],
    Parameter(
        description="Language of the text fields (HSDS has no per-field translations): "
        "French by default; a Dutch or English text not written yet stays French."
    ),
]
PageParameter = Annotated[int, Parameter(description="Page number, from 1.", ge=1, le=1_000_000)]
PerPageParameter = Annotated[int, Parameter(description="Records per page.", ge=1, le=MAX_PER_PAGE)]


class HsdsController(Controller):
    path = "/api/hsds"
    middleware = API_MIDDLEWARE
    tags = ["HSDS 3.0"]

    @get("/services", operation_id="hsds_list_services", sync_to_thread=True, responses=errors(400))
    def services(
        self,
        db: Database,
        settings: Settings,
        now: datetime,
        page: PageParameter = 1,
        per_page: PerPageParameter = 50,
        lang: LangParameter = "fr",
    ) -> hsds.ServicePage:
        """Every lieu as a fully nested HSDS service (organization, location, schedules)."""
        records = gather.hsds_records(db, settings, now=now, lang=lang)
        info, part = hsds.page_info(len(records), page, per_page)
        return hsds.ServicePage(**_fields(info), contents=tuple(records[part]))

    @get(
        "/services/{service_id:uuid}",
        operation_id="hsds_get_service",
        sync_to_thread=True,
        responses=errors(400, 404),
    )
    def service(
        self,
        db: Database,
        settings: Settings,
        now: datetime,
        service_id: Annotated[UUID, Parameter(description="The service's id.")],
        lang: LangParameter = "fr",
    ) -> hsds.Service:
        """One service, fully nested."""
        for record in gather.hsds_records(db, settings, now=now, lang=lang):
            if record.id == str(service_id):
                return record
        raise NotFoundException(f"No service {service_id}")

    @get(
        "/organizations",
        operation_id="hsds_list_organizations",
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
    ) -> hsds.OrganizationPage:
        """Every lieu's organization (each lieu is its own), with its location."""
        records = [
            hsds.organization(r) for r in gather.hsds_records(db, settings, now=now, lang=lang)
        ]
        info, part = hsds.page_info(len(records), page, per_page)
        return hsds.OrganizationPage(**_fields(info), contents=tuple(records[part]))

    @get(
        "/organizations/{organization_id:uuid}",
        operation_id="hsds_get_organization",
        sync_to_thread=True,
        responses=errors(400, 404),
    )
    def organization(
        self,
        db: Database,
        settings: Settings,
        now: datetime,
        organization_id: Annotated[UUID, Parameter(description="The organization's id.")],
        lang: LangParameter = "fr",
    ) -> hsds.Organization:
        """One organization."""
        for record in gather.hsds_records(db, settings, now=now, lang=lang):
            if record.organization_id == str(organization_id):
                return hsds.organization(record)
        raise NotFoundException(f"No organization {organization_id}")


def _fields(info: hsds.PageInfo) -> dict:
    return {name: getattr(info, name) for name in info.__struct_fields__}
