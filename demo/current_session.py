"""A current session, dated from the day the demo is loaded, with suggestions in every state."""

import datetime

from demo.fixtures import PASSWORD, load  # noqa: F401
from suggestions import services
from suggestions.models import (
    Suggestion,
    SupervisionMeeting,
)


class CurrentSession:
    """The session in progress (a part of `DemoBuilder`)."""

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
