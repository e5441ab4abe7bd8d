"""Tables leaving the system as spreadsheets: .xlsx (XlsxWriter) and CSV, built the same way.

An export is a title (what it is), a line saying which filter made it and when, a header row
and the rows, each value typed by its column: text, a whole number, money (yuan, 2 decimals,
a 合计 row when the table asks for one), a date or a date and time (local, Asia/Shanghai).

* .xlsx is written by XlsxWriter in constant-memory mode (each row goes to disk as it is
  written, so a large export costs no more memory than a small one) into a temporary file
  that the response streams and then closes (which deletes it). The header is frozen and has
  an auto-filter; columns have widths; the sheet prints A4 landscape, fit to the page width,
  with the header repeated on every page.
* CSV is UTF-8 with a byte-order mark, so Excel opens the Chinese text as it is.

Both refuse nothing: the caller counts the rows first and tells the user when a filter
matches more than it may export (`ExportTooLarge`).
"""

import csv
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

TEXT, INTEGER, MONEY, DATE, DATETIME = "text", "integer", "money", "date", "datetime"
FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: float = 14
    total: bool = False  # a money column summed in the 合计 row


class ExportTooLarge(Exception):
    def __init__(self, count: int, cap: int):
        super().__init__(count, cap)
        self.count, self.cap = count, cap


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _csv_text(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == MONEY:
        return f"{Decimal(value):.2f}"
    if kind == DATETIME and isinstance(value, datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M:%S")
    if kind == DATE and isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def query_without(request, *names) -> str:
    """The request's query string less `names` (e.g. "page"): the filters a list's export
    links and its way back carry."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def disposition(filename: str, *, inline: bool = False) -> str:
    """A Content-Disposition header for a file name in Chinese (RFC 6266 filename*)."""
    from urllib.parse import quote

    ascii_name = "".join(c for c in filename if c.isascii() and c not in '"\\\r\n') or "export"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def csv_response(*, filename: str, title: str, subtitle: str, columns, rows, total_label=""):
    """A streamed CSV: the title and subtitle lines, the header, the rows (and a 合计 row)."""

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())

    def lines():
        yield "\ufeff"
        yield writer.writerow([title])
        yield writer.writerow([subtitle])
        yield writer.writerow([c.header for c in columns])
        totals = [Decimal(0)] * len(columns)
        for row in rows:
            for i, column in enumerate(columns):
                if column.total and row[i] is not None:
                    totals[i] += Decimal(row[i])
            yield writer.writerow([_csv_text(v, c.kind) for v, c in zip(row, columns, strict=True)])
        if any(c.total for c in columns):
            yield writer.writerow(
                [
                    total_label if i == 0 else (f"{totals[i]:.2f}" if c.total else "")
                    for i, c in enumerate(columns)
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = disposition(filename)
    return response


def xlsx_file(*, title: str, subtitle: str, columns, rows, sheet: str = "", total_label=""):
    """The workbook in a temporary file (open, at its start)."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response closes it
    workbook = xlsxwriter.Workbook(
        handle,
        {
            "constant_memory": True,
            "in_memory": False,
            "strings_to_formulas": False,  # nothing a user typed becomes a formula
            "strings_to_urls": False,
        },
    )
    worksheet = workbook.add_worksheet((sheet or title)[:31])
    bold = workbook.add_format({"bold": True, "font_size": 14})
    header = workbook.add_format(
        {"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True, "valign": "top"}
    )
    cell = {
        TEXT: workbook.add_format({"text_wrap": True, "valign": "top"}),
        INTEGER: workbook.add_format({"num_format": "0", "valign": "top"}),
        MONEY: workbook.add_format({"num_format": "#,##0.00", "valign": "top"}),
        DATE: workbook.add_format({"num_format": "yyyy-mm-dd", "valign": "top"}),
        DATETIME: workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss", "valign": "top"}),
    }
    total_format = workbook.add_format({"bold": True, "num_format": "#,##0.00", "top": 1})
    for i, column in enumerate(columns):
        worksheet.set_column(i, i, column.width)
    worksheet.write_string(0, 0, title, bold)
    worksheet.write_string(1, 0, subtitle)
    worksheet.write_row(2, 0, [c.header for c in columns], header)
    worksheet.freeze_panes(3, 0)
    worksheet.set_landscape()
    worksheet.set_paper(9)  # A4
    worksheet.fit_to_pages(1, 0)
    worksheet.repeat_rows(2)
    row_index = 2
    totals = [Decimal(0)] * len(columns)
    for row in rows:
        row_index += 1
        for i, (value, column) in enumerate(zip(row, columns, strict=True)):
            if value is None or value == "":
                continue  # an empty cell is left unwritten (100,000 rows: every cell counts)
            if column.kind in (DATE, DATETIME):
                worksheet.write_datetime(row_index, i, _local(value), cell[column.kind])
            elif column.kind in (INTEGER, MONEY):
                if column.total:
                    totals[i] += Decimal(value)
                worksheet.write_number(row_index, i, float(value), cell[column.kind])
            else:
                worksheet.write_string(row_index, i, str(value), cell[TEXT])
    last_data_row = row_index
    worksheet.autofilter(2, 0, max(last_data_row, 2), len(columns) - 1)
    if any(c.total for c in columns):
        row_index += 1
        worksheet.write_string(row_index, 0, total_label, total_format)
        for i, column in enumerate(columns):
            if column.total and last_data_row > 2:
                letter = xlsxwriter.utility.xl_col_to_name(i)
                worksheet.write_formula(
                    row_index,
                    i,
                    f"=SUM({letter}4:{letter}{last_data_row + 1})",
                    total_format,
                    float(totals[i]),  # the cached result, for readers that do not calculate
                )
    workbook.close()
    handle.seek(0)
    return handle


def xlsx_response(*, filename: str, **table):
    return FileResponse(
        xlsx_file(**table),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def export_response(kind: str, *, filename_stem: str, **table):
    """The table as `kind` ("xlsx" or "csv")."""
    if kind == "csv":
        table.pop("sheet", None)
        return csv_response(filename=f"{filename_stem}.csv", **table)
    return xlsx_response(filename=f"{filename_stem}.xlsx", **table)
