// "Notify me in this browser": registers the service worker, subscribes with the store's VAPID key and hands
// the subscription to the store. Only offered where the browser supports push.
(function () {
  var button = document.getElementById("push-enable");
  if (!button || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
  var status = document.getElementById("push-status");
  button.hidden = false;
  function key(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), function (c) { return c.charCodeAt(0); });
  }
  button.addEventListener("click", function () {
    var slug = button.dataset.slug;
    navigator.serviceWorker.register("/sw.js").then(function (registration) {
      return fetch("/api/v1/storefront/" + slug + "/push/vapid-public-key").then(function (r) { return r.json(); })
        .then(function (body) {
          return registration.pushManager.subscribe({userVisibleOnly: true,
                                                     applicationServerKey: key(body.public_key)});
        });
    }).then(function (subscription) {
      return fetch("/s/" + slug + "/account/push", {method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRF-Token": button.dataset.csrf},
        body: JSON.stringify(subscription)});
    }).then(function (response) {
      status.textContent = response.ok ? "This browser will be notified." : "That did not work; try again.";
    }).catch(function () { status.textContent = "Notifications are blocked in this browser."; });
  });
})();
