"""Running LibreOffice: document conversion (to PDF, and legacy .doc/.xls to docx/xlsx) behind one module."""

from office.libreoffice import (
    ConversionError,
    ConversionTimeout,
    OfficeMissing,
    available,
    convert,
    convert_many,
)

__all__ = ["ConversionError", "ConversionTimeout", "OfficeMissing", "available", "convert", "convert_many"]
