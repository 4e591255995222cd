// The preview under an announcement's, material's or rules' editor: as one types, the body is
// sent to the admin's preview view, which answers the HTML cleaned as the site will show it.
(function () {
  "use strict";
  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  function start() {
    var body = document.getElementById("id_body");
    var preview = document.querySelector(".rich-text-preview[data-preview-url]");
    if (!body || !preview) {
      return;
    }
    var timer = null;
    var latest = 0;
    function refresh() {
      var request = ++latest;
      var data = new FormData();
      data.append("body", body.value);
      fetch(preview.dataset.previewUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(body.form) },
      })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          if (request === latest && typeof answer.html === "string") {
            preview.innerHTML = answer.html; // cleaned by the server's allow-list
          }
        })
        .catch(function () { /* offline: the saved preview stays */ });
    }
    body.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    });
    refresh();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
