// Batch-calculation progress: poll the job's status and update the progress bar; reload when finished
// so the server renders the result (download link, bad rows). No build step, no dependencies.
(function () {
  var box = document.getElementById("job");
  if (!box) return;
  var state = box.getAttribute("data-state");
  if (state !== "queued" && state !== "running") return;
  var bar = document.getElementById("job-progress");
  var message = document.getElementById("job-message");
  function poll() {
    fetch(box.getAttribute("data-status-url"), {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        bar.max = job.rows;
        bar.value = job.processed;
        bar.textContent = job.processed + " / " + job.rows;
        if (job.state === "queued" || job.state === "running") {
          message.textContent = "正在计算：已处理 " + job.processed + " / " + job.rows + " 行";
          setTimeout(poll, 400);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { message.textContent = "暂时无法获取进度，稍后重试…"; setTimeout(poll, 2000); });
  }
  setTimeout(poll, 200);
})();
