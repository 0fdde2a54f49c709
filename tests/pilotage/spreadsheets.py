"""Read the exports back as rows of text, so that a CSV and its XLSX twin compare cell by cell."""

import csv
import io

from openpyxl import load_workbook


def read_csv(response):
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))


def cell_text(cell):
    value = cell.value
    if value is None:
        return ""
    if hasattr(value, "strftime"):  # a date cell, with or without the time of day
        return value.strftime("%Y-%m-%d %H:%M" if "h" in cell.number_format.lower() else "%Y-%m-%d")
    return str(value)


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = [[cell_text(cell) for cell in row] for row in sheet.iter_rows()]
    width = len(rows[0]) if rows else 0
    return [row + [""] * (width - len(row)) for row in rows]  # trailing empty cells are not stored
