"""评优表彰 (recognition): the honours a hospital gives its members, read from what the
producers record (points, meetings). One module per noun: ``stars`` (季度之星). Importing
them here is how Django finds the models of the app."""

from hongfan.recognition.choices import QuotaMode, StarStatus
from hongfan.recognition.models.stars import QuarterStar, StarSelection, StarTieChoice

__all__ = ["QuarterStar", "QuotaMode", "StarSelection", "StarStatus", "StarTieChoice"]
