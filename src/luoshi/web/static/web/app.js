// 落实: small behaviours shared by every page; no framework, no bundler.
// The Content-Security-Policy allows only this site's script files and style sheets: no
// inline <script>, no on…= handler, no style attribute.
(function () {
  "use strict";
  // A page drawn in answer to a POST (a form with its errors) becomes a plain entry in the
  // history: back and reload fetch the page afresh, not the stale error. <body data-post-reply>
  if (document.body && document.body.hasAttribute("data-post-reply")) {
    window.history.replaceState(null, "", window.location.href);
  }
  // Positions and colours computed on the server: <i data-css="left:12%;background:#2c5391">,
  // set through the CSSOM (the policy blocks style attributes, not the CSSOM)
  var CSS_PROPERTIES = { left: 1, width: 1, background: 1, "--depth": 1 };
  function applyCss(root) {
    if (!root || !root.querySelectorAll) return;
    var nodes = Array.prototype.slice.call(root.querySelectorAll("[data-css]"));
    if (root.hasAttribute && root.hasAttribute("data-css")) nodes.push(root);
    nodes.forEach(function (el) {
      el.getAttribute("data-css").split(";").forEach(function (declaration) {
        var at = declaration.indexOf(":");
        if (at < 0) return;
        var name = declaration.slice(0, at).trim();
        if (CSS_PROPERTIES[name]) el.style.setProperty(name, declaration.slice(at + 1).trim());
      });
    });
  }
  applyCss(document);
  document.addEventListener("htmx:load", function (event) { applyCss(event.detail.elt); });
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
