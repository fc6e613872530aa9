"""Builds the demo congress from fixtures/demo/*.json.

The 7th session of the 3rd municipal people's congress reproduces the source article: 150
suggestions, all handled, replied and closed; 707 liaison stations. A current session, dated
relative to the day the demo is loaded, holds suggestions in every state. Suggestions move
through the real service functions, so the demo's history is what the workflow writes.
People and phone numbers are invented ("100" numbers are not allocated in China).
"""

import datetime
import json
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
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
from deputies import services as station_services
from deputies.models import Deputy, DutyActivity, LiaisonStation, Problem, Reception
from reports import demo as reports_demo
from suggestions import services
from suggestions.models import (
    Assignment,
    Category,
    Contact,
    Notification,
    SpecialReport,
    Suggestion,
    SupervisionMeeting,
)
from suggestions.services import stations as problem_services

FIXTURES = settings.BASE_DIR / "fixtures" / "demo"
PASSWORD = "demo12345"
DEMO_MARKER_TERM = 3


def load(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def is_loaded():
    return Term.objects.filter(number=DEMO_MARKER_TERM).exists()


class DemoBuilder:
    def __init__(self, today=None):
        self.today = today or timezone.localdate()
        self.rng = random.Random(20201231)
        self.ref = load("reference.json")
        self.topics = load("topics.json")
        self.phone_serial = 0

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

    # --- accounts and structure ------------------------------------------------------------

    def users(self):
        User = get_user_model()
        self.admin = User.objects.create_superuser("admin", "admin@congress.example", PASSWORD)
        self.staff = User.objects.create_user(
            "staff",
            "staff@congress.example",
            PASSWORD,
            is_staff=True,
            first_name="王敏",  # an invented staff member; the history names her role beside her
            last_name="",
        )
        self.staff.groups.add(staff_group())
        self.deputy_user = User.objects.create_user("deputy", "deputy@congress.example", PASSWORD)
        self.deputy2_user = User.objects.create_user(
            "deputy2", "deputy2@congress.example", PASSWORD
        )
        self.unit_user = User.objects.create_user("unit", "unit@congress.example", PASSWORD)
        self.keeper_user = User.objects.create_user(
            "keeper", "keeper@congress.example", PASSWORD, first_name="联络站管理员"
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
            place = "全市" if self.rng.random() < 0.5 else "市区"
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
        co_signers = self.rng.sample(co_pool, k=self.rng.randint(0, 4))
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

    def seventh_session(self):
        classes = ["A"] * 68 + ["B"] * 52 + ["C"] * 20 + ["D"] * 10
        self.rng.shuffle(classes)
        assigned_on = datetime.date(2020, 2, 20)
        rows = []
        leads = (
            self.rng.sample(self.municipal[1:], k=142)
            + [self.me] * 4
            + self.rng.sample(self.municipal[1:], k=4)
        )
        self.rng.shuffle(leads)
        for i in range(150):
            s = self.draft_suggestion(
                self.seventh, i + 1, i, lead=leads[i], submitted_on=datetime.date(2020, 1, 8)
            )
            services.register(suggestion=s, by=self.staff, on=datetime.date(2020, 1, 15))
            rows.append(s)
        key = rows[::15]  # ten key suggestions
        for n, s in enumerate(key):
            services.mark_key(
                suggestion=s,
                leader=self.leaders[n % 5],
                vice_mayor=self.leaders[5 + n % 4],
                committee=self.committees[n % 6],
                by=self.staff,
                on=datetime.date(2020, 2, 20),
            )
        for s, reply_class in zip(rows, classes, strict=True):
            reply = self.handle(
                s,
                assigned_on=assigned_on,
                reply_class=reply_class,
                replied_after=self.rng.randint(45, 88),
                face=s.is_key or self.rng.random() < 0.7,
            )
            services.publish_reply(
                reply=reply, by=self.staff, on=reply.replied_on + datetime.timedelta(days=5)
            )
            s.refresh_from_db()
            evaluated_on = reply.replied_on + datetime.timedelta(days=10)
            roll = self.rng.random()
            satisfaction = (
                "satisfied"
                if roll < 0.82
                else "basically_satisfied"
                if roll < 0.97
                else "dissatisfied"
            )
            services.evaluate(
                suggestion=s,
                deputy=s.lead_deputy,
                satisfaction=satisfaction,
                contacted=True,
                comment="",
                by=self.staff,
                on=evaluated_on,
            )
            if satisfaction == "dissatisfied":
                lead = s.assignments.get(role=Assignment.Role.LEAD)
                again_class = "A" if reply_class in "AB" else "B"
                again_on = evaluated_on + datetime.timedelta(days=20)
                again = services.reply(
                    assignment=lead,
                    reply_class=again_class,
                    text=self.reply_text(s, "B"),
                    signed_by=self.person_name(),
                    by=self.staff,
                    on=again_on,
                    **self.promise(s, again_class, again_on),
                )
                services.publish_reply(reply=again, by=self.staff, on=again.replied_on)
                services.evaluate(
                    suggestion=s,
                    deputy=s.lead_deputy,
                    satisfaction="basically_satisfied",
                    contacted=True,
                    by=self.staff,
                    on=again.replied_on + datetime.timedelta(days=7),
                )
            services.close(suggestion=s, by=self.staff, on=datetime.date(2020, 11, 30))
        meetings = [
            ("assignment", "市三届人大七次会议代表建议交办会", datetime.date(2020, 2, 20)),
            ("progress", "重点建议办理推进会", datetime.date(2020, 4, 16)),
            ("supervision", "代表建议办理督办会", datetime.date(2020, 6, 18)),
        ]
        for kind, title, held_on in meetings:
            services.record_meeting(
                session=self.seventh,
                kind=kind,
                title=title,
                held_on=held_on,
                attendees="市人大常委会领导、分管副市长、各承办单位负责人、部分代表",
                notes="通报办理进展，听取代表意见，部署下一阶段工作。",
                suggestions=key,
            )
        for short, votes in [
            ("市发改委", (38, 4, 0)),
            ("市中级法院", (36, 5, 1)),
            ("市检察院", (37, 5, 0)),
        ]:
            SpecialReport.objects.create(
                session=self.seventh,
                unit=self.units[short],
                heard_on=datetime.date(2020, 10, 28),
                title=f"关于{self.units[short].name}办理市三届人大七次会议代表建议情况的报告",
                satisfied=votes[0],
                basically_satisfied=votes[1],
                dissatisfied=votes[2],
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

    def earlier_sessions(self):
        """A few suggestions of the 2019 session, on topics raised again in 2020 and now."""
        session = self.old_sessions[1]
        for number, topic in enumerate(self.RECURRING_TOPICS_2019, start=1):
            s = self.draft_suggestion(
                session, number, topic, submitted_on=datetime.date(2019, 1, 8)
            )
            services.register(suggestion=s, by=self.staff, on=datetime.date(2019, 1, 15))
            reply = self.closed_round(
                s,
                assigned_on=datetime.date(2019, 2, 20),
                reply_class="B" if number % 2 else "C",
                follow=120 if number == 1 else None,
            )
            services.close(suggestion=s, by=self.staff, on=datetime.date(2019, 11, 30))
            if number == 1:
                services.rate_implementation(
                    suggestion=s,
                    deputy=s.lead_deputy,
                    satisfaction="satisfied",
                    by=self.staff,
                    on=reply.replied_on + datetime.timedelta(days=130),
                )

    def loop_cases(self):
        """Promises kept, late and open, ratings of what was done, and every consistency flag."""
        today, days = self.today, datetime.timedelta
        session = self.current
        numbers = iter(range(Suggestion.objects.filter(session=session).count() + 1, 10_000))
        topics = iter(self.RECURRING_TOPICS_2019 + list(range(30, 52)))

        def registered():
            s = self.draft_suggestion(
                session, next(numbers), next(topics), submitted_on=session.opens_on + days(1)
            )
            services.register(suggestion=s, by=self.staff, on=session.opens_on + days(5))
            return s

        assigned_on = today - days(105)  # replied 35 days ago
        # Kept in time, kept late, and past its date: each rated for what was done.
        kept = registered()
        self.closed_round(kept, assigned_on=assigned_on, reply_class="B", follow=15)
        late = registered()
        reply = self.handle(
            late,
            assigned_on=assigned_on,
            reply_class="B",
            replied_after=70,
            face=True,
            promise_days=10,
        )
        services.publish_reply(reply=reply, by=self.staff, on=reply.replied_on)
        services.follow_up(
            assignment=reply.assignment,
            reply_class="A",
            text="承诺事项已办结，较承诺时间有所推迟。",
            signed_by=self.person_name(),
            by=self.staff,
            on=today - days(5),
        )
        overdue = registered()
        reply = self.handle(
            overdue,
            assigned_on=assigned_on,
            reply_class="B",
            replied_after=70,
            face=True,
            promise_days=20,
        )
        services.publish_reply(reply=reply, by=self.staff, on=reply.replied_on)
        for s, satisfaction in [
            (kept, "satisfied"),
            (late, "basically_satisfied"),
            (overdue, "dissatisfied"),
        ]:
            services.rate_implementation(
                suggestion=s,
                deputy=s.lead_deputy,
                satisfaction=satisfaction,
                comment="承诺事项落实情况与答复一致。" if satisfaction != "dissatisfied" else "",
                comment_is_public=True,
                by=self.staff,
                on=today - days(2),
            )
            co = s.signatures.filter(confirmed_on__isnull=False).first()
            if co:
                services.rate_implementation(
                    suggestion=s,
                    deputy=co.deputy,
                    satisfaction="basically_satisfied",
                    by=self.staff,
                    on=today - days(1),
                )
        # Class A while the deputy is dissatisfied (now in re-handling).
        a_dissatisfied = registered()
        reply = self.handle(
            a_dissatisfied, assigned_on=assigned_on, reply_class="A", replied_after=70, face=False
        )
        services.evaluate(
            suggestion=a_dissatisfied,
            deputy=a_dissatisfied.lead_deputy,
            satisfaction="dissatisfied",
            contacted=True,
            comment="答复称已解决，但现场问题依旧。",
            by=self.staff,
            on=reply.replied_on + days(3),
        )
        # Replied on time with no contact recorded; staff looked and noted why.
        no_contact = registered()
        self.handle(
            no_contact,
            assigned_on=assigned_on,
            reply_class="A",
            replied_after=60,
            face=False,
            contact=False,
        )
        services.review_flag(
            suggestion=no_contact,
            kind="on_time_no_contact",
            note="经核实，承办单位曾电话联系代表但未登记，已提醒补录。",
            by=self.staff,
            on=today - days(1),
        )
        # Class D for a key suggestion.
        key_d = registered()
        services.mark_key(
            suggestion=key_d,
            leader=self.leaders[0],
            vice_mayor=self.leaders[5],
            committee=self.committees[0],
            by=self.staff,
            on=session.opens_on + days(10),
        )
        self.handle(key_d, assigned_on=assigned_on, reply_class="D", replied_after=70, face=True)
        # Re-handled with the same class and the same text.
        same = registered()
        reply = self.handle(
            same, assigned_on=assigned_on, reply_class="C", replied_after=50, face=True
        )
        services.evaluate(
            suggestion=same,
            deputy=same.lead_deputy,
            satisfaction="dissatisfied",
            contacted=True,
            by=self.staff,
            on=reply.replied_on + days(3),
        )
        services.reply(
            assignment=reply.assignment,
            reply_class="C",
            text=reply.text,
            signed_by=reply.signed_by,
            by=self.staff,
            on=today - days(4),
            promise=reply.promise,
            promise_year=today.year + 1,
        )
        # Closed forty days ago, reply never published: past the publication deadline.
        unpublished = registered()
        reply = self.handle(
            unpublished,
            assigned_on=today - days(114),
            reply_class="A",
            replied_after=60,
            face=True,
        )
        services.evaluate(
            suggestion=unpublished,
            deputy=unpublished.lead_deputy,
            satisfaction="satisfied",
            contacted=True,
            by=self.staff,
            on=reply.replied_on + days(5),
        )
        services.close(suggestion=unpublished, by=self.staff, on=today - days(40))
        # Staff confirm the look-alikes of the current session's first topics, dismiss one.
        from suggestions.models import SimilarLink

        links = SimilarLink.objects.filter(suggestion__session=session).order_by("pk")
        for n, link in enumerate(links[:12]):
            services.decide_link(link=link, confirm=n != 5, by=self.staff, on=today - days(1))

    def current_session(self):
        """Suggestions in every state, with deadlines around today."""
        today = self.today
        days = datetime.timedelta
        session = self.current
        number = iter(range(1, 1000))
        topic = iter(range(7, 1000, 3))
        housing = {i for i, t in enumerate(self.topics) if t["lead_unit"] == "市住建局"}

        def new(lead=None, period="during", topic_index=None, submitted=None):
            return self.draft_suggestion(
                session,
                next(number),
                topic_index if topic_index is not None else next(topic),
                lead=lead,
                period=period,
                submitted_on=submitted or session.opens_on + days(1),
            )

        def registered(**kw):
            s = new(**kw)
            services.register(suggestion=s, by=self.staff, on=min(today, s.submitted_on + days(5)))
            return s

        def assigned(on, **kw):
            s = registered(**kw)
            lead = self.assign(s, on)
            return s, lead

        mine = [self.me] * 6
        housing_topics = iter(sorted(housing) * 3)

        for _ in range(6):  # waiting for review
            new(period="between", submitted=today - days(self.rng.randint(1, 6)))
        for reason in [
            "反映的是个人房屋拆迁补偿纠纷，属个人事项",
            "涉及正在审理的民事案件",
            "内容为信访事项，已转信访部门办理",
        ]:
            s = new()
            services.refuse_registration(
                suggestion=s,
                reason=reason,
                as_letter=True,
                by=self.staff,
                on=s.submitted_on + days(4),
            )
        for _ in range(4):  # registered, waiting for assignment
            registered(period="between", submitted=today - days(8))
        # Assigned long ago: overdue now.
        for _ in range(4):
            s, lead = assigned(today - days(100), topic_index=next(housing_topics))
        # Due within the week.
        for _ in range(3):
            assigned(today - days(88), topic_index=next(housing_topics))
        # In handling, with a responsible person and contact; one with a pending extension.
        for n in range(8):
            s, lead = assigned(today - days(40), lead=mine.pop() if n < 2 else None)
            services.name_responsible_person(
                assignment=lead,
                person=self.person_name(),
                phone=self.fake_phone(),
                by=self.staff,
                on=today - days(38),
            )
            services.record_contact(
                assignment=lead,
                contacted_on=today - days(20),
                way=self.rng.choice(["face", "phone"]),
                by=self.staff,
            )
            if n == 3:
                services.request_extension(
                    assignment=lead,
                    reason="涉及多部门协调，需进一步调研论证。",
                    due_on=lead.due_on + days(45),
                    by=self.staff,
                    on=today - days(2),
                )
        # Just assigned; one unit asks to return it.
        s, lead = assigned(today - days(4), topic_index=next(housing_topics))
        services.request_return(
            assignment=lead,
            reason="该事项属县级政府事权，建议调整由县政府办理。",
            by=self.unit_user,
            on=today - days(2),
        )
        # Replied, waiting for the deputy's rating (some of them the demo deputy's).
        for n in range(6):
            s = registered(lead=mine.pop() if n < 3 else None)
            self.handle(
                s,
                assigned_on=today - days(80),
                reply_class="ABBCAD"[n],
                replied_after=70,
                face=n % 2 == 0,
            )
        # Re-handling after a dissatisfied rating.
        for _ in range(2):
            s = registered()
            reply = self.handle(
                s, assigned_on=today - days(95), reply_class="C", replied_after=60, face=False
            )
            services.evaluate(
                suggestion=s,
                deputy=s.lead_deputy,
                satisfaction="dissatisfied",
                contacted=False,
                comment="答复内容空泛，未提出具体解决措施。",
                by=self.staff,
                on=reply.replied_on + days(5),
            )
        # Evaluated, and closed.
        for n in range(10):
            s = registered(lead=mine.pop() if n == 0 and mine else None)
            reply = self.handle(
                s,
                assigned_on=today - days(110),
                reply_class="AAB"[n % 3],
                replied_after=75,
                face=True,
            )
            services.publish_reply(reply=reply, by=self.staff, on=reply.replied_on + days(2))
            services.evaluate(
                suggestion=s,
                deputy=s.lead_deputy,
                satisfaction="satisfied" if n % 4 else "basically_satisfied",
                contacted=True,
                comment="办理态度认真，措施具体。",
                comment_is_public=n % 2 == 0,
                by=self.staff,
                on=reply.replied_on + days(7),
            )
            if n >= 4:
                services.close(suggestion=s, by=self.staff, on=today - days(3))
        services.record_meeting(
            session=session,
            kind=SupervisionMeeting.Kind.ASSIGNMENT,
            title=f"{session.name}代表建议交办会",
            held_on=today - days(100),
            attendees="市人大常委会领导、各承办单位负责人",
            suggestions=Suggestion.objects.filter(session=session, assigned_on=today - days(100)),
        )

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

    def station_work_2020(self):
        rng = self.rng
        stations = list(LiaisonStation.objects.prefetch_related("deputies"))
        receptions = []
        for station in stations:
            for month in sorted(rng.sample(range(3, 13), k=5)):
                receptions.append(
                    Reception(
                        station=station,
                        held_on=datetime.date(2020, month, rng.randint(1, 28)),
                        people_received=1,
                        recorded_by=self.staff,
                    )
                )
        Reception.objects.bulk_create(receptions, batch_size=2000)
        by_station = {s.pk: [d.pk for d in s.deputies.all()] for s in stations}
        # Each reception has at least one deputy and one person; the rest is spread at random.
        attending = {r.pk: 1 for r in receptions}
        spare = [r for r in receptions for _ in range(len(by_station[r.station_id]) - 1)]
        for r in rng.sample(spare, k=self.VISITS_2020 - len(receptions)):
            attending[r.pk] += 1
        for _ in range(self.PEOPLE_2020 - len(receptions)):
            rng.choice(receptions).people_received += 1
        Reception.objects.bulk_update(receptions, ["people_received"], batch_size=2000)
        Link = Reception.deputies.through
        Link.objects.bulk_create(
            (
                Link(reception_id=r.pk, deputy_id=d)
                for r in receptions
                for d in by_station[r.station_id][: attending[r.pk]]
            ),
            batch_size=5000,
        )
        problems, capacity = [], {r.pk: r.people_received for r in receptions}
        open_receptions = list(receptions)
        for n in range(self.SOLVED_2020 + self.UNSOLVED_2020):
            reception = rng.choice(open_receptions)
            capacity[reception.pk] -= 1
            if capacity[reception.pk] == 0:
                open_receptions.remove(reception)
            solved = n < self.SOLVED_2020
            via_unit = rng.random() < 0.35
            closed_on = min(
                reception.held_on + datetime.timedelta(days=rng.randint(0, 30)),
                datetime.date(2020, 12, 31),
            )
            summary = rng.choice(self.PROBLEMS)
            problems.append(
                Problem(
                    reception=reception,
                    station_id=reception.station_id,
                    raised_on=reception.held_on,
                    summary=summary,
                    category=rng.choice(list(self.categories.values())),
                    person_name=self.person_name(),
                    person_phone=self.fake_phone(),
                    status=Problem.Status.CLOSED,
                    solved=solved,
                    person_told=True,
                    handling=Problem.Handling.UNIT if via_unit else Problem.Handling.ON_THE_SPOT,
                    unit=self.units[self.PROBLEM_UNITS[summary]] if via_unit else None,
                    passed_on=reception.held_on if via_unit else None,
                    unit_answer="已安排专人处理。" if via_unit else "",
                    answered_on=closed_on if via_unit else None,
                    outcome=rng.choice(self.OUTCOMES)
                    if solved
                    else "涉及历史遗留问题，已向群众解释说明",
                    closed_on=closed_on,
                )
            )
        Problem.objects.bulk_create(problems, batch_size=2000)
        meetings = [datetime.date(2020, m, 20) for m in (2, 4, 5, 6, 8, 9, 10, 12)]
        activities = [
            DutyActivity(
                deputy=rng.choice(self.municipal),
                kind="sit_in",
                held_on=meetings[n % len(meetings)],
                title="列席市人大常委会会议",
            )
            for n in range(self.SIT_INS_2020)
        ]
        topics = [
            "全市移民搬迁后续工程专题调研",
            "大数据应用集中视察",
            "城区集中供热专题调研",
            "水污染防治执法检查",
        ]
        for n, deputy in enumerate(rng.sample(self.deputies, k=self.RESEARCH_DEPUTIES_2020)):
            activities.append(
                DutyActivity(
                    deputy=deputy,
                    kind="research",
                    held_on=datetime.date(2020, 5 + n % 6, 12),
                    title=topics[n % len(topics)],
                )
            )
        for deputy in rng.sample(self.municipal, k=150):
            activities.append(
                DutyActivity(
                    deputy=deputy,
                    kind="training",
                    held_on=datetime.date(2020, 9, 15),
                    title="“牢记使命，履职为民”右玉培训班",
                )
            )
        DutyActivity.objects.bulk_create(activities)

    def station_work_now(self):
        """Recent receptions with problems in every state, for the keeper, unit and deputy."""
        today, days = self.today, datetime.timedelta
        mine = list(LiaisonStation.objects.filter(division=self.divisions[0]).order_by("pk")[:2])
        for station in mine:
            station.keepers.add(self.keeper_user)
            station.deputies.add(self.me)
        stations = mine + self.rng.sample(list(LiaisonStation.objects.all()), k=20)
        category = self.categories["城乡建设"]
        for n, station in enumerate(stations):
            reception = station_services.record_reception(
                station=station,
                held_on=today - days(3 + n),
                people_received=4,
                deputies=list(station.deputies.all()[:2]),
                by=self.keeper_user,
                problems=[
                    {
                        # The second is passed on at every other station; the demo's unit
                        # login (市住建局) gets the housing ones.
                        "summary": self.rng.choice(
                            self.HOUSING_PROBLEMS if i == 1 and n % 4 == 0 else self.PROBLEMS
                        ),
                        "category": category,
                        "person_name": self.person_name(),
                        "person_phone": self.fake_phone(),
                    }
                    for i in range(3)
                ],
            )
            first, second, third = reception.problems.order_by("pk")
            station_services.answer_on_the_spot(
                problem=first, outcome="已现场解答", by=self.staff, on=reception.held_on
            )
            if n % 2 == 0:
                problem_services.pass_to_unit(
                    problem=second,
                    unit=self.units[self.PROBLEM_UNITS[second.summary]],
                    by=self.staff,
                    on=reception.held_on,
                )
            if n == 0:
                problem_services.turn_into_suggestion(
                    problem=third,
                    deputy=self.me,
                    session=self.current,
                    category=category,
                    title=f"关于解决{station.township}{third.summary}问题的建议",
                    by=self.deputy_user,
                )

    def co_signing_request(self):
        """deputy2 asks the "deputy" login to co-sign a suggestion: a request waiting for them."""
        draft = services.create_draft(
            deputy=self.colleague,
            session=self.current,
            title="关于在离石区增设社区老年食堂的建议",
            content="城区老年人就餐难，子女上班无暇照顾。\n\n为此建议：在各社区服务中心增设老年食堂，"
            "对高龄、独居老人给予就餐补贴。",
            category=self.categories["社会保障"],
            co_signers=[self.me],
            by=self.deputy2_user,
        )
        services.submit(suggestion=draft, by=self.deputy2_user)
