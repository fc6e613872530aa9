"""The demo's support for deputies in 2020, and what the 7th session's suggestions informed.

The article's figures come from individual records: 1,137,000 yuan of special activity funds
(3,000 yuan for each of the 296 municipal deputies, and 3,000 more for each of 83 deputies who led
research and inspections) and 859,200 yuan of communication and transport subsidies (2,400 yuan
for each municipal deputy, and a 1,200 yuan transport top-up for 124 deputies of the outlying
counties). Called from `demo.builder.DemoBuilder.build` once the 2020 station work exists.
"""

import datetime
from decimal import Decimal

from deputies.models import Deputy, DutyActivity
from reports.models import CommitteeWork, StudyMaterial, SupportPayment, TrainingCourse
from suggestions.models import Suggestion, SupervisionMeeting

ACTIVITY_FUND, EXTRA_FUND, EXTRA_FUNDED = Decimal(3000), Decimal(3000), 83
SUBSIDY, TOP_UP, TOPPED_UP = Decimal(2400), Decimal(1200), 124
LOST_WORK = [Decimal(1600)] * 10 + [Decimal("1250.50")] * 2
OUTLYING = ["兴县", "临县", "石楼县", "岚县", "方山县", "交口县", "柳林县", "中阳县"]


def build(builder):
    municipal = list(
        Deputy.objects.filter(level=Deputy.Level.MUNICIPAL)
        .select_related("delegation")
        .order_by("pk")
    )
    staff = builder.staff
    payments = []

    def pay(deputy, kind, amount, purpose, paid_on, line):
        payments.append(
            SupportPayment(
                deputy=deputy,
                kind=kind,
                amount=amount,
                purpose=purpose,
                paid_on=paid_on,
                budget_line=line,
                recorded_by=staff,
            )
        )

    K = SupportPayment.Kind
    for deputy in municipal:
        pay(
            deputy,
            K.ACTIVITY_FUND,
            ACTIVITY_FUND,
            "2020年代表专项活动经费",
            datetime.date(2020, 3, 31),
            "2020年人大代表活动经费",
        )
        pay(
            deputy,
            K.SUBSIDY,
            SUBSIDY,
            "2020年代表通讯补贴",
            datetime.date(2020, 12, 20),
            "2020年代表通讯交通补贴",
        )
    researchers = set(
        DutyActivity.objects.filter(kind="research", held_on__year=2020).values_list(
            "deputy", flat=True
        )
    )
    for deputy in [d for d in municipal if d.pk in researchers][:EXTRA_FUNDED]:
        pay(
            deputy,
            K.ACTIVITY_FUND,
            EXTRA_FUND,
            "专题调研、集中视察活动经费",
            datetime.date(2020, 9, 30),
            "2020年人大代表活动经费",
        )
    outlying = [d for d in municipal if d.delegation.name.removesuffix("代表团") in OUTLYING]
    for deputy in outlying[:TOPPED_UP]:
        pay(
            deputy,
            K.SUBSIDY,
            TOP_UP,
            "2020年远郊县代表交通补贴",
            datetime.date(2020, 12, 20),
            "2020年代表通讯交通补贴",
        )
    farmers = [d for d in municipal if "农民" in d.occupation or "村" in d.occupation]
    farmers = (farmers + [d for d in municipal if d not in farmers])[: len(LOST_WORK)]
    for deputy, amount in zip(farmers, LOST_WORK, strict=True):
        pay(
            deputy,
            K.LOST_WORK,
            amount,
            "参加市人大常委会组织的视察活动误工补贴",
            datetime.date(2020, 11, 10),
            "2020年代表误工补贴",
        )
    SupportPayment.objects.bulk_create(payments)

    trained = DutyActivity.objects.filter(kind="training", held_on=datetime.date(2020, 9, 15))
    course = TrainingCourse.objects.create(
        title="“牢记使命，履职为民”右玉培训班",
        starts_on=datetime.date(2020, 9, 15),
        ends_on=datetime.date(2020, 9, 18),
        place="右玉干部学院",
    )
    course.attendees.set(trained.values_list("deputy", flat=True))
    for title, sent_on in [
        ("《吕梁市人大常委会公报》2020年合订本", datetime.date(2020, 12, 28)),
        ("《人民代表报》2020年全年", datetime.date(2020, 1, 15)),
        ("《中国人大》2020年全年", datetime.date(2020, 1, 15)),
    ]:
        material = StudyMaterial.objects.create(title=title, sent_on=sent_on)
        material.recipients.set(municipal)

    # Who sat at the 7th session's assignment, progress and supervision meetings.
    chair, *vice_chairs = [x for x in builder.leaders if x.kind == "standing_committee"]
    mayors = [x for x in builder.leaders if x.kind == "vice_mayor"]
    present = {
        SupervisionMeeting.Kind.ASSIGNMENT: [chair, vice_chairs[0], *mayors],
        SupervisionMeeting.Kind.PROGRESS: [vice_chairs[0], vice_chairs[1], mayors[0], mayors[1]],
        SupervisionMeeting.Kind.SUPERVISION: [chair, vice_chairs[0], mayors[2]],
    }
    for meeting in SupervisionMeeting.objects.filter(session=builder.seventh):
        meeting.leaders.set(present.get(meeting.kind, []))

    seventh = Suggestion.objects.filter(session=builder.seventh).order_by("number")

    def about(*words, n=2):
        found = [s for s in seventh if any(w in s.title for w in words)][:n]
        return found or list(seventh[:n])

    for title, kind, outcome, words in [
        (
            "《吕梁市河道管理条例》",
            "legislation",
            "2020年制定出台，设河道生态治理、保护、利用专章。",
            ("河", "水"),
        ),
        ("《吕梁市古树名木保护条例》", "legislation", "2020年完成初审。", ("绿", "林", "树")),
        ("城区集中供热工作", "supervision", "全程跟踪监督，保障群众温暖过冬。", ("供热", "供暖")),
        (
            "“吕梁山护工”培训就业和健康扶贫工作",
            "supervision",
            "听取专项工作报告，提出审议意见。",
            ("就业", "扶贫", "医"),
        ),
        ("大数据应用集中视察", "inspection", "组织代表集中视察，形成视察报告。", ("数据", "信息")),
    ]:
        work = CommitteeWork.objects.create(title=title, kind=kind, year=2020, outcome=outcome)
        work.suggestions.set(about(*words))
