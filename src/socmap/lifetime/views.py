"""Lifetime management pages: the alerts, orders (list, record, page, court decisions,
variation, discharge, breaches), custody and release, a person's lifetime record with the
"consider an order" decision, breaches awaiting a disruption, and the order types. Thin: parse
the request, call a selector or a service, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from socmap.errors import InvalidInput
from socmap.lifetime import exports, rules, selectors, services
from socmap.lifetime.forms import (
    BreachForm,
    ConsiderForm,
    CustodyForm,
    DischargeForm,
    GrantForm,
    OrderForm,
    RefuseForm,
    ReleaseForm,
    VaryForm,
    condition_formset,
)
from socmap.lifetime.models import OrderType
from socmap.lifetime.rules import LIVE, CustodyType, OrderStatus
from socmap.orgs.models import OrganisationKind
from socmap.orgs.scoping import can_see, organisations_in_scope
from socmap.web.tables import paginate

FORMATS = ("csv", "xlsx")


def may_edit(user) -> bool:
    return services.may_edit(user)


def may_record_disruptions(user) -> bool:
    from socmap.disruptions.services import RECORDERS

    return user.has_role(*RECORDERS) and not user.is_read_only


def _owns(user, record) -> bool:
    return organisations_in_scope(user).filter(pk=record.owner_id).exists()


def _require_editor(user, record=None) -> None:
    if not may_edit(user) or (record is not None and not _owns(user, record)):
        raise PermissionDenied(
            "Only offender managers and LROs of the managing organisation may change lifetime "
            "management records."
        )


def _apply_errors(form: forms.Form, error: InvalidInput, formset=None) -> None:
    for field, messages_ in error.field_errors.items():
        for message in messages_:
            if field == "conditions" and formset is not None:
                formset._non_form_errors = formset.non_form_errors() + [message]
                form.add_error(None, message)
            else:
                form.add_error(field if field in form.fields else None, message)


def _form_page(request, template: str, form, context: dict):
    invalid = form.errors or (context.get("formset") and context["formset"].non_form_errors())
    return render(request, template, {"form": form, **context}, status=400 if invalid else 200)


def _days(request) -> int:
    try:
        return rules.clamp_days(int(request.GET.get("days", rules.ALERT_DAYS_DEFAULT)))
    except ValueError:
        return rules.ALERT_DAYS_DEFAULT


# --------------------------------------------------------------------------- alerts

ALERT_EXPORTS = ("releases", "expiring", "past-end", "consider")


@login_required
def alerts(request):
    days = _days(request)
    found = selectors.alerts(request.user, days=days)
    export = request.GET.get("export", "")
    fmt = request.GET.get("format", "csv")
    if export in ALERT_EXPORTS and fmt in FORMATS:
        if export == "releases":
            return exports.table_response(
                fmt,
                f"releases-next-{days}-days",
                "Releases",
                exports.CUSTODY_HEADER,
                exports.custody_records(found.releases),
            )
        if export == "consider":
            return exports.table_response(
                fmt,
                "consider-an-order",
                "Consider an order",
                exports.CONSIDER_HEADER,
                (exports.consider_record(r) for r in found.consider),
            )
        queryset = found.expiring if export == "expiring" else found.past_end
        return exports.table_response(
            fmt,
            f"orders-{export}",
            "Orders",
            exports.ORDER_HEADER,
            exports.order_records(queryset),
        )
    return render(
        request,
        "lifetime/alerts.html",
        {
            "alerts": found,
            "days": days,
            "releases": list(found.releases.annotate(order_count=Count("orders"))[:100]),
            "release_count": found.releases.count(),
            "expiring": list(found.expiring.annotate(breach_count=Count("breaches"))[:100]),
            "expiring_count": found.expiring.count(),
            "past_end": list(found.past_end[:100]),
            "past_end_count": found.past_end.count(),
            "consider": found.consider[:100],
            "awaiting": selectors.breaches_awaiting_disruption(request.user).count(),
            "may_edit": may_edit(request.user),
            "today": found.today,
        },
    )


@login_required
@require_POST
def expire(request):
    if not may_edit(request.user):
        raise PermissionDenied("Only offender managers and LROs may record the expiry of orders.")
    expired = services.expire_orders(actor=request.user)
    if expired:
        messages.success(
            request,
            f"Recorded the expiry of {len(expired)} order{'s' if len(expired) != 1 else ''}: "
            + ", ".join(o.reference for o in expired[:20]),
        )
    else:
        messages.info(request, "No order is past its last day.")
    return redirect("lifetime:alerts")


# --------------------------------------------------------------------------- orders


def _order_filters(request) -> selectors.OrderFilters:
    get = request.GET
    return selectors.check_order_filters(
        order_type=get.get("type", ""),
        status=get.get("status", ""),
        state=get.get("state", ""),
        owner=get.get("owner", ""),
        ends_before=get.get("ends_before", ""),
        search=get.get("q", ""),
        sort=get.get("sort", selectors.ORDER_DEFAULT_SORT),
        strict=False,
    )


@login_required
def order_list(request):
    filters = _order_filters(request)
    orders = selectors.order_list(request.user, filters)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return exports.table_response(
            fmt, "orders", "Orders", exports.ORDER_HEADER, exports.order_records(orders)
        )
    page = paginate(request, orders)
    today = timezone.localdate()
    for order in page.object_list:
        order.state_now = rules.OrderState(order.state(today)).label
    return render(
        request,
        "lifetime/order_list.html",
        {
            "page": page,
            "filters": filters,
            "sort": filters.sort,
            "types": OrderType.objects.all(),
            "statuses": OrderStatus.choices,
            "states": [
                ("in_force", "In force"),
                ("awaiting_release", "Starts on release"),
                ("pending", "Application pending"),
                ("ended", "Refused, discharged or expired"),
            ],
            "owners": organisations_in_scope(request.user)
            .exclude(kind=OrganisationKind.PARTNER)
            .order_by("name"),
            "may_edit": may_edit(request.user),
        },
    )


@login_required
def record_order(request):
    _require_editor(request.user)
    initial = {"decided_on": timezone.localdate(), "status": OrderStatus.GRANTED}
    if request.GET.get("nominal", "").isdigit():
        initial["nominal"] = request.GET["nominal"]
    form = OrderForm(request.POST or None, user=request.user, initial=initial)
    formset = condition_formset(request)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            order = services.record_order(
                actor=request.user,
                conditions=formset.conditions(),
                **form.order_fields_for_service(),
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid, formset)
        else:
            done = "applied for" if order.status == OrderStatus.APPLIED else "recorded"
            messages.success(
                request, f"{order.reference} {order.order_type.name} {done} for {order.nominal}."
            )
            return redirect("lifetime:order", pk=order.pk)
    return _form_page(
        request,
        "lifetime/order_form.html",
        form,
        {"formset": formset, "order_types": OrderType.objects.filter(is_active=True)},
    )


@login_required
def order_detail(request, pk: int):
    order = selectors.order_detail(request.user, pk)
    user = request.user
    editable = may_edit(user) and _owns(user, order)
    today = timezone.localdate()
    return render(
        request,
        "lifetime/order_detail.html",
        {
            "order": order,
            "state": rules.OrderState(order.state(today)).label,
            "history": selectors.order_history(user, order),
            "conditions": order.conditions.select_related("added_in", "removed_in", "associate"),
            "breaches": selectors.breaches_for(user).filter(order=order),
            "person_visible": can_see(user, order.nominal),
            "threat_visible": order.threat_id is not None and can_see(user, order.threat),
            "may_edit": editable,
            "is_live": order.status in LIVE,
            "may_record_disruption": may_record_disruptions(user)
            and _owns(user, order)
            and order.disruption_id is None
            and order.status != OrderStatus.APPLIED
            and order.status != OrderStatus.REFUSED,
            "rule": order.order_type,
        },
    )


def _editable_order(request, pk: int):
    order = selectors.order_detail(request.user, pk)
    _require_editor(request.user, order)
    return order


def _order_action(
    request, pk, form_class, template, act, *, done, statuses, conditions=False, form_kwargs=None
):
    order = _editable_order(request, pk)
    if order.status not in statuses:
        messages.warning(request, f"{order.reference} is {order.get_status_display().lower()}.")
        return redirect("lifetime:order", pk=order.pk)
    kwargs = form_kwargs(order) if form_kwargs else {}
    form = form_class(request.POST or None, initial={"decided_on": timezone.localdate()}, **kwargs)
    formset = condition_formset(request) if conditions else None
    if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
        try:
            act(order, form, formset)
        except InvalidInput as invalid:
            _apply_errors(form, invalid, formset)
        else:
            messages.success(request, done(order))
            return redirect("lifetime:order", pk=order.pk)
    return _form_page(request, template, form, {"order": order, "formset": formset})


@login_required
def grant(request, pk: int):
    def act(order, form, formset):
        data = form.cleaned_data
        services.grant_order(
            actor=request.user,
            order=order,
            decided_on=data["decided_on"],
            court=data["court"],
            starts_on_release=data["starts_on_release"],
            start_on=data["start_on"],
            duration_months=data["duration_months"],
            ends_on=data["ends_on"],
            until_further_order=data["until_further_order"],
            conditions=formset.conditions(),
            note=data["note"],
        )

    return _order_action(
        request,
        pk,
        GrantForm,
        "lifetime/grant.html",
        act,
        done=lambda o: f"{o.reference} is granted.",
        statuses=[OrderStatus.APPLIED],
        conditions=True,
    )


@login_required
def refuse(request, pk: int):
    def act(order, form, _formset):
        services.refuse_order(
            actor=request.user,
            order=order,
            decided_on=form.cleaned_data["decided_on"],
            reason=form.cleaned_data["reason"],
        )

    return _order_action(
        request,
        pk,
        RefuseForm,
        "lifetime/refuse.html",
        act,
        done=lambda o: f"{o.reference} is recorded as refused.",
        statuses=[OrderStatus.APPLIED],
    )


@login_required
def vary(request, pk: int):
    def act(order, form, formset):
        services.vary_order(
            actor=request.user,
            order=order,
            varied_on=form.cleaned_data["varied_on"],
            reason=form.cleaned_data["reason"],
            add_conditions=formset.conditions(),
            remove_conditions=[int(v) for v in form.cleaned_data["remove_conditions"]],
            **form.duration_changes(),
        )

    return _order_action(
        request,
        pk,
        VaryForm,
        "lifetime/vary.html",
        act,
        done=lambda o: f"{o.reference} is varied.",
        statuses=LIVE,
        conditions=True,
        form_kwargs=lambda o: {"order": o},
    )


@login_required
def discharge(request, pk: int):
    def act(order, form, _formset):
        services.discharge_order(
            actor=request.user,
            order=order,
            discharged_on=form.cleaned_data["discharged_on"],
            reason=form.cleaned_data["reason"],
        )

    return _order_action(
        request,
        pk,
        DischargeForm,
        "lifetime/discharge.html",
        act,
        done=lambda o: f"{o.reference} is discharged.",
        statuses=LIVE,
    )


@login_required
def breach(request, pk: int):
    order = _editable_order(request, pk)
    allowed = may_record_disruptions(request.user)
    form = BreachForm(
        request.POST or None,
        order=order,
        may_record_disruption=allowed,
        initial={"occurred_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recorded = services.record_breach(
                actor=request.user,
                order=order,
                occurred_on=data["occurred_on"],
                description=data["description"],
                outcome=data["outcome"],
                conditions=order.conditions.filter(pk__in=[int(v) for v in data["conditions"]]),
                record_as_disruption=data.get("record_as_disruption", False),
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            text = f"{recorded.reference} recorded."
            if recorded.disruption_id:
                text += f" The action is recorded as {recorded.disruption.reference} (a draft)."
            elif recorded.awaits_disruption:
                text += " An analyst or LRO will record the action as a disruption."
            messages.success(request, text)
            return redirect("lifetime:order", pk=order.pk)
    return _form_page(request, "lifetime/breach.html", form, {"order": order})


@login_required
@require_POST
def order_disruption(request, pk: int):
    order = selectors.order_detail(request.user, pk)
    if not may_record_disruptions(request.user) or not _owns(request.user, order):
        raise PermissionDenied("Only analysts and LROs of the managing organisation may do that.")
    try:
        disruption = services.record_order_disruption(actor=request.user, order=order)
    except InvalidInput as invalid:
        for message in invalid.summary().split("; "):
            messages.error(request, message)
    else:
        messages.success(request, f"Recorded {disruption.reference} (a draft to grade and submit).")
    return redirect("lifetime:order", pk=order.pk)


# --------------------------------------------------------------------------- breaches


@login_required
def breach_list(request):
    awaiting = request.GET.get("awaiting") == "1"
    breaches = selectors.breach_list(request.user, awaiting=awaiting)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return exports.table_response(
            fmt,
            "breaches",
            "Breaches",
            exports.BREACH_HEADER,
            (exports.breach_record(b) for b in breaches.iterator()),
        )
    return render(
        request,
        "lifetime/breach_list.html",
        {
            "page": paginate(request, breaches),
            "awaiting": awaiting,
            "may_record_disruption": may_record_disruptions(request.user),
        },
    )


@login_required
@require_POST
def breach_disruption(request, pk: int):
    from socmap.orgs.scoping import get_visible_or_404

    found = get_visible_or_404(request.user, selectors.breaches_for(request.user), pk=pk)
    if not may_record_disruptions(request.user) or not _owns(request.user, found.order):
        raise PermissionDenied("Only analysts and LROs of the managing organisation may do that.")
    try:
        disruption = services.record_breach_disruption(actor=request.user, breach=found)
    except InvalidInput as invalid:
        for message in invalid.summary().split("; "):
            messages.error(request, message)
    else:
        messages.success(
            request, f"{found.reference} is recorded as {disruption.reference} (a draft)."
        )
    if request.POST.get("next") == "order":
        return redirect("lifetime:order", pk=found.order_id)
    return redirect("lifetime:breaches")


# --------------------------------------------------------------------------- custody


def _custody_filters(request) -> selectors.CustodyFilters:
    get = request.GET
    return selectors.check_custody_filters(
        status=get.get("status", "in_custody"),
        custody_type=get.get("custody_type", ""),
        owner=get.get("owner", ""),
        releasing_within=get.get("within", ""),
        search=get.get("q", ""),
        sort=get.get("sort", selectors.CUSTODY_DEFAULT_SORT),
        strict=False,
    )


@login_required
def custody_list(request):
    filters = _custody_filters(request)
    records = selectors.custody_list(request.user, filters)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return exports.table_response(
            fmt, "custody", "Custody", exports.CUSTODY_HEADER, exports.custody_records(records)
        )
    return render(
        request,
        "lifetime/custody_list.html",
        {
            "page": paginate(request, records),
            "filters": filters,
            "sort": filters.sort,
            "types": CustodyType.choices,
            "owners": organisations_in_scope(request.user)
            .exclude(kind=OrganisationKind.PARTNER)
            .order_by("name"),
            "may_edit": may_edit(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
def record_custody(request):
    _require_editor(request.user)
    initial = {"custody_type": CustodyType.SENTENCED}
    if request.GET.get("nominal", "").isdigit():
        initial["nominal"] = request.GET["nominal"]
    form = CustodyForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_custody(
                actor=request.user, nominal=form.cleaned_data["nominal"], **form.custody_fields()
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(request, f"{record.reference} recorded for {record.nominal}.")
            return redirect("lifetime:custody", pk=record.pk)
    return _form_page(request, "lifetime/custody_form.html", form, {"custody": None})


@login_required
def custody_detail(request, pk: int):
    record = selectors.custody_detail(request.user, pk)
    return render(
        request,
        "lifetime/custody_detail.html",
        {
            "custody": record,
            "orders": selectors.orders_for(request.user).filter(custody=record),
            "may_edit": may_edit(request.user) and _owns(request.user, record),
            "release_form": ReleaseForm(initial={"released_on": timezone.localdate()}),
            "person_visible": can_see(request.user, record.nominal),
        },
    )


@login_required
def edit_custody(request, pk: int):
    record = selectors.custody_detail(request.user, pk)
    _require_editor(request.user, record)
    initial = {field: getattr(record, field) for field in services.CUSTODY_FIELDS}
    form = CustodyForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_custody(
                actor=request.user,
                custody=record,
                reason=form.cleaned_data.get("reason", ""),
                **form.custody_fields(),
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(request, f"{record.reference} has been changed.")
            return redirect("lifetime:custody", pk=record.pk)
    return _form_page(request, "lifetime/custody_form.html", form, {"custody": record})


@login_required
@require_POST
def release(request, pk: int):
    record = selectors.custody_detail(request.user, pk)
    _require_editor(request.user, record)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            services.record_release(
                actor=request.user,
                custody=record,
                released_on=form.cleaned_data["released_on"],
                note=form.cleaned_data["note"],
            )
        except InvalidInput as invalid:
            for message in invalid.summary().split("; "):
                messages.error(request, message)
        else:
            started = record.orders.filter(starts_on_release=True).count()
            messages.success(
                request,
                f"Release recorded for {record.nominal}."
                + (
                    f" {started} order{'s' if started != 1 else ''} now in force."
                    if started
                    else ""
                ),
            )
    else:
        messages.error(request, "Give the date of the release.")
    return redirect("lifetime:custody", pk=record.pk)


# --------------------------------------------------------------------------- a person


@login_required
def person(request, nominal_id: int):
    found = selectors.person_record(request.user, nominal_id)
    today = timezone.localdate()
    for order in found.orders:
        order.state_now = rules.OrderState(order.state(today)).label
    return render(
        request,
        "lifetime/person.html",
        {
            "record": found,
            "nominal": found.nominal,
            "may_edit": may_edit(request.user),
            "age": rules.age_on(found.nominal.date_of_birth, today)
            if found.nominal.date_of_birth
            else None,
        },
    )


@login_required
def consider(request, nominal_id: int):
    _require_editor(request.user)
    found = selectors.person_record(request.user, nominal_id)
    form = ConsiderForm(
        request.POST or None,
        user=request.user,
        initial={"decided_on": timezone.localdate(), "threat": request.GET.get("threat", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.consider_order(
                actor=request.user,
                nominal=found.nominal,
                decision=data["decision"],
                reason=data["reason"],
                decided_on=data["decided_on"],
                threat=data["threat"],
                order_type=data["order_type"],
                review_on=data["review_on"],
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(
                request,
                f"Decision recorded for {found.nominal}: {decision.get_decision_display()}.",
            )
            if decision.decision == "apply":
                return redirect(f"{reverse('lifetime:record')}?nominal={found.nominal.pk}")
            return redirect("lifetime:person", nominal_id=found.nominal.pk)
    return _form_page(request, "lifetime/consider.html", form, {"record": found})


# --------------------------------------------------------------------------- reference


@login_required
def order_types(request):
    return render(
        request,
        "lifetime/order_types.html",
        {"order_types": OrderType.objects.prefetch_related("applicants")},
    )
