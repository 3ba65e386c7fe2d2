/* The photo of a points claim (points/claim_form.html): preview the chosen photo, and
   shrink a phone photo that is over the limit (#claim-form[data-max-bytes]) to a JPEG of
   at most 2560 px before it is sent. */
(function () {
  "use strict";

  var form = document.getElementById("claim-form");
  var box = document.getElementById("photo-preview");
  if (!form || !box) return;
  var MAX = parseInt(form.dataset.maxBytes, 10);
  var inputs = form.querySelectorAll("input.hf-photo");
  var img = box.querySelector("img"), info = document.getElementById("photo-info");
  function mb(n) { return n < 1048576 ? Math.max(1, Math.round(n / 1024)) + " KB" : (n / 1048576).toFixed(1) + " MB"; }
  function show(file, note) {
    img.src = URL.createObjectURL(file);
    info.textContent = (file.name || "照片") + "，" + mb(file.size) + (note || "");
    box.classList.remove("d-none");
  }
  function shrink(input, file) {
    // Phone photos are often larger than the limit: redraw at most 2560 px as JPEG.
    if (!window.DataTransfer || !HTMLCanvasElement.prototype.toBlob) { return false; }
    var url = URL.createObjectURL(file), pic = new Image();
    pic.onload = function () {
      var scale = Math.min(1, 2560 / Math.max(pic.width, pic.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(pic.width * scale); canvas.height = Math.round(pic.height * scale);
      canvas.getContext("2d").drawImage(pic, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        if (!blob || blob.size > MAX) { input.value = ""; info.textContent = "照片太大，请换一张或先压缩"; return; }
        var dt = new DataTransfer();
        dt.items.add(new File([blob], "photo.jpg", {type: "image/jpeg"}));
        input.files = dt.files;
        show(input.files[0], "（已压缩）");
      }, "image/jpeg", 0.85);
      URL.revokeObjectURL(url);
    };
    pic.onerror = function () { input.value = ""; info.textContent = "无法读取这张照片，请换一张"; box.classList.remove("d-none"); };
    pic.src = url;
    return true;
  }
  inputs.forEach(function (input) {
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) { return; }
      inputs.forEach(function (other) { if (other !== input) { other.value = ""; } });
      if (file.size > MAX) {
        if (!shrink(input, file)) { input.value = ""; info.textContent = "照片超过" + mb(MAX) + "，请压缩后再上传"; box.classList.remove("d-none"); }
        return;
      }
      show(file);
    });
  });
})();
