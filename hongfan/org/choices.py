from django.db import models


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Education(models.TextChoices):
    DOCTOR = "doctor", "博士研究生"
    MASTER = "master", "硕士研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专及以下"


class PoliticalStatus(models.TextChoices):
    MEMBER = "member", "中共党员"
    PROBATIONARY = "probationary", "中共预备党员"
    APPLICANT = "applicant", "入党申请人/积极分子"
    MASSES = "masses", "群众"
    OTHER_PARTY = "other_party", "民主党派"


MEMBER_STATUSES = (PoliticalStatus.MEMBER, PoliticalStatus.PROBATIONARY)


class PersonStatus(models.TextChoices):
    ACTIVE = "active", "在职"
    LEFT = "left", "已离开"


class DepartmentKind(models.TextChoices):
    CLINICAL = "clinical", "临床科室"
    MEDTECH = "medtech", "医技科室"
    NURSING = "nursing", "护理单元"
    ADMIN = "admin", "行政后勤"


class BranchKind(models.TextChoices):
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"


class SeatRole(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY = "deputy", "副书记"
    ORGANISATION = "organisation", "组织委员"
    PROPAGANDA = "propaganda", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
    YOUTH = "youth", "青年委员"
    MEMBER = "member", "委员"


class DevelopmentStage(models.TextChoices):
    APPLICANT = "applicant", "入党申请人"
    ACTIVIST = "activist", "入党积极分子"
    CANDIDATE = "candidate", "发展对象"
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "正式党员"


class DevelopmentStatus(models.TextChoices):
    ACTIVE = "active", "进行中"
    COMPLETED = "completed", "已转正"
    STOPPED = "stopped", "已终止"


class CultivationDirection(models.TextChoices):
    CADRE_TO_MEMBER = "cadre_to_member", "把优秀中层干部培养成党员"
    MEMBER_TO_CADRE = "member_to_cadre", "把党员培养成中层骨干"


class CultivationOutcome(models.TextChoices):
    IN_PROGRESS = "in_progress", "培养中"
    ACHIEVED = "achieved", "已实现"
    STOPPED = "stopped", "已终止"


class Ethnicity(models.TextChoices):
    HAN = "汉族", "汉族"
    HUI = "回族", "回族"
    MANCHU = "满族", "满族"
    MONGOL = "蒙古族", "蒙古族"
    ZHUANG = "壮族", "壮族"
    KOREAN = "朝鲜族", "朝鲜族"
    MIAO = "苗族", "苗族"
    TUJIA = "土家族", "土家族"
    YI = "彝族", "彝族"
    TIBETAN = "藏族", "藏族"
    UYGHUR = "维吾尔族", "维吾尔族"
    OTHER = "其他", "其他"


class DevelopmentStepKind(models.TextChoices):
    """The steps of 发展党员 (《中国共产党发展党员工作细则》), in their usual order."""

    APPLICATION = "application", "递交入党申请书"
    TALK = "talk", "党组织派人谈话"
    ACTIVIST = "activist", "确定为入党积极分子"
    CONTACT = "contact", "指定培养联系人"
    THOUGHT_REPORT = "thought_report", "思想汇报"
    INSPECTION = "inspection", "培养考察"
    CANDIDATE = "candidate", "确定为发展对象"
    REVIEW = "review", "政治审查"
    TRAINING = "training", "集中培训"
    NOTICE = "notice", "发展对象公示"
    PRE_REVIEW = "pre_review", "上级党委预审"
    VOLUNTEER_FORM = "volunteer_form", "填写入党志愿书"
    BRANCH_MEETING = "branch_meeting", "支部大会讨论接收预备党员"
    APPROVAL = "approval", "上级党委派人谈话、审批"
    OATH = "oath", "入党宣誓"
    CONVERSION_APPLICATION = "conversion_application", "提交转正申请"
    CONVERSION = "conversion", "支部大会讨论转正"


class DueUnit(models.TextChoices):
    DAYS = "days", "天"
    WORKDAYS = "workdays", "个工作日"
    MONTHS = "months", "个月"


class DevelopmentPaper(models.TextChoices):
    """文书 generated from a step's data (Word)."""

    NONE = "", "无"
    ACTIVIST_NOTICE = "activist_notice", "入党积极分子公示"
    CANDIDATE_NOTICE = "candidate_notice", "发展对象公示"
    VOLUNTEER_COVER = "volunteer_cover", "入党志愿书封面及基本信息"
