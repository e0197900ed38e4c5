"""`/readyz` (can this process serve: the database answers and is up to date) and `/metrics`.

`/healthz` (lieux.web.routes) stays a constant "ok": the process is alive. `/readyz` opens the
database file, runs a query and looks for pending migrations; a 503 with a JSON reason tells a
load balancer or systemd to wait, without a page for people.
"""

from litestar import MediaType, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.plugins.prometheus import PrometheusController
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from lieux.db import DatabaseError, open_existing
from lieux.db.check import ready
from lieux.ops.metrics import METRICS_PATH, may_scrape, registry_for
from lieux.settings import Settings


@get("/readyz", include_in_schema=False, sync_to_thread=True)
def readyz(settings: Settings) -> Response:
    try:
        db = open_existing(settings.db)
    except DatabaseError as error:
        reason = str(error)
    else:
        try:
            reason = ready(db)
        finally:
            db.close()
    if reason is None:
        return Response({"status": "ready"}, media_type=MediaType.JSON)
    return Response(
        {"status": "unavailable", "reason": reason},
        status_code=503,
        media_type=MediaType.JSON,
        headers={"Cache-Control": "no-store"},
    )


class MetricsController(PrometheusController):
    """Litestar's Prometheus endpoint, for the allowed addresses only."""

    path = METRICS_PATH
    include_in_schema = False

    @get(sync_to_thread=True)
    def get(self, request: Request, settings: Settings) -> Response:  # type: ignore[override]
        if not may_scrape(request.scope.get("client"), settings.metrics_allow):
            raise NotFoundException()
        return Response(
            generate_latest(registry_for(settings.db)),
            headers={"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"},
        )
