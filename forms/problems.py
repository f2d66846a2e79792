"""Problems as data: a code, a Chinese message from one table, the field path and the raw text.

Every layer (normalisers, record loading, extractors, checks) reports what is wrong or unsure with
``Problem`` objects instead of raising, so that one bad cell never loses the rest of a document.
Messages live in ``MESSAGES`` keyed by code (as marshmallow keeps ``default_error_messages``); a code's
message is a ``str.format`` template filled from ``Problem.params``.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from enum import StrEnum
from string import Formatter
from typing import Any


class Severity(StrEnum):
    ERROR = "error"  # the value is unusable: it is null in the record
    WARN = "warn"  # the value was kept but a person should look (unsure, converted, suspicious)
    FAIL = "fail"  # a condition of the regulation is not met (checks only)


MESSAGES: dict[str, str] = {
    # record loading
    "required": "必填项未填写：{label}",
    "required_if": "{label}：已选择“是”，须填写情况说明",
    "wrong_type": "{label}：应为{expected}，实际为 {raw}",
    "unknown_field": "未知字段：{path}（表单中没有此项，已忽略）",
    "unknown_option": "{label}：“{raw}”不是可选项（可选：{options}）",
    "out_of_range": "{label}：{raw} 超出允许范围（{expected}）",
    "too_long": "{label}：长度 {length} 字，超过 {max_length} 字的限制",
    "too_many_rows": "{label}：{rows} 行，超过 {max_rows} 行的限制",
    # normalisers
    "invalid_number": "{label}：无法识别为数字：{raw}",
    "invalid_money": "{label}：无法识别为金额（万元）：{raw}",
    "money_in_yuan": "{label}：金额以“元”填写（{raw}），已换算为 {value} 万元，请核对",
    "money_too_precise": (
        "{label}：金额应保留两位小数，{raw} 超过两位小数，已按填写的数值核查（未四舍五入），请核对"
    ),
    "negative": "{label}：不应为负数：{raw}",
    "not_integer": "{label}：应为整数：{raw}",
    "invalid_percent": "{label}：无法识别为百分比：{raw}",
    "percent_ambiguous": "{label}：百分比 {raw} 含义不明确（是 {raw}% 还是 {alt}%？），请核对",
    "invalid_date": "{label}：无法识别为日期：{raw}（应如 2025年3月1日、2025-03-01）",
    "invalid_year": "{label}：无法识别为年份：{raw}",
    "invalid_bool": "{label}：应为“是”或“否”：{raw}",
    "bool_conflict": "{label}：“是”和“否”同时被勾选：{raw}",
    "choice_conflict": "{label}：单选项被勾选了多个：{raw}",
    "other_text_missing": "{label}：勾选了“其他”但未说明",
    "invalid_uscc": "{label}：统一社会信用代码不符合 GB 32100-2015：{raw}（{reason}）",
    "invalid_mobile": "{label}：手机号码应为以1开头的11位数字：{raw}",
    "invalid_phone": "{label}：无法识别为电话号码：{raw}",
    "invalid_email": "{label}：电子邮箱格式不正确：{raw}",
    "invalid_postcode": "{label}：邮政编码应为6位数字：{raw}",
    # normalisers (forms.normalize), added with it
    "money_in_yi": "{label}：金额以“亿元”填写（{raw}），已换算为 {value} 万元，请核对",
    "wrong_unit": "{label}：单位应为“{expected}”：{raw}",
    "bool_word": "{label}：“{raw}”已理解为“{value}”，请核对",
    "other_text_unchecked": "{label}：填写了“其他”的说明（{other}）但未勾选“其他”，请核对",
    "postcode_leading_zero": "{label}：邮政编码 {raw} 以数字保存、丢失了开头的0，已补为 {value}，请核对",
    "ambiguous_marks": "{label}：无法判断勾选标记属于哪一项：{raw}",
    # extractors (extractor/), added with them
    "not_found": "{label}：文件中未找到此栏目",
    "other_form": "文件看起来是{found}，而不是所选的{chosen}：请改选“自动识别”或{found}后重新解析",
    "conflict": "{label}：文件中有不一致的多个值（{raw}，位置：{places}），未采用任何一个，请核对",
    "ambiguous_label": "栏目“{raw}”可能对应多个字段（{paths}），未读取其内容",
    "several_values": "{label}：一个栏目中填写了多个值（{values}），未采用任何一个，请核对",
    "undecodable_value": "{label}：文字无法解码（字体无法解码）：{raw}",
    "invisible_text": (
        "{label}：含不可见文字（{raw}：隐藏、极小、与背景同色、已删除或在页面之外），未计入所填的值，请核对"
    ),
    "scanned_page": "第 {pages} 页为扫描件/无文本层，其中的内容无法读取，请提供可复制文字的 PDF 或 Word 文件",
    "undecodable_font": "第 {pages} 页的字体无法解码（字体无法解码），内容可能缺失或错误，请提供 Word 文件",
    "pages_truncated": "文件共 {total} 页，超过 {limit} 页的上限，只读取了前 {limit} 页",
    "rows_truncated": "工作表“{sheet}”超过 {limit} 行，只读取了前 {limit} 行",
    "ocr_uncertain": "{label}：识别不确定（置信度 {confidence}），识别出的文字为“{raw}”，请对照扫描件核对",
    "pages_not_recognised": "扫描件共 {total} 页，只识别了前 {limit} 页（其后为附件，未识别）",
    "attachment_pages": "扫描件第 {pages} 页（共 {count} 页）在表单之后，视为附件：已列出，未做文字识别",
    "formula_uncached": "工作表“{sheet}”中的公式没有计算结果（{raw}），请在 Excel/WPS 中打开并保存后再上传",
}


class _Blank(dict[str, Any]):
    """Template values where a missing name reads as empty."""

    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with, or unsure about, one value."""

    code: str
    severity: Severity = Severity.ERROR
    field: str | None = None  # dotted path, e.g. "applicant.staff_total" or "performance.cases.2.title"
    raw: str | None = None  # the text as found, for a person to compare
    params: dict[str, Any] = dataclass_field(default_factory=dict)

    @property
    def message(self) -> str:
        """The code's template filled from the label, the raw text and the params. A parameter its producer
        did not give reads as empty rather than as ``{name}`` (``missing_params`` lets tests catch it)."""
        template = MESSAGES.get(self.code, self.code)
        return template.format_map(_Blank(self._values()))

    def missing_params(self) -> set[str]:
        """The names the message template uses that this problem does not give."""
        given = self._values()
        used = {name for _, name, _, _ in Formatter().parse(MESSAGES.get(self.code, "")) if name}
        return {name for name in used if given.get(name) is None}

    def _values(self) -> dict[str, Any]:
        return {"label": self.field or "", "raw": self.raw, **self.params}

    def at(self, field_path: str, **params: Any) -> Problem:
        """The same problem placed on a field (normalisers do not know where their text came from)."""
        return Problem(self.code, self.severity, field_path, self.raw, {**self.params, **params})

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "raw": self.raw,
        }
