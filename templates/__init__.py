"""Filling the forms: Word templates (docxtpl), the annex 2 workbook (openpyxl), PDF through LibreOffice,
and pre-filling an annual report from last year's report or from the application."""
