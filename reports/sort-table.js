// A cell sorts by its data-value when it has one (a "not attempted" cell sorts below 0).
function sortKey(cell) {
  return cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
}
document.querySelectorAll("#students th[data-sort]").forEach(function (header, column) {
  header.addEventListener("click", function () {
    var body = document.querySelector("#students tbody");
    var numeric = header.dataset.sort === "number";
    var descending = header.dataset.order !== "desc";
    header.dataset.order = descending ? "desc" : "asc";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = sortKey(a.cells[column]), y = sortKey(b.cells[column]);
      var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
