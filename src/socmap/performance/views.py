"""Pages of performance and learning: the ranking (the headline measure), trends, breakdowns,
compliance, what works, the public summary and the PDF reports. Thin: parse the filters,
call the selector, draw the charts from its result, render or export its tables."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from socmap.errors import InvalidInput
from socmap.orgs.models import Organisation, OrganisationKind, PopulationFigure, Region
from socmap.performance import charts, exports, pdf
from socmap.performance import selectors as s
from socmap.web.tables import csv_response, paginate, xlsx_response

MONTH_CHOICES = (3, 6, 12, 24, 36, 48, 60)


def options_from(request, *, sorted_ranking: bool = False) -> s.Options:
    """The filters of every performance page from its query string (``sort`` is the ranking
    page's; other pages sort their own tables)."""
    get = request.GET
    return s.check_options(
        start=get.get("start", ""),
        end=get.get("end", ""),
        months=get.get("months", "") or s.rules.DEFAULT_MONTHS,
        counting=get.get("counting", "") or "validated",
        forces=get.getlist("forces") or None,
        exclude=get.getlist("exclude"),
        region=get.get("region", ""),
        force=get.get("force", ""),
        population_year=get.get("population_year", ""),
        by=get.get("by", "") or "month",
        sort=(get.get("sort", "") or "rank") if sorted_ranking else "rank",
    )


def _choices() -> dict:
    return {
        "forces": list(Organisation.objects.filter(kind=OrganisationKind.FORCE).order_by("name")),
        "regions": list(Region.objects.order_by("name")),
        "population_years": list(
            PopulationFigure.objects.order_by("-year").values_list("year", flat=True).distinct()
        ),
        "month_choices": MONTH_CHOICES,
    }


def _export(request, tables: dict[str, exports.Table]):
    fmt = request.GET.get("format", "")
    if fmt not in ("csv", "xlsx"):
        return None
    name = request.GET.get("table", "") or next(iter(tables))
    table = tables.get(name)
    if table is None:
        raise InvalidInput({"table": [f"Download one of: {', '.join(tables)}."]})
    stem = f"performance-{table.name.replace('_', '-')}"
    if fmt == "csv":
        return csv_response(stem, table.header, table.rows)
    return xlsx_response(stem, table.header, table.rows)


def _page(request, template: str, compute, *, sorted_ranking: bool = False, **extra):
    """Render a figures page, its downloads, or the problem with its filters (status 400)."""
    s.require_figures(request.user)
    context = {
        "filters": request.GET,
        "filters_forces": _listed(request, "forces"),
        "filters_exclude": _listed(request, "exclude"),
        **_choices(),
        **extra,
    }
    try:
        options = options_from(request, sorted_ranking=sorted_ranking)
        context["options"] = options
        built = compute(options)
        download = _export(request, built["tables"])
        if download is not None:
            return download
    except InvalidInput as wrong:
        context["errors"] = wrong.field_errors
        return render(request, template, context, status=400)
    context.update(built)
    context["query"] = options.as_query()
    return render(request, template, context)


def _listed(request, name: str) -> set[str]:
    return {slug.strip() for raw in request.GET.getlist(name) for slug in raw.split(",")}


def _rate(value) -> float | None:
    return float(value) if value is not None else None


@login_required
def ranking(request):
    if not s.may_see_figures(request.user) and s.may_see_public_summary(request.user):
        return redirect("performance:public")

    def compute(options):
        rates = s.rates(request.user, options)
        result, threats = rates.ranking, rates.threats
        tables = exports.ranking_tables(result)
        tables["threats"] = exports.threat_table(threats, options.period)
        own = request.user.organisation.slug if request.user.organisation else ""
        compared = [r for r in result.shown if r.in_comparison]
        return {
            "result": result,
            "threats": threats,
            "tables": tables,
            "page": paginate(request, result.shown),
            "sort": options.sort,
            "own_slug": own,
            "chart": charts.bar_chart(
                [(r.name, _rate(r.rate), r.slug == own) for r in compared],
                title=f"Disruptions per 1,000 population, {options.period.label}",
                unit="disruptions per 1,000 population",
                reference=("average", float(result.average.rate)),
            ),
            "region_chart": charts.bar_chart(
                [(a.name, _rate(a.rate), False) for a in result.regions],
                title=f"Disruptions per 1,000 population by region, {options.period.label}",
                unit="disruptions per 1,000 population",
                reference=("average", float(result.average.rate)),
            ),
        }

    return _page(request, "performance/ranking.html", compute, sorted_ranking=True)


@login_required
def trends(request):
    def compute(options):
        result = s.trends(request.user, options)
        with_rates = result.population is not None
        return {
            "result": result,
            "tables": {"trend": exports.trend_table(result)},
            "chart": charts.line_chart(
                [(p.label, float(p.rate) if with_rates else p.count) for p in result.points],
                title=f"{options.counting.capitalize()} by {options.by}, {result.area.name}",
                unit="per 1,000 population" if with_rates else "disruptions",
            ),
        }

    return _page(request, "performance/trends.html", compute, with_force=True, with_by=True)


@login_required
def breakdown(request):
    def compute(options):
        result = s.breakdown(request.user, options)
        return {
            "result": result,
            "tables": exports.breakdown_tables(result),
            "mix_chart": charts.mix_chart(
                [(p.label, p.count) for p in result.categories],
                title=f"The 4P mix, {result.area.name}, {options.period.label}",
            ),
            "tactic_chart": charts.bar_chart(
                [(p.label, p.count, False) for p in result.tactics],
                title=f"Disruptions by tactic, {result.area.name}",
                unit="disruptions",
            ),
        }

    return _page(request, "performance/breakdown.html", compute, with_force=True)


COMPLIANCE_SORTS = {
    "name": lambda r: r.name,
    "threats": lambda r: r.active_threats,
    "lro": lambda r: r.with_lro.percent or 0,
    "plan": lambda r: r.plan_all_four.percent or 0,
    "review": lambda r: r.review_on_time.percent or 0,
    "reassessment": lambda r: r.reassessment_on_time.percent or 0,
    "graded": lambda r: r.graded.percent or 0,
    "validated": lambda r: r.validated.percent or 0,
}


@login_required
def compliance(request):
    def compute(options):
        result = s.compliance(request.user, options)
        key = request.GET.get("sort", "name")
        if key.lstrip("-") not in COMPLIANCE_SORTS:
            key = "name"
        rows = sorted(
            result.rows, key=COMPLIANCE_SORTS[key.lstrip("-")], reverse=key.startswith("-")
        )
        total = result.total
        return {
            "result": result,
            "rows": rows,
            "sort": key,
            "tables": exports.compliance_tables(result),
            "chart": charts.bar_chart(
                [
                    ("With an LRO", _rate(total.with_lro.percent), False),
                    ("Plan under all four Ps", _rate(total.plan_all_four.percent), False),
                    ("Plan review on time", _rate(total.review_on_time.percent), False),
                    ("Re-assessment on time", _rate(total.reassessment_on_time.percent), False),
                    ("Disruptions graded", _rate(total.graded.percent), False),
                    ("Disruptions validated", _rate(total.validated.percent), False),
                ],
                title="Compliance measures, all the forces you can see",
                unit="% of active threats (or of disruptions recorded)",
            ),
        }

    return _page(request, "performance/compliance.html", compute, with_force=True)


@login_required
def what_works(request):
    def compute(options):
        result = s.what_works(request.user, options)
        return {
            "result": result,
            "tables": exports.what_works_tables(result),
            "sections": [
                ("By 4P category", result.categories, "categories"),
                ("By tactic", result.tactics, "tactics"),
            ],
            "chart": charts.survival_chart(
                [
                    (r.label, [(step.day, step.survival) for step in r.curve.steps])
                    for r in result.survival
                ],
                title="Share of adopted threats still active, by main 4P approach",
            ),
        }

    return _page(request, "performance/what_works.html", compute)


@login_required
def public_summary(request):
    context = {"filters": request.GET, "with_force": True, **_choices()}
    try:
        options = options_from(request)
        if not (options.force or options.region):
            org = request.user.organisation
            home = org if org and org.is_force else getattr(org, "home_force", None)
            if home is not None:
                options = s.Options(**{**options.__dict__, "force": home.slug})
        context["summary"] = s.public_summary(request.user, options)
        context["options"] = options
    except InvalidInput as wrong:
        context["errors"] = wrong.field_errors
        return render(request, "performance/public.html", context, status=400)
    context["query"] = options.as_query()
    return render(request, "performance/public.html", context)


@login_required
def reports(request):
    """The page to choose a report; ``?kind=pack|public`` with a force or region downloads it."""
    kind = request.GET.get("kind", "")
    context = {
        "filters": request.GET,
        "may_see_figures": s.may_see_figures(request.user),
        **_choices(),
    }
    if not kind:
        return render(request, "performance/reports.html", context)
    try:
        options = options_from(request)
        if kind not in ("pack", "public"):
            raise InvalidInput({"kind": ["Choose the performance pack or the public summary."]})
        if not (options.force or options.region):
            raise InvalidInput({"force": ["Choose a force or a region for the report."]})
        content, name = pdf.report_pdf(request.user, options, kind)
    except InvalidInput as wrong:
        context["errors"] = wrong.field_errors
        return render(request, "performance/reports.html", context, status=400)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
