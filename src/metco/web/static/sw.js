// The storefront's service worker: shows the store's web push notifications and opens their link.
self.addEventListener("push", function (event) {
  var message = {};
  try { message = event.data ? event.data.json() : {}; } catch (e) { message = {body: event.data && event.data.text()}; }
  event.waitUntil(self.registration.showNotification(message.title || "Update", {
    body: message.body || "", data: {url: message.url || "/"}
  }));
});
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  event.waitUntil(clients.openWindow(event.notification.data.url));
});
