"""An independent re-implementation of SCORING.md §3–5, written from the text and sharing no code with
the engine, must agree with it on every score, rank and list entry over a seeded random history.
It reads the raw inspections and answers; the engine reads its stored per-place sums. The rectification rule of
§5 too: from the raw cases and their timelines, each entry's live and overdue cases at the period's end, and no
entry with an overdue case on the red list."""

import datetime as dt
import random
from collections import defaultdict
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from checklists.models import Item, PlaceKind, Regime
from inspections.models import Answer, Inspection, Place, PropertyCompany
from rankings.lists import compute_lists
from rankings.models import PlaceScore
from rankings.rules import RankingPolicy
from rectifications.models import CaseEvent, RectificationCase

from .support import Versions, answers_for, build_inspection, local, make_place, make_street, rescore

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
UNIT_KINDS = {"public_institution", "enterprise", "public_place"}
RED_N, BLACK_N = 3, 3


# ---------------------------------------------------------------- the reference, straight from SCORING.md

def key_of(kind, moment):
    day = moment.astimezone(ZONE)
    if kind == "week":
        return day.strftime("%G-W%V")
    if kind == "month":
        return day.strftime("%Y-%m")
    return f"{day.year}-Q{(day.month + 2) // 3}"


def prev_key(kind, key):
    if kind == "week":
        import datetime as dt
        year, week = map(int, key.split("-W"))
        monday = dt.date.fromisocalendar(year, week, 1) - dt.timedelta(days=7)
        return monday.strftime("%G-W%V")
    if kind == "month":
        year, month = map(int, key.split("-"))
        return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    year, q = map(int, key.split("-Q"))
    return f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"


class Reference:
    def __init__(self, street):
        self.places = {p.id: p for p in Place.objects.filter(street=street)}
        self.companies = {c.id: c for c in PropertyCompany.objects.all()}
        self.rows = [
            r for r in Inspection.objects.filter(place__street=street).values(
                "id", "place_id", "regime", "inspected_at", "score_tenths", "vetoed", "status", "voided",
                "checklist_version_id")
            if r["status"] == "complete" and not r["voided"] and r["score_tenths"] is not None
        ]
        self.answers = defaultdict(list)
        for a in Answer.objects.filter(inspection_id__in=[r["id"] for r in self.rows]).values():
            self.answers[a["inspection_id"]].append(a)
        self.veto_items = set(Item.objects.filter(veto=True).values_list("version_id", "code"))
        self.cases = list(RectificationCase.objects.filter(street=street).values("id", "place_id", "opened_at"))
        self.case_events = defaultdict(list)
        for e in CaseEvent.objects.filter(case__street=street).values("case_id", "at", "kind", "deadline"):
            self.case_events[e["case_id"]].append(e)

    def kids(self, pid):
        return [p for p in self.places.values() if p.parent_id == pid]

    def counted(self, pid, regime, kind, key):
        return [r for r in self.rows if r["place_id"] == pid and r["regime"] == regime
                and key_of(kind, r["inspected_at"]) == key]

    def composite(self, pid, regime, kind, key):
        """(value, vetoed) or None."""
        place = self.places[pid]
        own = self.counted(pid, regime, kind, key)
        parts = []
        if own:
            parts.append(Fraction(sum(r["score_tenths"] for r in own), len(own)))
        vetoed = any(r["vetoed"] for r in own)
        if place.kind == "compound":
            children = [c for c in self.kids(pid) if c.kind == "bin_station"]
        elif place.kind == "community":
            children = [c for c in self.kids(pid) if c.kind == "compound" or c.kind in UNIT_KINDS]
        else:
            children = []
        child_values = []
        for child in children:
            got = self.composite(child.id, regime, kind, key)
            if got is not None:
                child_values.append(got[0])
                if place.kind == "compound" and got[1]:
                    vetoed = True
        if child_values:
            parts.append(Fraction(sum(child_values), len(child_values)))
        if not parts:
            return None
        return Fraction(sum(parts), len(parts)), vetoed

    def place_value(self, pid, kind, key):
        """(value, vetoed, partial) or None on the list of `kind` for period `key`."""
        if kind == "week":
            got = self.composite(pid, "weekly_guidance", "week", key)
            return None if got is None else (*got, False)
        if kind == "month":
            got = self.composite(pid, "monthly_covert", "month", key)
            return None if got is None else (*got, False)
        year, q = map(int, key.split("-Q"))
        quarterly = self.composite(pid, "quarterly_assessment", "quarter", key)
        months = [self.composite(pid, "monthly_covert", "month", f"{year}-{3 * q - 2 + i:02d}") for i in range(3)]
        months = [m for m in months if m is not None]
        monthly = Fraction(sum(m[0] for m in months), len(months)) if months else None
        vetoed = any(m[1] for m in months) or (quarterly is not None and quarterly[1])
        if quarterly is not None and monthly is not None:
            return Fraction(6, 10) * quarterly[0] + Fraction(4, 10) * monthly, vetoed, False
        if quarterly is not None:
            return quarterly[0], vetoed, True
        if monthly is not None:
            return monthly, vetoed, True
        return None

    def value(self, ident, kind, key):
        if ident[0] == "place":
            return self.place_value(ident[1], kind, key)
        compounds = [p for p in self.places.values() if p.kind == "compound" and p.company_id == ident[1]]
        got = [v for v in (self.place_value(p.id, kind, key) for p in compounds) if v is not None]
        if not got:
            return None
        return Fraction(sum(v[0] for v in got), len(got)), False, any(v[2] for v in got)

    @staticmethod
    def half_up(value):
        whole = int(value)  # non-negative
        return whole + 1 if value - whole >= Fraction(1, 2) else whole

    @staticmethod
    def grade(tenths, vetoed):
        if vetoed or tenths < 600:
            return "fail"
        return "excellent" if tenths >= 900 else "good" if tenths >= 800 else "pass"

    def feeders(self, ident):
        if ident[0] == "company":
            compounds = [p.id for p in self.places.values() if p.kind == "compound" and p.company_id == ident[1]]
            return set(compounds) | {b.id for c in compounds for b in self.kids(c) if b.kind == "bin_station"}
        place = self.places[ident[1]]
        out = {place.id}
        if place.kind == "compound":
            out |= {b.id for b in self.kids(place.id) if b.kind == "bin_station"}
        if place.kind == "community":
            for child in self.kids(place.id):
                if child.kind == "compound":
                    out |= {child.id} | {b.id for b in self.kids(child.id) if b.kind == "bin_station"}
                elif child.kind in UNIT_KINDS:
                    out.add(child.id)
        return out

    def reasons(self, ident, kind, key):
        regimes = {"week": ["weekly_guidance"], "month": ["monthly_covert"],
                   "quarter": ["quarterly_assessment", "monthly_covert"]}[kind]
        places = self.feeders(ident)
        lost, veto = defaultdict(int), set()
        for r in self.rows:
            if r["place_id"] in places and r["regime"] in regimes and key_of(kind, r["inspected_at"]) == key:
                for a in self.answers[r["id"]]:
                    if a["failed"]:
                        lost[a["item_code"]] += a["max_tenths"] - (a["earned_tenths"] or 0)
                        if (r["checklist_version_id"], a["item_code"]) in self.veto_items:
                            veto.add(a["item_code"])
        first = sorted(veto)
        rest = sorted((c for c in lost if c not in veto), key=lambda c: (-lost[c], c))
        return (first + rest)[:3]

    @staticmethod
    def period_end(kind, key):
        """The period's end (the next one's first local midnight); while it runs, now."""
        if kind == "week":
            year, week = map(int, key.split("-W"))
            first = dt.date.fromisocalendar(year, week, 1) + dt.timedelta(days=7)
        else:
            year, number = map(int, key.split("-Q" if kind == "quarter" else "-"))
            month = number * (3 if kind == "quarter" else 1) + 1
            first = dt.date(year + (month > 12), month - 12 if month > 12 else month, 1)
        return min(dt.datetime(first.year, first.month, first.day, tzinfo=ZONE), timezone.now())

    def own_cases(self, at):
        """Place id → [live, overdue] at `at`: opened by then, not closed or withdrawn by then; overdue once the
        end (next local midnight) of the last deadline set by then has come."""
        out = defaultdict(lambda: [0, 0])
        for case in self.cases:
            if case["opened_at"] > at:
                continue
            events = [e for e in self.case_events[case["id"]] if e["at"] <= at]
            if any(e["kind"] in ("closed", "withdrawn") for e in events):
                continue
            deadline = max((e for e in events if e["deadline"]), key=lambda e: e["at"])["deadline"]
            due_end = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(), tzinfo=ZONE)
            out[case["place_id"]][0] += 1
            out[case["place_id"]][1] += at >= due_end
        return out

    def case_counts(self, ident, own):
        """§5: a place's own cases; a compound's also its bin stations'; a company's its compounds' and theirs."""
        if ident[0] == "company":
            compounds = [p.id for p in self.places.values() if p.kind == "compound" and p.company_id == ident[1]]
        elif self.places[ident[1]].kind == "compound":
            compounds = [ident[1]]
        else:
            return tuple(own[ident[1]]) if ident[1] in own else (0, 0)
        counted = set(compounds) | {b.id for c in compounds for b in self.kids(c) if b.kind == "bin_station"}
        return (sum(own[p][0] for p in counted if p in own), sum(own[p][1] for p in counted if p in own))

    def category_members(self, category):
        if category == "company":
            ids = {p.company_id for p in self.places.values() if p.kind == "compound" and p.company_id}
            return [(("company", i), self.companies[i].name, self.companies[i].code, True) for i in ids]
        return [(("place", p.id), p.name, p.code, p.status == "active")
                for p in self.places.values() if p.kind == category]

    def lists(self, kind, key):
        out = {}
        own = self.own_cases(self.period_end(kind, key))
        for category in ["compound", "company", "community", "public_institution", "enterprise", "public_place"]:
            ranked, missing = [], []
            for ident, name, code, active in self.category_members(category):
                got = self.value(ident, kind, key)
                if got is None:
                    if active:
                        missing.append(f"{ident[0]}:{ident[1]}")
                    continue
                tenths = self.half_up(got[0])
                before = self.value(ident, kind, prev_key(kind, key))
                ranked.append({
                    "key": f"{ident[0]}:{ident[1]}", "ident": ident, "name": name, "code": code, "score": tenths,
                    "vetoed": got[1], "partial": got[2], "grade": self.grade(tenths, got[1]),
                    "trend": None if before is None else tenths - self.half_up(before[0]),
                    "cases": self.case_counts(ident, own),
                })
            ranked.sort(key=lambda e: (1 if e["vetoed"] else 0, -e["score"], e["name"], e["code"]))
            for e in ranked:
                e["rank"] = 1 + sum(1 for o in ranked if (o["vetoed"], -o["score"]) < (e["vetoed"], -e["score"]))
            excellent = [e for e in ranked if not e["vetoed"] and e["grade"] == "excellent" and not e["cases"][1]]
            red = [e for e in excellent if len(excellent) <= RED_N or e["rank"] <= excellent[RED_N - 1]["rank"]]
            bad = [e for e in ranked if e["vetoed"] or e["grade"] == "fail"]
            black = [e for e in bad if len(bad) <= BLACK_N or e["rank"] >= bad[len(bad) - BLACK_N]["rank"]]
            black.sort(key=lambda e: (-e["rank"], e["name"], e["code"]))
            out[category] = {
                "entries": [(e["key"], e["score"], e["rank"], e["grade"], e["vetoed"], e["partial"], e["trend"],
                             *e["cases"]) for e in ranked],
                "not_inspected": sorted(missing),
                "red": [e["key"] for e in red],
                "black": [(e["key"], self.reasons(e["ident"], kind, key)) for e in black],
            }
        return out


def engine_view(lists):
    out = {}
    for cat in lists["categories"]:
        by_key = {e["key"]: e for e in cat["entries"]}
        out[cat["category"]] = {
            "entries": [(e["key"], e["score"], e["rank"], e["grade"], e["vetoed"], e["partial"], e["trend"],
                         e["open_cases"], e["overdue_cases"]) for e in cat["entries"]],
            "not_inspected": sorted(r["key"] for r in cat["not_inspected"]),
            "red": cat["red"],
            "black": [(k, [r["code"] for r in by_key[k]["reasons"]]) for k in cat["black"]],
        }
    return out


# ---------------------------------------------------------------- the random history

def seeded_history(rng, versions, count=5200):
    street = make_street()
    companies = [PropertyCompany.objects.create(code=f"PC{i}", name=f"物业{i}") for i in range(5)]
    places = []
    for c in range(3):
        community = make_place(street, PlaceKind.COMMUNITY, f"C{c}", f"社区{c}")
        places.append(community)
        for k in range(4):
            compound = make_place(street, PlaceKind.COMPOUND, f"C{c}K{k}", f"小区{c}{k}", parent=community,
                                  company=companies[(c * 4 + k) % 6] if (c * 4 + k) % 6 < 5 else None)
            places.append(compound)
            for b in range(3):
                places.append(make_place(street, PlaceKind.BIN_STATION, f"C{c}K{k}B{b}", parent=compound))
        for u, kind in enumerate(["public_institution", "enterprise", "public_place"]):
            places.append(make_place(street, kind, f"C{c}U{u}", f"单位{c}{u}", parent=community))
    make_place(street, PlaceKind.COMPOUND, "ZZ", "未查小区", parent=places[0])  # never inspected
    retired = make_place(street, PlaceKind.COMPOUND, "ZR", "撤销小区", parent=places[0])
    retired.retire()
    rows, failures = [], []
    for _ in range(count):
        place = rng.choice(places)
        regime = rng.choices(
            [Regime.WEEKLY_GUIDANCE, Regime.MONTHLY_COVERT, Regime.QUARTERLY_ASSESSMENT], [5, 4, 1])[0]
        # Some places never get an assessment, others never a covert visit: partial quarterly marks.
        if ("K3" in place.code and regime == Regime.QUARTERLY_ASSESSMENT) or (
                place.code.endswith("U2") and regime == Regime.MONTHLY_COVERT):
            regime = Regime.WEEKLY_GUIDANCE
        month = rng.randint(1, 6)
        when = local(2026, month, rng.randint(1, 28), rng.randint(0, 23))
        vetoed = rng.random() < 0.04
        score = rng.choice([None] if rng.random() < 0.02 else [rng.choice(range(400, 1001, 25)),
                                                              rng.randint(300, 1000)])
        status = "awaiting_photos" if rng.random() < 0.02 else "complete"
        inspection = build_inspection(place, regime, when, score, version=versions(place.kind, regime),
                                      vetoed=vetoed, status=status, voided=rng.random() < 0.03)
        rows.append(inspection)
        failed = {code: rng.randint(0, pts * 10) for code, pts in (("A", 20), ("B", 30), ("C", 40))
                  if rng.random() < 0.3}
        if vetoed:
            failed["D"] = 100
        failures.append(failed)
    Inspection.objects.bulk_create(rows, batch_size=1000)
    answers = [a for i, f in zip(rows, failures, strict=True) for a in answers_for(i, f)]
    Answer.objects.bulk_create(answers, batch_size=2000)
    return street, rows


def seeded_cases(rng, street, count=300):
    """Rectification cases as stored facts: opened, maybe re-opened with a new deadline, maybe closed or withdrawn
    (the reference reads them raw; how deadlines are counted is tested in tests/rectifications)."""
    places = list(Place.objects.filter(street=street))
    cases, events = [], []
    for n in range(1, count + 1):
        opened = local(2026, rng.randint(1, 6), rng.randint(1, 28), rng.randint(0, 23))
        deadline = opened.date() + dt.timedelta(days=rng.randint(0, 20))
        timeline = [("opened", opened, deadline)]
        if rng.random() < 0.3:
            reopened = opened + dt.timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 23))
            timeline.append(("reopened", reopened, reopened.date() + dt.timedelta(days=rng.randint(0, 10))))
        end = rng.choices([None, "closed", "withdrawn"], [1, 8, 1])[0]
        if end:
            timeline.append((end, timeline[-1][1] + dt.timedelta(days=rng.randint(0, 25), hours=rng.randint(0, 23)),
                             None))
        state = {None: "open", "closed": "closed", "withdrawn": "withdrawn"}[end]
        cases.append(RectificationCase(
            street=street, number=f"ZG-2026-{n:04d}", year=2026, sequence=n, place=rng.choice(places),
            item_code=f"R{n}", party_kind="community", deadline=[d for _k, _at, d in timeline if d][-1], state=state,
            source="manual", opened_at=opened, closed_at=timeline[-1][1] if end == "closed" else None,
            withdrawn_at=timeline[-1][1] if end == "withdrawn" else None,
        ))
        events.append(timeline)
    RectificationCase.objects.bulk_create(cases)
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, kind=kind, at=at, deadline=deadline)
        for case, timeline in zip(cases, events, strict=True) for kind, at, deadline in timeline
    )


def voids_toggled(rng, rows, count):
    """Voids or restores `count` of the inspections, each followed by the update the sync code triggers."""
    for inspection in rng.sample(rows, count):
        inspection.voided = not inspection.voided
        inspection.save(update_fields=["voided"])
        rescore(inspection)


def stored_scores():
    return sorted(PlaceScore.objects.values_list("place_id", "regime", "period", "sum_tenths", "count",
                                                 "veto_count", "composite", "composite_vetoed"))


def test_engine_agrees_with_an_independent_reference_over_a_random_history():
    rng = random.Random(20260601)
    versions = Versions()
    street, rows = seeded_history(rng, versions)
    assert len(rows) >= 5000
    seeded_cases(random.Random(20261201), street)

    call_command("rebuild_scores", verbosity=0)
    # Later voids and restores, each followed by the update the sync code triggers; the incremental
    # updates must leave exactly what a full rebuild computes.
    voids_toggled(rng, rows, 300)
    incremental = stored_scores()
    call_command("rebuild_scores", verbosity=0)
    assert stored_scores() == incremental and len(incremental) > 500

    reference = Reference(street)
    policy = RankingPolicy(red_n=RED_N, black_n=BLACK_N)
    periods = {
        kind: sorted({key_of(kind, r["inspected_at"]) for r in reference.rows}) for kind in ("week", "month", "quarter")
    }
    compared = black_entries = 0
    seen = defaultdict(int)  # the cases worth having: ties, vetoes, partial marks, trends, reasons
    for kind, keys in periods.items():
        for key in keys:
            engine = engine_view(compute_lists(street=street, kind=kind, period=key, policy=policy))
            expected = reference.lists(kind, key)
            assert engine == expected, (kind, key)
            compared += sum(len(c["entries"]) for c in expected.values())
            black_entries += sum(len(c["black"]) for c in expected.values())
            for cat in expected.values():
                ranks = [e[2] for e in cat["entries"]]
                seen["tie"] += len(ranks) - len(set(ranks))
                seen["vetoed"] += sum(e[4] for e in cat["entries"])
                seen["partial"] += sum(e[5] for e in cat["entries"])
                seen["trend"] += sum(e[6] is not None for e in cat["entries"])
                seen["veto reason"] += sum(1 for _k, codes in cat["black"] if "D" in codes)
                seen["3 reasons"] += sum(1 for _k, codes in cat["black"] if len(codes) == 3)
                seen["overdue"] += sum(1 for e in cat["entries"] if e[8])
                seen["not red: overdue"] += sum(1 for e in cat["entries"] if e[8] and not e[4] and e[3] == "excellent")
                seen["red"] += len(cat["red"])
    assert len(periods["week"]) >= 25 and periods["quarter"] == ["2026-Q1", "2026-Q2"]
    assert compared > 800 and black_entries > 100
    assert min(seen.values()) >= 5 and len(seen) == 9, dict(seen)


def test_incremental_scores_from_nothing_equal_a_rebuild():
    """Every inspection scored as it completes (as on the sync path), then voids and restores."""
    rng = random.Random(99)
    _street, rows = seeded_history(rng, Versions(), count=800)
    assert not PlaceScore.objects.exists()
    for inspection in rows:
        rescore(inspection)
    voids_toggled(rng, rows, 100)
    incremental = stored_scores()
    call_command("rebuild_scores", verbosity=0)
    assert stored_scores() == incremental
    assert len(incremental) > 300 and any(row[4] == 0 for row in incremental)  # composite-only rows too
