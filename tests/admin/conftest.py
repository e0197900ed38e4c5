"""The admin area's tests: a client signed in as a network admin."""

import pytest

from tests.people import add_member, sign_in


@pytest.fixture
def admin(client, seeded_path) -> str:
    """`client` signed in as a network admin ("Coordination"); the CSRF token."""
    return sign_in(client, seeded_path, add_member(seeded_path, "Coordination", admin=True))
