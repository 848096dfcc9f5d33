// Progressive enhancement only: every control also works as a plain link or form without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("change", function (event) {
    var el = event.target;
    // A facet tick goes straight to the URL the server built for that toggle (page reset, state kept).
    if (el.matches && el.matches("input[type=checkbox][data-toggle-url]")) {
      window.location.assign(el.getAttribute("data-toggle-url"));
    } else if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });

  // "/" jumps to the search box, unless the user is already typing somewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var t = event.target;
    var tag = t && t.tagName ? t.tagName.toLowerCase() : "";
    if (tag === "input" || tag === "textarea" || tag === "select" || (t && t.isContentEditable)) return;
    var box = document.getElementById("q");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
})();
