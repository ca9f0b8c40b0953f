"""API for search: the same request, checks and results as the search page."""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema

from socmap.search import selectors

router = Router(tags=["Search"])


class HitOut(Schema):
    kind: str
    source: str
    id: int
    title: str
    url: str
    detail: str
    matched: str
    excerpt: str
    date: date | None
    rank: float


class ResultsOut(Schema):
    query: str
    kind: str
    counts: dict[str, int]
    total: int
    page: int
    num_pages: int
    page_size: int
    results: list[HitOut]


@router.get(
    "/",
    response=ResultsOut,
    summary="Search threats, nominals, plans, disruptions, intelligence and profiles",
    description=(
        "Parameters: q (required, up to 200 characters), kind (threat, nominal, plan, "
        "disruption, intel, profile), force (organisation slug), date_from, date_to "
        "(YYYY-MM-DD), status (a threat's or a disruption's status), page, page_size (up to "
        "50). Any other parameter is refused. Counts cover only what you may see."
    ),
)
def search(request):
    parsed = selectors.request_from(request.GET)
    results = selectors.search(request.user, parsed)
    return {
        "query": parsed.text,
        "kind": parsed.kind,
        "counts": results.counts,
        "total": results.total,
        "page": results.page,
        "num_pages": results.num_pages,
        "page_size": parsed.page_size,
        "results": [
            {
                "kind": h.kind,
                "source": h.label or h.kind,
                "id": h.pk,
                "title": h.title,
                "url": h.url,
                "detail": h.detail,
                "matched": h.matched,
                "excerpt": "".join(h.excerpt),
                "date": h.day,
                "rank": round(h.rank, 4),
            }
            for h in results.hits
        ],
    }
