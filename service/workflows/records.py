"""JSON records as bytes → typed records: the one decoding both faces use, with one size cap."""

from __future__ import annotations

import json

from forms.errors import RecordError
from forms.model import FormDef
from forms.records import LoadedRecord, load_record
from service.hygiene import MAX_JSON_DEPTH, json_depth


class RecordTooLarge(RecordError):
    """More bytes than a record can be (``Settings.max_record_kb``): the API answers 413, the CLI exits 2."""

    def __init__(self, size: int, max_bytes: int, *, source: str | None = None) -> None:
        self.size, self.max_bytes = size, max_bytes
        super().__init__(f"JSON 记录过大（{size} 字节），不应超过 {max_bytes // 1024} KB", source=source)


def decode_record(
    data: bytes, *, max_bytes: int, form: FormDef | str | None = None, source: str | None = None
) -> LoadedRecord:
    """A JSON record (UTF-8, a BOM allowed) loaded into a typed record; ``RecordError`` naming ``source``
    when it is too large, empty or not JSON. Values that cannot be used are problems, not errors."""
    if len(data) > max_bytes:
        raise RecordTooLarge(len(data), max_bytes, source=source)
    if not data.strip():
        raise RecordError("内容为空：应为 JSON 记录", source=source)
    try:
        decoded = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise RecordError("不是 UTF-8 编码的 JSON", source=source) from None
    except json.JSONDecodeError as exc:
        raise RecordError(
            f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}", source=source
        ) from None
    except RecursionError:  # nested beyond what the parser can follow
        decoded = None
    if decoded is None or json_depth(decoded) > MAX_JSON_DEPTH:
        raise RecordError(f"JSON 嵌套过深（超过 {MAX_JSON_DEPTH} 层）：不是表单记录", source=source)
    return load_record(decoded, form, source=source)
