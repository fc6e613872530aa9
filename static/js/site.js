// The site's small behaviours, here rather than inline (the Content-Security-Policy allows no
// inline script): a picker that submits its form on change, and a print button.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) field.form.submit();
});
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) window.print();
});
