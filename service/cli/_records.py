"""Reading record files for the commands (the library itself takes values, not paths)."""

from __future__ import annotations

import json
from pathlib import Path

from forms.errors import RecordError
from forms.model import FormDef
from forms.records import LoadedRecord, load_record

#: A record file larger than this is not a record (the biggest realistic one is well under 1 MB).
MAX_RECORD_BYTES = 10 * 1024 * 1024


def read_record_file(path: Path, form: FormDef | str | None = None) -> LoadedRecord:
    """Load a JSON record file; ``RecordError`` naming the file when it is not a readable JSON record."""
    size = path.stat().st_size
    if size > MAX_RECORD_BYTES:
        raise RecordError(
            f"文件过大（{size} 字节），记录文件不应超过 {MAX_RECORD_BYTES} 字节", source=str(path)
        )
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise RecordError("不是 UTF-8 编码的 JSON 文件", source=str(path)) from None
    except json.JSONDecodeError as exc:
        raise RecordError(
            f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}", source=str(path)
        ) from None
    return load_record(data, form, source=str(path))
