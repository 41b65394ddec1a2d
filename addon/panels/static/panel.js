/* Ledgerline panels: log, edit and delete time through /api/4 (calls signed by api.js). */
(function () {
  "use strict";

  function resize() {
    if (window.AP && AP.resize) { AP.resize(); }
  }

  var call = window.Ledgerline.call;

  function clearErrors(form) {
    form.querySelectorAll(".ll-error").forEach(function (el) { el.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }

  function showErrors(form, payload) {
    var errors = (payload && payload.errors) || { message: "Something went wrong" };
    var shown = false;
    (errors.fields || []).forEach(function (problem) {
      var slot = form.querySelector('.ll-error[data-field="' + problem.field + '"]');
      if (slot) {
        slot.textContent = problem.message;
        shown = true;
        var input = slot.previousElementSibling && slot.previousElementSibling.querySelector &&
          slot.previousElementSibling.querySelector("input,select,textarea");
        if (input) { input.setAttribute("aria-invalid", "true"); }
      }
    });
    if (!shown) { form.querySelector('.ll-error[data-field="body"]').textContent = errors.message; }
  }

  function worklogBody(root, form) {
    var data = new FormData(form);
    var body = {
      issueId: Number(root.dataset.issueId),
      startDate: data.get("startDate"),
      startTime: (data.get("startTime") || "00:00") + ":00",
      timeSpent: data.get("timeSpent"),
      description: data.get("description") || "",
      attributes: []
    };
    if (root.dataset.timeZone) { body.timeZone = root.dataset.timeZone; }
    if (data.get("remainingEstimate")) { body.remainingEstimate = data.get("remainingEstimate"); }
    if (data.get("account")) { body.attributes.push({ key: "_Account_", value: data.get("account") }); }
    if (!form.elements.billable.checked) {
      body.billableSeconds = 0;
    } else {
      body.billableTime = data.get("billableTime") || data.get("timeSpent");
    }
    form.querySelectorAll("[data-attribute]").forEach(function (input) {
      var value = input.dataset.checkbox !== undefined ? String(input.checked) : input.value;
      if (value !== "") { body.attributes.push({ key: input.dataset.attribute, value: value }); }
    });
    return body;
  }

  // page: undefined for the first entries, a number for that page of all entries.
  function refresh(root, page) {
    var slot = root.querySelector("#ll-summary-slot");
    return call(root, "GET", "/panels/issue/summary?issueId=" + encodeURIComponent(root.dataset.issueId) +
      (page === undefined ? "" : "&all=1&page=" + page))
      .then(function (response) { return response.text(); })
      .then(function (html) { slot.innerHTML = html; resize(); });
  }

  function resetForm(form) {
    form.reset();
    delete form.dataset.editing;
    form.querySelector("#ll-form-title").textContent = "Log time";
    form.querySelector("[data-testid=save]").textContent = "Log time";
    form.querySelector("#ll-cancel-edit").hidden = true;
  }

  function startEdit(form, entry) {
    form.dataset.editing = entry.dataset.worklogId;
    form.elements.startDate.value = entry.dataset.startDate;
    form.elements.startTime.value = entry.dataset.startTime;
    form.elements.timeSpent.value = entry.dataset.duration;
    form.elements.description.value = entry.dataset.description;
    form.elements.account.value = entry.dataset.account;
    form.elements.billable.checked = entry.dataset.billableSeconds !== "0";
    form.elements.billableTime.value = entry.dataset.billableSeconds !== "0" ? entry.dataset.billable : "";
    var attributes = JSON.parse(entry.dataset.attributes || "{}");
    form.querySelectorAll("[data-attribute]").forEach(function (input) {
      var value = attributes[input.dataset.attribute];
      if (input.dataset.checkbox !== undefined) { input.checked = value === "true"; }
      else { input.value = value || ""; }
    });
    form.querySelector("#ll-form-title").textContent = "Edit time";
    form.querySelector("[data-testid=save]").textContent = "Save changes";
    form.querySelector("#ll-cancel-edit").hidden = false;
    form.scrollIntoView();
  }

  function initPanel(root) {
    var form = root.querySelector("#ll-log-form");
    var status = root.querySelector("#ll-status");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      status.textContent = "Saving…";
      var editing = form.dataset.editing;
      var method = editing ? "PUT" : "POST";
      var path = "/api/4/worklogs" + (editing ? "/" + editing : "");
      call(root, method, path, worklogBody(root, form)).then(function (response) {
        return response.json().then(function (payload) {
          if (!response.ok) { status.textContent = ""; showErrors(form, payload); resize(); return; }
          status.textContent = payload.pushState === "SYNCED" ? "Saved to Jira." : "Saved; Jira will get it shortly.";
          resetForm(form);
          return refresh(root);
        });
      }).catch(function () { status.textContent = "Could not reach Ledgerline; nothing was saved."; });
    });
    root.querySelector("#ll-cancel-edit").addEventListener("click", function () { resetForm(form); });
    root.addEventListener("click", function (event) {
      var action = event.target.dataset && event.target.dataset.action;
      if (action === "show-all") { refresh(root, 0); return; }
      if (action === "page") { refresh(root, Number(event.target.dataset.page)); return; }
      var entry = event.target.closest && event.target.closest(".ll-entry");
      if (!action || !entry) { return; }
      if (action === "edit") { startEdit(form, entry); }
      if (action === "delete" && window.confirm("Delete this worklog here and in Jira?")) {
        call(root, "DELETE", "/api/4/worklogs/" + entry.dataset.worklogId).then(function (response) {
          status.textContent = response.ok ? "Deleted." : "Could not delete.";
          return refresh(root);
        });
      }
    });
  }

  function initWeek(root) {
    root.addEventListener("click", function (event) {
      if (event.target.dataset && event.target.dataset.action === "submit-timesheet") {
        submitTimesheet(root, event.target.closest("[data-testid=timesheet]"));
        return;
      }
      var week = event.target.dataset && event.target.dataset.weekNav;
      if (!week) { return; }
      call(root, "GET", "/pages/my-time/week?week=" + week).then(function (response) {
        return response.text();
      }).then(function (html) { root.innerHTML = html; resize(); });
    });
  }

  function submitTimesheet(root, line) {
    var message = line.querySelector("[data-testid=timesheet-message]");
    var path = "/api/4/timesheet-approvals/user/" + encodeURIComponent(line.dataset.user) +
      "/submit?from=" + line.dataset.from + "&to=" + line.dataset.to;
    return call(root, "POST", path, {}).then(function (response) {
      return response.json().then(function (payload) {
        if (!response.ok) { message.textContent = payload.errors.message; return; }
        return call(root, "GET", "/pages/my-time/week?week=" + root.querySelector("#ll-week").dataset.week)
          .then(function (r) { return r.text(); })
          .then(function (html) { root.innerHTML = html; resize(); });
      });
    });
  }

  function initBoard(root) {
    function board() { return root.querySelector("#ll-board"); }
    function reload(day) {
      return call(root, "GET", "/pages/approvals/board" + (day ? "?day=" + day : "?day=" + board().dataset.from))
        .then(function (r) { return r.text(); })
        .then(function (html) { root.innerHTML = html; resize(); });
    }
    function say(text) {
      var slot = root.querySelector("[data-testid=board-message]");
      if (slot) { slot.textContent = text; }
    }
    function approve(ids) {
      var b = board();
      return call(root, "POST", "/api/4/timesheet-approvals/approve",
        { from: b.dataset.from, to: b.dataset.to, accountIds: ids }).then(function (response) {
        return response.json().then(function (payload) {
          if (!response.ok) { say(payload.errors.message); return; }
          var refused = payload.results.filter(function (r) { return !r.approved; });
          return reload().then(function () {
            say(payload.metadata.approved + " approved" + (refused.length ? ", " + refused.length + " not: " +
              refused.map(function (r) { return r.reason.message; }).join("; ") : "."));
          });
        });
      });
    }
    function reject(id) {
      var comment = window.prompt("Why is this timesheet rejected?");
      if (!comment) { return; }
      var b = board();
      call(root, "POST", "/api/4/timesheet-approvals/user/" + encodeURIComponent(id) + "/reject?from=" +
        b.dataset.from + "&to=" + b.dataset.to, { comment: comment }).then(function (response) {
        return response.json().then(function (payload) {
          return reload().then(function () { say(response.ok ? "Rejected." : payload.errors.message); });
        });
      });
    }
    root.addEventListener("click", function (event) {
      var target = event.target;
      if (target.dataset.boardDay) { reload(target.dataset.boardDay); return; }
      var action = target.dataset.action;
      var row = target.closest && target.closest("tr[data-account-id]");
      if (action === "select-all") {
        root.querySelectorAll("[data-select]").forEach(function (box) { box.checked = target.checked; });
      } else if (action === "approve-one" && row) {
        approve([row.dataset.accountId]);
      } else if (action === "reject-one" && row) {
        reject(row.dataset.accountId);
      } else if (action === "approve-selected") {
        var ids = Array.prototype.map.call(root.querySelectorAll("[data-select]:checked"),
          function (box) { return box.value; });
        if (ids.length) { approve(ids); } else { say("Select at least one person."); }
      }
    });
  }

  var panel = document.getElementById("ll-panel");
  if (panel) { initPanel(panel); }
  var week = document.getElementById("ll-my-time");
  if (week) { initWeek(week); }
  var approvals = document.getElementById("ll-approvals");
  if (approvals) { initBoard(approvals); }
})();
