/* Recruiter dashboard enhancements. Every page works without this file:
   it only adds copy buttons, confirmations, a print button and word counts. */
(function () {
  "use strict";

  function copyFrom(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    var done = function () {
      var label = button.firstChild.nodeValue;
      button.firstChild.nodeValue = "Copied";
      button.setAttribute("aria-live", "polite");
      setTimeout(function () { button.firstChild.nodeValue = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        field.select();
      });
    } else {
      field.focus();
      field.select();
      try { if (document.execCommand("copy")) { done(); } } catch (e) { /* user copies by hand */ }
    }
  }

  function countWords(text) {
    var words = text.trim().split(/\s+/);
    return words[0] === "" ? 0 : words.length;
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-copy],[data-print]");
    if (!target) { return; }
    if (target.hasAttribute("data-copy")) { copyFrom(target); }
    if (target.hasAttribute("data-print")) { window.print(); }
  });

  document.addEventListener("submit", function (event) {
    var button = event.submitter || event.target.querySelector("[data-confirm]");
    if (button && button.hasAttribute("data-confirm") &&
        !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  document.addEventListener("input", function (event) {
    var area = event.target;
    if (!area.hasAttribute || !area.hasAttribute("data-wordcount")) { return; }
    var out = document.getElementById(area.getAttribute("data-wordcount"));
    var n = countWords(area.value);
    out.textContent = n + " word" + (n === 1 ? "" : "s") + " (needs " +
      area.getAttribute("data-min") + "–" + area.getAttribute("data-max") + ")";
  });

  document.querySelectorAll("[data-copy],[data-print]").forEach(function (el) {
    el.hidden = false;
  });
})();
