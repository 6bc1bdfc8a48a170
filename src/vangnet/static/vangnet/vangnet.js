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
// Concern form: show the source fields for an account and the professional's fields for a
// diagnosis only when that kind of statement is chosen (all fields stay in the HTML).
function vangnetStatementRows(root) {
  root.querySelectorAll("[data-statement]").forEach(function (row) {
    var select = row.querySelector("select[name$='_kind']");
    if (!select) return;
    var update = function () {
      row.querySelectorAll(".only-account").forEach(function (el) { el.hidden = select.value !== "account"; });
      row.querySelectorAll(".only-diagnosis").forEach(function (el) { el.hidden = select.value !== "diagnosis"; });
    };
    select.addEventListener("change", update);
    update();
  });
}
document.addEventListener("DOMContentLoaded", function () { vangnetStatementRows(document); });
