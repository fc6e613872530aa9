"""The 7th session as the source article tells it, the sessions before it, and the loop's cases."""

import datetime

from demo.fixtures import PASSWORD, load  # noqa: F401
from suggestions import services
from suggestions.models import (
    Assignment,
    SpecialReport,
    Suggestion,
)


class ClosedSessions:
    """The demo's concluded sessions, built through the services (a part of `DemoBuilder`)."""

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
