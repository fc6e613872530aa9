"""The 13 county-level congresses under the city: each its own term, sessions, units,
delegations, deputies and suggestions, built while that county is the active congress, through
the same services and helpers as the city's (a part of `DemoBuilder`, run after the city).

Logins: each county's staff login is its slug (`xiaoyi` is staff of 孝义市人大常委会, `lishi` of
离石区's, ...); `two_levels` holds a seat in the city's 孝义市代表团 and one in 孝义市's congress.
"""

import datetime
import random
from contextlib import contextmanager

from congress.founding import add_congress
from congress.models import Congress, Delegation, Division, HandlingUnit, Term
from congress.tenancy import activate
from deputies.models import Deputy
from suggestions import services
from suggestions.models import Suggestion

# name, site address, the term sitting now and the year it began. 离石区 became a district in
# 2000 and 交口县 a county in 1971, so their congresses have sat fewer terms.
COUNTIES = [
    ("离石区", "lishi", 5),
    ("孝义市", "xiaoyi", 17),
    ("汾阳市", "fenyang", 17),
    ("文水县", "wenshui", 17),
    ("交城县", "jiaocheng", 17),
    ("兴县", "xingxian", 17),
    ("临县", "linxian", 17),
    ("柳林县", "liulin", 17),
    ("石楼县", "shilou", 17),
    ("岚县", "lanxian", 17),
    ("方山县", "fangshan", 17),
    ("中阳县", "zhongyang", 17),
    ("交口县", "jiaokou", 13),
]
TERM_BEGAN = datetime.date(2021, 10, 15)
CN = dict(enumerate("零一二三四五六七八九十", start=0)) | {13: "十三", 17: "十七"}
# A county's own departments, standing in for the city's in the shared topics: the key is the
# city unit a topic names, the value the county body's name after the county's own.
UNITS = {
    "市教育局": ("教育局", HandlingUnit.Kind.GOVERNMENT),
    "市住建局": ("住房和城乡建设局", HandlingUnit.Kind.GOVERNMENT),
    "市农业农村局": ("农业农村局", HandlingUnit.Kind.GOVERNMENT),
    "市交通局": ("交通运输局", HandlingUnit.Kind.GOVERNMENT),
    "市卫健委": ("卫生健康局", HandlingUnit.Kind.GOVERNMENT),
    "市中级法院": ("人民法院", HandlingUnit.Kind.COURT),
}


class Counties:
    """The counties' congresses (a part of `DemoBuilder`)."""

    def counties(self):
        city = Congress.objects.default()
        divisions = {d.name: d for d in Division.objects.all()}
        townships = {row["name"]: row["townships"] for row in self.ref["divisions"]}
        city_topics = self.topics
        for name, slug, term in COUNTIES:
            congress, _user, _password = add_congress(
                name=f"{name}人民代表大会",
                short_name=name,
                slug=slug,
                level=Congress.Level.COUNTY,
                parent=city.slug,
                division=name,
            )
            with activate(congress), self.in_county(congress):
                self.staff = self.login(slug, is_staff=True, first_name=self.person_name())
                self.staff.groups.add(self.staff_group)
                congress.staff.add(self.staff)
                self.topics = [
                    {**t, "co_units": [u for u in t["co_units"] if u in UNITS]}
                    for t in city_topics
                    if t["lead_unit"] in UNITS
                ]
                self.county(congress, divisions[name], townships[name][:2], term)

    @contextmanager
    def in_county(self, congress):
        """The builder's city-wide helpers (draft_suggestion, handle, closed_round) write the
        county's suggestions: its staff, units, deputies, topics and its own random stream."""
        names = ["rng", "staff", "units", "municipal", "by_delegation", "me", "topics"]
        kept = {name: getattr(self, name) for name in names}
        county = congress.short_name[-1]  # 区, 市 or 县
        kept["wide_places"] = self.wide_places
        self.rng = random.Random(congress.slug)
        self.wide_places = (f"全{county}", {"区": "城区", "市": "市区", "县": "县城"}[county])
        try:
            yield
        finally:
            for name, value in kept.items():
                setattr(self, name, value)

    def county(self, congress, division, townships, term_number):
        name = congress.short_name
        term = Term.objects.create(
            number=term_number,
            name=f"{name}第{CN[term_number]}届人民代表大会",
            starts_on=TERM_BEGAN,
        )
        short = f"{name[-1]}{CN[term_number]}届"  # 市十七届, 县十七届, 区五届
        opens = self.today - datetime.timedelta(days=110)
        sessions = [
            term.sessions.create(
                number=n,
                name=f"{short}人大{CN[n]}次会议",
                opens_on=day,
                closes_on=day + datetime.timedelta(days=2),
            )
            for n, day in [(5, opens - datetime.timedelta(days=365)), (6, opens)]
        ]
        self.units = {}
        for key, (body, kind) in UNITS.items():
            self.units[key] = HandlingUnit.objects.create(
                name=f"{name}{body}",
                short_name=f"{name[-1]}{body.replace('住房和城乡建设', '住建')}",
                kind=kind,
                contact_person=self.person_name(),
                phone=self.fake_phone(),
            )
        delegations = [
            Delegation.objects.create(name=f"{town}代表团", division=division, order=n)
            for n, town in enumerate(townships)
        ]
        self.by_delegation = {d.pk: [] for d in delegations}
        if congress.slug == "xiaoyi":
            self.two_levels(delegations[0])
        for n in range(self.rng.randint(5, 6)):
            deputy = self.county_deputy(delegations[n % 2])
            self.by_delegation[deputy.delegation_id].append(deputy)
        self.municipal = [d for group in self.by_delegation.values() for d in group]
        self.me = self.municipal[0]
        self.county_suggestions(*sessions)

    def county_deputy(self, delegation, name=None, user=None):
        pool = {d.name for d in self.by_delegation.get(delegation.pk, [])}
        while name is None or name in pool:
            name = self.person_name()
        return Deputy.objects.create(
            name=name,
            level=Deputy.Level.COUNTY,  # a deputy of this congress's own level
            delegation=delegation,
            gender=self.rng.choice(["male", "male", "female"]),
            ethnicity="汉族",
            party=self.rng.choice(self.ref["parties"]),
            occupation=self.rng.choice(self.ref["occupations"]),
            phone=self.fake_phone(),
            id_number=f"1411{self.rng.randint(10, 99)}19{self.rng.randint(60, 95)}0202{self.phone_serial:04d}",
            user=user,
        )

    def two_levels(self, delegation):
        """`two_levels`: a city deputy of the 孝义市代表团 who leads a suggestion of the current
        session, and the same person in 孝义市's own congress, one login for both seats."""
        with activate(Congress.objects.default()):
            free = Deputy.objects.filter(
                delegation__name="孝义市代表团", level=Deputy.Level.MUNICIPAL, user__isnull=True
            ).order_by("pk")
            leading_now = free.filter(led_suggestions__session__term__number=4)
            city_seat = leading_now.first() or free.first()
        user = self.login("two_levels")
        city_seat.user = user
        city_seat.save(update_fields=["user"])
        seat = self.county_deputy(delegation, name=city_seat.name, user=user)
        seat.gender, seat.party, seat.occupation = (
            city_seat.gender,
            city_seat.party,
            city_seat.occupation,
        )
        seat.save(update_fields=["gender", "party", "occupation"])
        self.by_delegation[delegation.pk].append(seat)

    def county_suggestions(self, previous, current):
        """Two suggestions of last year's session, handled, closed and concluded; this year's
        in every state from waiting for review to closed."""
        days = datetime.timedelta
        today = self.today
        deputies = self.municipal
        topics = iter(self.rng.sample(range(len(self.topics)), k=len(self.topics)))

        def new(session, number, lead, submitted=None):
            return self.draft_suggestion(
                session,
                number,
                next(topics),
                lead=lead,
                submitted_on=submitted or session.opens_on + days(1),
            )

        for number in (1, 2):
            s = new(previous, number, deputies[number])
            services.register(suggestion=s, by=self.staff, on=previous.opens_on + days(6))
            self.closed_round(
                s,
                assigned_on=previous.opens_on + days(20),
                reply_class="AB"[number - 1],
                satisfaction="satisfied" if number == 1 else "basically_satisfied",
            )
            services.close(suggestion=s, by=self.staff, on=previous.opens_on + days(200))
        services.conclude_session(session=previous, by=self.staff, on=previous.opens_on + days(300))

        leads = iter(deputies * 3)
        number = iter(range(1, 100))
        new(current, next(number), next(leads))  # waiting for review
        s = new(current, next(number), next(leads))
        services.register(suggestion=s, by=self.staff, on=current.opens_on + days(5))
        s = new(current, next(number), next(leads))  # in handling, a person named
        services.register(suggestion=s, by=self.staff, on=current.opens_on + days(5))
        lead = self.assign(s, today - days(30))
        services.name_responsible_person(
            assignment=lead,
            person=self.person_name(),
            phone=self.fake_phone(),
            by=self.staff,
            on=today - days(27),
        )
        s = new(current, next(number), next(leads))  # assigned long ago: overdue
        services.register(suggestion=s, by=self.staff, on=current.opens_on + days(5))
        self.assign(s, current.opens_on + days(7))
        for reply_class in "BA":  # replied: one waits for its rating, one is rated and closed
            s = new(current, next(number), next(leads))
            services.register(suggestion=s, by=self.staff, on=current.opens_on + days(5))
            if reply_class == "B":
                self.handle(
                    s,
                    assigned_on=current.opens_on + days(8),
                    reply_class="B",
                    replied_after=60,
                    face=True,
                )
            else:
                self.closed_round(s, assigned_on=current.opens_on + days(8), reply_class="A")
                services.close(suggestion=s, by=self.staff, on=today - days(5))
        for _extra in range(self.rng.randint(0, 4)):  # counties differ: more replied, some rated
            s = new(current, next(number), next(leads))
            services.register(suggestion=s, by=self.staff, on=current.opens_on + days(5))
            reply = self.handle(
                s,
                assigned_on=current.opens_on + days(self.rng.randint(8, 20)),
                reply_class=self.rng.choice("AABBCD"),
                replied_after=self.rng.randint(30, 62),
                face=self.rng.random() < 0.7,
            )
            if self.rng.random() < 0.6:
                services.evaluate(
                    suggestion=s,
                    deputy=s.lead_deputy,
                    satisfaction=self.rng.choice(["satisfied", "satisfied", "basically_satisfied"]),
                    contacted=True,
                    by=self.staff,
                    on=reply.replied_on + days(7),
                )
        if self.rng.random() < 0.5:
            s = new(current, next(number), next(leads))
            services.refuse_registration(
                suggestion=s,
                reason="反映的是个人诉求，属个人事项",
                as_letter=True,
                by=self.staff,
                on=s.submitted_on + days(4),
            )
        assert Suggestion.objects.filter(session=current).exists()
