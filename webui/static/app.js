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

  // Menus left at their default add nothing to the address, as the server's own links do.
  document.addEventListener("formdata", function (event) {
    var form = event.target;
    if (!form.querySelectorAll) return;
    var menus = document.querySelectorAll("select[data-default]");
    for (var i = 0; i < menus.length; i++) {
      var menu = menus[i];
      if (menu.form === form && menu.value === menu.getAttribute("data-default")) event.formData.delete(menu.name);
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

// "More like this" on an article page: opening it fetches the JSON twin and lists the passages inline.
// Built with textContent only, never innerHTML, so no fetched text can become markup.
(function () {
  "use strict";
  document.addEventListener("toggle", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("details[data-similar]") || !box.open || box.dataset.loaded) return;
    box.dataset.loaded = "1";
    var body = box.querySelector(".similar-body");
    fetch(box.getAttribute("data-similar"), { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        if (!data.hits.length) { body.textContent = "No passage of another interview is much like this one."; return; }
        var list = document.createElement("ul");
        data.hits.forEach(function (hit) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = hit.html_url;
          link.textContent = hit.question || hit.title || "Introduction";
          var meta = document.createElement("span");
          meta.className = "similar-meta";
          meta.textContent = " " + [hit.interviewee, hit.publication].filter(Boolean).join(" · ");
          item.appendChild(link);
          item.appendChild(meta);
          list.appendChild(item);
        });
        body.replaceChildren(list);
      })
      .catch(function () { /* keep the plain link to the "more like this" page */ });
  }, true);
})();
