// Live theme preview: the storefront below the colour pickers repaints as a colour is picked, before saving.
(function () {
  var frame = document.getElementById("theme-preview");
  if (!frame) return;
  function paint(name, value) {
    var doc = frame.contentDocument;
    if (doc && doc.documentElement) doc.documentElement.style.setProperty(name, value);
  }
  [["s-brand", "--brand"], ["s-accent", "--accent"]].forEach(function (pair) {
    var input = document.getElementById(pair[0]);
    if (input) input.addEventListener("input", function () { paint(pair[1], input.value); });
  });
})();
