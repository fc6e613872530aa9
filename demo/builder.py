"""Builds the demo congress from fixtures/demo/*.json.

The 7th session of the 3rd municipal people's congress reproduces the source article: 150
suggestions, all handled, replied and closed; 707 liaison stations. A current session, dated
relative to the day the demo is loaded, holds suggestions in every state. Suggestions move
through the real service functions, so the demo's history is what the workflow writes.
People and phone numbers are invented ("100" numbers are not allocated in China).
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from congress.models import (
    Delegation,
    Division,
    HandlingUnit,
    Leader,
    Session,
    Term,
    WorkingCommittee,
)
from congress.roles import staff_group
from demo.closed_sessions import ClosedSessions
from demo.counties import Counties
from demo.current_session import CurrentSession
from demo.fixtures import DEMO_MARKER_TERM, FIXTURES, PASSWORD, is_loaded, load  # noqa: F401
from demo.station_work import StationWork
from deputies.models import Deputy, LiaisonStation
from reports import demo as reports_demo
from suggestions import services
from suggestions.models import (
    Assignment,
    Category,
    Contact,
    Notification,
    Suggestion,
)


class DemoBuilder(ClosedSessions, CurrentSession, StationWork, Counties):
    def __init__(self, today=None):
        self.today = today or timezone.localdate()
        self.rng = random.Random(20201231)
        self.ref = load("reference.json")
        self.topics = load("topics.json")
        self.phone_serial = 0
        self.wide_places = ("全市", "市区")  # a suggestion about the whole city, or its centre

    def fake_phone(self):
        self.phone_serial += 1
        return f"100{self.phone_serial:08d}"

    def build(self):
        self.users()
        self.structure()
        self.people()
        self.stations()
        # The loop's additions draw from their own random stream, so the 7th session and the
        # stations come out exactly as before they were added.
        self.with_own_rng(self.earlier_sessions)
        self.seventh_session()
        # What happened in 2020 was read long ago.
        Notification.objects.update(read_at=timezone.now())
        self.current_session()
        self.with_own_rng(self.loop_cases)
        self.station_work_2020()
        self.station_work_now()
        reports_demo.build(self)  # 2020's support for deputies, meetings' leaders, committee work
        self.co_signing_request()
        self.counties()  # last: each draws from its own random stream

    # --- accounts and structure ------------------------------------------------------------

    def users(self):
        # The demo's logins share one password, hashed once: each hash is a deliberate half
        # second or so of PBKDF2, which a newcomer's first `make run` need not pay each time.
        self.hashed = make_password(PASSWORD)
        self.staff_group = staff_group()
        login = self.login
        self.admin = login("admin", is_staff=True, is_superuser=True)
        # An invented staff member; the history names her role beside her.
        self.staff = login("staff", is_staff=True, first_name="王敏")
        self.staff.groups.add(self.staff_group)
        self.deputy_user = login("deputy")
        self.deputy2_user = login("deputy2")
        self.unit_user = login("unit")
        self.keeper_user = login("keeper", first_name="联络站管理员")

    def login(self, name, **fields):
        return get_user_model().objects.create(
            username=name, email=f"{name}@congress.example", password=self.hashed, **fields
        )

    def structure(self):
        self.term = Term.objects.create(
            number=3, name="吕梁市第三届人民代表大会", starts_on=datetime.date(2016, 9, 20)
        )
        self.old_sessions = [
            Session.objects.create(
                term=self.term,
                number=n,
                name=f"市三届人大{cn}次会议",
                opens_on=datetime.date(year, 1, 6),
                closes_on=datetime.date(year, 1, 9),
            )
            for n, cn, year in [(5, "五", 2018), (6, "六", 2019)]
        ]
        self.seventh = Session.objects.create(
            term=self.term,
            number=7,
            name="市三届人大七次会议",
            opens_on=datetime.date(2020, 1, 7),
            closes_on=datetime.date(2020, 1, 10),
        )
        self.term4 = Term.objects.create(
            number=4, name="吕梁市第四届人民代表大会", starts_on=datetime.date(2021, 9, 26)
        )
        opens = self.today - datetime.timedelta(days=120)
        self.current = Session.objects.create(
            term=self.term4,
            number=6,
            name="市四届人大六次会议",
            opens_on=opens,
            closes_on=opens + datetime.timedelta(days=3),
        )
        self.divisions, self.delegations = [], []
        for order, row in enumerate(self.ref["divisions"]):
            division = Division.objects.create(name=row["name"], order=order)
            self.divisions.append(division)
            self.delegations.append(
                Delegation.objects.create(
                    name=f"{row['name']}代表团", division=division, order=order
                )
            )
        self.categories = {
            name: Category.objects.create(name=name, order=i)
            for i, name in enumerate(self.ref["categories"])
        }
        self.units = {}
        for name, short, kind in self.ref["units"]:
            self.units[short] = HandlingUnit.objects.create(
                name=name,
                short_name=short,
                kind=kind,
                contact_person=self.person_name(),
                phone=self.fake_phone(),
                address=f"吕梁市离石区{self.rng.choice(['龙凤大街', '北川河东路', '滨河北西路', '永宁中路'])}{self.rng.randint(1, 300)}号",
            )
        self.units["市住建局"].members.add(self.unit_user)
        self.leaders = [
            Leader.objects.create(name=n, kind=k, title=t) for n, k, t in self.ref["leaders"]
        ]
        self.committees = [WorkingCommittee.objects.create(name=n) for n in self.ref["committees"]]

    def person_name(self):
        return self.rng.choice(self.ref["surnames"]) + self.rng.choice(self.ref["given"])

    def people(self):
        deputies, seen = [], set()
        counts = [row["deputies"] for row in self.ref["divisions"]]
        plan = [
            (d, Deputy.Level.MUNICIPAL)
            for d, n in zip(self.delegations, counts, strict=True)
            for _ in range(n)
        ]
        plan += [(self.rng.choice(self.delegations), Deputy.Level.PROVINCIAL) for _ in range(24)]
        plan += [(self.rng.choice(self.delegations), Deputy.Level.NATIONAL) for _ in range(6)]
        for delegation, level in plan:
            name = self.person_name()
            while (name, delegation.pk) in seen:
                name = self.person_name()
            seen.add((name, delegation.pk))
            deputies.append(
                Deputy(
                    name=name,
                    level=level,
                    delegation=delegation,
                    gender=self.rng.choice(["male", "male", "female"]),
                    ethnicity="汉族",
                    party=self.rng.choice(self.ref["parties"]),
                    occupation=self.rng.choice(self.ref["occupations"]),
                    phone=self.fake_phone(),
                    id_number=f"1411{self.rng.randint(10, 99)}19{self.rng.randint(50, 95)}0101{len(deputies):04d}",
                )
            )
        Deputy.objects.bulk_create(deputies)
        self.deputies = list(Deputy.objects.order_by("pk"))
        self.municipal = [d for d in self.deputies if d.level == Deputy.Level.MUNICIPAL]
        self.by_delegation = {}
        for deputy in self.municipal:
            self.by_delegation.setdefault(deputy.delegation_id, []).append(deputy)
        self.me = self.municipal[0]  # the "deputy" login: 离石区代表团
        self.me.user = self.deputy_user
        self.me.save(update_fields=["user"])
        self.colleague = self.municipal[1]  # the "deputy2" login
        self.colleague.user = self.deputy2_user
        self.colleague.save(update_fields=["user"])

    def stations(self):
        stations = []
        for division, row in zip(self.divisions, self.ref["divisions"], strict=True):
            names = set()
            for i in range(row["stations"]):
                township = row["townships"][i % len(row["townships"])]
                if i < len(row["townships"]):
                    name = f"{township}人大代表联络站"
                else:
                    name = f"{township}{self.village()}代表联络点"
                    while name in names:
                        name = f"{township}{self.village()}代表联络点"
                names.add(name)
                stations.append(
                    LiaisonStation(
                        name=name,
                        division=division,
                        township=township,
                        address=f"{division.name}{township}{self.rng.choice(['政府院内', '便民服务中心二楼', '党群服务中心', '村委会'])}",
                        contact_person=self.person_name(),
                        contact_phone=self.fake_phone(),
                        reception_days=self.rng.choice(
                            [
                                "每月10日",
                                "每月15日",
                                "每月第一个星期三",
                                "每周五上午",
                                "每月5日、20日",
                            ]
                        ),
                        latitude=Decimal("37.5") + Decimal(self.rng.randint(-9000, 9000)) / 10000,
                        longitude=Decimal("111.1") + Decimal(self.rng.randint(-9000, 9000)) / 10000,
                        established_on=datetime.date(2019, self.rng.randint(3, 12), 1),
                    )
                )
        LiaisonStation.objects.bulk_create(stations)
        through = LiaisonStation.deputies.through
        links = []
        others = [d for d in self.deputies if d.level != Deputy.Level.MUNICIPAL]
        for station in LiaisonStation.objects.select_related("division"):
            pool = self.by_delegation[self.delegations[self.divisions.index(station.division)].pk]
            chosen = set(self.rng.sample(pool, k=min(3, len(pool))))
            if self.rng.random() < 0.1:
                chosen.add(self.rng.choice(others))
            links += [through(liaisonstation_id=station.pk, deputy_id=d.pk) for d in chosen]
        through.objects.bulk_create(links)

    def village(self):
        return self.rng.choice(self.ref["villages"]) + self.rng.choice(self.ref["village_suffix"])

    # --- suggestions ------------------------------------------------------------------------

    def draft_suggestion(
        self, session, number, topic_index, lead=None, period="during", submitted_on=None
    ):
        topic = self.topics[topic_index % len(self.topics)]
        lead = lead or self.rng.choice(self.municipal)
        place = lead.delegation.name.removesuffix("代表团")
        if self.rng.random() < 0.3:
            place = self.wide_places[0] if self.rng.random() < 0.5 else self.wide_places[1]
        measures = "；".join(
            f"{cn}是{m}" for cn, m in zip("一二三", topic["measures"], strict=False)
        )
        content = topic["problem"].format(place=place) + "\n\n为此建议：" + measures + "。"
        suggestion = Suggestion(
            session=session,
            number=number,
            title=topic["title"].format(place=place),
            content=content,
            category=self.categories[topic["category"]],
            lead_deputy=lead,
            delegation=lead.delegation,
            period=period,
            submitted_on=submitted_on or session.opens_on + datetime.timedelta(days=1),
        )
        co_pool = [d for d in self.by_delegation[lead.delegation_id] if d.pk != lead.pk]
        co_signers = self.rng.sample(co_pool, k=min(len(co_pool), self.rng.randint(0, 4)))
        if lead.pk != self.me.pk and self.rng.random() < 0.08:
            co_signers = [d for d in co_signers if d.pk != self.me.pk] + [self.me]
        suggestion = services.enter_suggestion(
            suggestion=suggestion, co_signers=co_signers, by=self.staff, on=suggestion.submitted_on
        )
        suggestion.topic = topic
        return suggestion

    def assign(self, suggestion, on):
        topic = suggestion.topic
        co = [self.units[u] for u in topic["co_units"]]
        services.assign(
            suggestion=suggestion,
            lead_unit=self.units[topic["lead_unit"]],
            co_units=co,
            by=self.staff,
            on=on,
        )
        return suggestion.assignments.get(role=Assignment.Role.LEAD)

    def reply_text(self, suggestion, reply_class):
        topic = suggestion.topic
        opening = f"{suggestion.lead_deputy.name}代表：\n\n您提出的《{suggestion.title}》收悉。我单位高度重视，经认真研究，现答复如下：\n\n"
        body = {
            "A": "您反映的问题已基本解决。"
            + "；".join(topic["measures"][:2])
            + "等措施已落实到位。",
            "B": "您提出的建议已列入年度工作计划，正在逐步推进："
            + topic["measures"][0]
            + "，预计年内完成。",
            "C": "受资金和条件限制，该项工作暂时无法全部实施，我们将积极争取上级支持，待条件成熟后解决。",
            "D": "您的建议对改进我们的工作很有参考价值，我们将在今后的工作中认真研究吸纳。",
        }[reply_class]
        return opening + body + "\n\n感谢您对我们工作的关心和支持。"

    def promise(self, suggestion, reply_class, replied_on, days=None):
        """What a B or C reply promises: a date (B) or a year (C, 列入计划)."""
        if reply_class not in "BC":
            return {}
        text = suggestion.topic["measures"][0]
        if days is not None:
            return {"promise": text, "promised_by": replied_on + datetime.timedelta(days=days)}
        if reply_class == "B":
            return {"promise": text, "promised_by": replied_on + datetime.timedelta(days=150)}
        return {"promise": text, "promise_year": replied_on.year + 1}

    def handle(
        self,
        suggestion,
        *,
        assigned_on,
        reply_class,
        replied_after,
        face,
        by_unit=None,
        promise_days=None,
        contact=True,
    ):
        lead = self.assign(suggestion, assigned_on)
        services.name_responsible_person(
            assignment=lead,
            person=self.person_name(),
            phone=self.fake_phone(),
            by=by_unit or self.staff,
            on=assigned_on + datetime.timedelta(days=3),
        )
        if contact:
            services.record_contact(
                assignment=lead,
                contacted_on=assigned_on + datetime.timedelta(days=20),
                way=Contact.Way.FACE_TO_FACE if face else Contact.Way.PHONE,
                note="听取代表意见，介绍办理思路。",
                by=by_unit or self.staff,
            )
        for co in suggestion.assignments.filter(role=Assignment.Role.CO):
            services.send_co_opinion(
                assignment=co,
                text="我单位同意主办单位的办理意见，将积极配合落实。",
                by=self.staff,
                on=assigned_on + datetime.timedelta(days=25),
            )
        replied_on = assigned_on + datetime.timedelta(days=replied_after)
        return services.reply(
            assignment=lead,
            reply_class=reply_class,
            text=self.reply_text(suggestion, reply_class),
            signed_by=self.person_name(),
            by=by_unit or self.staff,
            on=replied_on,
            **self.promise(suggestion, reply_class, replied_on, promise_days),
        )

    # Topics raised again: those of the 2019 session come back in 2020 and in the current one.
    RECURRING_TOPICS_2019 = [7, 10, 13, 16]

    def closed_round(self, s, *, assigned_on, reply_class, satisfaction="satisfied", follow=None):
        """Handle, publish, rate and close one suggestion; `follow` days after the reply."""
        reply = self.handle(
            s, assigned_on=assigned_on, reply_class=reply_class, replied_after=70, face=True
        )
        services.publish_reply(reply=reply, by=self.staff, on=reply.replied_on)
        services.evaluate(
            suggestion=s,
            deputy=s.lead_deputy,
            satisfaction=satisfaction,
            contacted=True,
            by=self.staff,
            on=reply.replied_on + datetime.timedelta(days=7),
        )
        if follow is not None:
            services.follow_up(
                assignment=reply.assignment,
                reply_class="A",
                text="承诺事项已办结：" + s.topic["measures"][0] + "。",
                signed_by=self.person_name(),
                by=self.staff,
                on=reply.replied_on + datetime.timedelta(days=follow),
            )
        return reply

    def with_own_rng(self, build):
        main, self.rng = self.rng, random.Random(build.__name__)
        try:
            build()
        finally:
            self.rng = main

    # --- liaison stations at work -----------------------------------------------------------

    # The article's 2020 figures: 9,199 deputy visits, 10,928 people received, 3,541 problems
    # solved, 137 attendances at standing committee meetings, 200+ deputies in research.
    VISITS_2020, PEOPLE_2020, SOLVED_2020, UNSOLVED_2020 = 9199, 10928, 3541, 164
    SIT_INS_2020, RESEARCH_DEPUTIES_2020 = 137, 212
    # Each problem the public raises, and the body it is passed to when a unit must act.
    PROBLEM_UNITS = {
        "村里路灯损坏，夜间出行不便": "市城管局",
        "小区供暖温度不达标": "市热力公司",
        "农村饮用水水压不足": "市水利局",
        "村道坑洼，雨天积水严重": "市交通局",
        "养老保险待遇认证不方便": "市人社局",
        "学校门口交通拥堵，存在安全隐患": "市公安局",
        "农产品销路不畅": "市农业农村局",
        "垃圾清运不及时": "市城管局",
        "医保报销手续繁琐": "市医保局",
        "危房改造补助发放进度慢": "市住建局",
        "公交车班次太少": "市交通局",
        "集贸市场占道经营": "市市场监管局",
        "河道垃圾堆积": "市水利局",
        "村卫生室缺少常用药品": "市卫健委",
        "低保申请审核时间长": "市民政局",
        "小区电梯老化需更换": "市住建局",
    }
    PROBLEMS = list(PROBLEM_UNITS)
    HOUSING_PROBLEMS = [p for p, unit in PROBLEM_UNITS.items() if unit == "市住建局"]
    OUTCOMES = [
        "已现场解答政策，群众表示满意",
        "已协调相关部门解决",
        "已列入年度计划，近期解决",
        "已维修完毕",
        "已帮助办理相关手续",
    ]
