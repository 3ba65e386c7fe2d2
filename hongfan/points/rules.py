"""The codes of the point rules other modules award under. A module names a rule by one of
these constants (``points.rules.ORG_MEETING``), never by a string of its own; a hospital's
catalogue holds a rule of each code (copied from the city's, ``DEFAULT_CATALOGUE``) and
awards go through ``points.services.awarding.award_by_code``."""

from __future__ import annotations

# 组织生活 (orglife)
ORG_MEETING = "ORG-MEETING"  # 参加组织生活（三会一课、主题党日）
ORG_LECTURE = "ORG-LECTURE"  # 讲授党课
ORG_APPRAISAL_EXCELLENT = "ORG-APPRAISAL-EXCELLENT"  # 民主评议党员评为优秀
# 学习 (study)
STUDY_ITEM = "STUDY-ITEM"  # 完成一项学习内容
STUDY_QUIZ = "STUDY-QUIZ"  # 参加答题并合格
# 志愿服务, 患者表扬, 先锋岗 (claimed by members until their modules arrive)
VOL_HOUR = "VOL-HOUR"  # 志愿服务（每小时）
PUBLIC_PRAISE = "PUBLIC-PRAISE"  # 患者表扬、锦旗
POST_DUTY = "POST-DUTY"  # 党员先锋岗、示范岗值守
POST_MERIT = "POST-MERIT"  # 岗位建功（技术创新、急难险重任务）
# 扣分 (deductions)
DED_APPRAISAL = "DED-APPRAISAL"  # 民主评议党员评为不合格
DED_ABSENT = "DED-ABSENT"  # 无故缺席组织生活
DED_COMPLAINT = "DED-COMPLAINT"  # 经核实的患者投诉

ALL_CODES = (
    ORG_MEETING,
    ORG_LECTURE,
    STUDY_ITEM,
    STUDY_QUIZ,
    VOL_HOUR,
    PUBLIC_PRAISE,
    POST_DUTY,
    POST_MERIT,
    ORG_APPRAISAL_EXCELLENT,
    DED_APPRAISAL,
    DED_ABSENT,
    DED_COMPLAINT,
)
