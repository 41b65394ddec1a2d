/* Cost report page: filters, drill-down and exports, through the app with the context token. */
(function () {
  "use strict";
  var root = document.getElementById("ll-costs");
  if (!root) { return; }
  var form = document.getElementById("ll-costs-form");
  var view = document.getElementById("ll-costs-view");

  function token() {
    if (window.AP && AP.context && AP.context.getToken) {
      return new Promise(function (resolve) { AP.context.getToken(resolve); });
    }
    return Promise.resolve(root.dataset.token);
  }

  function params(extra) {
    var query = new URLSearchParams(new FormData(form));
    Object.keys(extra || {}).forEach(function (k) { query.set(k, extra[k]); });
    return query;
  }

  function load(query) {
    return token().then(function (jwt) {
      return fetch("/pages/costs/view?" + query, { headers: { "Authorization": "JWT " + jwt } });
    }).then(function (response) { return response.text(); })
      .then(function (html) { view.innerHTML = html; });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); load(params()); });
  view.addEventListener("click", function (event) {
    var link = event.target.closest("[data-drill-group]");
    if (!link) { return; }
    event.preventDefault();
    var extra = { groupBy: link.dataset.drillGroup };
    extra[link.dataset.drillKey] = link.dataset.drillValue;
    load(params(extra));
  });
  root.querySelectorAll("[data-export]").forEach(function (button) {
    button.addEventListener("click", function () {
      var query = params({ format: button.dataset.export });
      token().then(function (jwt) {
        return fetch("/api/4/reports/costs?" + query, { headers: { "Authorization": "JWT " + jwt } });
      }).then(function (response) { return response.blob(); }).then(function (blob) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = "costs." + button.dataset.export;
        link.click();
      });
    });
  });
}());
