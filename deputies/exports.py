"""Station figures as a spreadsheet."""

from django.utils.translation import gettext as _

from congress.spreadsheets import spreadsheet_response


def station_figures(year, rows, fmt):
    header = [
        _("County / district"),
        _("Stations"),
        _("Receptions"),
        _("Deputy visits"),
        _("People received"),
        _("Problems raised"),
        _("Problems solved"),
    ]
    return spreadsheet_response(
        fmt,
        f"stations-{year}.xlsx",
        str(year),
        header,
        (
            [
                d.name,
                r.get("stations", 0),
                r.get("receptions", 0),
                r.get("deputy_visits", 0),
                r.get("people_received", 0) or 0,
                r.get("problems_raised", 0),
                r.get("problems_solved", 0),
            ]
            for d, r in rows
        ),
    )
