// Searchable pickers for long lists of deputies and units (select[data-picker]), with the
// vendored tom-select: type a name, its pinyin ("lisi") or its initials ("ls"). The keys come
// from the server (data-initials, data-pinyin on each option), so nothing is fetched.
// Without JavaScript the plain select still works.
(function () {
  "use strict";
  function enhance(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    var multiple = select.multiple;
    var label = document.querySelector('label[for="' + select.id + '"]');
    // On a phone the open list covers the buttons under the field: it closes after each
    // choice (typing opens it again), so the next tap reaches what it was aimed at.
    var narrow = window.matchMedia && window.matchMedia("(max-width: 640px)").matches;
    new TomSelect(select, {
      searchField: ["text", "initials", "pinyin", "aliases"],
      maxOptions: null,
      hidePlaceholder: true,
      closeAfterSelect: narrow,
      allowEmptyOption: !multiple,
      plugins: multiple ? ["remove_button", "checkbox_options"] : [],
      placeholder: select.dataset.placeholder || "",
      render: {
        no_results: function () {
          return '<div class="no-results">' + (select.dataset.noResults || "—") + "</div>";
        }
      },
      onInitialize: function () {
        // Screen readers hear the field's own label on the search box; the hidden select keeps
        // it too (tom-select points the <label> at its own box).
        if (label) {
          var name = label.textContent.trim().replace(/[:：]$/, "");
          this.control_input.setAttribute("aria-label", name);
          select.setAttribute("aria-label", name);
        }
      }
    });
  }
  function run() {
    document.querySelectorAll("select[data-picker]").forEach(enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
