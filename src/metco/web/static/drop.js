// Drag and drop a picture onto the product form: it lands in the file input, and the form posts as usual.
(function () {
  var zone = document.getElementById("drop");
  var input = document.getElementById("f-photo");
  if (!zone || !input) return;
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer.files.length) input.files = event.dataTransfer.files;
  });
})();
