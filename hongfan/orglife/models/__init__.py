"""组织生活: meetings of every kind with their attendance, the rules of how often each kind
must be held and how it is run, compliance with them, and 民主评议党员 (the yearly appraisal).
One module per noun; Django finds the models through this package."""

from hongfan.orglife.models.appraisal import (
    Appraisal,
    AppraisalGrade,
    AppraisalVote,
    SelfAssessment,
)
from hongfan.orglife.models.attendance import Attendance
from hongfan.orglife.models.compliance import ComplianceTally
from hongfan.orglife.models.leave import LeaveRequest
from hongfan.orglife.models.meetings import Meeting, MeetingFile
from hongfan.orglife.models.rules import MeetingRequirement, MeetingRule

__all__ = [
    "Appraisal",
    "AppraisalGrade",
    "AppraisalVote",
    "Attendance",
    "ComplianceTally",
    "LeaveRequest",
    "Meeting",
    "MeetingFile",
    "MeetingRequirement",
    "MeetingRule",
    "SelfAssessment",
]
