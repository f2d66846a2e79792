/* Every page: the cells of a result table (table.cards) learn their column's name as data-label, so that
 * on a phone (site.css, max-width 700px) each row shows as a card of "列名：值" lines instead of a table
 * wider than the screen. Tables the page's own script builds later are labelled as they appear. */
(function () {
  "use strict";

  function label(table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (tr) {
        Array.prototype.forEach.call(tr.cells, function (cell, i) {
          if (heads[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[i]);
        });
      });
    });
  }

  function labelAll() {
    document.querySelectorAll("table.cards").forEach(label);
  }

  labelAll();
  new MutationObserver(labelAll).observe(document.body, { childList: true, subtree: true });
})();
