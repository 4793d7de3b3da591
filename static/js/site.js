// Progressive enhancement only: every page works without this file.
"use strict";

window.addEventListener("load", function () {
  // After a failed form submission, move the focus to the error summary so that keyboard and
  // screen reader users land on the list of problems with links to the fields.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
