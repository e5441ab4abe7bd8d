"""An event's data is shown as labelled fields, its object by business identity."""

import pytest
from django.utils import translation

from audit.presentation import fields, present_events
from audit.services import record_event

pytestmark = pytest.mark.django_db


def test_data_as_labelled_fields_with_agency_names_and_words(agency, other_agency):
    agencies = [agency, other_agency]
    event = record_event(
        action="case.decided.referred",
        summary="x",
        data={
            "referrals": [a.pk for a in agencies],
            "ok": True,
            "filters": {"agency_id": agencies[0].pk, "q": "abc"},
            "mystery_key": "v",
        },
    )
    with translation.override("en"):
        (shown,) = present_events([event], None)
    rows = dict(shown.fields)
    assert rows["Referred to"] == "、".join(a.name for a in agencies)
    assert rows["Chain intact"] == "Yes"
    assert rows["Filters · Agency"] == agencies[0].name
    assert rows["Filters · Search"] == "abc"
    assert rows["Mystery key"] == "v"
    assert all("{" not in text for _label, text in fields(event.data))
