/* Calls from our iframes to the app, signed with a Connect context token: Connect's all.js
 * hands one out (AP.context.getToken); without it (dev mode) the page embeds one in data-token.
 * Shared by every page script, so there is one way to authenticate. */
(function () {
  "use strict";

  function contextToken(root) {
    if (window.AP && AP.context && AP.context.getToken) {
      return new Promise(function (resolve) { AP.context.getToken(resolve); });
    }
    return Promise.resolve(root.dataset.token);
  }

  function call(root, method, path, body) {
    return contextToken(root).then(function (token) {
      return fetch(path, {
        method: method,
        headers: { "Authorization": "JWT " + token, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body)
      });
    });
  }

  window.Ledgerline = { call: call };
})();
