"""The organisation: city → hospitals → Party committee → branches → Party groups, the
departments each branch covers, and the people (职工 / 党员) with their development.

One module per noun; Django finds the models through the imports below."""

from hongfan.org.models.cultivation import DualCultivation
from hongfan.org.models.development import (
    Development,
    DevelopmentDocument,
    DevelopmentStep,
    DevelopmentStepRule,
)
from hongfan.org.models.hospitals import Authority, Hospital, PartyCommittee
from hongfan.org.models.people import Person, Transfer
from hongfan.org.models.structure import (
    Branch,
    BranchCommittee,
    CommitteeSeat,
    Department,
    OrgRule,
    PartyGroup,
)

__all__ = [
    "Authority",
    "Branch",
    "BranchCommittee",
    "CommitteeSeat",
    "Department",
    "Development",
    "DevelopmentDocument",
    "DevelopmentStep",
    "DevelopmentStepRule",
    "DualCultivation",
    "Hospital",
    "OrgRule",
    "PartyCommittee",
    "PartyGroup",
    "Person",
    "Transfer",
]
