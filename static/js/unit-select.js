/* A search box for the unit <select>: on a phone, scrolling a tree of hundreds of units is
   slow, so typing a few letters (accents optional) narrows the list. Without this script the
   <select> with its option groups works as it is. */
(function () {
  "use strict";
  var texts = (document.getElementById("unit-select-texts") || { dataset: {} }).dataset;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d")
      .replace(/Đ/g, "D").toLowerCase().trim();
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-unit-select]"), function (select) {
    if (select.disabled) { return; }
    var original = select.cloneNode(true);
    var entries = [];
    Array.prototype.forEach.call(original.querySelectorAll("option"), function (option) {
      var group = option.parentNode.tagName === "OPTGROUP" ? option.parentNode.label : "";
      entries.push({ value: option.value, text: option.textContent, group: group,
        key: fold(option.textContent + " " + group) });
    });
    var search = document.createElement("input");
    search.type = "search";
    search.className = "unit-search";
    search.placeholder = texts.search || "";
    search.setAttribute("aria-label", texts.search || "");
    search.autocomplete = "off";
    var empty = document.createElement("p");
    empty.className = "unit-search-empty";
    empty.hidden = true;
    empty.textContent = texts.none || "";
    select.parentNode.insertBefore(search, select);
    select.parentNode.insertBefore(empty, select.nextSibling);

    function render(query) {
      var words = fold(query).split(/\s+/).filter(Boolean);
      var selected = select.value;
      if (!words.length) {
        select.innerHTML = original.innerHTML;
        select.value = selected;
        empty.hidden = true;
        return;
      }
      select.innerHTML = "";
      var shown = 0;
      entries.forEach(function (entry) {
        if (!entry.value) { return; }
        var match = words.every(function (word) { return entry.key.indexOf(word) !== -1; });
        if (!match && entry.value !== selected) { return; }
        var option = document.createElement("option");
        option.value = entry.value;
        option.textContent = entry.text.replace(/^[\s\u2003–]+/, "") + (entry.group && entry.group !== entry.text ? " · " + entry.group : "");
        select.appendChild(option);
        if (match) { shown += 1; }
      });
      if (!selected || !select.querySelector("option[value='" + selected + "']")) {
        if (select.options.length) { select.selectedIndex = 0; }
      } else {
        select.value = selected;
      }
      empty.hidden = shown > 0;
    }
    search.addEventListener("input", function () { render(search.value); });
  });
})();
