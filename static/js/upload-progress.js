// Shows upload progress for large import files; without JavaScript the form posts as usual.
(function () {
  var script = document.currentScript;
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest) return;
  form.addEventListener("submit", function (event) {
    var bar = document.getElementById("upload-progress");
    var status = document.getElementById("upload-status");
    event.preventDefault();
    var request = new XMLHttpRequest();
    var target = form.action || window.location.href;
    request.open("POST", target);
    bar.hidden = false;
    status.textContent = script.dataset.sending;
    request.upload.onprogress = function (e) {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    };
    request.upload.onload = function () { status.textContent = script.dataset.checking; };
    request.onload = function () {
      // Accepted: the server redirected to the next step; go there so its URL is right.
      if (request.responseURL && request.responseURL !== target) {
        window.location.assign(request.responseURL);
        return;
      }
      document.open();
      document.write(request.responseText);
      document.close();
    };
    request.send(new FormData(form));
  });
})();
