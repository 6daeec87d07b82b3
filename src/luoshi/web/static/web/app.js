// 落实: small behaviours shared by every page; no framework, no bundler.
(function () {
  "use strict";
  // Buttons that ask before they act: <button data-confirm="确定…？">
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  // Filter forms submit on change: <form data-autosubmit>
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.type !== "search" && event.target.type !== "text") form.requestSubmit();
  });
  // Toggle a panel: <button data-toggle="#id">
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-toggle]");
    if (!el) return;
    var panel = document.querySelector(el.getAttribute("data-toggle"));
    if (panel) { panel.hidden = !panel.hidden; event.preventDefault(); }
  });
})();
