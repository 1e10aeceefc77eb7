/* Wijkbudget ballot: live feedback (budget left, number chosen, points left).
   Progressive enhancement only: the server checks every ballot again, and the
   form works the same without this script. Texts come from data-text-* attributes
   so they are translated with the rest of the page. */
(function () {
  "use strict";

  function euros(cents) {
    var whole = Math.floor(Math.abs(cents) / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    var rest = Math.abs(cents) % 100;
    return (cents < 0 ? "-" : "") + "\u20ac\u00a0" + whole + (rest ? "," + (rest < 10 ? "0" : "") + rest : "");
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function update(form, box) {
    var kind = form.dataset.kind;
    var budget = parseInt(form.dataset.budget, 10);
    var max = form.dataset.max ? parseInt(form.dataset.max, 10) : null;
    var min = parseInt(form.dataset.min || "0", 10);
    var lines = [];
    var problem = false;
    if (kind === "approval" || kind === "knapsack") {
      var checked = form.querySelectorAll("input[name=project]:checked");
      var total = 0;
      checked.forEach(function (el) { total += parseInt(el.dataset.cost, 10); });
      lines.push(fill(box.dataset.textChosen, { count: checked.length, total: euros(total) }));
      if (kind === "knapsack") {
        if (total > budget) {
          lines.push(fill(box.dataset.textOver, { over: euros(total - budget) }));
          problem = true;
        } else {
          lines.push(fill(box.dataset.textLeft, { left: euros(budget - total), budget: euros(budget) }));
        }
        var share = parseInt(form.dataset.minShare || "0", 10);
        if (share && total * 100 < share * budget) {
          lines.push(fill(box.dataset.textMinshare, { minimum: euros(Math.ceil(share * budget / 100)) }));
        }
      }
      if (max !== null && checked.length > max) { lines.push(fill(box.dataset.textMax, { max: max })); problem = true; }
      if (checked.length < min) { lines.push(fill(box.dataset.textMin, { min: min })); }
    } else if (kind === "cumulative") {
      var points = parseInt(form.dataset.points, 10);
      var used = 0;
      form.querySelectorAll("input[name^=points-]").forEach(function (el) {
        var v = parseInt(el.value, 10);
        if (v > 0) { used += v; }
      });
      if (used > points) {
        lines.push(fill(box.dataset.textPointsover, { over: used - points }));
        problem = true;
      } else {
        lines.push(fill(box.dataset.textPoints, { used: used, points: points, left: points - used }));
      }
    } else if (kind === "ranking") {
      var seen = {};
      var count = 0;
      var dup = false;
      form.querySelectorAll("select[name^=rank-]").forEach(function (el) {
        if (el.value) { count += 1; if (seen[el.value]) { dup = true; } seen[el.value] = true; }
      });
      lines.push(fill(box.dataset.textRanked, { count: count }));
      if (dup) { lines.push(box.dataset.textRankdup); problem = true; }
      if (count < min) { lines.push(fill(box.dataset.textMin, { min: min })); }
    }
    box.textContent = lines.join(" ");
    box.classList.toggle("wijkbudget-feedback--problem", problem);
    box.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-wijkbudget-ballot]").forEach(function (form) {
      var box = form.querySelector("#wijkbudget-feedback");
      if (!box) { return; }
      form.addEventListener("input", function () { update(form, box); });
      form.addEventListener("change", function () { update(form, box); });
      update(form, box);
    });
  });
}());
