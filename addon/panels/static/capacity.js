/* Ledgerline Capacity page: filters re-render the grid, a row opens the person's plans and
 * logged time, and plans are created, edited, split and deleted through /api/4/plans.
 * Works without Connect's all.js (dev mode): the page embeds a context token of its own. */
(function () {
  "use strict";
  var root = document.getElementById("ll-capacity");
  if (!root) { return; }
  var filters = root.querySelector(".ll-filter");
  var planForm = root.querySelector(".ll-plan-form");
  var personBox = document.getElementById("ll-capacity-person");
  var openPerson = null;

  function token() {
    if (window.AP && AP.context && AP.context.getToken) {
      return new Promise(function (resolve) { AP.context.getToken(resolve); });
    }
    return Promise.resolve(root.dataset.token);
  }

  function call(method, path, body) {
    return token().then(function (jwt) {
      return fetch(path, {
        method: method,
        headers: { "Authorization": "JWT " + jwt, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body)
      });
    });
  }

  function query(extra) {
    var params = new URLSearchParams(new FormData(filters));
    Object.keys(extra || {}).forEach(function (k) { params.set(k, extra[k]); });
    return params.toString();
  }

  function refresh() {
    var grid = call("GET", "/pages/capacity/grid?" + query()).then(function (r) { return r.text(); })
      .then(function (html) { document.getElementById("ll-capacity-grid").innerHTML = html; });
    return openPerson ? grid.then(function () { return showPerson(openPerson); }) : grid;
  }

  function showPerson(accountId) {
    openPerson = accountId;
    return call("GET", "/pages/capacity/person?" + query({ accountId: accountId }))
      .then(function (r) { return r.text(); })
      .then(function (html) { personBox.innerHTML = html; personBox.hidden = false; });
  }

  function clearErrors() {
    planForm.querySelectorAll(".ll-error").forEach(function (el) { el.textContent = ""; });
  }

  function showErrors(payload) {
    var errors = (payload && payload.errors) || { message: "Something went wrong" };
    var shown = false;
    (errors.fields || []).forEach(function (problem) {
      var slot = planForm.querySelector('.ll-error[data-field="' + problem.field + '"]');
      if (slot) { slot.textContent = problem.message; shown = true; }
    });
    if (!shown) { planForm.querySelector('.ll-error[data-field="body"]').textContent = errors.message; }
  }

  function planBody() {
    var data = new FormData(planForm);
    var seconds = Math.round(Number(data.get("hours") || 0) * 3600);
    var body = {
      assigneeId: data.get("assigneeId"), assigneeType: "USER",
      planItemType: data.get("planItemType"), planItemId: data.get("planItemId"),
      startDate: data.get("startDate"), endDate: data.get("endDate"),
      effortPersistenceType: data.get("effortPersistenceType"),
      includeNonWorkingDays: planForm.elements.includeNonWorkingDays.checked,
      billable: planForm.elements.billable.checked,
      description: data.get("description") || ""
    };
    body[body.effortPersistenceType === "TOTAL_SECONDS" ? "plannedSeconds" : "plannedSecondsPerDay"] = seconds || null;
    return body;
  }

  function resetForm() {
    planForm.reset();
    planForm.elements.planId.value = "";
    document.getElementById("ll-plan-title").textContent = "New plan";
    clearErrors();
  }

  function editPlan(row) {
    var plan = JSON.parse(row.dataset.plan);
    var seconds = plan.effortPersistenceType === "TOTAL_SECONDS" ? plan.plannedSeconds : plan.plannedSecondsPerDay;
    ["assigneeId", "planItemType", "planItemId", "startDate", "endDate", "effortPersistenceType", "description"]
      .forEach(function (name) { planForm.elements[name].value = plan[name]; });
    planForm.elements.hours.value = (seconds || 0) / 3600;
    planForm.elements.includeNonWorkingDays.checked = plan.includeNonWorkingDays;
    planForm.elements.billable.checked = plan.billable;
    planForm.elements.planId.value = row.dataset.planId;
    document.getElementById("ll-plan-title").textContent = "Edit plan " + row.dataset.planId;
    planForm.scrollIntoView();
  }

  function afterWrite(response) {
    if (response.ok) { resetForm(); return refresh(); }
    return response.json().then(showErrors, function () { showErrors(null); });
  }

  filters.addEventListener("submit", function (event) { event.preventDefault(); refresh(); });

  planForm.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var id = planForm.elements.planId.value;
    call(id ? "PUT" : "POST", "/api/4/plans" + (id ? "/" + id : ""), planBody()).then(afterWrite);
  });

  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button) { return; }
    var row = button.closest("[data-plan-id]");
    var action = button.dataset.action;
    if (action === "person") { showPerson(button.dataset.accountId); }
    if (action === "new-plan") { resetForm(); }
    if (action === "edit-plan") { editPlan(row); }
    if (action === "delete-plan" && window.confirm("Delete this plan?")) {
      call("DELETE", "/api/4/plans/" + row.dataset.planId).then(afterWrite);
    }
    if (action === "split-plan") {
      var day = window.prompt("Split before which day? (yyyy-mm-dd)");
      if (day) { call("POST", "/api/4/plans/" + row.dataset.planId + "/split", { date: day }).then(afterWrite); }
    }
  });
})();
