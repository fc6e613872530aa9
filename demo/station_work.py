"""What happened at the liaison stations: receptions, problems and what became of them."""

import datetime

from demo.fixtures import PASSWORD, load  # noqa: F401
from deputies import services as station_services
from deputies.models import DutyActivity, LiaisonStation, Problem, Reception
from suggestions.services import stations as problem_services


class StationWork:
    """Receptions and problems at the stations (a part of `DemoBuilder`)."""

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
        by_station = {s.pk: [d.pk for d in s.deputies.all()] for s in stations}
        # Each reception has at least one deputy and one person; the rest is spread at random
        # before they are saved (a bulk_update of 3,500 rows is a slow CASE per row).
        attending = {id(r): 1 for r in receptions}
        spare = [r for r in receptions for _ in range(len(by_station[r.station_id]) - 1)]
        for r in rng.sample(spare, k=self.VISITS_2020 - len(receptions)):
            attending[id(r)] += 1
        for _ in range(self.PEOPLE_2020 - len(receptions)):
            rng.choice(receptions).people_received += 1
        Reception.objects.bulk_create(receptions, batch_size=2000)
        attending = {r.pk: attending[id(r)] for r in receptions}
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
        open_ids = [r.pk for r in open_receptions]  # found by id: a model's == is slow
        for n in range(self.SOLVED_2020 + self.UNSOLVED_2020):
            reception = rng.choice(open_receptions)
            capacity[reception.pk] -= 1
            if capacity[reception.pk] == 0:
                at = open_ids.index(reception.pk)
                del open_receptions[at], open_ids[at]
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
