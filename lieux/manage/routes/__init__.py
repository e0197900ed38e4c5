"""The members' area of one lieu, one controller per resource.

Each controller declares its guard once, `dependencies = FOR_MANAGERS` or FOR_MEMBERS
(lieux.members.guards: 401 when not signed in, 403 when not allowed), and every handler names
`by`, so it is refused before it runs. tests/manage/test_every_route_guarded.py walks every
/manage and /admin route as a stranger; tests/manage/test_authorization.py says who may call
each write route and fails on a new one.
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
