"""SQLModel tables, one module per area. Importing this package registers every table on the metadata."""

from sqlalchemy import MetaData
from sqlmodel import SQLModel

# Named constraints keep SQLite batch migrations working (see Alembic's naming-convention docs).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from data_access.models.accounts import User, UserRole, UserSession  # noqa: E402
from data_access.models.audit import AuditLog  # noqa: E402
from data_access.models.briefing import DisplayLink  # noqa: E402
from data_access.models.committee import (  # noqa: E402
    ActionItem,
    AgendaItem,
    Agreement,
    Claim,
    CommitteeMeeting,
    MeetingAttendance,
    MemberUnit,
    Need,
    ProgressUpdate,
    Project,
    Resource,
    ServiceItem,
)
from data_access.models.council import (  # noqa: E402
    Council,
    CouncilAgendaItem,
    CouncilAttendance,
    CouncilBallot,
    CouncilDecision,
    CouncilMeeting,
    CouncilMember,
    CouncilRating,
    CouncilReview,
    CouncilTopic,
)
from data_access.models.fund import (  # noqa: E402
    Fund,
    FundEvent,
    FundFile,
    FundIncome,
    FundManager,
    FundRequest,
    FundSignature,
)
from data_access.models.org import Community, Grid, Street  # noqa: E402
from data_access.models.service import Matter, MatterEvent, MatterTally  # noqa: E402
from data_access.models.volunteer import (  # noqa: E402
    Certificate,
    OrderEvent,
    PointsAccount,
    PointsTransfer,
    Redemption,
    ServiceRecord,
    SignOffLink,
    StoreGood,
    Volunteer,
    VolunteerOrder,
    VolunteerTally,
    VolunteerTeam,
)

metadata: MetaData = SQLModel.metadata

__all__ = ["ActionItem", "AgendaItem", "Agreement", "AuditLog", "Certificate", "Claim", "CommitteeMeeting", "Community",
           "Council", "CouncilAgendaItem", "CouncilAttendance", "CouncilBallot", "CouncilDecision", "CouncilMeeting",
           "CouncilMember", "CouncilRating", "CouncilReview", "CouncilTopic", "DisplayLink", "Fund",
           "FundEvent", "FundFile", "FundIncome", "FundManager", "FundRequest", "FundSignature", "Grid", "Matter",
           "MatterEvent", "MatterTally", "MeetingAttendance", "MemberUnit", "Need", "OrderEvent", "PointsAccount",
           "PointsTransfer", "ProgressUpdate", "Project", "Redemption", "Resource", "ServiceItem", "ServiceRecord",
           "SignOffLink", "StoreGood", "Street", "User", "UserRole", "UserSession", "Volunteer", "VolunteerOrder",
           "VolunteerTally", "VolunteerTeam", "metadata"]
