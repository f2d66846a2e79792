/* 批量审核 — the bundle page's only script.
 *
 * Uploads the zip to /api/v1/bundles (202 + Location), polls the job about once a second for its progress
 * and each file's state, then fetches the JSON report and shows one row per unit. A row opens the unit's
 * detail: its failed checks, parsing problems, Word-vs-PDF differences, duplicates and notes, and its
 * record laid out per section from the 申报书 definition embedded in the page (#form-definition), as the
 * parse page shows a record. The job id is kept in the address (#job=…), so a reload finds the job again.
 * Everything from the server is put in the page as text (textContent), never as HTML.
 */
(function () {
  "use strict";

  var form = document.getElementById("bundle-form");
  if (!form) return;
  var API = "/api/v1";
  var POLL_MS = 1000;
  var MAX_MB = Number(form.dataset.maxMb) || 200;
  var BRIEF_FILES = Number(form.dataset.briefFiles) || 200;
  var REQUIRED_NOTE = "必填项，未填写";
  var STATE_CLASS = {
    queued: "state-queued", parsed: "state-ok", not_form: "state-warn", other_form: "state-warn",
    skipped: "state-warn", unreadable: "state-error", failed: "state-error", refused: "state-error",
  };
  var KIND_LABELS = { docx: "Word", doc: "Word", wps: "Word", pdf: "PDF", xlsx: "Excel", xls: "Excel", et: "Excel" };
  var RESULT_LABELS = JSON.parse(byId("result-labels").textContent);
  var def = JSON.parse(byId("form-definition").textContent);
  var ruleTitles = JSON.parse(byId("rule-titles").textContent);
  var statusBox = byId("status");
  var submit = byId("bundle-submit");
  var generation = 0; // a newer upload (or job) stops the polling of the older one
  var units = [];

  // dotted path → the field it is shown with (a "*_other" text shows with its choice)
  var shownAt = {};
  var labelOf = {};
  def.sections.forEach(function (section) {
    section.fields.forEach(function (f) {
      var path = section.key + "." + f.key;
      shownAt[path] = path;
      labelOf[path] = (f.context ? f.context + " · " : "") + f.label;
      if (f.other_key) {
        shownAt[section.key + "." + f.other_key] = path;
        labelOf[section.key + "." + f.other_key] = f.label + "（其他）";
      }
    });
  });

  // --- small helpers ------------------------------------------------------------------------------

  function byId(id) {
    return document.getElementById(id);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function append(parent) {
    for (var i = 1; i < arguments.length; i++) {
      if (arguments[i]) parent.appendChild(arguments[i]);
    }
    return parent;
  }

  function setStatus(text, kind) {
    statusBox.textContent = text;
    statusBox.className = "status" + (kind ? " " + kind : "");
  }

  /** A problem+json answer (413, 415, 422, 404 …) as one line: its title and its detail. */
  function showProblem(body, status) {
    if (!body || !body.detail) {
      setStatus("服务返回错误（HTTP " + status + "）" + (body && body.title ? "：" + body.title : ""), "error");
      return;
    }
    setStatus((body.title || "错误") + "：" + body.detail, "error");
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (body) {
        return { ok: res.ok, status: res.status, body: body };
      });
    });
  }

  /** A record value as a person reads it: 是/否, lists joined with 、, — for empty (as the parse page). */
  function show(value) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return "—";
    if (value === true) return "是";
    if (value === false) return "否";
    if (Array.isArray(value)) return value.map(String).join("、");
    return String(value);
  }

  function topPath(path) {
    var parts = (path || "").split(".");
    return parts.length > 1 ? shownAt[parts.slice(0, 2).join(".")] || "" : "";
  }

  function rowHint(path) {
    var parts = (path || "").split(".");
    return parts.length > 2 && /^\d+$/.test(parts[2]) ? "第" + (Number(parts[2]) + 1) + "行" : "";
  }

  /** ``乙单位/申报书.docx（Word，主文件）``: a file of a unit, its kind and what else is said of it. */
  function fileLabel(file, role) {
    var said = [KIND_LABELS[file.kind] || file.kind, role].filter(Boolean);
    return (file.file || file.name || "") + (said.length ? "（" + said.join("，") + "）" : "");
  }

  function checkState(result) {
    return result.state; // forms.checks.report.result_state: the same state on every face
  }

  function table(className, headers) {
    var t = el("table", className);
    var tr = el("tr");
    headers.forEach(function (h) {
      var th = el("th", null, h);
      th.scope = "col";
      tr.appendChild(th);
    });
    append(t, append(el("thead"), tr), el("tbody"));
    return t;
  }

  function scroll(child) {
    return append(el("div", "scroll"), child);
  }

  // --- upload -------------------------------------------------------------------------------------

  function reset() {
    generation += 1;
    units = [];
    byId("progress").hidden = true;
    byId("results").hidden = true;
    byId("unit-detail").hidden = true;
    byId("job-error").hidden = true;
    byId("files").tBodies[0].textContent = "";
    byId("files-note").hidden = true;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = byId("bundle-file").files[0];
    if (!file) {
      setStatus("请选择一个 zip 压缩包后再上传。", "error");
      return;
    }
    if (file.size > MAX_MB * 1024 * 1024) {
      setStatus("上传内容过大：" + file.name + " 超过允许的大小（" + MAX_MB + " MB），请分成几个压缩包上传。", "error");
      return;
    }
    var data = new FormData();
    data.append("file", file);
    var recommender = byId("bundle-recommender").value.trim();
    if (recommender) data.append("recommender", recommender);
    if (byId("bundle-received").value) data.append("received", byId("bundle-received").value);
    if (byId("bundle-previous").files[0]) data.append("previous", byId("bundle-previous").files[0]);
    reset();
    submit.disabled = true;
    setStatus("正在上传 " + file.name + "……", "busy");
    var csrf = document.querySelector("meta[name=csrf-token]").content; // the session's token (service.auth)
    fetch(API + "/bundles", { method: "POST", body: data, headers: { Accept: "application/json", "X-CSRFToken": csrf } })
      .then(function (res) {
        return res.json().catch(function () { return null; }).then(function (body) {
          if (res.status !== 202 || !body || !body.id) {
            showProblem(body, res.status);
            return;
          }
          var location = res.headers.get("Location") || body.links.self;
          history.replaceState(null, "", "#job=" + encodeURIComponent(body.id));
          setStatus("已上传 " + file.name + "，正在后台处理。", "busy");
          follow(location, body);
        });
      })
      .catch(function (err) {
        setStatus("无法连接服务：" + err.message, "error");
      })
      .finally(function () {
        submit.disabled = false;
      });
  });

  // --- following the job --------------------------------------------------------------------------

  function follow(location, first) {
    var gen = ++generation;
    var failures = 0;
    var total = 0;
    byId("progress").hidden = false;

    function poll() {
      if (gen !== generation) return;
      var brief = total > BRIEF_FILES;
      getJSON(location + (brief ? "?files=false" : "")).then(function (answer) {
        if (gen !== generation) return;
        if (!answer.ok) {
          showProblem(answer.body, answer.status);
          if (answer.status === 404) byId("progress").hidden = true; // no such job (or expired)
          return;
        }
        failures = 0;
        handle(answer.body);
      }).catch(function (err) {
        if (gen !== generation) return;
        failures += 1;
        if (failures > 30) {
          setStatus("无法连接服务：" + err.message + "。任务仍在服务器上处理，稍后刷新本页查看。", "error");
          return;
        }
        setStatus("暂时无法连接服务（" + err.message + "），正在重试……", "warn");
        setTimeout(poll, POLL_MS * 2);
      });
    }

    function handle(job) {
      total = (job.progress && job.progress.total) || 0;
      renderProgress(job, total > BRIEF_FILES);
      if (job.status === "done") {
        finish(location, job, gen);
      } else if (job.status === "failed") {
        var box = byId("job-error");
        box.textContent = "处理失败：" + (job.error || "原因不明");
        box.hidden = false;
        setStatus("任务失败：" + (job.error || "原因不明"), "error");
      } else {
        if (statusBox.className.indexOf("busy") < 0) setStatus("正在后台处理……", "busy");
        setTimeout(poll, POLL_MS);
      }
    }

    if (first) handle(first);
    else poll();
  }

  function renderProgress(job, brief) {
    var progress = job.progress || {};
    var bar = byId("progress-bar");
    var text;
    if (progress.total) {
      bar.max = progress.total;
      bar.value = progress.done;
      var pct = Math.floor((100 * progress.done) / progress.total);
      text = job.status_label + "：已处理 " + progress.done + " / " + progress.total + " 个文件（" + pct + "%）";
    } else if (job.status === "done") {
      bar.max = 1;
      bar.value = 1;
      text = job.status_label + "：压缩包中没有需要解析的文件";
    } else if (job.status === "failed") {
      bar.max = 1;
      bar.value = 0;
      text = job.status_label;
    } else {
      bar.removeAttribute("value"); // indeterminate until the zip has been listed
      text = job.status === "queued" ? "排队中：等待前面的任务完成……" : "处理中：正在读取压缩包……";
    }
    byId("progress-text").textContent = text;
    byId("progress").dataset.status = job.status;
    var line = "任务 " + job.id + " · " + job.name + (job.recommender ? " · 推荐单位：" + job.recommender : "");
    if (job.notes && job.notes.length) line += " · " + job.notes.join("；");
    byId("job-line").textContent = line;
    var note = byId("files-note");
    if (job.files && job.files.length) {
      renderFiles(job.files);
      note.hidden = true;
    } else if (brief) {
      note.textContent = "文件较多（" + progress.total + " 个），处理完成后列出各文件的状态。";
      note.hidden = false;
    }
  }

  function renderFiles(files) {
    var body = byId("files").tBodies[0];
    body.textContent = "";
    files.forEach(function (f) {
      var tr = el("tr");
      tr.dataset.status = f.status;
      append(
        tr,
        el("td", "seq", f.index + 1),
        el("td", "name", f.name),
        el("td", "state " + (STATE_CLASS[f.status] || ""), f.status_label),
        el("td", null, f.reason || "")
      );
      body.appendChild(tr);
    });
  }

  function finish(location, job, gen) {
    setStatus("处理完成，正在取得审核结果……", "busy");
    var listed = job.files && job.files.length ? Promise.resolve(null) : getJSON(location);
    listed.then(function (answer) {
      if (answer && answer.ok && gen === generation) {
        renderFiles(answer.body.files || []);
        byId("files-note").hidden = true;
      }
      return getJSON(job.links.report);
    }).then(function (answer) {
      if (gen !== generation) return;
      if (!answer.ok) {
        showProblem(answer.body, answer.status);
        return;
      }
      renderResults(answer.body, job);
    }).catch(function (err) {
      setStatus("无法取得审核结果：" + err.message, "error");
    });
  }

  // --- results ------------------------------------------------------------------------------------

  function renderResults(report, job) {
    units = report.units || [];
    var counts = report.counts || {};
    var summary = "「" + report.bundle + "」共 " + (counts.files || 0) + " 个文件，识别出 " + units.length + " 家单位：符合 " +
      (counts.eligible || 0) + " 家，不符合 " + (counts.ineligible || 0) + " 家，待补充 " + (counts.incomplete || 0) + " 家";
    if (counts.failed_files) summary += "；无法使用的文件 " + counts.failed_files + " 个";
    if (counts.duplicates) summary += "；统一社会信用代码重复 " + counts.duplicates + " 家";
    if (counts.with_differences) summary += "；Word 与 PDF 不一致 " + counts.with_differences + " 家";
    byId("results-summary").textContent = summary + "。";

    var stem = (report.bundle || "bundle").replace(/\.zip$/i, "");
    byId("download-summary").href = job.links.summary;
    byId("download-report").href = job.links.report;
    byId("download-report").setAttribute("download", "核查报告-" + stem + ".json");

    var body = byId("units").tBodies[0];
    body.textContent = "";
    units.forEach(function (unit, i) {
      var tr = el("tr", "unit-row");
      tr.dataset.index = String(i);
      tr.dataset.verdict = unit.verdict;
      var open = el("button", "link", unit.name || "（未识别出单位名称）");
      open.type = "button";
      open.setAttribute("aria-controls", "unit-detail");
      open.setAttribute("aria-expanded", "false");
      append(
        tr,
        el("td", "seq", unit.seq),
        append(el("td", "name"), open),
        el("td", "mono", unit.uscc || "—"),
        el("td", null, unit.platform_name || "—"),
        append(el("td", "verdict-cell"), el("span", "badge verdict-" + unit.verdict, unit.verdict_label)),
        el("td", "hint-cell", (unit.notes || []).join("；") || "—")
      );
      body.appendChild(tr);
    });
    byId("no-units").hidden = units.length > 0 || !!report.annual;

    var failed = report.failed || [];
    var list = byId("failed-list");
    list.textContent = "";
    failed.forEach(function (f) {
      var li = el("li", f.status === "not_form" || f.status === "other_form" ? "sev-warn" : "sev-error");
      append(li, el("strong", null, f.name), document.createTextNode("（" + f.status_label + "）：" + (f.reason || "")));
      list.appendChild(li);
    });
    byId("failed").hidden = failed.length === 0;
    byId("results").hidden = false;
    setStatus("审核完成：" + units.length + " 家单位，点击一行查看详情。", "ok");
    document.dispatchEvent(new CustomEvent("bundle:results", { detail: { report: report, job: job } }));
  }

  byId("units").addEventListener("click", function (event) {
    var tr = event.target.closest("tr.unit-row");
    if (tr) openUnit(Number(tr.dataset.index));
  });

  // --- one unit -----------------------------------------------------------------------------------

  function openUnit(index) {
    var unit = units[index];
    if (!unit) return;
    byId("units").querySelectorAll("tr.unit-row").forEach(function (tr) {
      var on = Number(tr.dataset.index) === index;
      tr.classList.toggle("selected", on);
      tr.querySelector("button.link").setAttribute("aria-expanded", on ? "true" : "false");
    });
    var detail = byId("unit-detail");
    detail.dataset.seq = String(unit.seq);
    byId("unit-title").textContent = "第 " + unit.seq + " 项 · " + (unit.name || "（未识别出单位名称）");
    var body = byId("unit-body");
    body.textContent = "";
    var summary = unit.check_summary || {};
    append(
      body,
      el("p", "verdict verdict-" + unit.verdict, "核查结论：" + unit.verdict_label + "（通过 " + (summary.passed || 0) +
        " 项，不符合或提示 " + (summary.failed || 0) + " 项，待补充 " + (summary.unknown || 0) + " 项，共 " +
        (summary.total || 0) + " 项）"),
      el("p", null, "统一社会信用代码：" + (unit.uscc || "—") + "；平台名称：" + (unit.platform_name || "—")),
      el("p", null, "文件：" + (unit.files || []).map(function (f) {
        return fileLabel(f, f.role === "primary" ? "主文件" : "用于比对");
      }).join("；"))
    );
    if (unit.notes && unit.notes.length) {
      var notes = el("ul", "notes general unit-notes");
      unit.notes.forEach(function (n) { notes.appendChild(el("li", "sev-warn", n)); });
      body.appendChild(notes);
    }
    if (unit.duplicates && unit.duplicates.length) body.appendChild(duplicatesLine(unit));
    body.appendChild(checksBlock(unit));
    if (unit.problems && unit.problems.length) body.appendChild(problemsBlock(unit.problems));
    if (unit.differences && unit.differences.length) body.appendChild(differencesBlock(unit.differences));
    body.appendChild(recordBlock(unit));
    detail.hidden = false;
    detail.focus({ preventScroll: true });
    detail.scrollIntoView({ block: "start", behavior: "smooth" });
  }

  function duplicatesLine(unit) {
    var p = el("p", "duplicates sev-error", "重复申报：与 ");
    unit.duplicates.forEach(function (seq, i) {
      var other = units.findIndex(function (u) { return u.seq === seq; });
      var button = el("button", "link", "第 " + seq + " 项" + (other >= 0 ? "（" + units[other].name + "）" : ""));
      button.type = "button";
      button.addEventListener("click", function () { openUnit(other); });
      if (i) p.appendChild(document.createTextNode("、"));
      p.appendChild(other >= 0 ? button : el("span", null, "第 " + seq + " 项"));
    });
    p.appendChild(document.createTextNode(" 的统一社会信用代码相同"));
    return p;
  }

  function checksBlock(unit) {
    var block = el("section", "unit-checks");
    var open = (unit.checks || []).filter(function (r) { return r.passed !== true; });
    block.appendChild(el("h4", null, "未通过的核查（" + open.length + " 项）"));
    if (!open.length) {
      block.appendChild(el("p", "verdict verdict-eligible", "全部 " + (unit.checks || []).length + " 项核查均通过。"));
      return block;
    }
    var t = table("checks cards", ["规则", "条款", "结果", "说明"]);
    open.forEach(function (r) {
      var state = checkState(r);
      var tr = el("tr", "check-" + state);
      tr.dataset.rule = r.rule;
      var rule = el("td", null, r.rule);
      if (ruleTitles[r.rule]) rule.appendChild(el("span", "rule-title", ruleTitles[r.rule]));
      append(tr, rule, el("td", null, r.article), el("td", null, RESULT_LABELS[state]), el("td", null, r.message));
      t.tBodies[0].appendChild(tr);
    });
    block.appendChild(scroll(t));
    return block;
  }

  function problemsBlock(problems) {
    var block = el("section", "unit-problems");
    block.appendChild(el("h4", null, "解析问题（" + problems.length + " 处）"));
    var t = table("checks cards", ["文件", "项目", "说明"]);
    problems.forEach(function (p) {
      var tr = el("tr", "sev-row-" + p.severity);
      var where = labelOf[topPath(p.field)] || p.field || "—";
      var hint = rowHint(p.field);
      append(
        tr,
        el("td", null, p.file),
        el("td", null, where + (hint ? " " + hint : "")),
        el("td", "sev-" + p.severity, p.message)
      );
      t.tBodies[0].appendChild(tr);
    });
    block.appendChild(scroll(t));
    return block;
  }

  function differencesBlock(differences) {
    var block = el("section", "unit-differences");
    block.appendChild(el("h4", null, "Word 与 PDF 不一致（" + differences.length + " 处）"));
    var t = table("checks cards", ["项目", "各文件中的值"]);
    differences.forEach(function (d) {
      var values = el("ul", "plain values");
      (d.values || []).forEach(function (v) {
        var li = el("li");
        append(li, el("span", "file", fileLabel(v) + "："), el("strong", null, v.value));
        values.appendChild(li);
      });
      var tr = el("tr");
      tr.dataset.field = d.field;
      append(tr, el("td", null, d.label), append(el("td"), values));
      t.tBodies[0].appendChild(tr);
    });
    block.appendChild(scroll(t));
    return block;
  }

  /** Notes by the record row they are shown beside: parsing problems and checks that did not pass. */
  function notesByField(unit) {
    var notes = {};
    function add(path, severity, text) {
      var at = topPath(path);
      if (!at) return;
      (notes[at] = notes[at] || []).push({ severity: severity, text: text });
    }
    (unit.problems || []).forEach(function (p) {
      var hint = rowHint(p.field);
      add(p.field, p.severity, (hint ? hint + "：" : "") + p.message);
    });
    (unit.checks || []).forEach(function (r) {
      if (r.passed === true) return;
      var seen = {};
      (r.fields || []).forEach(function (path) {
        var at = topPath(path);
        if (!at || seen[at]) return;
        seen[at] = true;
        var message = r.rule === "V-REQ" ? REQUIRED_NOTE : r.message;
        add(path, r.passed === false ? r.severity : "warn", r.clause + "：" + message);
      });
    });
    return notes;
  }

  function valueCell(f, value, values) {
    var td = el("td");
    if (f.type === "table") {
      var rows = Array.isArray(value) ? value : [];
      if (!rows.length) {
        td.appendChild(el("span", "value empty", "—"));
        return td;
      }
      var t = table("rows", ["序号"].concat(f.columns.map(function (c) { return c.label; })));
      rows.forEach(function (row, i) {
        var tr = append(el("tr"), el("td", "seq", i + 1));
        f.columns.forEach(function (col) {
          var cell = el("td", null, show((row || {})[col.key]));
          cell.dataset.col = col.key;
          tr.appendChild(cell);
        });
        t.tBodies[0].appendChild(tr);
      });
      td.appendChild(scroll(t));
    } else if (f.type === "metric") {
      var pair = value || {};
      td.appendChild(el("span", "value", "上年末 " + show(pair.previous) + " ／ 本年末 " + show(pair.current) +
        (f.unit ? " " + f.unit : "")));
    } else {
      var empty = show(value) === "—";
      td.appendChild(el("span", "value" + (empty ? " empty" : ""), show(value)));
      if (f.other_key && values[f.other_key]) td.appendChild(el("span", "other", "（其他：" + values[f.other_key] + "）"));
    }
    return td;
  }

  function recordBlock(unit) {
    var record = unit.record || {};
    var notes = notesByField(unit);
    var block = el("details", "unit-record");
    block.open = true;
    block.appendChild(el("summary", null, "识别出的申报书内容"));
    def.sections.forEach(function (section) {
      var values = record[section.key] || {};
      var part = el("section", "record-section");
      part.appendChild(el("h4", null, section.title));
      var t = el("table", "record");
      var tbody = el("tbody");
      section.fields.forEach(function (f) {
        var path = section.key + "." + f.key;
        var here = notes[path] || [];
        var tr = el("tr", here.length ? "has-notes sev-" + here[0].severity : null);
        tr.dataset.path = path;
        var th = el("th");
        th.scope = "row";
        if (f.context) th.appendChild(el("span", "ctx", f.context + " · "));
        th.appendChild(document.createTextNode(f.label));
        var td = valueCell(f, values[f.key], values);
        if (here.length) {
          var ul = el("ul", "notes");
          here.forEach(function (n) { ul.appendChild(el("li", "sev-" + n.severity, n.text)); });
          td.appendChild(ul);
        }
        append(tr, th, td);
        tbody.appendChild(tr);
      });
      t.appendChild(tbody);
      append(part, t);
      block.appendChild(part);
    });
    return block;
  }

  // --- a job in the address: follow it again ------------------------------------------------------

  function followAddress() {
    var match = /^#job=([A-Za-z0-9_-]+)$/.exec(window.location.hash);
    if (!match) return;
    reset();
    setStatus("正在查看任务 " + match[1] + "……", "busy");
    follow(API + "/jobs/" + match[1], null);
  }

  window.addEventListener("hashchange", followAddress); // a job link pasted into the address bar
  followAddress();

  form.dataset.ready = "true";
})();

// The bundles page's annual view: when a job's results are shown (the "bundle:results" event above)
// and its report has annual reports, fetch the server-made annual section (charts in SVG,
// year-over-year table) and filter its rows by 年度核查.
(function () {
  "use strict";
  var section = document.getElementById("annual");
  if (!section) return;

  function applyFilter() {
    var chosen = section.querySelector('input[name="annual-filter"]:checked');
    var wanted = chosen && chosen.value !== "all" ? chosen.value.split(" ") : null;
    var rows = section.querySelectorAll("tr.annual-row");
    var shown = 0;
    rows.forEach(function (tr) {
      var visible = !wanted || wanted.indexOf(tr.dataset.status) !== -1;
      tr.hidden = !visible;
      if (visible) shown += 1;
    });
    var note = document.getElementById("annual-shown");
    if (note) note.textContent = "显示 " + shown + " / " + rows.length + " 个平台";
  }

  // a bundle of annual reports only: no application table, no 推荐汇总表 to offer (site.css hides them)
  function onlyAnnual(annual) {
    document.getElementById("results").classList.add("annual-only");
    var status = document.getElementById("status");
    if (status) status.textContent = "审核完成：" + annual.counts.platforms + " 个平台的年度运行情况表，见下方年度运行情况。";
  }

  document.addEventListener("bundle:results", function (event) {
    var detail = event.detail || {};
    section.hidden = true;
    section.textContent = "";
    document.getElementById("results").classList.remove("annual-only");
    if (!detail.report || !detail.report.annual || !detail.job) return;
    if (!(detail.report.units || []).length) onlyAnnual(detail.report.annual);
    fetch("/bundles/jobs/" + encodeURIComponent(detail.job.id) + "/annual", { headers: { Accept: "text/html" } })
      .then(function (res) {
        return res.text().then(function (text) {
          if (!res.ok) {
            var p = document.createElement("p");
            p.className = "alert error";
            p.textContent = "无法取得年度运行情况汇总（" + res.status + "），请下载 JSON 核查报告查看。";
            section.appendChild(p);
          } else {
            section.innerHTML = text;  // our own server's escaped template
            section.addEventListener("change", applyFilter);
            applyFilter();
          }
          section.hidden = false;
        });
      })
      .catch(function (err) {
        section.textContent = "无法连接服务：" + err.message;
        section.hidden = false;
      });
  });
})();
