/*
 * PassInnov video player: xAPI Video Profile statements (https://w3id.org/xapi/video), no dependency.
 *
 * Settings come from the JSON block #video-xapi-config (videos/xapi.py: actor, object, verbs, context
 * activities, extension IRIs, endpoint and CSRF token). The statements go to PassInnov's Statement API with
 * the agent's session cookie and the CSRF token; the server stores them untrusted (they never complete a
 * module). Statements sent: initialized, played, paused, seeked, completed (once per session, when the
 * watched segments cover the completion threshold or the video ends) and terminated (page hidden or left).
 * A session (context.registration and the session-id extension) is one page load, or one stretch of
 * visibility: a page shown again after `terminated` starts a new session with a new `initialized`.
 *
 * Every statement is first kept in sessionStorage and removed only once the server acknowledged it; failed
 * sends are retried with a growing delay, and whatever is left is sent again on the next video page of the
 * tab. Statement ids are generated here, so a retry of a statement the server already holds is idempotent.
 *
 * Where the agent stopped is kept in the State resource (config.state): position, the union of every segment
 * watched so far and the share of the video it covers, under the Video Profile's extension IRIs. It is
 * written on pause, at the end, every STATE_EVERY_MS while playing and when the page is left, each time only
 * if something moved since the last write; the page renders the document already stored, and a returning
 * agent is offered to resume from it (#video-resume).
 * See docs/xapi-profile.md, "Videos (xAPI Video Profile)" and "Video State document".
 */
(function () {
  "use strict";

  var QUEUE_KEY = "passinnov.xapi-video.queue";
  var MAX_ATTEMPTS = 5;
  var FIRST_RETRY_MS = 1000;
  var BATCH_SIZE = 50;
  var LEAVING_BATCH_SIZE = 10; // keeps a keepalive request under the browsers' 64 kB budget
  var MAX_KEPT = 1000; // beyond that (hours without an answer), the oldest statements are given up
  var STATE_EVERY_MS = 15000; // while playing, where the agent is is saved at least this often

  var configNode = document.getElementById("video-xapi-config");
  if (!configNode || !window.fetch) return;
  var config;
  try {
    config = JSON.parse(configNode.textContent);
  } catch (error) {
    return;
  }
  var video = null;
  Array.prototype.forEach.call(document.querySelectorAll("video[data-xapi-activity]"), function (node) {
    if (!video && node.getAttribute("data-xapi-activity") === config.object.id) video = node;
  });

  // --- Helpers -----------------------------------------------------------------------------------------

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function pad(value, width) {
    value = String(value);
    while (value.length < (width || 2)) value = "0" + value;
    return value;
  }

  // ISO 8601 with milliseconds and the browser's offset: 2026-11-27T14:03:12.345+01:00.
  function timestamp(date) {
    date = date || new Date();
    var offset = -date.getTimezoneOffset();
    var sign = offset >= 0 ? "+" : "-";
    offset = Math.abs(offset);
    return (
      date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()) +
      "." + pad(date.getMilliseconds(), 3) + sign + pad(Math.floor(offset / 60)) + ":" + pad(offset % 60)
    );
  }

  // ISO 8601 duration to the hundredth of a second: PT1M12.5S.
  function duration(seconds) {
    var centiseconds = Math.max(0, Math.round(seconds * 100));
    var hours = Math.floor(centiseconds / 360000);
    var minutes = Math.floor((centiseconds % 360000) / 6000);
    var rest = (centiseconds % 6000) / 100;
    var text = "PT";
    if (hours) text += hours + "H";
    if (minutes) text += minutes + "M";
    if (rest || text === "PT") text += rest + "S";
    return text;
  }

  function round3(value) {
    return Math.round((Number(value) || 0) * 1000) / 1000;
  }

  function ext(name) {
    return config.extensions[name];
  }

  // Watched segments: [[from, to]…] <-> "from[.]to[,]from[.]to" (the played-segments extension).
  function parseSegments(text) {
    if (typeof text !== "string" || !text) return [];
    return text.split("[,]").map(function (part) {
      var bounds = part.split("[.]").map(Number);
      return bounds.length === 2 && isFinite(bounds[0]) && isFinite(bounds[1]) && bounds[1] > bounds[0] ? bounds : null;
    }).filter(Boolean);
  }

  function formatSegments(segments) {
    return segments.map(function (segment) {
      return round3(segment[0]) + "[.]" + round3(segment[1]);
    }).join("[,]");
  }

  // Sorted, overlapping segments merged.
  function union(segments) {
    var merged = [];
    segments.slice().sort(function (a, b) {
      return a[0] - b[0];
    }).forEach(function (segment) {
      var last = merged[merged.length - 1];
      if (last && segment[0] <= last[1]) last[1] = Math.max(last[1], segment[1]);
      else merged.push([segment[0], segment[1]]);
    });
    return merged;
  }

  // Every request of the player: JSON, with the session cookie, the CSRF token and the xAPI version; a request
  // sent while the page is left is `keepalive` (navigator.sendBeacon cannot send these headers).
  function request(url, method, body, leaving) {
    return window.fetch(url, {
      method: method,
      credentials: "same-origin",
      keepalive: !!leaving,
      headers: {
        "Content-Type": "application/json",
        "X-Experience-API-Version": config.version,
        "X-CSRFToken": config.csrfToken,
      },
      body: JSON.stringify(body),
    });
  }

  // --- Queue: sessionStorage until acknowledged ----------------------------------------------------------

  function loadQueue() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(QUEUE_KEY) || "[]");
      if (!Array.isArray(saved)) return [];
      // Only this agent's statements: another account signed in in this tab could not send them.
      return saved.filter(function (statement) {
        return statement && statement.actor && statement.actor.account &&
          statement.actor.account.name === config.actor.account.name;
      });
    } catch (error) {
      return [];
    }
  }

  var queue = loadQueue();
  var inFlight = false;
  var inFlightIds = [];
  var failures = 0;
  var retryTimer = null;

  function saveQueue() {
    try {
      if (queue.length) window.sessionStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
      else window.sessionStorage.removeItem(QUEUE_KEY);
    } catch (error) {
      // Storage full or disabled: the statements stay in memory and are still sent.
    }
  }

  function forget(ids) {
    queue = queue.filter(function (statement) {
      return ids.indexOf(statement.id) === -1;
    });
    saveQueue();
  }

  function scheduleRetry() {
    failures += 1;
    if (failures >= MAX_ATTEMPTS || retryTimer) return; // kept for the next page, or the next event
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      flush(false);
    }, FIRST_RETRY_MS * Math.pow(2, failures - 1));
  }

  function flush(leaving) {
    if (!queue.length || (inFlight && !leaving)) return;
    // Never the same statement in two requests at once: a request still running keeps its statements.
    var batch = queue
      .filter(function (statement) {
        return inFlightIds.indexOf(statement.id) === -1;
      })
      .slice(0, leaving ? LEAVING_BATCH_SIZE : BATCH_SIZE);
    if (!batch.length) return;
    var ids = batch.map(function (statement) {
      return statement.id;
    });
    inFlight = true;
    inFlightIds = inFlightIds.concat(ids);
    function done() {
      inFlightIds = inFlightIds.filter(function (id) {
        return ids.indexOf(id) === -1;
      });
      inFlight = inFlightIds.length > 0;
    }
    request(config.endpoint, "POST", batch, leaving)
      .then(
        function (response) {
          done();
          if (response.ok) {
            failures = 0;
            forget(ids);
            flush(false);
          } else if (response.status === 401 || response.status === 403) {
            // Signed out or stale CSRF token: kept for the next page of this tab, which has fresh ones.
            failures = MAX_ATTEMPTS;
          } else if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
            // Rejected for good (400 invalid, 409 conflicting id): sending them again cannot succeed.
            window.console.warn("xAPI: statements rejected (" + response.status + ")", ids);
            forget(ids);
            flush(false);
          } else {
            scheduleRetry();
          }
        },
        function () {
          done();
          scheduleRetry();
        }
      );
  }

  function enqueue(statement, leaving) {
    queue.push(statement);
    if (queue.length > MAX_KEPT) {
      window.console.warn("xAPI: too many statements waiting, the oldest are given up");
      queue = queue.slice(queue.length - MAX_KEPT);
    }
    saveQueue();
    if (leaving) {
      flush(true); // keepalive: the request outlives the page
    } else if (!retryTimer) {
      failures = 0;
      flush(false);
    }
  }

  window.addEventListener("online", function () {
    failures = 0;
    flush(false);
  });

  // Statements left by an earlier page of this tab (network blip, page left before the answer).
  flush(false);
  if (!video) return;

  // --- Tracking --------------------------------------------------------------------------------------------

  var session = null; // {id, segments: [[from, to]…], segmentStart, completed, watched, playingSince}
  var lastTime = 0;
  var seekFrom = null;

  function length() {
    return isFinite(video.duration) && video.duration > 0 ? video.duration : 0;
  }

  function captions() {
    for (var i = 0; i < video.textTracks.length; i += 1) {
      var track = video.textTracks[i];
      if ((track.kind === "captions" || track.kind === "subtitles") && track.mode === "showing") return track;
    }
    return null;
  }

  function segmentsWithCurrent() {
    var segments = session.segments.slice();
    if (session.segmentStart !== null && lastTime > session.segmentStart) {
      segments.push([session.segmentStart, lastTime]);
    }
    return segments;
  }

  function playedSegments() {
    return segmentsWithCurrent()
      .map(function (segment) {
        return round3(segment[0]) + "[.]" + round3(segment[1]);
      })
      .join("[,]");
  }

  // Share of the video covered by the union of `segments` (default: this session's), 0…1.
  function progress(segments) {
    var total = length();
    if (!total) return 0;
    var covered = 0;
    union(segments || segmentsWithCurrent()).forEach(function (segment) {
      covered += segment[1] - segment[0];
    });
    return Math.min(1, round3(covered / total));
  }

  function watchedSeconds() {
    var running = session.playingSince !== null ? (Date.now() - session.playingSince) / 1000 : 0;
    return session.watched + running;
  }

  function contextExtensions(extra) {
    var extensions = {};
    extensions[ext("session-id")] = session.id;
    extensions[ext("length")] = round3(length());
    if (extra) {
      Object.keys(extra).forEach(function (key) {
        extensions[ext(key)] = extra[key];
      });
    }
    return extensions;
  }

  function resultExtensions(values) {
    var extensions = {};
    Object.keys(values).forEach(function (key) {
      extensions[ext(key)] = values[key];
    });
    return extensions;
  }

  function send(verb, result, extraContext, leaving) {
    var statement = {
      id: uuid(),
      actor: config.actor,
      verb: config.verbs[verb],
      object: config.object,
      context: {
        registration: session.id,
        platform: config.platform,
        language: config.language,
        contextActivities: config.contextActivities,
        extensions: contextExtensions(extraContext),
      },
      timestamp: timestamp(),
    };
    if (result) statement.result = result;
    enqueue(statement, leaving);
  }

  function startSession() {
    session = { id: uuid(), segments: [], segmentStart: null, completed: false, watched: 0, playingSince: null };
    lastTime = video.currentTime;
    var track = captions();
    var extra = {
      "completion-threshold": config.completionThreshold,
      "cc-enabled": !!track,
      volume: video.muted ? 0 : round3(video.volume),
      speed: video.playbackRate + "x",
      "full-screen": !!document.fullscreenElement,
      "video-playback-size": video.clientWidth + "x" + video.clientHeight,
    };
    if (track && track.language) extra["cc-subtitle-lang"] = track.language;
    send("initialized", null, extra);
  }

  // False when the page is hidden after `terminated`: what happens then belongs to no session.
  function ensureSession() {
    if (!session) {
      if (document.visibilityState === "hidden") return false;
      startSession();
    }
    return true;
  }

  function openSegment() {
    lastTime = video.currentTime;
    session.segmentStart = lastTime;
    if (session.playingSince === null) session.playingSince = Date.now();
  }

  function closeSegment(end) {
    if (session.segmentStart !== null && end > session.segmentStart) {
      session.segments.push([session.segmentStart, end]);
    }
    session.segmentStart = null;
    if (session.playingSince !== null) {
      session.watched += (Date.now() - session.playingSince) / 1000;
      session.playingSince = null;
    }
  }

  function progressResult() {
    return {
      time: round3(video.currentTime),
      progress: progress(),
      "played-segments": playedSegments(),
    };
  }

  function complete(leaving) {
    if (session.completed) return;
    session.completed = true;
    send(
      "completed",
      { completion: true, duration: duration(watchedSeconds()), extensions: resultExtensions(progressResult()) },
      { "completion-threshold": config.completionThreshold },
      leaving
    );
  }

  function checkCompletion(leaving) {
    if (!session.completed && length() && progress() >= config.completionThreshold) complete(leaving);
  }

  function terminate() {
    if (!session) return;
    if (!video.paused && !video.seeking) lastTime = video.currentTime;
    closeSegment(lastTime);
    checkCompletion(true);
    send(
      "terminated",
      { extensions: resultExtensions(progressResult()) },
      { "completion-threshold": config.completionThreshold },
      true
    );
    saveState(lastTime, true);
    watchedBefore = allSegments();
    session = null;
  }

  function resume() {
    if (session) return;
    startSession();
    if (!video.paused) {
      openSegment();
      send("played", { extensions: resultExtensions({ time: round3(video.currentTime) }) });
    }
  }

  video.addEventListener("play", function () {
    if (!ensureSession()) return;
    moved = true;
    openSegment();
    send("played", { extensions: resultExtensions({ time: round3(video.currentTime) }) });
  });

  video.addEventListener("timeupdate", function () {
    if (!session || video.seeking) return;
    lastTime = video.currentTime;
    if (session.segmentStart !== null) {
      checkCompletion();
      moved = true;
      if (Date.now() - stateSavedAt >= STATE_EVERY_MS) saveState(lastTime);
    }
  });

  video.addEventListener("pause", function () {
    if (!ensureSession()) return;
    if (!video.seeking) lastTime = video.currentTime;
    closeSegment(lastTime);
    var values = progressResult();
    send("paused", { extensions: resultExtensions(values) }, { "completion-threshold": config.completionThreshold });
    checkCompletion();
    saveState(lastTime);
  });

  video.addEventListener("seeking", function () {
    if (!session || seekFrom !== null) return;
    seekFrom = lastTime;
    if (session.segmentStart !== null) {
      // Keep the clock running while playing: only the watched segment ends where the seek started.
      session.segments.push([session.segmentStart, seekFrom]);
      session.segmentStart = null;
    }
  });

  video.addEventListener("seeked", function () {
    if (!ensureSession()) return;
    var from = seekFrom !== null ? seekFrom : lastTime;
    seekFrom = null;
    lastTime = video.currentTime;
    moved = true;
    if (!video.paused) session.segmentStart = lastTime;
    send("seeked", { extensions: resultExtensions({ "time-from": round3(from), "time-to": round3(lastTime) }) });
  });

  video.addEventListener("ended", function () {
    if (!ensureSession()) return;
    lastTime = length() || video.currentTime;
    closeSegment(lastTime);
    complete();
    saveState(lastTime);
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") terminate();
    else resume();
  });
  window.addEventListener("pagehide", terminate);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) resume();
  });

  // --- State: where the agent stopped, and the offer to resume ----------------------------------------------

  var state = config.state || null;
  var saved = state && state.saved && typeof state.saved === "object" ? state.saved : {};
  var watchedBefore = parseSegments(saved[ext("played-segments")]); // every earlier session of this agent
  var stateSavedAt = 0;
  var moved = false; // the position or what was watched changed since the document was last saved

  function allSegments() {
    return union(watchedBefore.concat(session ? segmentsWithCurrent() : []));
  }

  function stateUrl() {
    return state.endpoint + "?" + [
      "activityId=" + encodeURIComponent(config.object.id),
      "agent=" + encodeURIComponent(JSON.stringify(config.actor)),
      "stateId=" + encodeURIComponent(state.stateId),
    ].join("&");
  }

  // PUT replaces the document (the State resource needs no ETag); a failure only loses this position. Nothing
  // is sent when nothing moved (a page left without playing, a pause already saved).
  function saveState(position, leaving) {
    if (!state || !length() || !moved) return;
    moved = false;
    stateSavedAt = Date.now();
    var segments = allSegments();
    var values = {};
    values[ext("time")] = round3(position);
    values[ext("played-segments")] = formatSegments(segments);
    values[ext("progress")] = progress(segments);
    values[ext("length")] = round3(length());
    values[ext("completion-threshold")] = config.completionThreshold;
    if (session) values[ext("session-id")] = session.id;
    request(stateUrl(), "PUT", values, leaving).catch(function () {});
  }

  // "0 min 05 s" style, with the units the page gives (no-break spaces between numbers and units).
  function spokenTime(seconds) {
    var total = Math.floor(seconds);
    var hours = Math.floor(total / 3600);
    var minutes = Math.floor((total % 3600) / 60);
    var rest = total % 60;
    var parts = [];
    if (hours) parts.push(hours + "\u00a0" + state.units.hours);
    if (hours || minutes) parts.push((hours ? pad(minutes) : minutes) + "\u00a0" + state.units.minutes);
    parts.push((hours || minutes ? pad(rest) : rest) + "\u00a0" + state.units.seconds);
    return parts.join(" ");
  }

  function offerResume() {
    var box = document.getElementById("video-resume");
    var position = Number(saved[ext("time")]);
    var minimum = state ? state.resumeMinimum : 0;
    if (!box || !isFinite(position) || position < minimum || length() - position < minimum) return;
    Array.prototype.forEach.call(box.querySelectorAll("[data-video-resume-time]"), function (node) {
      node.textContent = spokenTime(position);
    });
    function close() {
      box.hidden = true;
      video.removeEventListener("play", close);
    }
    box.querySelector("[data-video-resume='continue']").addEventListener("click", function () {
      close();
      video.currentTime = position;
      video.focus();
      var playing = video.play();
      if (playing && playing.catch) playing.catch(function () {});
    });
    box.querySelector("[data-video-resume='restart']").addEventListener("click", function () {
      close();
      moved = true; // starting over: the next save says so, even if the agent leaves at once
      video.focus();
    });
    video.addEventListener("play", close); // playing from elsewhere is an answer too
    box.hidden = false;
  }

  if (video.readyState >= 1) {
    startSession();
    offerResume();
  } else {
    video.addEventListener("loadedmetadata", function () {
      ensureSession();
      offerResume();
    }, { once: true });
  }
})();
