"""The access matrix: who may reach every page and every API operation.

tests/security/test_access_matrix.py enumerates every URL pattern (from the URL resolver) and
every API operation (from the OpenAPI schema) and requests each as an anonymous visitor and as
a user of each relationship to the owner of the record the route addresses (a Wiltshire
record): COLUMNS below. A route whose expectation is missing fails the test - that is the
point: nobody can add a page or an operation without saying who may reach it.

How a route declares its expectation (a few minutes for a new app):

1. Give the app a module ``socmap/<app>/access.py`` (next to its urls.py and api.py).
2. In it, ``EXPECT`` maps each route to the status code each column gets, in COLUMNS order:

       EXPECT = {
           # page routes by URL name; API operations as "METHOD /api/path/{param}"
           "threats:list": ANYONE,                          # every signed-in user: 200
           "threats:detail": ("threat", SEES),              # the record named "threat"
           "GET /api/threats/{threat_id}": ("threat", SEES),
           "POST /api/threats": "422 422 422 422 422 422 422",
       }

   A value is a string of seven codes (or a constant below), or ``(record, codes)`` when the
   route takes a record: every URL parameter is filled from that record (its ``pk``, or the
   attribute of the same name: ``slug``, ``username``...), or ``(record, codes, kwargs)``
   with ``kwargs(record) -> {param: value}`` for anything else.
3. ``RECORDS`` maps record names to what they are: a model label (``"threats.Threat"``:
   the test picks a Wiltshire-owned record no restriction hides) or a callable
   ``pick(world) -> object``. The record is shared with the partner of column
   ``partner_shared`` and not with that of ``partner_unshared``.
4. Anonymous visitors are expected to be sent to the log-in page (pages) or to get 401 (API)
   unless ``ANONYMOUS`` maps the route to another code (the log-in page itself: 200).

Pages are requested with GET; API operations with their method and an empty JSON body, each
request inside a transaction that is rolled back, so one request never changes the next.

Beyond the codes you write, the test checks on its own (you cannot switch these off):

* a user who may not see the route's record (per ``orgs.scoping.can_see``) never gets a 2xx;
* every 2xx body is searched for every record of every scoped model (each record's text is
  tagged before the run): a record the user may not see (scope, shares, restrictions) must
  never appear - in a list, a search, a panel or an export;
* no HTML page shows the tag's ``<x>`` unescaped (HTML in text fields is escaped everywhere).

Every export link (``format=csv|xlsx|pdf``) found on any page is followed too: its filename
must name the user and the time, it must write an ``export.downloaded`` audit event, an XLSX
file must name its exporter, no cell may start a live formula, and no record the user may not
see may be in it. ``BLANK_DOWNLOADS`` lists routes whose downloads hold no records (a blank
import template).

``TAGGED_FIELDS`` (optional) names, per model label, the text field that carries the tag when
the first suitable one is wrong; ``UNTAGGED`` lists model labels to leave out (say why).
"""

from __future__ import annotations

COLUMNS = (
    "own",  # a user of the record's owning force (Wiltshire)
    "same_region",  # another force of the same region (Dorset)
    "other_region",  # a force of another region (Derbyshire)
    "rocu",  # the ROCU of the owner's region (SWROCU)
    "national",  # a national agency (NCA)
    "partner_shared",  # a partner agency the record is shared with
    "partner_unshared",  # a partner agency of the same area without a share
)

ANYONE = "200 200 200 200 200 200 200"
# who sees a Wiltshire record shared with the first partner
SEES = "200 404 404 200 200 200 404"
NOT_ALLOWED = "405 405 405 405 405 405 405"
# an API operation called with an empty body: refused by validation before anything is read
INVALID = "422 422 422 422 422 422 422"


def codes(value) -> tuple[int, ...]:
    text = value if isinstance(value, str) else value[1]
    parsed = tuple(int(part) for part in text.split())
    if len(parsed) != len(COLUMNS):
        raise ValueError(f"{value!r}: give {len(COLUMNS)} status codes, one per column")
    return parsed


def format_codes(statuses) -> str:
    return " ".join(str(s) for s in statuses)
