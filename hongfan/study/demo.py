"""Demo study data for a hospital: topics, a handful of current study items, a question bank
of about forty questions over three topics, one open exam, the demo accounts' (``member``,
``sec``) own entries, and this year's study of every member (fortnightly material, each
member's finished items with their points, last quarter's exam). The study points of the
ledger are paid from these records (points' demo leaves STUDY-ITEM and STUDY-QUIZ to us),
so the ledger and the records agree. Idempotent: a hospital that already has the demo
topics is left as it is. ``manage.py builddemo`` calls ``build_city_study``."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.dates import today
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Branch, Hospital, Person
from hongfan.points.rules import STUDY_ITEM, STUDY_QUIZ
from hongfan.points.services.awarding import CodedAward, award_many_by_code
from hongfan.study.choices import JUDGE_OPTIONS, ItemKind, LogMethod, LogStatus, QuestionKind
from hongfan.study.models import (
    AttemptQuestion,
    Exam,
    ExamAttempt,
    Question,
    StudyCompletion,
    StudyItem,
    StudyLog,
    StudyTopic,
)
from hongfan.study.selectors.learners import is_member
from hongfan.study.services.items import item_finish

THEORY = "党的理论学习"
ETHICS = "医德医风"
CONDUCT = "行业作风建设"

S, M, J = QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.JUDGE

# (topic, kind, difficulty, text, options, answer, explanation)
QUESTIONS: list[tuple[str, str, int, str, list[str], str, str]] = [
    (
        THEORY,
        S,
        1,
        "中国共产党的根本宗旨是什么？",
        ["全心全意为人民服务", "实现共产主义", "发展社会生产力", "坚持改革开放"],
        "A",
        "党章总纲：党除了工人阶级和最广大人民群众的利益，没有自己特殊的利益，全心全意为人民服务是党的根本宗旨。",
    ),
    (
        THEORY,
        S,
        1,
        "党的二十届三中全会审议通过的决定，主题是进一步全面深化改革、推进什么？",
        ["中国式现代化", "共同富裕", "乡村振兴", "高质量发展"],
        "A",
        "全会审议通过《中共中央关于进一步全面深化改革、推进中国式现代化的决定》。",
    ),
    (
        THEORY,
        S,
        1,
        "党的二十届三中全会召开于哪一年？",
        ["2022年", "2023年", "2024年", "2025年"],
        "C",
        "党的二十届三中全会于2024年7月在北京召开。",
    ),
    (
        THEORY,
        S,
        2,
        "进一步全面深化改革的总目标是继续完善和发展中国特色社会主义制度，推进什么现代化？",
        ["国家治理体系和治理能力", "国防和军队", "农业农村", "科学技术"],
        "A",
        "总目标：继续完善和发展中国特色社会主义制度，推进国家治理体系和治理能力现代化。",
    ),
    (
        THEORY,
        S,
        2,
        "党的二十届三中全会提出，到哪一年完成决定提出的改革任务？",
        ["2027年", "2029年", "2030年", "2035年"],
        "B",
        "到2029年中华人民共和国成立八十周年时，完成本决定提出的改革任务。",
    ),
    (
        THEORY,
        S,
        1,
        "党支部党员大会一般多长时间召开一次？",
        ["每月", "每季度", "每半年", "每年"],
        "B",
        "《中国共产党支部工作条例（试行）》：党员大会一般每季度召开1次。",
    ),
    (
        THEORY,
        S,
        1,
        "党支部委员会会议一般多长时间召开一次？",
        ["每周", "每月", "每季度", "每半年"],
        "B",
        "支部委员会会议一般每月召开1次。",
    ),
    (
        THEORY,
        S,
        2,
        "正式党员不少于多少人的党支部，应当设立支部委员会？",
        ["3人", "5人", "7人", "9人"],
        "C",
        "正式党员7人以上的党支部，设立党支部委员会。",
    ),
    (
        THEORY,
        S,
        2,
        "党支部委员会每届任期一般为几年？",
        ["1年或2年", "2年或3年", "3年或5年", "5年"],
        "C",
        "党支部委员会每届任期3年或者5年。",
    ),
    (
        THEORY,
        S,
        3,
        "预备党员的预备期为多长时间？",
        ["半年", "1年", "2年", "3年"],
        "B",
        "党章规定：预备党员的预备期为一年。",
    ),
    (
        THEORY,
        S,
        3,
        "延长预备党员的预备期，最长不超过多长时间？",
        ["3个月", "半年", "1年", "2年"],
        "C",
        "延长预备期，但不能超过一年。",
    ),
    (
        THEORY,
        M,
        2,
        "“三会一课”中的“三会”包括：",
        ["支部党员大会", "支部委员会", "党小组会", "职工代表大会"],
        "ABC",
        "“三会”指支部党员大会、支部委员会、党小组会；“一课”指党课。",
    ),
    (
        THEORY,
        M,
        2,
        "党员的义务包括：",
        [
            "认真学习马克思列宁主义、毛泽东思想、邓小平理论……",
            "贯彻执行党的基本路线和各项方针、政策",
            "坚持党和人民的利益高于一切",
            "在党的会议上参加关于党的政策问题的讨论",
        ],
        "ABC",
        "D项“参加讨论”是党员的权利，不是义务。",
    ),
    (
        THEORY,
        M,
        3,
        "党的二十届三中全会决定提出的“七个聚焦”包括聚焦：",
        [
            "构建高水平社会主义市场经济体制",
            "发展全过程人民民主",
            "建设美丽中国",
            "扩大对外投资规模",
        ],
        "ABC",
        "“七个聚焦”还包括建设社会主义文化强国、提高人民生活品质、建设更高水平平安中国、提高党的领导水平和长期执政能力。",
    ),
    (
        THEORY,
        J,
        1,
        "主题党日一般每月开展1次。",
        JUDGE_OPTIONS,
        "A",
        "各地党组织普遍每月固定一天开展主题党日。",
    ),
    (
        THEORY,
        J,
        1,
        "党员可以不参加党的组织生活。",
        JUDGE_OPTIONS,
        "B",
        "每个党员都必须编入党的一个支部、小组或其他特定组织，参加党的组织生活。",
    ),
    (
        THEORY,
        J,
        2,
        "党课每季度至少开展1次，党支部书记每年至少讲1次党课。",
        JUDGE_OPTIONS,
        "A",
        "《中国共产党支部工作条例（试行）》的规定。",
    ),
    (
        THEORY,
        J,
        3,
        "组织生活会一般每两年召开一次。",
        JUDGE_OPTIONS,
        "B",
        "组织生活会一般每年召开1次。",
    ),
    (
        ETHICS,
        S,
        1,
        "医务人员在医疗活动中应当首先做到的是：",
        ["以病人为中心", "追求经济效益", "完成科室指标", "减少工作量"],
        "A",
        "《医疗机构从业人员行为规范》要求以人为本、以病人为中心。",
    ),
    (
        ETHICS,
        S,
        1,
        "医务人员对患者的隐私应当：",
        ["依法保护", "可以在朋友圈分享", "告知无关人员", "随意讨论"],
        "A",
        "医务人员应当尊重患者隐私，依法保护患者个人信息。",
    ),
    (
        ETHICS,
        S,
        2,
        "对需要取得书面同意的手术，医务人员应当向谁说明医疗风险、替代医疗方案？",
        ["患者（或其近亲属）", "医院院长", "医保部门", "药品供应商"],
        "A",
        "《民法典》第一千二百一十九条：应当向患者具体说明，不能或不宜向患者说明的，应当向其近亲属说明，并取得其明确同意。",
    ),
    (
        ETHICS,
        S,
        2,
        "“医乃仁术”强调医生应具备的首要品质是：",
        ["仁爱之心", "高学历", "高收入", "好口才"],
        "A",
        "医乃仁术，仁爱之心是医德的核心。",
    ),
    (
        ETHICS,
        S,
        3,
        "患者及家属拒绝必要的抢救措施时，医务人员正确的做法是：",
        [
            "充分告知风险并书面记录，尊重其知情选择，同时报告上级",
            "强行实施",
            "立即停止一切治疗",
            "不予理睬",
        ],
        "A",
        "尊重知情选择权，做好告知与记录，按规定逐级报告。",
    ),
    (
        ETHICS,
        M,
        1,
        "以下属于医务人员应当遵守的行为规范的有：",
        ["以人为本，践行宗旨", "遵纪守法，依法执业", "尊重患者，关爱生命", "收受患者馈赠以示感谢"],
        "ABC",
        "收受馈赠违反廉洁从业要求。",
    ),
    (
        ETHICS,
        M,
        2,
        "医患沟通中应当做到：",
        [
            "使用患者能理解的语言",
            "认真倾听患者诉求",
            "对患者的疑问不耐烦",
            "如实告知病情和治疗方案",
        ],
        "ABD",
        "耐心、如实、通俗是医患沟通的基本要求。",
    ),
    (
        ETHICS,
        M,
        3,
        "医疗纠纷发生后，医疗机构应当：",
        [
            "封存、保管相关病历资料",
            "告知患者解决纠纷的合法途径",
            "篡改病历",
            "按规定向卫生健康主管部门报告",
        ],
        "ABD",
        "《医疗纠纷预防和处理条例》严禁篡改、伪造、隐匿、毁灭病历资料。",
    ),
    (
        ETHICS,
        J,
        1,
        "医务人员应当平等对待患者，不因患者的身份、地位区别对待。",
        JUDGE_OPTIONS,
        "A",
        "平等待患是基本医德要求。",
    ),
    (
        ETHICS,
        J,
        1,
        "为了节省时间，可以不向患者说明检查的目的。",
        JUDGE_OPTIONS,
        "B",
        "患者享有知情权，医务人员应当说明。",
    ),
    (
        ETHICS,
        J,
        2,
        "在紧急情况下为抢救生命垂危的患者，不能取得患者或近亲属意见的，经医疗机构负责人批准可以立即实施相应的医疗措施。",
        JUDGE_OPTIONS,
        "A",
        "《民法典》第一千二百二十条。",
    ),
    (
        ETHICS,
        J,
        3,
        "医务人员可以将患者的病历资料提供给无关的第三方用于商业目的。",
        JUDGE_OPTIONS,
        "B",
        "泄露患者隐私和个人信息属违法行为。",
    ),
    (
        CONDUCT,
        S,
        1,
        "《医疗机构工作人员廉洁从业九项准则》中，关于患者红包的要求是：",
        ["严禁索取、收受", "可以收受小额红包", "出院后可以收受", "由科室统一收受"],
        "A",
        "九项准则：恪守医德，严格自律，不索取、不收受患者财物。",
    ),
    (
        CONDUCT,
        S,
        1,
        "医务人员参加医药企业组织的学术活动，以下做法正确的是：",
        [
            "遵守规定，不接受违规资助和礼品",
            "接受企业安排的旅游",
            "收取讲课费后为其推销药品",
            "接受回扣",
        ],
        "A",
        "严禁接受医药企业违规安排的宴请、旅游和回扣。",
    ),
    (
        CONDUCT,
        S,
        2,
        "违规开具大处方、过度检查，属于哪类问题？",
        ["不合理诊疗", "正常医疗行为", "科研创新", "绩效管理"],
        "A",
        "属于群众反映强烈的不合理诊疗问题，是作风建设整治重点。",
    ),
    (
        CONDUCT,
        S,
        2,
        "医疗卫生行业作风建设的出发点和落脚点是：",
        ["维护人民群众健康权益", "提高医院收入", "增加科室人员", "减少门诊量"],
        "A",
        "行风建设要以人民为中心，维护群众健康权益。",
    ),
    (
        CONDUCT,
        S,
        3,
        "医疗机构及其工作人员违反九项准则的，按照什么原则处理？",
        ["依纪依法依规严肃处理", "内部批评了事", "不予处理", "由患者决定"],
        "A",
        "九项准则明确，违反者依纪依法依规严肃处理，并追究相关领导责任。",
    ),
    (
        CONDUCT,
        M,
        1,
        "九项准则要求医疗机构工作人员：",
        [
            "合法按劳取酬，不接受商业提成",
            "严守诚信原则，不参与欺诈骗保",
            "依据规范行医，不实施过度诊疗",
            "可以违规私自采购使用医药产品",
        ],
        "ABC",
        "“不违规私自采购使用医药产品”是准则要求，D项表述错误。",
    ),
    (
        CONDUCT,
        M,
        2,
        "以下属于欺诈骗取医保基金行为的有：",
        ["伪造医疗文书", "虚构医药服务项目", "串换药品、耗材", "按规定报销"],
        "ABC",
        "《医疗保障基金使用监督管理条例》列明的欺诈骗保行为。",
    ),
    (
        CONDUCT,
        M,
        3,
        "“院长热线”接到患者投诉后，应当做到：",
        ["逐一记录", "逐一核实", "逐一处理并反馈", "仅记录不处理"],
        "ABC",
        "逐一记录、逐一核实、逐一处理、逐一反馈。",
    ),
    (
        CONDUCT,
        J,
        1,
        "医务人员可以接受患者赠送的购物卡。",
        JUDGE_OPTIONS,
        "B",
        "购物卡属于财物，不得收受。",
    ),
    (
        CONDUCT,
        J,
        2,
        "医疗机构应当公开投诉受理渠道，畅通患者意见表达途径。",
        JUDGE_OPTIONS,
        "A",
        "《医疗机构投诉管理办法》的要求。",
    ),
    (
        CONDUCT,
        J,
        2,
        "医务人员可以在院外兼职时介绍患者到其兼职的机构治疗。",
        JUDGE_OPTIONS,
        "B",
        "九项准则：不违规介绍患者、不违规兼职。",
    ),
    (
        CONDUCT,
        J,
        3,
        "对一般投诉，医疗机构应当自收到投诉之日起5个工作日内向投诉人反馈。",
        JUDGE_OPTIONS,
        "A",
        "《医疗机构投诉管理办法》：情况较复杂的应当在10个工作日内反馈。",
    ),
]

ARTICLE_PLENUM = """<h3>一、全会的主题和重大意义</h3>
<p>党的二十届三中全会审议通过了《中共中央关于进一步全面深化改革、推进中国式现代化的决定》。全会站在新的历史起点上，对进一步全面深化改革作出系统部署，是新时代新征程上推动全面深化改革向广度和深度进军的总动员、总部署。</p>
<h3>二、总目标</h3>
<p>进一步全面深化改革的总目标是继续完善和发展中国特色社会主义制度，推进国家治理体系和治理能力现代化。到二〇三五年，全面建成高水平社会主义市场经济体制，基本实现国家治理体系和治理能力现代化。到二〇二九年中华人民共和国成立八十周年时，完成本决定提出的改革任务。</p>
<h3>三、与卫生健康工作的联系</h3>
<p>决定提出实施健康优先发展战略，深化医药卫生体制改革，促进医疗、医保、医药协同发展和治理，推动以公立医院为主导的分级诊疗。作为公立医院的党员，要把学习全会精神同做好本职工作结合起来，用党建引领业务，用业务检验党建。</p>
<h3>四、学习要求</h3>
<ul><li>原原本本学习决定全文和公报；</li><li>结合科室实际，查找差距、提出改进措施；</li><li>在支部“三会一课”中交流学习体会。</li></ul>"""

ARTICLE_CONDUCT = """<h3>医疗卫生行业作风建设</h3>
<p>《医疗机构工作人员廉洁从业九项准则》对医务人员提出了明确要求：合法按劳取酬，不接受商业提成；严守诚信原则，不参与欺诈骗保；依据规范行医，不实施过度诊疗；遵守工作规程，不违规接受捐赠；恪守保密准则，不泄露患者隐私；服从诊疗需要，不牟利转介患者；维护诊疗秩序，不破坏就医公平；共建和谐关系，不收受患方“红包”；恪守交往底线，不收受企业回扣。</p>
<p>行风建设没有“休止符”。每一名党员都要带头落实九项准则，在服务患者中亮身份、作表率。</p>"""

ARTICLE_RULES = """<h3>《中国共产党支部工作条例（试行）》要点</h3>
<p>党支部是党的基础组织，是党组织开展工作的基本单元。正式党员7人以上的党支部，设立党支部委员会，每届任期3年或者5年。</p>
<p>党支部应当组织党员按期参加党员大会、党小组会和上党课，定期召开党支部委员会会议：党员大会一般每季度召开1次，支部委员会会议一般每月召开1次，党小组会一般每月召开1次，党课一般每季度1次，党支部书记每年至少讲1次党课。</p>
<p>党支部每月相对固定1天开展主题党日，每年至少召开1次组织生活会，一般安排在第四季度。</p>"""

ARTICLE_BRANCH = """<h3>支部学习记录规范</h3>
<p>集中学习由支部书记主持，提前确定学习主题，做好签到与记录；个人自学由党员登记学习时长和学习体会，由支部书记确认。</p>
<p>请各位党员结合岗位工作，每月至少完成一项必学内容。</p>"""


@transaction.atomic
def build_study_demo(hospital: Hospital) -> int:
    """Build the demo study data of a hospital; returns the number of items created (0 when
    the hospital already has them)."""
    if StudyTopic.objects.filter(hospital=hospital, name=THEORY).exists():
        return 0
    now = timezone.now()
    day = today()
    topics = {
        name: StudyTopic.objects.create(hospital=hospital, name=name)
        for name in (THEORY, ETHICS, CONDUCT)
    }
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["member", "sec", "hosp"], person__hospital=hospital
        ).select_related("person")
    }
    sec_person = users["sec"].person if "sec" in users else None
    branch: Branch | None = sec_person.branch if sec_person else None
    published = now - timedelta(days=10)
    author = users.get("hosp")

    def item(**kw: object) -> StudyItem:
        obj = StudyItem(hospital=hospital, published_at=published, published_by=author, **kw)
        obj.full_clean(exclude=["document"])
        obj.save()
        return obj

    plenum = item(
        topic=topics[THEORY],
        kind=ItemKind.ARTICLE,
        title="党的二十届三中全会精神学习要点",
        summary="全会的主题、总目标和与卫生健康工作的联系",
        body=ARTICLE_PLENUM,
        required=True,
        due_on=day + timedelta(days=30),
        expected_minutes=30,
    )
    conduct = item(
        topic=topics[CONDUCT],
        kind=ItemKind.ARTICLE,
        title="医疗卫生行业作风建设：九项准则解读",
        summary="《医疗机构工作人员廉洁从业九项准则》逐条解读",
        body=ARTICLE_CONDUCT,
        required=True,
        due_on=day + timedelta(days=14),
        expected_minutes=20,
    )
    ethics = item(
        topic=topics[ETHICS],
        kind=ItemKind.VIDEO,
        title="医德医风专题教育片",
        summary="共产党员网专题视频，观看后登记学习时长",
        video_url="https://www.12371.cn/",
        required=False,
        expected_minutes=45,
    )
    rules = item(
        topic=topics[THEORY],
        kind=ItemKind.ARTICLE,
        title="《中国共产党支部工作条例（试行）》要点",
        body=ARTICLE_RULES,
        required=False,
        expected_minutes=15,
    )
    made = 4
    if branch is not None:
        item(
            topic=topics[THEORY],
            kind=ItemKind.ARTICLE,
            title=f"{branch.name}学习记录规范",
            body=ARTICLE_BRANCH,
            branch=branch,
            required=False,
            expected_minutes=10,
        )
        made += 1

    Question.objects.bulk_create(
        [
            Question(
                hospital=hospital,
                topic=topics[topic],
                kind=kind,
                difficulty=difficulty,
                text=text,
                options=list(options),
                answer=answer,
                explanation=explanation,
                created_by=author,
            )
            for topic, kind, difficulty, text, options, answer, explanation in QUESTIONS
        ]
    )
    exam = Exam.objects.create(
        hospital=hospital,
        title=f"{day.year}年党的理论与医德医风知识答题",
        count_easy=4,
        count_medium=4,
        count_hard=2,
        time_limit_minutes=15,
        pass_mark=60,
        max_attempts=3,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        created_by=author,
    )
    exam.topics.set(topics.values())

    # Self-study of the demo accounts: one article read to the end, one entry confirmed by
    # the secretary, and entries still waiting for confirmation.
    def log(
        person: Person, obj: StudyItem, minutes: int, days_ago: int, status: str, method: str
    ) -> StudyLog:
        return StudyLog.objects.create(
            hospital=hospital,
            person=person,
            item=obj,
            method=method,
            status=status,
            minutes=minutes,
            studied_on=day - timedelta(days=days_ago),
            note="结合科室工作认真学习" if method == LogMethod.SELF else "",
            decided_at=now if status == LogStatus.CONFIRMED else None,
        )

    member = users["member"].person if "member" in users else None
    if member is not None and is_member(member):
        read = log(member, plenum, plenum.expected_minutes, 3, LogStatus.CONFIRMED, LogMethod.READ)
        item_finish(
            access=None,
            person=member,
            item=plenum,
            method=LogMethod.READ,
            log=read,
            day=read.studied_on,
        )
        log(member, ethics, 40, 1, LogStatus.PENDING, LogMethod.SELF)
    if sec_person is not None and is_member(sec_person):
        confirmed = log(
            sec_person, conduct, conduct.expected_minutes, 4, LogStatus.CONFIRMED, LogMethod.SELF
        )
        confirmed.decided_by = author
        confirmed.save(update_fields=["decided_by"])
        item_finish(
            access=None,
            person=sec_person,
            item=conduct,
            method=LogMethod.SELF,
            log=confirmed,
            day=confirmed.studied_on,
        )
        log(sec_person, rules, 15, 2, LogStatus.PENDING, LogMethod.SELF)
    build_study_history(hospital, topics=topics, author=author, seed=hospital.pk)
    return made


def build_city_study(authority: Any) -> None:
    """The demo city's study (a step of ``builddemo``, registered in apps.py): in every
    hospital material, a question bank, an open exam and this year's study of every member
    (with the points it earned), the demo accounts' own entries in theirs."""
    for hospital in Hospital.objects.order_by("pk"):
        build_study_demo(hospital)


# --- a year of study for every member ------------------------------------------------------------

FORTNIGHTLY = [
    (THEORY, ItemKind.ARTICLE, "学习习近平新时代中国特色社会主义思想专题（{n}）", 70),
    (ETHICS, ItemKind.VIDEO, "医德医风微课堂（{n}）", 50),
    (CONDUCT, ItemKind.ARTICLE, "廉洁从业警示教育案例（{n}）", 45),
    (THEORY, ItemKind.VIDEO, "党史学习教育专题片（{n}）", 80),
    (THEORY, ItemKind.ARTICLE, "党纪学习教育：《中国共产党纪律处分条例》解读（{n}）", 60),
    (ETHICS, ItemKind.ARTICLE, "改善就医感受、提升患者体验（{n}）", 40),
]
HISTORY_BODY = (
    "<p>本期学习内容围绕党的创新理论和卫生健康工作展开，请结合岗位实际认真学习，"
    "在支部学习交流中谈体会、找差距、定措施。</p>"
)
# How members keep up: (share of members, least and most share of the material finished).
# Most keep pace; some are behind, a few far ahead.
KEEPING_UP = [(0.12, 0.3, 0.6), (0.58, 0.7, 0.92), (0.3, 0.92, 1.0)]


def _zeal(rng: random.Random) -> float:
    r, acc = rng.random(), 0.0
    for share, low, high in KEEPING_UP:
        acc += share
        if r < acc:
            return rng.uniform(low, high)
    return 1.0


def build_study_history(
    hospital: Hospital,
    *,
    topics: dict[str, StudyTopic],
    author: User | None,
    seed: int,
) -> int:
    """This year's fortnightly study material of the hospital and every member's study of it:
    each item finished is a confirmed entry of the minutes the item states, its completion
    and its points (through the points door, so that the ledger and the study records are
    one account). Members are spread: most on pace with the yearly target, some behind, a
    few ahead. Returns the number of items finished."""
    rng = random.Random(seed)
    day = today()
    start = date(day.year, 1, 1)
    tz = timezone.get_current_timezone()
    library: list[StudyItem] = []
    week = 0
    while start + timedelta(weeks=2 * week, days=3) < day - timedelta(days=1):
        published = start + timedelta(weeks=2 * week, days=rng.randrange(0, 4))
        topic, kind, title, minutes = FORTNIGHTLY[week % len(FORTNIGHTLY)]
        library.append(
            StudyItem(
                hospital=hospital,
                topic=topics[topic],
                kind=kind,
                title=title.format(n=week // len(FORTNIGHTLY) + 1),
                summary=f"{published.month}月学习内容",
                body=HISTORY_BODY if kind == ItemKind.ARTICLE else "",
                video_url="https://www.12371.cn/" if kind == ItemKind.VIDEO else "",
                required=week % 2 == 0,
                due_on=published + timedelta(days=21),
                expected_minutes=minutes,
                published_at=datetime.combine(published, time(9, 0), tzinfo=tz),
                published_by=author,
            )
        )
        week += 1
    StudyItem.objects.bulk_create(library)
    members = list(
        Person.objects.filter(
            hospital=hospital, status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES
        ).order_by("pk")
    )
    secretaries = dict(
        Branch.objects.filter(hospital=hospital, secretary__isnull=False).values_list(
            "pk", "secretary__user"
        )
    )
    already = set(StudyLog.objects.filter(hospital=hospital).values_list("person_id", "item_id"))
    logs: list[StudyLog] = []
    for person in members:
        zeal = _zeal(rng)
        for obj in library:
            if (person.pk, obj.pk) in already or rng.random() > zeal:
                continue
            published = timezone.localtime(obj.published_at).date()
            studied = min(day - timedelta(days=1), published + timedelta(days=rng.randrange(0, 18)))
            reads = obj.kind == ItemKind.ARTICLE
            logs.append(
                StudyLog(
                    hospital=hospital,
                    person=person,
                    item=obj,
                    method=LogMethod.READ if reads else LogMethod.SELF,
                    status=LogStatus.CONFIRMED,
                    minutes=obj.expected_minutes,
                    studied_on=studied,
                    note="" if reads else "认真观看，结合岗位谈体会",
                    decided_by_id=None if reads else secretaries.get(person.branch_id or 0),
                    decided_at=datetime.combine(studied, time(18, 0), tzinfo=tz),
                )
            )
    StudyLog.objects.bulk_create(logs, batch_size=2000)
    completions = StudyCompletion.objects.bulk_create(
        [
            StudyCompletion(
                hospital=hospital,
                person=log.person,
                item=log.item,
                method=log.method,
                log=log,
                completed_on=log.studied_on,
            )
            for log in logs
        ],
        batch_size=2000,
    )
    _pay_completions(completions)
    _past_exam(hospital, topics=topics, author=author, members=members, rng=rng)
    return len(completions)


def _pay_completions(completions: list[StudyCompletion]) -> None:
    """The points of finished items, as ``item_finish`` pays them (same source), in bulk."""
    results = award_many_by_code(
        access=None,
        awards=[
            CodedAward(
                c.person,
                STUDY_ITEM,
                c.completed_on,
                "study",
                f"{c.item.pk}-{c.person.pk}",
                reason=f"完成学习：{c.item.title}"[:200],
            )
            for c in completions
        ],
    )
    for c, result in zip(completions, results, strict=True):
        c.points_entry = result.entry if result else None
        c.points_note = (result.message if result else "本院未启用学习积分规则")[:200]
    StudyCompletion.objects.bulk_update(
        completions, ["points_entry", "points_note"], batch_size=2000
    )


def _past_exam(
    hospital: Hospital,
    *,
    topics: dict[str, StudyTopic],
    author: User | None,
    members: list[Person],
    rng: random.Random,
) -> None:
    """Last quarter's exam, closed: most members took it once, most of them passed, and
    the passes are paid as ``attempt_submit`` pays them."""
    day = today()
    this_quarter = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    closes = datetime.combine(this_quarter - timedelta(days=5), time(18, 0))
    closes = closes.replace(tzinfo=timezone.get_current_timezone())
    exam = Exam.objects.create(
        hospital=hospital,
        title=f"{closes.year}年第{(closes.month - 1) // 3 + 1}季度理论知识答题",
        count_easy=4,
        count_medium=4,
        count_hard=2,
        time_limit_minutes=15,
        pass_mark=60,
        max_attempts=3,
        opens_at=closes - timedelta(days=20),
        closes_at=closes,
        created_by=author,
    )
    exam.topics.set(topics.values())
    pools: dict[int, list[Question]] = {1: [], 2: [], 3: []}
    for q in Question.objects.filter(hospital=hospital, active=True):
        pools[q.difficulty].append(q)
    attempts: list[ExamAttempt] = []
    drawn: list[list[tuple[Question, bool]]] = []
    for person in members:
        if rng.random() > 0.8:
            continue
        skill = rng.uniform(0.45, 0.98)
        questions = rng.sample(pools[1], 4) + rng.sample(pools[2], 4) + rng.sample(pools[3], 2)
        answered = [(q, rng.random() < skill) for q in questions]
        right = sum(ok for _, ok in answered)
        started = exam.opens_at + timedelta(minutes=rng.randrange(60, 19 * 24 * 60))
        score = right * 10
        attempts.append(
            ExamAttempt(
                exam=exam,
                hospital=hospital,
                person=person,
                number=1,
                started_at=started,
                deadline=started + timedelta(minutes=15),
                submitted_at=started + timedelta(minutes=rng.randrange(4, 14)),
                question_count=len(questions),
                correct_count=right,
                score=score,
                passed=score >= exam.pass_mark,
            )
        )
        drawn.append(answered)
    ExamAttempt.objects.bulk_create(attempts, batch_size=2000)
    wrong_of = {1: "B", 0: "A"}
    AttemptQuestion.objects.bulk_create(
        [
            AttemptQuestion(
                attempt=a,
                question=q,
                position=i,
                chosen=q.answer if ok else wrong_of[int(q.answer.startswith("A"))],
                correct=ok,
            )
            for a, answered in zip(attempts, drawn, strict=True)
            for i, (q, ok) in enumerate(answered, start=1)
        ],
        batch_size=5000,
    )
    passed = [a for a in attempts if a.passed]
    results = award_many_by_code(
        access=None,
        awards=[
            CodedAward(
                a.person,
                STUDY_QUIZ,
                timezone.localtime(a.submitted_at).date(),  # type: ignore[arg-type]
                "exam",
                f"{exam.pk}-{a.person.pk}",
                reason=f"答题合格：{exam.title}"[:200],
            )
            for a in passed
        ],
    )
    for a, result in zip(passed, results, strict=True):
        a.points_entry = result.entry if result else None
        a.points_note = (result.message if result else "本院未启用答题积分规则")[:200]
    ExamAttempt.objects.bulk_update(passed, ["points_entry", "points_note"], batch_size=2000)
