// The reviewer's ticks on the allocation plan survive a reload. Each change is kept in the tab's
// sessionStorage under the area and the pair ("plan:<area>:<worker>-<job>") and put back when the
// plan is shown again. A plan the server shows again after a submission (data-submitted="yes")
// already holds what was sent: its ticks are stored as they are. Sending the form forgets the
// area's ticks (a refused submission is shown with them; after a referral the plan starts afresh).
// Loaded from our own origin: the security policy allows no inline script.
(function () {
  var plan = document.getElementById("plan");
  if (!plan) { return; }
  var store;
  try { store = window.sessionStorage; store.length; } catch (e) { return; }  // storage off: nothing kept
  var prefix = "plan:" + plan.dataset.area + ":";
  var boxes = plan.querySelectorAll('input[type="checkbox"][name="pair"]');
  var submitted = plan.dataset.submitted === "yes";

  function remember(box) {
    try { store.setItem(prefix + box.value, box.checked ? "1" : "0"); } catch (e) { /* full: not kept */ }
  }

  boxes.forEach(function (box) {
    if (submitted) {
      remember(box);
    } else {
      var kept = store.getItem(prefix + box.value);
      var row = box.closest("tr");
      if (kept !== null && !(row && row.dataset.referred === "yes")) { box.checked = kept === "1"; }
    }
    box.addEventListener("change", function () { remember(box); });
  });

  var form = document.getElementById("refer-plan");
  if (form) {
    form.addEventListener("submit", function () {
      for (var i = store.length - 1; i >= 0; i--) {
        var key = store.key(i);
        if (key && key.indexOf(prefix) === 0) { store.removeItem(key); }
      }
    });
  }
})();
