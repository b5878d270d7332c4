// Live chat over the support WebSocket: new messages appear as they arrive, typing is shown, reading is
// reported, and a dropped connection comes back asking for what it missed. Without it, the page still works.
(function () {
  var box = document.getElementById("chat");
  if (!box || !window.WebSocket) return;
  var log = document.getElementById("chat-log");
  var typing = document.getElementById("chat-typing");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-body");
  var conversation = box.dataset.conversation;
  var side = box.dataset.side;
  var socket = null;
  var delay = 1000;
  var typingTimer = null;

  function lastId() {
    var items = log.querySelectorAll("li[data-id]");
    return items.length ? items[items.length - 1].dataset.id : "";
  }

  function add(message) {
    if (log.querySelector('li[data-id="' + message.id + '"]')) return;
    var item = document.createElement("li");
    item.className = "msg msg-" + message.author;
    item.dataset.id = message.id;
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = message.author_name;
    var body = document.createElement("div");
    body.className = "body";
    body.innerHTML = message.body_html; // escaped by the server, links made clickable there
    var when = document.createElement("time");
    when.textContent = (message.created_at || "").slice(11, 16);
    item.append(who, body, when);
    log.appendChild(item);
    item.scrollIntoView({block: "end"});
    if (message.author !== side) send({type: "read", conversation_id: conversation, message_id: message.id});
  }

  function send(event) {
    if (socket && socket.readyState === 1) socket.send(JSON.stringify(event));
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + location.host + "/api/v1/ws?token=" + encodeURIComponent(box.dataset.socketKey);
    if (lastId()) url += "&since=" + encodeURIComponent(lastId());
    socket = new WebSocket(url);
    socket.onopen = function () { delay = 1000; };
    socket.onmessage = function (raw) {
      var event = JSON.parse(raw.data);
      if (event.conversation_id && event.conversation_id !== conversation) return;
      if (event.type === "message") { typing.textContent = ""; add(event.message); }
      if (event.type === "typing" && event.who !== side) {
        typing.textContent = (event.name || "Someone") + " is typing…";
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () { typing.textContent = ""; }, 4000);
      }
      if (event.type === "ping") send({type: "ping"});
    };
    socket.onclose = function () { setTimeout(connect, delay); delay = Math.min(delay * 2, 30000); };
  }

  input.addEventListener("input", function () { send({type: "typing", conversation_id: conversation}); });
  form.addEventListener("submit", function (event) {
    if (!input.value.trim() || !socket || socket.readyState !== 1) return; // the plain form post still works
    event.preventDefault();
    var data = new FormData(form);
    fetch(form.action, {method: "POST", body: data, credentials: "same-origin"}).then(function () {
      input.value = "";
    });
  });
  connect();
})();
