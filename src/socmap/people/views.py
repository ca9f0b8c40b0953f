"""Pages for nominals (people). Thin: parse the request, call a selector or a service,
render. Who may see a person is decided by the scoping module; who may change one by the
services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from socmap.errors import InvalidInput
from socmap.orgs.scoping import organisations_in_scope
from socmap.people import selectors, services
from socmap.people.forms import (
    AddressForm,
    AliasForm,
    FindDuplicatesForm,
    IdentifierForm,
    LinkForm,
    MergeForm,
    NominalForm,
    ReviewForm,
    UnlinkForm,
    UnmergeForm,
    split_relation,
)
from socmap.people.models import CandidateStatus, Nominal
from socmap.people.rules import date_of_birth_difference
from socmap.security.reads import guard_read
from socmap.web.tables import csv_response, paginate, sorted_by

SEARCH_RESULTS = 10


def _apply_errors(form: forms.Form, error: InvalidInput) -> None:
    for field, messages_ in error.field_errors.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


def may_edit_people(user) -> bool:
    """Whether to offer the buttons that change people (the services check it anyway)."""
    return user.has_role(*services.PEOPLE_EDITORS) and not user.is_read_only


def _require_editor(user) -> None:
    if not may_edit_people(user):
        raise PermissionDenied(
            "Only analysts, Lead Responsible Officers and offender managers may change people."
        )


def _form_page(request, template: str, form, context: dict):
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


# --------------------------------------------------------------------------- list


@login_required
def nominal_list(request):
    search = request.GET.get("q", "").strip()[: selectors.SEARCH_MAX_LENGTH]
    flags = [f for f in request.GET.getlist("flag") if f in selectors.FLAGS]
    owners = organisations_in_scope(request.user).order_by("name")
    owner = request.GET.get("owner", "")
    if owner and not owners.filter(slug=owner).exists():
        owner = ""
    people = selectors.nominals_visible_to(request.user, search=search, flags=flags, owner=owner)
    people, sort = sorted_by(request, people, selectors.NOMINAL_SORTS, "name")
    people = selectors.order_nominals(people, sort)
    if request.GET.get("format") == "csv":
        return csv_response(
            "people",
            [
                "id",
                "surname",
                "forenames",
                "date_of_birth",
                "gender",
                "nationality",
                "pnc_id",
                "flags",
                "recorded_by",
                "updated_at",
            ],
            (
                [
                    n.pk,
                    n.surname,
                    n.forenames,
                    n.date_of_birth.isoformat() if n.date_of_birth else "",
                    n.gender,
                    n.nationality,
                    n.pnc_id,
                    "; ".join(n.flags),
                    n.owner.name,
                    n.updated_at.isoformat(timespec="seconds"),
                ]
                for n in people.iterator()
            ),
        )
    return render(
        request,
        "people/nominal_list.html",
        {
            "page": paginate(request, people),
            "q": search,
            "flags": [(key, label, key in flags) for key, label in selectors.FLAGS.items()],
            "chosen_flags": flags,
            "owners": owners if owners.count() > 1 else [],
            "owner": owner,
            "sort": sort,
            "may_edit": may_edit_people(request.user),
        },
    )


# --------------------------------------------------------------------------- one person


@login_required
def nominal_detail(request, pk: int):
    nominal = selectors.nominal_detail(request.user, pk)
    gate = guard_read(request, nominal)
    if gate is not None:
        return gate
    return render(
        request,
        "people/nominal_detail.html",
        {"nominal": nominal, "may_edit": may_edit_people(request.user)},
    )


@login_required
def nominal_create(request):
    _require_editor(request.user)
    form = NominalForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            nominal = services.record_nominal(
                actor=request.user,
                owner=form.cleaned_data.get("owner"),
                aliases=form.alias_list(),
                **form.nominal_fields(),
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(request, f"{nominal} has been recorded.")
            return redirect("people:detail", pk=nominal.pk)
    return _form_page(request, "people/nominal_form.html", form, {"nominal": None})


def _editable(request, pk: int) -> Nominal:
    """A person the user may see (404 otherwise) and may change (403 otherwise)."""
    nominal = selectors.nominal_detail(request.user, pk)
    _require_editor(request.user)
    return nominal


@login_required
def nominal_edit(request, pk: int):
    nominal = _editable(request, pk)
    initial = {key: getattr(nominal, key) for key in services.NOMINAL_FIELDS}
    form = NominalForm(request.POST or None, viewer=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_nominal(
                actor=request.user,
                nominal=nominal,
                reason=form.cleaned_data["reason"],
                **form.nominal_fields(),
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(request, f"{nominal} has been updated.")
            return redirect("people:detail", pk=nominal.pk)
    return _form_page(request, "people/nominal_form.html", form, {"nominal": nominal})


def _add_page(request, pk: int, form_class, service, *, title: str, button: str, done: str):
    """A page with one small form that adds something to a person."""
    nominal = _editable(request, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, nominal=nominal, **form.cleaned_data)
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(request, done.format(nominal=nominal))
            return redirect("people:detail", pk=nominal.pk)
    return _form_page(
        request,
        "people/add_form.html",
        form,
        {"nominal": nominal, "title": title, "button": button, "action": request.path},
    )


@login_required
def add_alias(request, pk: int):
    return _add_page(
        request,
        pk,
        AliasForm,
        services.add_alias,
        title="Add an alias",
        button="Add the alias",
        done="The alias has been added to {nominal}.",
    )


@login_required
def add_identifier(request, pk: int):
    return _add_page(
        request,
        pk,
        IdentifierForm,
        services.add_identifier,
        title="Add an identifier",
        button="Add the identifier",
        done="The identifier has been added to {nominal}.",
    )


@login_required
def add_address(request, pk: int):
    return _add_page(
        request,
        pk,
        AddressForm,
        services.add_address,
        title="Add an address",
        button="Add the address",
        done="The address has been added to {nominal}.",
    )


# --------------------------------------------------------------------------- associations


@login_required
def link(request, pk: int):
    nominal = _editable(request, pk)
    form = LinkForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind, outgoing = split_relation(data["relation"])
        other = data["other"]
        try:
            services.link_people(
                actor=request.user,
                source=nominal if outgoing else other,
                target=other if outgoing else nominal,
                kind=kind,
                notes=data["notes"],
                from_date=data["from_date"],
                to_date=data["to_date"],
            )
        except InvalidInput as invalid:
            if "target" in invalid.field_errors:
                invalid.field_errors["other"] = invalid.field_errors.pop("target")
            if "kind" in invalid.field_errors:
                invalid.field_errors["relation"] = invalid.field_errors.pop("kind")
            _apply_errors(form, invalid)
        else:
            messages.success(request, f"{nominal} is now linked to {other}.")
            return redirect("people:detail", pk=nominal.pk)
    search = request.GET.get("q", "").strip()[: selectors.SEARCH_MAX_LENGTH]
    return _form_page(
        request,
        "people/link_form.html",
        form,
        {
            "nominal": nominal,
            "q": search,
            "results": _search_results(request.user, search, exclude=nominal.pk),
        },
    )


def _search_results(user, search: str, exclude: int | None = None) -> list[Nominal] | None:
    if not search:
        return None
    people = selectors.nominals_visible_to(user, search=search)
    if exclude is not None:
        people = people.exclude(pk=exclude)
    return list(people[:SEARCH_RESULTS])


@login_required
@require_GET
def person_search(request):
    """Search-as-you-type for the link form: a short list of people the user may see, each
    with a button that puts their id in the form (htmx); without htmx the ids are shown."""
    choose = request.GET.get("choose")
    if choose:
        chosen = selectors.visible_nominal(request.user, choose)
        if chosen is None:
            raise Http404("No nominal found.")
        form = LinkForm(initial={"other": chosen.pk}, viewer=request.user)
        return render(request, "people/includes/other_field.html", {"form": form})
    search = request.GET.get("q", "").strip()[: selectors.SEARCH_MAX_LENGTH]
    try:
        exclude = int(request.GET.get("exclude", ""))
    except ValueError:
        exclude = None
    return render(
        request,
        "people/includes/search_results.html",
        {"q": search, "results": _search_results(request.user, search, exclude)},
    )


@login_required
def unlink(request, pk: int, association_pk: int):
    nominal = _editable(request, pk)
    link_ = next((x for x in nominal.linked_people if x.association.pk == association_pk), None)
    if link_ is None:
        raise Http404("No association found.")
    association = selectors.visible_association(request.user, association_pk)
    form = UnlinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unlink_people(
                actor=request.user, association=association, reason=form.cleaned_data["reason"]
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(
                request, f"The link between {nominal} and {link_.other} has been removed."
            )
            return redirect("people:detail", pk=nominal.pk)
    return _form_page(request, "people/unlink_form.html", form, {"nominal": nominal, "link": link_})


# --------------------------------------------------------------------------- merges


@login_required
def merge(request, pk: int):
    nominal = _editable(request, pk)
    form = MergeForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.merge_people(
                actor=request.user,
                duplicate=nominal,
                survivor=data["survivor"],
                reason=data["reason"],
                confirm_different_dates_of_birth=data["confirm_different_dates_of_birth"],
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(request, f"{nominal} is now shown as {data['survivor']}.")
            return redirect("people:detail", pk=data["survivor"].pk)
    return _form_page(request, "people/merge_form.html", form, {"nominal": nominal})


@login_required
def unmerge(request, pk: int):
    merge_ = selectors.visible_merge(request.user, pk)
    _require_editor(request.user)
    form = UnmergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unmerge_people(
                actor=request.user, merge=merge_, reason=form.cleaned_data["reason"]
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(
                request, f"{merge_.duplicate} and {merge_.survivor} are shown as two people again."
            )
            return redirect("people:detail", pk=merge_.duplicate_id)
    return _form_page(request, "people/unmerge_form.html", form, {"merge": merge_})


# --------------------------------------------------------------------------- duplicates


@login_required
def duplicates(request):
    status = request.GET.get("status", CandidateStatus.PENDING)
    if status not in CandidateStatus.values and status != "all":
        status = CandidateStatus.PENDING
    cross_force = request.GET.get("cross_force") in ("1", "on", "true")
    pairs = selectors.candidates_visible_to(
        request.user, status="" if status == "all" else status, cross_force_only=cross_force
    )
    if request.GET.get("format") == "csv":
        return csv_response(
            "possible-duplicates",
            [
                "pair",
                "match_probability",
                "match_weight",
                "status",
                "first_id",
                "first",
                "first_recorded_by",
                "second_id",
                "second",
                "second_recorded_by",
            ],
            (
                [
                    c.pk,
                    round(c.match_probability, 4),
                    c.match_weight,
                    c.status,
                    c.left_id,
                    str(c.left),
                    c.left.owner.name,
                    c.right_id,
                    str(c.right),
                    c.right.owner.name,
                ]
                for c in pairs.iterator()
            ),
        )
    form = FindDuplicatesForm(request.POST or None)
    if request.method == "POST":
        _require_editor(request.user)
        if form.is_valid():
            try:
                run = services.find_duplicates(
                    actor=request.user, threshold=form.cleaned_data["threshold"]
                )
            except InvalidInput as invalid:
                _apply_errors(form, invalid)
            else:
                messages.success(
                    request,
                    f"Compared {run.records:,} people: {run.pairs_found:,} possible pairs, "
                    f"{run.new_candidates:,} of them new to the queue.",
                )
                return redirect("people:duplicates")
    return render(
        request,
        "people/duplicates.html",
        {
            "page": paginate(request, pairs),
            "status": status,
            "statuses": CandidateStatus.choices,
            "cross_force": cross_force,
            "form": form,
            "run": selectors.latest_linkage_run(request.user),
            "may_edit": may_edit_people(request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def duplicate_review(request, pk: int):
    candidate = selectors.visible_candidate(request.user, pk)
    form = ReviewForm(request.POST or None, candidate=candidate)
    if request.method == "POST":
        _require_editor(request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "confirm":
                    keep = candidate.right if data["keep"] == "right" else candidate.left
                    services.confirm_candidate(
                        actor=request.user,
                        candidate=candidate,
                        reason=data["reason"],
                        survivor=keep,
                        confirm_different_dates_of_birth=data["confirm_different_dates_of_birth"],
                    )
                    messages.success(request, f"Merged: shown as {keep} from now on.")
                else:
                    services.reject_candidate(
                        actor=request.user, candidate=candidate, reason=data["reason"]
                    )
                    messages.success(request, "Recorded as different people.")
            except InvalidInput as invalid:
                _apply_errors(form, invalid)
            else:
                return redirect("people:duplicates")
    return render(
        request,
        "people/duplicate_review.html",
        {
            "candidate": candidate,
            "form": form,
            "dob_difference": date_of_birth_difference(
                candidate.left.date_of_birth, candidate.right.date_of_birth
            ),
            "may_edit": may_edit_people(request.user)
            and candidate.status == CandidateStatus.PENDING,
        },
        status=400 if form.errors else 200,
    )
