"""积分量化: a versioned rule catalogue, an append-only ledger and rollup totals.

Every module awards or deducts through ``services.awarding.points_award``; totals shown
anywhere are read from ``PointTotal`` rows that the same transaction updates, and
``manage.py checkpoints`` proves they equal the ledger.

One module per noun: ``catalogue`` (rules and their versions), ``ledger`` (entries and
totals), ``claims`` (claims and appeals). Importing them here is how Django finds the models
of the app. (季度之星 live in ``hongfan.recognition``, above points.)
"""

from hongfan.points.models.catalogue import PointRule, PointRuleVersion
from hongfan.points.models.claims import AppealStatus, ClaimStatus, PointAppeal, PointClaim
from hongfan.points.models.ledger import PointEntry, PointTotal

__all__ = [
    "AppealStatus",
    "ClaimStatus",
    "PointAppeal",
    "PointClaim",
    "PointEntry",
    "PointRule",
    "PointRuleVersion",
    "PointTotal",
]
