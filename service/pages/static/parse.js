/* The parse page with script: the form is posted to /parse/runs, which parses the file in the background;
 * the page polls the run and says how far a scan's text recognition has come ("正在识别第 n/N 页"), then
 * opens the result (/parse/runs/<id>/result). Without script, or when the request cannot be made, the form
 * posts to /parse as before and the answer is the result itself. */
(function () {
  "use strict";

  var form = document.querySelector("form.upload");
  var status = document.getElementById("parse-status");
  if (!form || !status || !window.fetch || !window.FormData) return;
  var POLL_MS = 1000;
  var MAX_FAILURES = 5;

  function say(text, kind) {
    status.textContent = text;
    status.className = "status" + (kind ? " " + kind : "");
  }

  function follow(run, button) {
    var failures = 0;
    function poll() {
      fetch(run.status, { headers: { Accept: "application/json" } })
        .then(function (res) {
          if (!res.ok) throw new Error("HTTP " + res.status);
          return res.json();
        })
        .then(function (state) {
          failures = 0;
          if (state.done) {
            say("解析完成，正在打开结果……", "busy");
            window.location.assign(run.result);
            return;
          }
          say(state.pages ? "正在识别第 " + state.page + "/" + state.pages + " 页……" : "正在解析……", "busy");
          window.setTimeout(poll, POLL_MS);
        })
        .catch(function (err) {
          if (++failures >= MAX_FAILURES) {
            say("无法获取解析进度（" + err.message + "），请刷新页面后重新上传。", "error");
            button.disabled = false;
            return;
          }
          window.setTimeout(poll, POLL_MS);
        });
    }
    poll();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    var csrf = document.querySelector("meta[name=csrf-token]").content; // the session's token (service.auth)
    button.disabled = true;
    say("正在上传……", "busy");
    fetch(form.getAttribute("data-runs"), {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json", "X-CSRFToken": csrf },
    })
      .then(function (res) {
        return res.json().then(function (body) {
          if (res.status === 202) {
            say("已上传，正在解析……", "busy");
            follow(body, button);
            return;
          }
          say((body.title || "无法解析") + "：" + (body.detail || "HTTP " + res.status), "error");
          button.disabled = false;
        });
      })
      .catch(function () {
        form.submit(); // the page without script: the answer is the result page itself
      });
  });
})();
