"""Spreadsheet downloads for every app: .xlsx (openpyxl, write-only: constant memory) or CSV
(UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese right)."""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_response(fmt, filename, title, header, rows):
    """An .xlsx or a CSV download of `rows` under `header`."""
    header = [str(h) for h in header]
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        response = HttpResponse(
            buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
        filename = filename.removesuffix(".xlsx") + ".csv"
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=title[:31] or "sheet")
        sheet.append(header)
        for row in rows:
            sheet.append(list(row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def xlsx_response(filename, title, header, rows):
    return spreadsheet_response("xlsx", filename, title, header, rows)


class _Line:
    """A file-like object csv.writer writes one line to, handed straight back."""

    def write(self, value):
        return value


def streaming_csv_response(filename, header, rows):
    """A CSV download written row by row as it is sent: constant memory for a million rows."""
    writer = csv.writer(_Line())

    def lines():
        yield ("\ufeff" + writer.writerow([str(h) for h in header])).encode("utf-8")
        for row in rows:
            yield writer.writerow(["" if v is None else v for v in row]).encode("utf-8")

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = filename.removesuffix(".xlsx") + ".csv"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
