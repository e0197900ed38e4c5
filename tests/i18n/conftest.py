"""A partner's site on another origin, as in tests/embed/, for the right-to-left widgets."""

from collections.abc import Iterator

import pytest

from tests.embed.conftest import HostSite


@pytest.fixture
def host_site() -> Iterator[HostSite]:
    site = HostSite()
    yield site
    site.stop()
