// Progressive enhancement only: every page works without this file.
// A province <select data-communes="ID"> refills the commune <select id="ID"> from a small JSON endpoint.
(function () {
  document.querySelectorAll("select[data-communes]").forEach(function (province) {
    province.addEventListener("change", function () {
      var target = document.getElementById(province.dataset.communes);
      if (!target) return;
      var first = target.options[0];
      target.innerHTML = "";
      target.appendChild(first);
      if (!province.value) return;
      target.disabled = true;
      fetch("/dia-gioi/" + encodeURIComponent(province.value) + "/xa-phuong.json", { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          data.communes.forEach(function (c) {
            var o = document.createElement("option");
            o.value = c.code;
            o.textContent = c.name;
            target.appendChild(o);
          });
        })
        .finally(function () { target.disabled = false; });
    });
  });
})();
