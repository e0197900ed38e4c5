"""The members' area of one lieu, one controller per resource.

Each controller declares its guard once, as the `by` dependency (`provide_manager` or
`provide_member` from lieux.members.guards: 401 when not signed in, 403 when not allowed), so
every handler that names `by` is refused before it runs. The authorization test in
tests/manage/test_authorization.py lists every write route and fails on a new one.
"""

from lieux.manage.routes.activities import ActivityController
from lieux.manage.routes.audit import AuditController
from lieux.manage.routes.dashboard import DashboardController
from lieux.manage.routes.hours import HoursController
from lieux.manage.routes.invites import InviteController
from lieux.manage.routes.members import MemberController
from lieux.manage.routes.profile import ProfileController
from lieux.manage.routes.proposals import DecisionController, ProposalController
from lieux.manage.routes.public_proposals import PublicProposalController
from lieux.manage.routes.settings import SettingsController
from lieux.manage.routes.status import StatusController

CONTROLLERS = [
    DashboardController,
    ActivityController,
    ProposalController,
    DecisionController,
    MemberController,
    InviteController,
    HoursController,
    ProfileController,
    SettingsController,
    AuditController,
    PublicProposalController,
    StatusController,
]
