"""Hostile bundles through ``itbforms bundle`` and ``POST /api/v1/bundles`` + the job: zip-slip names,
zip bombs at every level of nesting, 256 GiB declared in 5 KB, 20,000 entries. A bundle over the
whole-bundle limits is refused at once (CLI exit 2, API 422 unsafe-bundle); a hostile entry is refused or
unreadable with its reason while the rest of the bundle is screened; nothing is written outside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile.corpus import (
    SLIP_NAMES,
    declared_bomb_bundle,
    directory_flood,
    many_entries_bundle,
    nested_bomb_bundle,
    slip_bundle,
)
from tests.hostile.harness import MAX_RSS_MB, ROOT, run_measured
from tests.service.api_calls import assert_problem, authorized, job_app, post_file, wait_done

API = "/api/v1"

#: bundle → (what the job lists per hostile entry: name → (status, phrase of the reason), the one good file)
SCREENED = {
    "slip.zip": (
        slip_bundle,
        {name: ("refused", "疑为恶意构造") for name in SLIP_NAMES},
        "单位A/申报书.docx",
    ),
    "nested-bomb.zip": (
        nested_bomb_bundle,
        {
            "推荐材料/第二批.zip/单位A/申报书.docx": ("unreadable", "超过单个部件"),
            "推荐材料/第二批.zip/更深/inner.zip": ("refused", "嵌套"),
            "推荐材料/第二批.zip/单位A/附件.pdf": ("refused", "超过单个文件上限"),
            "单位D/申报书.docx": ("refused", "压缩比"),
        },
        "单位C/申报书.docx",
    ),
}
#: bundles refused as a whole: the reason's phrase
REFUSED = {
    "bomb-42.zip": (declared_bomb_bundle, "解压后总大小"),
    "many-entries.zip": (many_entries_bundle, "文件过多"),
}


@pytest.fixture(scope="module")
def bundle_app(tmp_path_factory):
    with job_app(tmp_path_factory.mktemp("jobs")) as app:
        yield app


def reason_of(entries: list[dict], name: str) -> tuple[str, str]:
    found = [e for e in entries if e["name"].endswith(name)]
    assert len(found) == 1, (name, [e["name"] for e in entries])
    return found[0]["status"], found[0]["reason"] or ""


def nothing_escaped(*roots: Path) -> None:
    """No file of a zip-slip name anywhere a '../../' could have reached from these directories."""
    places = {Path("/tmp"), Path("/"), ROOT, ROOT.parent, Path.cwd()}
    for root in roots:
        places.update([root, *root.parents])
    for place in places:
        for name in SLIP_NAMES:
            assert not (place / name).exists(), place / name
        assert not (place / "C:").exists(), place


@pytest.mark.parametrize("name", sorted(SCREENED))
def test_api_screens_the_rest_of_a_bundle_and_says_why_each_hostile_entry_was_not(name, bundle_app) -> None:
    make, expected, good = SCREENED[name]
    client = authorized(bundle_app)
    response, _ = post_file(client, f"{API}/bundles", make(), name)
    assert response.status_code == 202, response.get_data(as_text=True)[:500]
    job = wait_done(client, response.headers["Location"])
    assert job["status"] == "done", job
    for entry, (status, phrase) in expected.items():
        got_status, reason = reason_of(job["files"], entry)
        assert got_status == status and phrase in reason, (entry, got_status, reason)
    assert reason_of(job["files"], good)[0] == "parsed"
    report = client.get(f"{API}/jobs/{job['id']}/report.json")
    assert report.status_code == 200 and report.get_json()["counts"]["units"] == 1
    nothing_escaped(Path(bundle_app.config["SETTINGS"].data_dir))


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_api_refuses_a_bundle_over_the_whole_bundle_limits_at_once(name, bundle_app) -> None:
    make, phrase = REFUSED[name]
    response, _ = post_file(authorized(bundle_app), f"{API}/bundles", make(), name)
    body = assert_problem(response, 422, "unsafe-bundle")
    assert name in body["detail"] and phrase in body["detail"]


@pytest.mark.parametrize("name", sorted(SCREENED))
def test_cli_reports_each_hostile_entry_and_exits_1(name, tmp_path) -> None:
    make, expected, good = SCREENED[name]
    path = tmp_path / name
    path.write_bytes(make())
    report_path = tmp_path / "report.json"
    run = run_measured(
        ["service.cli", "bundle", str(path), "-o", str(tmp_path / "汇总表.xlsx"), "--json", str(report_path)]
        + ["--workers", "1", "--quiet"],
        tmp_path,
    )
    assert run.peak_mb < MAX_RSS_MB, f"peak RSS {run.peak_mb:.0f} MB"
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert f"无法使用的文件 {len(expected)} 个" in run.stderr
    report = json.loads(report_path.read_text(encoding="utf-8"))
    for entry, (status, phrase) in expected.items():
        got_status, reason = reason_of(report["failed"], entry)
        assert got_status == status and phrase in reason, (entry, got_status, reason)
    assert reason_of(report["files"], good)[0] == "parsed"
    nothing_escaped(tmp_path)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_cli_refuses_a_bundle_over_the_whole_bundle_limits_with_exit_2(name, tmp_path) -> None:
    make, phrase = REFUSED[name]
    path = tmp_path / name
    path.write_bytes(make())
    run = run_measured(
        ["service.cli", "bundle", str(path), "-o", str(tmp_path / "x.xlsx"), "--quiet"], tmp_path
    )
    assert run.peak_mb < MAX_RSS_MB
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2 and len(lines) == 1 and phrase in lines[0], run.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_a_bundle_whose_directory_alone_is_huge_is_refused_without_listing_it(tmp_path) -> None:
    path = tmp_path / "directory-flood.zip"
    path.write_bytes(directory_flood(1_200_000, b"a.docx"))
    run = run_measured(
        ["service.cli", "bundle", str(path), "-o", str(tmp_path / "x.xlsx"), "--quiet"], tmp_path
    )
    assert run.returncode == 2 and "文件过多" in run.stderr, run.stderr
    assert run.peak_mb < MAX_RSS_MB, f"peak RSS {run.peak_mb:.0f} MB"
