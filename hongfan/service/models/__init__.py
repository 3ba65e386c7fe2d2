"""The service app's models, one file per noun (docs/app-anatomy.md)."""

from hongfan.service.models.activity import Activity, Shift, ShiftSwap, Signup
from hongfan.service.models.brand import Place, ServiceBrand, ServiceMeasure
from hongfan.service.models.desk import DeskHelp, LendItem, Loan, ServiceDesk
from hongfan.service.models.hours import HourEntry, HourTally, HourTotal
from hongfan.service.models.nursing import NurseProfile, NursingBooking, NursingService
from hongfan.service.models.post import ModelPost, ModelPostDuty, ModelPostMember, ModelPostReview
from hongfan.service.models.record import ActivityPhoto, Household, ServedCount, ServiceRecord
from hongfan.service.models.rules import ModelPostRule, NursingRule, VolunteerRule

__all__ = [
    "Activity",
    "ActivityPhoto",
    "DeskHelp",
    "HourEntry",
    "HourTally",
    "HourTotal",
    "Household",
    "LendItem",
    "Loan",
    "ModelPost",
    "ModelPostDuty",
    "ModelPostMember",
    "ModelPostReview",
    "ModelPostRule",
    "NurseProfile",
    "NursingBooking",
    "NursingRule",
    "NursingService",
    "Place",
    "ServedCount",
    "ServiceBrand",
    "ServiceDesk",
    "ServiceMeasure",
    "ServiceRecord",
    "Shift",
    "ShiftSwap",
    "Signup",
    "VolunteerRule",
]
