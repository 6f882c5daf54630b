"""The public page of a covert draw (no login): before the reveal its commitment, eligible places (codes and
their communities only) and size; after, the seed, the sample, and how to check one against the other."""

from __future__ import annotations

import json
from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import get_template
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from .models import CovertDraw
from .selectors import PUBLIC_STATES, outside_sample, public_facts

SCRIPT_TEMPLATE = "plans/public/verify_sample.txt"  # the script of docs/sampling.md, word for word (tested)


def verify_script() -> str:
    return get_template(SCRIPT_TEMPLATE).template.source


def script_input(facts: dict) -> str:
    """The JSON the verification script reads (the seed is null until revealed)."""
    return json.dumps({"seed": facts["seed"] or None, "n": facts["n"], "community_minimum": facts["community_minimum"],
                       "eligible": facts["eligible"]}, ensure_ascii=False)


def draw_page(request: HttpRequest, pk: int) -> HttpResponse:
    draw = get_object_or_404(CovertDraw.objects.select_related("plan__street"), pk=pk, plan__state__in=PUBLIC_STATES)
    facts = public_facts(draw)
    by_community = groupby(sorted(facts["eligible"], key=lambda pair: (pair[1], pair[0])), key=lambda pair: pair[1])
    response = render(request, "plans/public/draw.html", {
        "title": _("%(street)s %(period)s 暗查抽样") % {"street": facts["street"], "period": facts["period"]},
        "draw": facts, "communities": [{"community": c, "codes": [code for code, _c in pairs]}
                                       for c, pairs in by_community],
        "script": verify_script() if facts["revealed"] else "", "script_input": script_input(facts),
        "outside": outside_sample(draw) if facts["revealed"] else {},
    })
    patch_cache_control(response, public=True, max_age=60)
    return response
