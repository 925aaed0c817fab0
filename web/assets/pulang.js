// Pulang's one script: uploads with a progress bar per file (XMLHttpRequest), the kind of each file guessed from its name,
// and the reading's result inserted as htmx content (it then polls by itself). No inline script or style anywhere (CSP).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function meta(name) {
    var m = document.querySelector('meta[name="' + name + '"]');
    return m ? m.getAttribute("content") : "";
  }

  function guessKind(select, fileName) {
    var name = fileName.toLowerCase();
    for (var i = 0; i < select.options.length; i++) {
      var pattern = select.options[i].getAttribute("data-match");
      if (pattern && new RegExp(pattern).test(name)) return select.options[i].value;
    }
    return "other";
  }

  function setUp(form) {
    var input = form.querySelector('input[type="file"]');
    var zone = form.querySelector("[data-dropzone]");
    var rows = form.querySelector("[data-rows]");
    var template = document.getElementById("upload-row");
    var kinds = form.querySelector("#kind");
    var pending = [];
    input.removeAttribute("required");

    function add(files) {
      Array.prototype.forEach.call(files, function (file) {
        var row = template.content.firstElementChild.cloneNode(true);
        row.querySelector(".name").textContent = file.name;
        var select = row.querySelector("select.kind");
        select.innerHTML = kinds.innerHTML;
        var guessed = guessKind(kinds, file.name);
        if (Array.prototype.some.call(select.options, function (o) { return o.value === guessed; })) select.value = guessed;
        rows.appendChild(row);
        pending.push({ file: file, row: row, select: select });
      });
    }

    function send(item) {
      var xhr = new XMLHttpRequest();
      var bar = item.row.querySelector("progress");
      var result = item.row.querySelector(".result");
      item.select.disabled = true;
      xhr.open("POST", form.getAttribute("data-upload") + "?kind=" + encodeURIComponent(item.select.value));
      xhr.setRequestHeader(meta("csrf-header"), meta("csrf-token"));
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.setRequestHeader("Content-Type", item.file.type || "application/octet-stream");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.addEventListener("load", function () {
        bar.value = 100;
        if (xhr.status === 401) { window.location.href = "/signin?expired=1"; return; }
        result.innerHTML = xhr.responseText;
        if (window.htmx) window.htmx.process(result);
      });
      xhr.addEventListener("error", function () {
        result.textContent = form.getAttribute("data-network-error") || "Network error";
      });
      xhr.send(item.file);
    }

    input.addEventListener("change", function () { add(input.files); input.value = ""; });
    zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("over");
      add(e.dataTransfer.files);
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var batch = pending;
      pending = [];
      batch.forEach(send);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-upload]"), setUp);
  });
})();
