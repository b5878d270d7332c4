// The variant picker: shows the chosen variant's price and availability as the shopper picks. The page works
// without it (each choice already lists its price and whether it is sold out).
(function () {
  var form = document.getElementById("buy-form");
  if (!form) return;
  var price = document.getElementById("price");
  var availability = document.getElementById("availability");
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.name !== "variant_id") return;
    price.textContent = input.dataset.price;
    availability.textContent = input.dataset.available === "yes" ? "In stock" : "Sold out";
  });
})();
