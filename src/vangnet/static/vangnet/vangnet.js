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

// --- Care cases: the afwegingskader as a guided decision tree ----------------------------
// Without JavaScript every question is shown and the server checks the walk. With it, the
// questions the answers no longer reach are hidden and their inputs disabled (so they are
// not sent; what was typed stays in the page if the coordinator changes an answer back).
function vangnetDecisionTree(form) {
  var sections = {};
  form.querySelectorAll("[data-question]").forEach(function (s) { sections[s.dataset.question] = s; });
  var answerOf = function (section) {
    if (section.dataset.answer) return section.dataset.answer;
    var groups = section.querySelectorAll("[data-answer-key]");
    if (!groups.length) return "";
    var yes = false, complete = true;
    groups.forEach(function (group) {
      var checked = group.querySelector("input[type=radio]:checked");
      if (!checked) complete = false;
      else if (checked.value === "yes") yes = true;
    });
    return complete ? (yes ? "yes" : "no") : "";
  };
  var update = function () {
    var reached = {};
    var key = form.dataset.start;
    while (sections[key] && !reached[key]) {
      reached[key] = true;
      var answer = answerOf(sections[key]);
      if (!answer) break;
      key = sections[key].dataset[answer];
    }
    Object.keys(sections).forEach(function (k) {
      var hide = !reached[k];
      sections[k].hidden = hide;
      sections[k].querySelectorAll("input, textarea, select").forEach(function (el) { el.disabled = hide; });
    });
  };
  form.addEventListener("change", update);
  update();
}
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-decision-tree]").forEach(vangnetDecisionTree);
});
// --- end of care cases ------------------------------------------------------------------
