/* 在线填写 — the fill page's only script.
 *
 * The form is generated on the server from the form definition, which is also embedded in the page
 * (#form-definition). This script walks that definition to turn the inputs into the record JSON of the
 * spec (sections → keys, numbers as numbers, empty → null, multi → lists, tables → lists of row objects,
 * metrics → {previous, current}) and back, and talks to the JSON API: /api/v1/check for inline messages,
 * /api/v1/forms/<id>/fill for the documents, /api/v1/forms/annex2/prefill for last year's report.
 * Drafts are saved and loaded as JSON files on the user's machine; nothing is kept on the server. Every
 * change is also kept in this browser's localStorage (one draft per form), offered back on the next visit,
 * and leaving the page with changes not yet saved as a file or downloaded asks first.
 */
(function () {
  "use strict";

  var form = document.getElementById("record-form");
  if (!form) return;
  var def = JSON.parse(document.getElementById("form-definition").textContent);
  var ruleTitles = JSON.parse(document.getElementById("rule-titles").textContent);
  var formTitles = JSON.parse(document.getElementById("form-titles").textContent);
  var OTHER = "其他";
  var STORE_KEY = "itbforms-draft:" + def.id;
  var NUMERIC = { int: 1, wan: 1, pct: 1, m2: 1, year: 1 };
  var API = "/api/v1";
  var CSRF = document.querySelector("meta[name=csrf-token]").content; // the session's CSRF token (service.auth)
  var statusBox = document.getElementById("status");
  var touched = {};
  var checkTimer = null;
  var checkSeq = 0;
  var unsaved = false; // changed since the last draft file or document was saved
  var labels = {}; // field path → its printed label, for the links of the check summary

  // --- small helpers ------------------------------------------------------------------------------

  function byId(id) {
    return document.getElementById(id);
  }

  function named(name) {
    return form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
  }

  function setStatus(text, kind) {
    statusBox.textContent = text;
    statusBox.className = "status" + (kind ? " " + kind : "");
  }

  function saveBlob(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 30000);
  }

  function filenameOf(disposition) {
    if (!disposition) return null;
    var star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
    if (star) return decodeURIComponent(star[1]);
    var plain = /filename="?([^";]+)"?/i.exec(disposition);
    return plain ? plain[1] : null;
  }

  function eachField(callback) {
    def.sections.forEach(function (section) {
      section.fields.forEach(function (f) {
        callback(section, f, section.key + "." + f.key);
      });
    });
  }

  // --- form → record ------------------------------------------------------------------------------

  function readScalar(type, el) {
    if (!el) return null;
    var raw = el.value.trim();
    if (raw === "") return null;
    if (NUMERIC[type]) {
      var n = Number(raw);
      return Number.isFinite(n) ? n : raw; // a value the server cannot read is sent as typed: it says why
    }
    if (type === "bool") return raw === "true";
    return raw;
  }

  function tableBody(path) {
    return form.querySelector('[data-table="' + CSS.escape(path) + '"] tbody');
  }

  function readField(f, path) {
    if (f.type === "bool") {
      var chosen = form.querySelector('[name="' + CSS.escape(path) + '"]:checked');
      return chosen ? chosen.value === "true" : null;
    }
    if (f.type === "multi") {
      return Array.prototype.filter.call(named(path), function (box) { return box.checked; })
        .map(function (box) { return box.value; });
    }
    if (f.type === "metric") {
      return {
        previous: readScalar(f.item_type, byId("f-" + path + ".previous")),
        current: readScalar(f.item_type, byId("f-" + path + ".current")),
      };
    }
    if (f.type === "table") {
      var rows = [];
      Array.prototype.forEach.call(tableBody(path).rows, function (tr) {
        var row = {};
        var filled = false;
        f.columns.forEach(function (col) {
          row[col.key] = readScalar(col.type, tr.querySelector('[data-col="' + col.key + '"]'));
          filled = filled || row[col.key] !== null;
        });
        if (filled) rows.push(row);
      });
      return rows;
    }
    return readScalar(f.type, byId("f-" + path));
  }

  /** The record JSON the spec describes, from what is in the form now. */
  function serialize() {
    var record = { form: def.id, schema_version: def.schema_version };
    eachField(function (section, f, path) {
      var values = record[section.key] || (record[section.key] = {});
      values[f.key] = readField(f, path);
      if (f.other_key) values[f.other_key] = readScalar("text", byId("f-" + section.key + "." + f.other_key));
    });
    return record;
  }

  // --- record → form ------------------------------------------------------------------------------

  function writeScalar(el, value, path, lost) {
    if (!el) return;
    var text = value === null || value === undefined ? "" : String(value);
    if (el.tagName === "SELECT" && text && el.type !== "select-multiple") {
      var known = Array.prototype.some.call(el.options, function (o) { return o.value === text; });
      if (!known) el.add(new Option(text, text)); // keep an unknown option visible: the check names it
    }
    el.value = text;
    if (el.value !== text) lost.push(path + "：" + text);
    updateCounter(el);
  }

  function renumber(fieldset) {
    var path = fieldset.dataset.table;
    Array.prototype.forEach.call(fieldset.querySelector("tbody").rows, function (tr, i) {
      tr.querySelector(".seq").textContent = String(i + 1);
      tr.querySelectorAll("[data-col]").forEach(function (el) {
        el.id = "f-" + path + "." + i + "." + el.dataset.col;
        el.setAttribute("aria-label", el.dataset.label + "（第" + (i + 1) + "行）");
      });
    });
  }

  function addRow(fieldset) {
    var row = fieldset.querySelector("template").content.firstElementChild.cloneNode(true);
    fieldset.querySelector("tbody").appendChild(row);
    renumber(fieldset);
    return row;
  }

  function writeField(section, f, path, value, lost) {
    if (f.type === "bool") {
      named(path).forEach(function (radio) {
        radio.checked = (value === true && radio.value === "true") || (value === false && radio.value === "false");
      });
    } else if (f.type === "multi") {
      var list = Array.isArray(value) ? value : [];
      named(path).forEach(function (box) { box.checked = list.indexOf(box.value) >= 0; });
      list.forEach(function (item) {
        if (f.options.indexOf(item) < 0) lost.push(path + "：" + item);
      });
    } else if (f.type === "metric") {
      var pair = value || {};
      writeScalar(byId("f-" + path + ".previous"), pair.previous, path + ".previous", lost);
      writeScalar(byId("f-" + path + ".current"), pair.current, path + ".current", lost);
    } else if (f.type === "table") {
      var fieldset = form.querySelector('[data-table="' + CSS.escape(path) + '"]');
      var body = fieldset.querySelector("tbody");
      var rows = Array.isArray(value) ? value : [];
      body.textContent = "";
      for (var i = 0; i < Math.max(rows.length, 1); i++) addRow(fieldset);
      rows.forEach(function (row, r) {
        f.columns.forEach(function (col) {
          var el = body.rows[r].querySelector('[data-col="' + col.key + '"]');
          writeScalar(el, (row || {})[col.key], path + "." + r + "." + col.key, lost);
        });
      });
    } else {
      writeScalar(byId("f-" + path), value, path, lost);
    }
  }

  /** Put a record into the form; returns what could not be shown (unknown keys, unreadable values). */
  function load(record) {
    var lost = [];
    var known = { form: 1, schema_version: 1 };
    eachField(function (section, f, path) {
      var values = record[section.key] || {};
      var keys = known[section.key] || (known[section.key] = {});
      keys[f.key] = 1;
      writeField(section, f, path, values[f.key], lost);
      if (f.other_key) {
        var otherPath = section.key + "." + f.other_key;
        keys[f.other_key] = 1;
        writeScalar(byId("f-" + otherPath), values[f.other_key], otherPath, lost);
      }
    });
    Object.keys(record).forEach(function (key) {
      if (!known[key]) {
        lost.push(key);
      } else if (typeof known[key] === "object" && record[key] && typeof record[key] === "object") {
        Object.keys(record[key]).forEach(function (name) {
          if (!known[key][name]) lost.push(key + "." + name);
        });
      }
    });
    touched = {};
    syncOther();
    return lost;
  }

  // --- the 其他 text box: shown only while 其他 is chosen ---------------------------------------------

  function syncOther() {
    form.querySelectorAll("[data-other-of]").forEach(function (box) {
      var path = box.dataset.otherOf;
      var chosen = Array.prototype.some.call(named(path), function (el) {
        return el.type === "checkbox" ? el.checked && el.value === OTHER : el.value === OTHER;
      });
      box.hidden = !chosen;
    });
  }

  // --- the draft kept in this browser ---------------------------------------------------------------

  function autosave() {
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify({ saved_at: new Date().toISOString(), record: serialize() }));
    } catch (err) {
      setStatus("无法在本浏览器中自动保存草稿（" + err.message + "），请用“保存草稿”保存到本机。", "warn");
    }
  }

  function storedDraft() {
    try {
      var kept = JSON.parse(localStorage.getItem(STORE_KEY) || "null");
      return kept && kept.record && typeof kept.record === "object" ? kept : null;
    } catch (err) {
      return null;
    }
  }

  function changed() {
    unsaved = true;
    autosave();
  }

  function offerRestore() {
    var kept = storedDraft();
    if (!kept) return;
    var when = new Date(kept.saved_at);
    var stamp = isNaN(when.getTime()) ? "" : when.toLocaleString("zh-CN", { hour12: false });
    byId("restore-text").textContent = "本浏览器中有一份" + (stamp ? " " + stamp + " " : "") + "自动保存的" + def.short_title + "草稿。要恢复吗？";
    byId("restore").hidden = false;
    byId("restore-draft").addEventListener("click", function () {
      byId("restore").hidden = true;
      afterLoad(load(kept.record), "自动保存的草稿");
    });
    byId("discard-draft").addEventListener("click", function () {
      byId("restore").hidden = true;
      try { localStorage.removeItem(STORE_KEY); } catch (err) { /* nothing kept to remove */ }
      setStatus("已丢弃自动保存的草稿。", "ok");
    });
  }

  // --- messages next to fields --------------------------------------------------------------------

  function topPath(path) {
    return path.split(".").slice(0, 2).join(".");
  }

  function messageBox(path) {
    var box = form.querySelector('[data-msgs="' + CSS.escape(topPath(path)) + '"]');
    if (box) return box;
    var el = byId("f-" + path);
    var field = el && el.closest(".field");
    return field ? field.querySelector(".msgs") : null;
  }

  function clearMessages() {
    form.querySelectorAll(".msgs").forEach(function (box) { box.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    form.querySelectorAll(".invalid").forEach(function (el) { el.classList.remove("invalid"); });
  }

  function rowHint(path) {
    var parts = path.split(".");
    return parts.length > 2 && /^\d+$/.test(parts[2]) ? "第" + (Number(parts[2]) + 1) + "行：" : "";
  }

  /** Show one message beside the field at ``path``; returns false when the page has no such field. */
  function place(path, severity, text) {
    var box = path ? messageBox(path) : null;
    if (!box) return false;
    var p = document.createElement("p");
    p.className = "msg sev-" + severity;
    p.textContent = rowHint(path) + text;
    box.appendChild(p);
    var el = byId("f-" + path);
    if (el) {
      if (/^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) el.setAttribute("aria-invalid", "true");
      el.classList.add("invalid");
    }
    return true;
  }

  /** A rule as people read it: its Chinese name, and its article where it has one. */
  function clause(result) {
    return result.clause; // forms.checks.report.clause: article, rule id and its Chinese name
  }

  function fieldLink(text, path) {
    var a = document.createElement("a");
    a.href = "#f-" + path;
    a.textContent = text;
    a.addEventListener("click", function (event) {
      var target = byId("f-" + path);
      if (!target) return;
      event.preventDefault();
      target.scrollIntoView({ block: "start" });
      var focusable = /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) ? target : target.querySelector("input, select, textarea");
      if (focusable) focusable.focus({ preventScroll: true });
    });
    return a;
  }

  function renderReport(report, all) {
    clearMessages();
    var list = byId("check-list");
    list.textContent = "";
    var hiddenRequired = 0;
    function summaryItem(text, severity, path) {
      var li = document.createElement("li");
      li.className = "sev-" + severity;
      if (path && byId("f-" + path)) {
        li.appendChild(fieldLink(text, path));
      } else {
        li.textContent = text;
      }
      list.appendChild(li);
    }
    (report.problems || []).forEach(function (problem) {
      place(problem.field, problem.severity, problem.message);
      summaryItem(problem.message, problem.severity, problem.field);
    });
    (report.results || []).forEach(function (result) {
      if (result.passed !== false) return;
      var paths = result.fields && result.fields.length ? result.fields : [null];
      // V-REQ names every empty required field in one message: beside each field, say it of that field
      var beside = result.rule === "V-REQ" ? "必填项，尚未填写" : result.message;
      paths.forEach(function (path) {
        if (!all && result.rule === "V-REQ" && path && !touched[topPath(path)]) return;
        place(path, result.severity, beside + "（" + clause(result) + "）");
      });
      if (result.rule === "V-REQ") {
        if (!all) {
          hiddenRequired += 1;
          return;
        }
        var li = document.createElement("li"); // one link a missing field
        li.className = "sev-" + result.severity;
        li.appendChild(document.createTextNode(clause(result) + "：以下 " + paths.length + " 项必填项尚未填写"));
        var missing = document.createElement("ul");
        paths.forEach(function (path) {
          var item = document.createElement("li");
          var label = labels[topPath(path)] || path;
          var target = byId("f-" + path) ? path : topPath(path); // a table cell, else its table
          item.appendChild(byId("f-" + target) ? fieldLink(label, target) : document.createTextNode(label));
          missing.appendChild(item);
        });
        li.appendChild(missing);
        list.appendChild(li);
        return;
      }
      summaryItem(clause(result) + "：" + result.message, result.severity, paths[0]);
    });
    var verdict = "结论：" + report.verdict_label + "（" + report.counts_text + "）";
    if (hiddenRequired) verdict += "。必填项提示只显示在已填写过的项旁；点“检查”查看全部。";
    byId("check-verdict").textContent = verdict;
    byId("check-verdict").className = "verdict verdict-" + report.verdict;
    byId("check-summary").hidden = false;
  }

  /** A problem+json answer: its detail in the status line, its per-field errors beside the fields. */
  function showProblem(body, status) {
    if (!body) {
      setStatus("服务返回错误（HTTP " + status + "）", "error");
      return;
    }
    setStatus((body.title || "错误") + "：" + (body.detail || ""), "error");
    (body.errors || []).forEach(function (err) {
      place(err.field, err.severity || "error", err.message);
    });
  }

  // --- talking to the API -------------------------------------------------------------------------

  function check(all) {
    var seq = ++checkSeq;
    return fetch(API + "/check", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": CSRF },
      body: JSON.stringify(serialize()),
    }).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (body) {
        if (seq !== checkSeq) return; // a newer check is under way
        if (!res.ok) {
          clearMessages();
          showProblem(body, res.status);
          return;
        }
        renderReport(body, all);
        form.dataset.checked = String(seq);
      });
    }).catch(function (err) {
      setStatus("无法连接服务：" + err.message, "error");
    });
  }

  function scheduleCheck() {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(function () { check(false); }, 700);
  }

  function download(fmt, button) {
    var label = button.textContent.trim();
    button.disabled = true;
    setStatus("正在生成" + label.replace("下载", "") + "文档……", "busy");
    fetch(API + "/forms/" + def.id + "/fill?format=" + encodeURIComponent(fmt), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": CSRF },
      body: JSON.stringify(serialize()),
    }).then(function (res) {
      if (!res.ok) {
        return res.json().catch(function () { return null; }).then(function (body) {
          clearMessages();
          showProblem(body, res.status);
        });
      }
      return res.blob().then(function (blob) {
        var name = filenameOf(res.headers.get("Content-Disposition")) || def.short_title + "." + fmt;
        saveBlob(blob, name);
        unsaved = false;
        var missing = (res.headers.get("X-Missing-Fields") || "").split(",").filter(Boolean);
        if (missing.length) {
          setStatus("已下载 " + name + "。尚有 " + missing.length + " 项必填项未填写，点“检查”查看。", "warn");
        } else {
          setStatus("已下载 " + name + "。", "ok");
        }
      });
    }).catch(function (err) {
      setStatus("无法连接服务：" + err.message, "error");
    }).finally(function () {
      button.disabled = false;
    });
  }

  function draftName() {
    var head = serialize();
    var first = head.cover || head.header || {};
    return (first.platform_name ? first.platform_name + "-" : "") + def.short_title + "-草稿.json";
  }

  function afterLoad(lost, what) {
    if (lost.length) {
      setStatus("已载入" + what + "，但以下内容无法在表单中显示，请核对：" + lost.join("；"), "warn");
    } else {
      setStatus("已载入" + what + "。", "ok");
    }
    return check(true);
  }

  // --- wiring -------------------------------------------------------------------------------------

  function updateCounter(el) {
    if (!el || !el.dataset.max) return;
    var counter = form.querySelector('[data-counter="' + CSS.escape(el.name) + '"]');
    if (!counter) return;
    var length = Array.from(el.value.trim()).length;
    counter.textContent = length + " / " + el.dataset.max + " 字";
    counter.classList.toggle("over", length > Number(el.dataset.max));
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); });

  form.addEventListener("click", function (event) {
    var add = event.target.closest(".add-row");
    if (add) {
      var row = addRow(add.closest(".table-field"));
      var first = row.querySelector("[data-col]");
      if (first) first.focus();
      return;
    }
    var remove = event.target.closest(".remove-row");
    if (remove) {
      var fieldset = remove.closest(".table-field");
      var tr = remove.closest("tr");
      if (fieldset.querySelector("tbody").rows.length > 1) {
        tr.remove();
      } else {
        tr.querySelectorAll("[data-col]").forEach(function (el) { el.value = ""; });
      }
      renumber(fieldset);
      touched[fieldset.dataset.table] = true;
      changed();
      scheduleCheck();
    }
  });

  function onEdit(event) {
    var holder = event.target.closest(".field[data-field], tr[data-field]");
    if (holder) touched[holder.dataset.field] = true;
    var table = event.target.closest(".table-field");
    if (table) touched[table.dataset.table] = true;
    updateCounter(event.target);
    if (event.type === "change") syncOther();
    changed();
    scheduleCheck();
  }
  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);

  window.addEventListener("beforeunload", function (event) {
    if (!unsaved) return;
    event.preventDefault();
    event.returnValue = ""; // the browser asks "离开此网站？" in its own words
  });

  byId("run-check").addEventListener("click", function () {
    clearTimeout(checkTimer);
    check(true).then(function () {
      byId("check-summary").scrollIntoView({ block: "start" });
    });
  });

  byId("save-draft").addEventListener("click", function () {
    var name = draftName();
    saveBlob(new Blob([JSON.stringify(serialize(), null, 2)], { type: "application/json" }), name);
    unsaved = false;
    setStatus("草稿已保存为 " + name + "。", "ok");
  });

  byId("draft-file").addEventListener("change", function (event) {
    var input = event.target;
    var file = input.files && input.files[0];
    if (!file) return;
    file.text().then(function (text) {
      var record;
      try {
        record = JSON.parse(text.replace(/^\uFEFF/, ""));
      } catch (err) {
        setStatus(file.name + " 不是有效的 JSON 草稿：" + err.message, "error");
        return;
      }
      if (!record || typeof record !== "object" || Array.isArray(record)) {
        setStatus(file.name + " 不是表单记录（应为 JSON 对象）。", "error");
        return;
      }
      if (record.form && record.form !== def.id) {
        setStatus(file.name + " 是" + (formTitles[record.form] || "另一种表单") + "的记录，本页填写的是" + def.short_title + "。", "error");
        return;
      }
      var lost = load(record);
      autosave();
      return afterLoad(lost, "草稿 " + file.name);
    }).finally(function () {
      input.value = "";
    });
  });

  document.querySelectorAll(".download").forEach(function (button) {
    button.addEventListener("click", function () { download(button.dataset.format, button); });
  });

  var prefillRun = byId("prefill-run");
  if (prefillRun) {
    var yearBox = byId("prefill-year");
    if (!yearBox.value) yearBox.value = String(new Date().getFullYear() - 1);
    prefillRun.addEventListener("click", function () {
      var file = byId("prefill-file").files[0];
      if (!file) {
        setStatus("请先选择上年报告文件。", "error");
        return;
      }
      var data = new FormData();
      data.append("file", file);
      data.append("year", yearBox.value);
      data.append("format", "json");
      prefillRun.disabled = true;
      setStatus("正在读取 " + file.name + "……", "busy");
      fetch(API + "/forms/annex2/prefill", { method: "POST", body: data, headers: { "X-CSRFToken": CSRF } }).then(function (res) {
        return res.json().catch(function () { return null; }).then(function (body) {
          if (!res.ok) return showProblem(body, res.status);
          var lost = load(body);
          changed();
          return afterLoad(lost, "从 " + file.name + " 预填的内容");
        });
      }).catch(function (err) {
        setStatus("无法连接服务：" + err.message, "error");
      }).finally(function () {
        prefillRun.disabled = false;
      });
    });
  }

  eachField(function (section, f, path) { labels[path] = f.label; });
  syncOther();
  offerRestore();
  form.dataset.ready = "true";
})();
