"""No thread is still using the request's SQLite connection when it is closed.

Litestar resolves a handler's independent dependencies concurrently; when one fails (`lieu`:
404, 410) the others are cancelled, but a thread (`sync_to_thread=True`) runs on. `identity`
still reading while the connection closed crashed the process (a segfault, within 90 s of a
signed-in member asking for an archived lieu's page again and again). Dependencies that take
`db` run on the event loop; the handler, resolved after them, is the only one to use the
connection in a thread.
"""

from lieux.app import create_app
from tests.conftest import make_settings


def test_no_dependency_takes_the_connection_into_a_thread(db_path):
    app = create_app(make_settings(db_path))
    checked, threaded = set(), []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for name, provider in handler.resolve_dependencies().items():
                if "db" in provider.parsed_fn_signature.parameters:
                    checked.add(name)
                    if provider.sync_to_thread:
                        threaded.append(f"{name} of {route.path}")
    assert {"identity", "lieu", "any_lieu"} <= checked, checked  # the rule sees them
    assert not threaded
