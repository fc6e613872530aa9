// While a deputy drafts, list suggestions of other sessions like the title and content.
// Loaded as a static file (no inline script), so a strict Content-Security-Policy allows it.
(function () {
  "use strict";
  var box = document.getElementById("similar-drafting");
  var title = document.getElementById("id_title");
  var content = document.getElementById("id_content");
  if (!box || !title || !content || !window.fetch) return;
  var list = box.querySelector("ul");
  var timer = null;
  var last = "";

  function show(items) {
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.session + " · " + item.label + " " + item.title;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" · " + item.score.toFixed(2)));
      list.appendChild(li);
    });
    box.hidden = items.length === 0;
  }

  function lookup() {
    var query = "title=" + encodeURIComponent(title.value) +
      "&content=" + encodeURIComponent(content.value.slice(0, 2000));
    if (query === last || (title.value + content.value).trim().length < 8) return;
    last = query;
    fetch(box.dataset.url + "?" + query, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (data) { show(data.items || []); })
      .catch(function () {});
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(lookup, 600);
  }

  title.addEventListener("input", later);
  content.addEventListener("input", later);
  lookup();
})();
