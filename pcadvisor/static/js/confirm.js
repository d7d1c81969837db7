// A form with data-confirm asks before it is sent (no inline handler: the CSP allows only the
// site's own script files).
document.addEventListener("submit", function (event) {
  var form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
});
