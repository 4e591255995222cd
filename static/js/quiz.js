/* The quiz page: a countdown from the server's remaining time, autosave of every choice
   with per-question sequence numbers, a retry queue while the network is down, a fresh CSRF
   token when the old one was rotated (a login in another tab), a confirmation before "Nộp bài"
   and a submit at zero. Without this script the form still posts every answer on "Nộp bài". */
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  var configNode = document.getElementById("quiz-config");
  if (!form || !configNode) { return; }
  var config = JSON.parse(configNode.textContent);
  var texts = document.getElementById("quiz-texts").dataset;
  var csrfInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput.value;
  var csrfRenewals = 0;  // fresh tokens taken in a row without a save getting through
  var statusNode = document.getElementById("quiz-status");
  var statusText = statusNode.querySelector(".status-text");
  var remainingNode = document.getElementById("quiz-remaining");

  var endsAt = performance.now() + config.remainingMs;
  var seq = {};          // key → last sequence number used
  var pending = {};      // key → {body, node} not yet confirmed by the server
  var inFlight = {};     // key → seq of the request on the wire
  var offline = false;
  var stopped = false;   // no more saves: the deadline is near or the form is being submitted
  var retryTimer = null;
  var retryDelay = 1000;
  var submitting = false;

  function remainingMs() { return Math.max(endsAt - performance.now(), 0); }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function showTime() {
    var total = Math.ceil(remainingMs() / 1000);
    var minutes = Math.floor(total / 60);
    remainingNode.textContent = pad(minutes) + ":" + pad(total % 60);
    remainingNode.dataset.remainingMs = String(Math.round(remainingMs()));
    if (total <= 60) { remainingNode.parentNode.classList.add("urgent"); }
    announce(total);
  }

  // Screen readers hear the time left every 5 minutes, then at 2 and 1 minute, 30 and 10
  // seconds — not every tick of the visible clock (which is role="timer", not live).
  var announceNode = document.getElementById("quiz-announce");
  var ANNOUNCE_SECONDS = [120, 60, 30, 10];
  var lastAnnounced = null;
  function announceMark(total) {
    if (total <= 0) { return null; }
    if (total > 300) { return total % 300 === 0 ? total : null; }
    if (total % 300 === 0 || ANNOUNCE_SECONDS.indexOf(total) !== -1) { return total; }
    return null;
  }
  function announce(total) {
    if (!announceNode) { return; }
    var mark = lastAnnounced === null ? total : announceMark(total);
    if (mark === null || mark === lastAnnounced) { return; }
    lastAnnounced = mark;
    // On load the time left is rarely a round number: say the nearest minute.
    announceNode.textContent = mark >= 60
      ? texts.leftMinutes.replace("{n}", String(Math.round(mark / 60)))
      : texts.leftSeconds.replace("{n}", String(mark));
  }

  function setState(node, state, text) {
    if (!node) { return; }
    node.dataset.state = state;
    node.textContent = text;
  }

  function pendingCount() { return Object.keys(pending).length; }

  function refreshStatus() {
    var count = pendingCount();
    if (offline && count) {
      statusNode.dataset.state = "offline";
      statusText.textContent = texts.offline;
    } else if (count) {
      statusNode.dataset.state = "saving";
      statusText.textContent = texts.pending;
    } else {
      statusNode.dataset.state = "saved";
      statusText.textContent = texts.online;
    }
  }

  function scheduleRetry() {
    if (retryTimer || stopped) { return; }
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      flush();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 8000);
  }

  function send(key) {
    var item = pending[key];
    var sentSeq = item.body.seq;
    inFlight[key] = sentSeq;
    var headers = {
      "Content-Type": "application/json",
      "X-CSRFToken": csrf,
      "X-Requested-With": "XMLHttpRequest"
    };
    // The page's signed pass: the server checks the save without loading the account.
    if (config.savePass) { headers["X-Attempt-Pass"] = config.savePass; }
    fetch(config.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
      body: JSON.stringify(item.body)
    }).then(function (response) {
      var isJson = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      return (isJson ? response.json() : Promise.resolve({})).then(function (data) {
        return { status: response.status, data: data, isJson: isJson };
      });
    }).then(function (result) {
      delete inFlight[key];
      var current = pending[key];
      if (result.status === 403 && result.data.code === "csrf_failed" && result.data.csrfToken &&
          csrfRenewals < 3) {
        // The token was rotated (a login in another tab): take the one the server sent, for
        // the autosave and the final submit alike, and send the same answer again.
        csrfRenewals += 1;
        csrf = result.data.csrfToken;
        csrfInput.value = csrf;
        if (current) { send(key); }
        return;
      }
      if (result.status >= 500 || result.status === 429 || (!result.isJson && result.status !== 200)) {
        if (result.status === 403 || result.status === 401) {
          setState(current && current.node, "error", texts.session);
          stopped = true;
          delete pending[key];
          refreshStatus();
          return;
        }
        offline = true;
        if (current) { setState(current.node, "retrying", texts.retrying); }
        refreshStatus();
        scheduleRetry();
        return;
      }
      offline = false;
      retryDelay = 1000;
      if (result.status < 400) { csrfRenewals = 0; }
      if (result.data.code === "attempt_finished" || result.data.code === "deadline_passed") {
        // Submitted from another device, or time is up: the result page says what counted.
        stopped = true;
        window.location.assign(config.resultUrl);
        return;
      }
      if (current && current.body.seq === sentSeq) {
        delete pending[key];
        if (result.status >= 400) {
          setState(current.node, "error", result.data.error || texts.session);
        } else {
          setState(current.node, "saved", texts.saved);
        }
      }
      refreshStatus();
      flush();
    }).catch(function () {
      delete inFlight[key];
      offline = true;
      var current = pending[key];
      if (current) { setState(current.node, "retrying", texts.retrying); }
      refreshStatus();
      scheduleRetry();
    });
  }

  function flush() {
    if (stopped) { return; }
    Object.keys(pending).forEach(function (key) {
      if (inFlight[key] === undefined) { send(key); }
    });
  }

  function queue(key, body, node) {
    if (stopped) { return; }
    seq[key] = (seq[key] || 0) + 1;
    body.seq = seq[key];
    pending[key] = { body: body, node: node };
    setState(node, offline ? "retrying" : "saving", offline ? texts.retrying : texts.saving);
    refreshStatus();
    if (!offline || !retryTimer) { flush(); }
  }

  Array.prototype.forEach.call(form.querySelectorAll("li.question[data-question]"), function (item) {
    var questionId = parseInt(item.dataset.question, 10);
    var key = "q" + questionId;
    seq[key] = parseInt(item.dataset.seq, 10) || 0;
    var node = item.querySelector("[data-save-state]");
    var saveChosen = function () {
      var chosen = [];
      Array.prototype.forEach.call(item.querySelectorAll("input:checked"), function (input) {
        chosen.push(input.value);
      });
      item.classList.toggle("answered", chosen.length > 0);
      queue(key, { question: questionId, choices: chosen }, node);
    };
    item.addEventListener("change", saveChosen);
    // An option tapped before this script ran (a slow phone), or restored by the browser on a
    // reload, differs from what the server marked saved: save it now.
    var differs = Array.prototype.some.call(item.querySelectorAll("input"), function (input) {
      return input.checked !== input.defaultChecked;
    });
    if (differs) { saveChosen(); }
  });

  var predictionItem = form.querySelector("li[data-prediction]");
  if (predictionItem) {
    var predictionInput = predictionItem.querySelector("input[name=prediction]");
    var predictionNode = predictionItem.querySelector("[data-save-state]");
    var predictionTimer = null;
    seq.p = config.predictionSeq || 0;
    var savePrediction = function () {
      window.clearTimeout(predictionTimer);
      predictionTimer = null;
      var raw = predictionInput.value.trim();
      if (!/^\d+$/.test(raw)) { return; }
      queue("p", { prediction: parseInt(raw, 10) }, predictionNode);
    };
    predictionInput.addEventListener("input", function () {
      window.clearTimeout(predictionTimer);
      predictionTimer = window.setTimeout(savePrediction, 700);
    });
    predictionInput.addEventListener("change", savePrediction);
  }

  window.addEventListener("online", function () {
    retryDelay = 1000;
    window.clearTimeout(retryTimer);
    retryTimer = null;
    flush();
  });

  function submitNow() {
    if (submitting) { return; }
    submitting = true;
    stopped = true;
    window.clearTimeout(retryTimer);
    // The token may have been rotated since the page loaded (a login in another tab): the
    // cookie holds the current one, which Django accepts as it is.
    var cookie = /(?:^|;\s*)csrftoken=([A-Za-z0-9]{32,64})/.exec(document.cookie);
    if (cookie) { csrfInput.value = cookie[1]; }
    form.submit();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (submitting) { return; }
    // Always asked once: a tap on "Nộp bài" by mistake ends the attempt for good.
    var unanswered = form.querySelectorAll("li.question[data-question]:not(.answered)").length;
    if (!window.confirm(unanswered ? texts.unanswered : texts.confirm)) { return; }
    // The form carries every answer, so answers still queued are submitted with it.
    submitNow();
  });

  Array.prototype.forEach.call(form.querySelectorAll("li.question[data-question]"), function (item) {
    if (item.querySelector("input:checked")) { item.classList.add("answered"); }
  });

  function tick() {
    showTime();
    var left = remainingMs();
    if (left <= config.stopBeforeMs && !stopped) {
      // Autosave stops a moment before the deadline; the submit below carries the answers.
      stopped = true;
    }
    if (left <= 0) {
      statusNode.dataset.state = "timeup";
      statusText.textContent = texts.timeup;
      submitNow();
      return;
    }
    window.setTimeout(tick, 250);
  }
  refreshStatus();
  statusText.textContent = "";
  tick();
})();
