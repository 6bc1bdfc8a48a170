// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("submit", function (event) {
  // Disable submit buttons once a form is sent: one click, one record.
  var form = event.target;
  if (form.dataset.noDisable !== undefined) return;
  window.setTimeout(function () {
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  }, 0);
});
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
});
