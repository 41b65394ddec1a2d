/* Admin pages: bulk project→account mapping and sync controls, through /api/4. */
(function () {
  "use strict";

  function post(root, path, body) {
    return window.Ledgerline.call(root, "POST", path, body || {}).then(function (response) {
      return response.json().then(function (payload) { return { ok: response.ok, payload: payload }; });
    });
  }

  function report(root, result, success) {
    var status = root.querySelector("#ll-status");
    status.textContent = result.ok ? success(result.payload)
      : (result.payload.errors && result.payload.errors.message) || "Failed";
  }

  var accounts = document.getElementById("ll-admin-accounts");
  if (accounts) {
    var save = function (mappings) {
      return post(accounts, "/api/4/project-accounts", { mappings: mappings }).then(function (result) {
        report(accounts, result, function (p) { return "Saved (" + p.changed + " changed)."; });
      });
    };
    accounts.querySelectorAll("select.ll-default").forEach(function (select) {
      select.addEventListener("change", function () {
        var row = select.closest("tr");
        save([{ projectId: row.dataset.projectId, accountKey: select.value || null }]);
      });
    });
    accounts.querySelector("#ll-select-all").addEventListener("change", function (event) {
      accounts.querySelectorAll(".ll-select").forEach(function (box) { box.checked = event.target.checked; });
    });
    accounts.querySelector("#ll-bulk-apply").addEventListener("click", function () {
      var key = accounts.querySelector("#ll-bulk-account").value || null;
      var rows = Array.prototype.filter.call(accounts.querySelectorAll("tr[data-project-id]"), function (row) {
        return row.querySelector(".ll-select").checked;
      });
      save(rows.map(function (row) { return { projectId: row.dataset.projectId, accountKey: key }; }))
        .then(function () { rows.forEach(function (row) { row.querySelector("select.ll-default").value = key || ""; }); });
    });
  }

  var sync = document.getElementById("ll-admin-sync");
  if (sync) {
    sync.querySelector("#ll-resync").addEventListener("click", function () {
      post(sync, "/api/4/sync/backfill").then(function (result) {
        report(sync, result, function () { return "Backfill queued."; });
      });
    });
    sync.querySelector("#ll-replay").addEventListener("click", function () {
      post(sync, "/api/4/sync/parked/replay").then(function (result) {
        report(sync, result, function (p) { return p.replayed + " event(s) queued again."; });
      });
    });
  }
})();
