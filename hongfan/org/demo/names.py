"""Material for believable generated people: names, places, departments, posts."""

from __future__ import annotations

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱"
    "严覃武戴莫孔向汤颜"
)
# Heavier weights for the commonest surnames, as in Shandong.
SURNAME_WEIGHTS = [12 if i < 10 else 5 if i < 30 else 2 for i in range(len(SURNAMES))]
GIVEN_MALE = "伟强磊军洋勇杰涛超明刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣振国建峰亮成志东文"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀燕玲桂丹萍红玉兰英梅琳雪慧莹颖倩婷晶洁璐瑶佳蕾薇月琪怡妍悦"
GIVEN_ANY = "晓春海新晨子博思嘉一雨天明安书诗文心可欣悦昊然泽"

# 济宁市 districts and counties (GB/T 2260), used in generated ID numbers.
JINING_REGIONS = (
    "370811",
    "370812",
    "370826",
    "370827",
    "370828",
    "370829",
    "370830",
    "370831",
    "370832",
    "370881",
    "370883",
)

ETHNICITY_WEIGHTS = (
    ("汉族", 985),
    ("回族", 10),
    ("满族", 2),
    ("蒙古族", 1),
    ("壮族", 1),
    ("朝鲜族", 1),
)

# (name, kind) — the departments of a general hospital.
CLINICAL = [
    "心血管内科",
    "呼吸与危重症医学科",
    "消化内科",
    "神经内科",
    "内分泌科",
    "肾内科",
    "血液科",
    "肿瘤科",
    "感染性疾病科",
    "老年医学科",
    "普外科",
    "骨科",
    "神经外科",
    "胸外科",
    "泌尿外科",
    "心脏大血管外科",
    "妇科",
    "产科",
    "儿科",
    "新生儿科",
    "眼科",
    "耳鼻咽喉头颈外科",
    "口腔科",
    "皮肤科",
    "中医科",
    "康复医学科",
    "急诊科",
    "重症医学科",
    "麻醉科",
    "全科医学科",
]
MEDTECH = ["医学影像科", "检验科", "病理科", "药学部", "超声医学科", "核医学科", "输血科"]
NURSING = ["护理部"]
ADMIN = [
    "党委办公室",
    "党群工作部",
    "院长办公室",
    "医务部",
    "门诊部",
    "财务科",
    "人力资源部",
    "信息中心",
    "后勤保障部",
    "纪检监察室",
    "医保办",
    "科研教学部",
    "患者服务中心",
]

DOCTOR_TITLES = (
    ("主任医师", 6),
    ("副主任医师", 14),
    ("主治医师", 35),
    ("住院医师", 30),
    ("医师", 15),
)
NURSE_TITLES = (("主任护师", 2), ("副主任护师", 8), ("主管护师", 35), ("护师", 35), ("护士", 20))
TECH_TITLES = (
    ("主任技师", 3),
    ("副主任技师", 10),
    ("主管技师", 35),
    ("技师", 40),
    ("主管药师", 12),
)
ADMIN_TITLES = (("高级经济师", 4), ("经济师", 20), ("助理经济师", 26), ("", 50))

EDUCATION_WEIGHTS_DOCTOR = (("doctor", 12), ("master", 48), ("bachelor", 38), ("college", 2))
EDUCATION_WEIGHTS_OTHER = (("master", 6), ("bachelor", 62), ("college", 28), ("secondary", 4))
