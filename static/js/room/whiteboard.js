/* The live room's shared whiteboard: one <canvas>, no dependencies. A native ES module.

   createBoard(canvas, {onStroke, onInk, newId}) returns a board. Strokes are
   {id, sender_id, tool: "pen"|"eraser", color: "#rrggbb", width: 1..40, points: [[x, y], ...]}
   with x, y fractions (0..1) of the board's width and height, so every screen draws the same
   picture; the board keeps a 4:3 shape (BOARD_ASPECT) for that. ``width`` is in pixels of a
   board 1000 px wide (scaled to the real size). An eraser stroke is drawn with
   "destination-out", so it removes what lies under it and the board's white shows through.

   The person draws with a mouse, pen or finger (pointer events); the stroke is drawn at once
   and handed to ``onStroke({tool, color, width, points})`` when the pointer is released (long
   strokes are cut at MAX_POINTS and go out in pieces), with a ``clientId`` from ``newId()`` that
   the server acknowledges (the room socket resends until it does). While drawing, ``onInk(part)`` gets the
   new points every INK_MS, so the other side can show the stroke growing before it is saved.
   A stroke sent but not yet confirmed by the server stays drawn ("pending") until ``add()``
   receives it back with its id (a fresh ``load()`` keeps it: it is still on its way), or
   ``drop()`` says the server refused it.

   board.load(strokes), add(stroke, mine), remove(id), drop(clientId), clear(), ink(senderId, part),
   redraw(), setTool(tool), setColor(color), setWidth(width), pending(), strokes(). */
export const BOARD_ASPECT = 4 / 3;
var REFERENCE_WIDTH = 1000;
export const MAX_POINTS = 2000;
var MIN_STEP = 0.0015; // points closer than this (a fraction of the width) are skipped
var INK_MS = 60;
var COLOR_RE = /^#[0-9a-f]{6}$/i;

function clamp01(value) {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
function round4(value) {
  return Math.round(value * 10000) / 10000;
}
function validStroke(stroke) {
  return (
    stroke &&
    (stroke.tool === "pen" || stroke.tool === "eraser") &&
    Array.isArray(stroke.points) &&
    stroke.points.length > 0
  );
}

export function createBoard(canvas, options) {
  options = options || {};
  var ctx = canvas.getContext("2d");
  var saved = []; // confirmed strokes, in order
  var waiting = []; // mine, sent, not confirmed yet
  var live = {}; // sender id -> stroke being drawn on another screen
  var current = null; // the stroke under the pointer
  var tool = "pen";
  var color = "#1d1d1f";
  var width = 4;
  var pointerId = null;
  var inkFrom = 0;
  var inkTimer = null;
  var scale = 1; // device pixels per CSS pixel

  function lineWidth(stroke) {
    var base = Math.max(1, Math.min(40, Number(stroke.width) || 4));
    return (base * canvas.width) / REFERENCE_WIDTH;
  }
  function drawStroke(stroke) {
    if (!validStroke(stroke)) return;
    var w = canvas.width;
    var h = canvas.height;
    var points = stroke.points;
    ctx.save();
    ctx.globalCompositeOperation = stroke.tool === "eraser" ? "destination-out" : "source-over";
    ctx.strokeStyle = COLOR_RE.test(stroke.color || "") ? stroke.color : "#1d1d1f";
    ctx.fillStyle = ctx.strokeStyle;
    ctx.lineWidth = lineWidth(stroke);
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    if (points.length === 1) {
      ctx.beginPath();
      ctx.arc(points[0][0] * w, points[0][1] * h, ctx.lineWidth / 2, 0, Math.PI * 2);
      ctx.fill();
    } else {
      ctx.beginPath();
      ctx.moveTo(points[0][0] * w, points[0][1] * h);
      // Smooth through the midpoints: quadratic curves look like ink, straight joins do not.
      for (var i = 1; i < points.length - 1; i += 1) {
        var mx = ((points[i][0] + points[i + 1][0]) / 2) * w;
        var my = ((points[i][1] + points[i + 1][1]) / 2) * h;
        ctx.quadraticCurveTo(points[i][0] * w, points[i][1] * h, mx, my);
      }
      var last = points[points.length - 1];
      ctx.lineTo(last[0] * w, last[1] * h);
      ctx.stroke();
    }
    ctx.restore();
  }
  function redraw() {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    saved.forEach(drawStroke);
    waiting.forEach(drawStroke);
    Object.keys(live).forEach(function (key) {
      drawStroke(live[key]);
    });
    if (current) drawStroke(current);
  }

  /* Size the canvas to its box (4:3), in device pixels, and draw everything again. */
  function resize() {
    var wrap = canvas.parentElement;
    var style = window.getComputedStyle(wrap);
    var boxWidth = wrap.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    var boxHeight = wrap.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    if (boxWidth <= 0 || boxHeight <= 0) return; // hidden: drawn again when shown
    var cssWidth = Math.max(1, Math.floor(Math.min(boxWidth, boxHeight * BOARD_ASPECT)));
    var cssHeight = Math.max(1, Math.floor(cssWidth / BOARD_ASPECT));
    scale = Math.min(window.devicePixelRatio || 1, 2);
    canvas.style.width = cssWidth + "px";
    canvas.style.height = cssHeight + "px";
    var pixelWidth = Math.round(cssWidth * scale);
    var pixelHeight = Math.round(cssHeight * scale);
    if (canvas.width !== pixelWidth || canvas.height !== pixelHeight) {
      canvas.width = pixelWidth;
      canvas.height = pixelHeight;
    }
    redraw();
  }
  if (window.ResizeObserver) {
    new ResizeObserver(resize).observe(canvas.parentElement);
  } else {
    window.addEventListener("resize", resize);
  }

  /* --- Drawing with the pointer ------------------------------------------------------- */
  function pointAt(event) {
    var rect = canvas.getBoundingClientRect();
    if (!rect.width || !rect.height) return null;
    return [round4(clamp01((event.clientX - rect.left) / rect.width)), round4(clamp01((event.clientY - rect.top) / rect.height))];
  }
  function begin(point) {
    current = { tool: tool, color: color, width: tool === "eraser" ? Math.max(width, 24) : width, points: [point] };
    inkFrom = 0;
  }
  function sendInk(done) {
    if (!current || typeof options.onInk !== "function") return;
    var part = current.points.slice(inkFrom);
    if (!part.length && !done) return;
    options.onInk({
      start: inkFrom === 0,
      done: !!done,
      tool: current.tool,
      color: current.color,
      width: current.width,
      points: part,
    });
    inkFrom = current.points.length;
  }
  function finish() {
    if (!current) return;
    var stroke = current;
    sendInk(true);
    current = null;
    stroke.clientId =
      typeof options.newId === "function"
        ? options.newId()
        : "s" + Date.now().toString(36) + Math.random().toString(36).slice(2, 7);
    waiting.push(stroke);
    if (typeof options.onStroke === "function") {
      options.onStroke({ tool: stroke.tool, color: stroke.color, width: stroke.width, points: stroke.points }, stroke.clientId);
    }
    redraw();
  }
  function extend(point) {
    var points = current.points;
    var last = points[points.length - 1];
    var dx = point[0] - last[0];
    var dy = (point[1] - last[1]) / BOARD_ASPECT;
    if (dx * dx + dy * dy < MIN_STEP * MIN_STEP) return;
    points.push(point);
    if (points.length >= MAX_POINTS) {
      // Too long for one message: send this piece and go on from its last point.
      var keepTool = current.tool;
      var keepColor = current.color;
      var keepWidth = current.width;
      finish();
      current = { tool: keepTool, color: keepColor, width: keepWidth, points: [point] };
      inkFrom = 0;
      return;
    }
    // Draw only the new segment; a full redraw on every move is too slow on phones.
    drawStroke({ tool: current.tool, color: current.color, width: current.width, points: points.slice(-3) });
  }

  canvas.addEventListener("pointerdown", function (event) {
    if (pointerId !== null || event.button > 0) return;
    var point = pointAt(event);
    if (!point) return;
    event.preventDefault();
    pointerId = event.pointerId;
    try {
      canvas.setPointerCapture(event.pointerId);
    } catch (error) {
      /* synthetic events cannot be captured */
    }
    begin(point);
    drawStroke(current);
    if (inkTimer === null) {
      inkTimer = window.setInterval(function () {
        sendInk(false);
      }, INK_MS);
    }
  });
  canvas.addEventListener("pointermove", function (event) {
    if (event.pointerId !== pointerId || !current) return;
    var events = typeof event.getCoalescedEvents === "function" ? event.getCoalescedEvents() : [];
    if (!events.length) events = [event];
    events.forEach(function (each) {
      var point = pointAt(each);
      if (point && current) extend(point);
    });
  });
  function release(event) {
    if (event.pointerId !== pointerId) return;
    pointerId = null;
    window.clearInterval(inkTimer);
    inkTimer = null;
    var point = pointAt(event);
    if (point && current) extend(point);
    finish();
  }
  canvas.addEventListener("pointerup", release);
  canvas.addEventListener("pointercancel", release);

  /* --- What the server and the other side say ----------------------------------------- */
  return {
    load: function (strokes) {
      saved = (strokes || []).filter(validStroke);
      live = {};
      redraw();
    },
    /* A saved stroke. ``clientId``: the id ``onStroke`` gave it, when it is one of mine
       coming back (``true``: mine, match the oldest waiting one). */
    add: function (stroke, clientId) {
      if (!validStroke(stroke)) return;
      var index = -1;
      if (typeof clientId === "string") {
        index = waiting.findIndex(function (s) {
          return s.clientId === clientId;
        });
      }
      if (index < 0 && clientId === true && waiting.length) index = 0;
      if (index >= 0) waiting.splice(index, 1);
      if (stroke.sender_id != null) delete live[stroke.sender_id];
      var known = stroke.id != null && saved.some(function (s) {
        return s.id === stroke.id;
      });
      if (!known) saved.push(stroke);
      redraw();
    },
    /* The server refused one of mine (``clientId``): stop showing it. */
    drop: function (clientId) {
      var before = waiting.length;
      waiting = waiting.filter(function (s) {
        return s.clientId !== clientId;
      });
      if (waiting.length !== before) redraw();
    },
    remove: function (id) {
      var before = saved.length;
      saved = saved.filter(function (stroke) {
        return stroke.id !== id;
      });
      if (saved.length !== before) redraw();
    },
    clear: function () {
      saved = [];
      waiting = [];
      live = {};
      redraw();
    },
    /* Part of a stroke still being drawn on the other screen (never stored). */
    ink: function (senderId, part) {
      if (!part || !Array.isArray(part.points)) return;
      var stroke = live[senderId];
      if (part.start || !stroke) {
        stroke = live[senderId] = { tool: part.tool, color: part.color, width: part.width, points: [] };
      }
      part.points.forEach(function (point) {
        if (Array.isArray(point) && point.length === 2) stroke.points.push([clamp01(+point[0]), clamp01(+point[1])]);
      });
      redraw();
    },
    dropInk: function (senderId) {
      if (live[senderId]) {
        delete live[senderId];
        redraw();
      }
    },
    redraw: resize,
    setTool: function (value) {
      if (value === "pen" || value === "eraser") tool = value;
      canvas.setAttribute("data-tool", tool);
    },
    setColor: function (value) {
      if (COLOR_RE.test(value)) color = value.toLowerCase();
    },
    setWidth: function (value) {
      var n = parseInt(value, 10);
      if (n >= 1 && n <= 40) width = n;
    },
    pending: function () {
      return waiting.length;
    },
    strokes: function () {
      return saved.slice();
    },
    /* Everything drawn, as a PNG data URL on white (for "Save image"). */
    snapshot: function () {
      var copy = document.createElement("canvas");
      copy.width = canvas.width;
      copy.height = canvas.height;
      var c = copy.getContext("2d");
      c.fillStyle = "#ffffff";
      c.fillRect(0, 0, copy.width, copy.height);
      c.drawImage(canvas, 0, 0);
      return copy.toDataURL("image/png");
    },
  };
}
