from dashboards.templatetags.public_format import iso_datetime


def test_as_of_is_shown_as_people_read_dates():
    assert iso_datetime("2026-11-22T03:06:11+00:00") == "22 November 2026, 03:06"
    assert iso_datetime("2026-11-22T05:06:11+02:00") == "22 November 2026, 03:06"


def test_a_value_that_is_not_a_time_is_shown_as_is():
    assert iso_datetime("soon") == "soon"
    assert iso_datetime("") == ""
