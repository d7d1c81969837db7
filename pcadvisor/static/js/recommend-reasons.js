// Replaces "자동 작성 문구" with the LLM's reason once it is written and checked (local only).
// The reasons URL comes from the list's data-reasons-url (no inline script: the CSP allows only
// the site's own script files).
(function () {
  var list = document.querySelector("[data-reasons-url]");
  if (!list) return;
  var url = list.getAttribute("data-reasons-url"), tries = 0;
  function pending() {
    return Array.prototype.slice.call(document.querySelectorAll('.recommend-reason[data-status="pending"]'));
  }
  function poll() {
    var items = pending();
    if (!items.length || tries++ > 20) return;
    var ids = items.map(function (el) { return el.getAttribute("data-reason"); }).join(",");
    fetch(url + "?ids=" + encodeURIComponent(ids), {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        data.reasons.forEach(function (r) {
          var el = document.querySelector('.recommend-reason[data-reason="' + r.id + '"]');
          if (!el || r.status === "pending") return;
          el.setAttribute("data-status", r.status);
          if (r.status === "llm") {
            el.querySelector(".reason-text").textContent = r.text;
            var label = el.querySelector(".reason-label");
            if (label) label.remove();
          }
        });
        setTimeout(poll, 3000);
      })
      .catch(function () { setTimeout(poll, 6000); });
  }
  setTimeout(poll, 2000);
})();
