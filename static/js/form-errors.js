// After a refused form, the keyboard and the screen reader start at the error summary
// (templates/includes/form_error_summary.html), which links to each field in error.
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.getElementById("form-error-summary");
    if (summary) {
      summary.focus();
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
