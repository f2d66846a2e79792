"""Zip safety of bundles: limits judged from the central directory, names never used as paths, GBK names,
macOS clutter skipped, nested zips one level deep; each refusal a clear problem."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from extractor.bundle_zip import BundleLimits, UnsafeBundle, decode_name, display_name, open_bundle
from extractor.errors import UnreadableFile, UnsupportedFile
from tests.extractor.bundles import make_zip

DOCX_LIKE = b"PK\x03\x04" + os.urandom(2000)  # incompressible, like a real .docx


def names(bundle) -> list[str]:
    return [e.name for e in bundle.entries]


def issues(bundle) -> dict[str, str]:
    return {i.name: i.code for i in bundle.issues}


def test_gbk_names_without_the_utf8_flag_are_decoded():
    data = make_zip([("甲单位/申报书.docx", DOCX_LIKE), ("乙单位/申报书（盖章）.pdf", b"%PDF-1.4")], gbk=True)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert all(not (i.flag_bits & 0x800) for i in zf.infolist())  # really written the Windows way
        assert zf.namelist()[0] != "甲单位/申报书.docx"  # zipfile alone shows mojibake
    with open_bundle(data) as bundle:
        assert names(bundle) == ["甲单位/申报书.docx", "乙单位/申报书（盖章）.pdf"]
        assert [e.folder for e in bundle.entries] == ["甲单位", "乙单位"]
        assert bundle.read(bundle.entries[0]) == DOCX_LIKE


def test_utf8_names_with_and_without_the_flag_are_decoded():
    flagged = make_zip([("丙单位/申报书.docx", DOCX_LIKE)], gbk=False)
    with zipfile.ZipFile(io.BytesIO(flagged)) as zf:
        assert zf.infolist()[0].flag_bits & 0x800
    with open_bundle(flagged) as bundle:
        assert names(bundle) == ["丙单位/申报书.docx"]
    # macOS Archive Utility writes UTF-8 bytes without setting the flag
    info = zipfile.ZipInfo("x")
    info.orig_filename = "丁单位.docx".encode().decode("cp437")
    assert decode_name(info) == "丁单位.docx"


def test_macos_clutter_and_lock_files_are_skipped_with_a_reason():
    data = make_zip(
        [
            ("__MACOSX/甲单位/._申报书.docx", b"\x00\x05\x16\x07"),
            ("甲单位/._申报书.docx", b"\x00\x05\x16\x07"),
            ("甲单位/~$申报书.docx", b"lock"),
            ("甲单位/.DS_Store", b"\x00\x00\x00\x01Bud1"),
            ("甲单位/申报书.docx", DOCX_LIKE),
        ]
    )
    with open_bundle(data) as bundle:
        assert names(bundle) == ["甲单位/申报书.docx"]
        assert set(issues(bundle).values()) == {"skipped"}
        assert len(bundle.issues) == 4


def test_too_many_entries_is_refused_before_reading():
    data = make_zip([(f"f{i}.txt", b"") for i in range(10_001)], gbk=False, compression=zipfile.ZIP_STORED)
    with pytest.raises(UnsafeBundle) as err:
        open_bundle(data, name="批量.zip")
    assert "批量.zip" in str(err.value) and "10001" in str(err.value) and "10000" in str(err.value)
    with open_bundle(data, limits=BundleLimits(max_entries=20_000)) as bundle:  # configurable
        assert bundle.total_entries == 10_001


def _understate_count(data: bytes, count: int) -> bytes:
    """The zip with its end record claiming ``count`` entries (zipfile would still list them all)."""
    out = bytearray(data)
    end = out.rfind(b"PK\x05\x06")
    out[end + 8 : end + 12] = count.to_bytes(2, "little") * 2
    return bytes(out)


def test_a_directory_larger_than_its_declared_count_is_refused_from_the_end_record(tmp_path):
    """The end record alone decides (tests/hostile: a 1.2-million-header directory costs no memory)."""
    many = make_zip([(f"f{i}.txt", b"") for i in range(300)], gbk=False, compression=zipfile.ZIP_STORED)
    path = tmp_path / "批量.zip"
    path.write_bytes(_understate_count(many, 3))
    with pytest.raises(UnsafeBundle, match="文件过多.*目录 .*字节"):
        open_bundle(path, limits=BundleLimits(max_entries=10))
    outer = make_zip([("内层.zip", _understate_count(many, 3)), ("b.docx", DOCX_LIKE)], gbk=False)
    with pytest.raises(UnsafeBundle, match="文件过多"):
        open_bundle(outer, limits=BundleLimits(max_entries=10))


def test_total_uncompressed_size_over_the_limit_is_refused_from_the_directory():
    # each entry ~600 kB of zeros (under the 1 MiB ratio floor), six of them: 3.6 MB declared in all
    data = make_zip([(f"part{i}.docx", bytes(600_000)) for i in range(6)], gbk=False)
    assert len(data) < 50_000
    limits = BundleLimits(max_total_bytes=2 * 1024 * 1024)
    with pytest.raises(UnsafeBundle) as err:
        open_bundle(data, name="炸弹.zip", limits=limits)
    message = str(err.value)
    assert "炸弹.zip" in message and "解压后总大小" in message and "2.0 MB" in message
    with open_bundle(data) as bundle:  # under the default 1 GiB it is merely six files
        assert len(bundle.entries) == 6


def test_an_entry_over_the_compression_ratio_is_not_inflated_and_the_rest_is_read():
    data = make_zip([("bomb.docx", bytes(5 * 1024 * 1024)), ("甲单位/申报书.docx", DOCX_LIKE)])
    with open_bundle(data) as bundle:
        assert names(bundle) == ["甲单位/申报书.docx"]
        (issue,) = bundle.issues
        assert issue.name == "bomb.docx" and issue.code == "ratio"
        assert "压缩比" in issue.message and "100:1" in issue.message
    with open_bundle(data, limits=BundleLimits(max_ratio=10_000)) as bundle:
        assert "bomb.docx" in names(bundle)


def test_names_that_climb_out_or_are_absolute_are_refused_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = make_zip(
        [
            ("../../evil.docx", DOCX_LIKE),
            ("/etc/cron.d/evil.docx", DOCX_LIKE),
            ("C:\\Windows\\evil.docx", DOCX_LIKE),
            ("甲单位\\申报书.docx", DOCX_LIKE),  # an old Windows tool's backslashes: fine
        ],
        gbk=False,
    )
    with open_bundle(data) as bundle:
        assert names(bundle) == ["甲单位/申报书.docx"]
        assert issues(bundle) == {
            "evil.docx": "unsafe_name",
            "etc/cron.d/evil.docx": "unsafe_name",
            "C:/Windows/evil.docx": "unsafe_name",
        }
        for entry in bundle.entries:
            bundle.read(entry)
    assert list(tmp_path.iterdir()) == []
    assert not (tmp_path.parent.parent / "evil.docx").exists()


def test_display_name_folds_separators_and_flags_escapes():
    assert display_name("a\\b/./c.docx") == ("a/b/c.docx", False)
    assert display_name("a/../../b.docx") == ("a/b.docx", True)
    assert display_name("a\x00b.docx") == ("ab.docx", True)


def test_a_nested_zip_is_read_one_level_deep_only():
    deepest = make_zip([("丁单位/申报书.docx", DOCX_LIKE)])
    inner = make_zip(
        [("丙单位/申报书.docx", DOCX_LIKE), ("更深.zip", deepest)], compression=zipfile.ZIP_STORED
    )
    outer = make_zip([("甲单位/申报书.docx", DOCX_LIKE), ("分批/第二批.zip", inner)])
    with open_bundle(outer) as bundle:
        assert names(bundle) == ["甲单位/申报书.docx", "分批/第二批.zip/丙单位/申报书.docx"]
        assert bundle.entries[1].folder == "分批/第二批.zip/丙单位"
        assert bundle.read(bundle.entries[1]) == DOCX_LIKE
        (issue,) = bundle.issues
        assert issue.name == "分批/第二批.zip/更深.zip" and issue.code == "nested_too_deep"
        assert "嵌套" in issue.message
    with open_bundle(outer, limits=BundleLimits(max_depth=0)) as bundle:
        assert issues(bundle) == {"分批/第二批.zip": "nested_too_deep"}


def test_nested_entries_count_towards_the_bundle_limits():
    inner = make_zip([(f"f{i}.docx", DOCX_LIKE) for i in range(8)], gbk=False)
    outer = make_zip([("a.zip", inner), ("b.docx", DOCX_LIKE)], gbk=False)
    with pytest.raises(UnsafeBundle, match="文件过多"):
        open_bundle(outer, limits=BundleLimits(max_entries=5))


def test_a_corrupt_nested_zip_is_a_problem_not_a_failure():
    outer = make_zip([("坏.zip", b"PK\x03\x04 not really"), ("b.docx", DOCX_LIKE)])
    with open_bundle(outer) as bundle:
        assert names(bundle) == ["b.docx"]
        assert issues(bundle) == {"坏.zip": "nested_unreadable"}


def _mark_first_entry_encrypted(data: bytes) -> bytes:
    """Set the "encrypted" flag of the first entry in its local header and its central directory record
    (zipfile cannot write encrypted entries; the flag alone is what the reader must refuse on)."""
    out = bytearray(data)
    local, central = out.index(b"PK\x03\x04"), out.index(b"PK\x01\x02")
    out[local + 6] |= 0x1
    out[central + 8] |= 0x1
    return bytes(out)


def test_encrypted_and_empty_entries_are_problems():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("secret.docx", DOCX_LIKE)
        zf.writestr("empty.docx", b"")
        zf.writestr("folder/", b"")
    with open_bundle(_mark_first_entry_encrypted(buffer.getvalue())) as bundle:
        assert names(bundle) == []
        assert issues(bundle) == {"secret.docx": "encrypted", "empty.docx": "empty"}
        assert "密码" in bundle.issues[0].message


def test_an_entry_larger_than_its_directory_says_is_stopped():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("甲.docx", bytes(50_000))
    out = bytearray(buffer.getvalue())
    central = out.index(b"PK\x01\x02")
    out[central + 24 : central + 28] = (5_000).to_bytes(4, "little")  # the directory now claims 5 kB
    with open_bundle(bytes(out)) as bundle:
        (entry,) = bundle.entries
        assert entry.size == 5_000
        ((_, outcome),) = list(bundle)
        # zipfile stops at the declared size, so the CRC no longer matches: refused, never inflated in full
        assert isinstance(outcome, UnreadableFile) and outcome.file == "甲.docx" and "损坏" in outcome.reason


def test_a_non_zip_and_a_broken_zip_raise_clear_errors(tmp_path):
    with pytest.raises(UnsupportedFile, match="不是 zip 压缩包"):
        open_bundle(b"%PDF-1.4 ...", name="材料.pdf")
    with pytest.raises(UnsafeBundle, match="压缩包已损坏"):
        open_bundle(b"PK\x03\x04" + bytes(100), name="坏.zip")
    path = tmp_path / "bundle.zip"
    path.write_bytes(make_zip([("a.docx", DOCX_LIKE)]))
    with open_bundle(path) as bundle:  # from a path: read lazily, named after the file
        assert bundle.name == "bundle.zip" and names(bundle) == ["a.docx"]


def test_limits_are_validated():
    with pytest.raises(ValueError, match="max_total_bytes"):
        BundleLimits(max_total_bytes=0)


def test_an_office_document_uploaded_as_a_bundle_is_not_a_zip_not_a_list_of_its_parts():
    """A .docx or .xlsx is a zip container too: refused as what it is, never listed as XML files."""
    import openpyxl  # noqa: PLC0415

    from tests.extractor.ooxml import docx_bytes, p  # noqa: PLC0415

    book = io.BytesIO()
    openpyxl.Workbook().save(book)
    for data, name, kind in [
        (docx_bytes(p("申报书")), "申报书.docx", "Word 文档"),
        (book.getvalue(), "汇总.xlsx", "Excel 工作簿"),
    ]:
        with pytest.raises(UnsupportedFile, match=f"不是 zip 压缩包，而是 {kind}") as caught:
            open_bundle(data, name=name)
        assert caught.value.file == name
