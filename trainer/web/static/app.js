// The trainer's page: one script, no build step. Pages are chosen by the address, so each can be
// bookmarked; the server does the listening, the end of turn and the judging.

const main = document.getElementById("main");
const params = () => new URLSearchParams(location.search);
// A log of what happened when, in the page's clock: the benchmark reads it (window.trainerTimeline).
const timeline = (window.trainerTimeline = []);
const mark = (type, extra = {}) => timeline.push({ type, t: performance.now(), ...extra });

// ---------------------------------------------------------------------------------------------
// Small helpers

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else if (k === "html") el.innerHTML = v; // only for the server's own SVG charts
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

async function api(path, options = {}) {
  const init = { headers: {}, ...options };
  if (options.json !== undefined) {
    init.body = JSON.stringify(options.json);
    init.headers["content-type"] = "application/json";
  }
  const res = await fetch(path, init);
  const data = await res.json().catch(() => ({ error: `the app answered ${res.status}` }));
  if (!res.ok || data.error) throw new Error(data.error || `the app answered ${res.status}`);
  return data;
}

function toast(text) {
  const t = document.getElementById("toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.hidden = true), 5000);
}

function errorBox(message) {
  return h("p", { class: "error", role: "alert" }, message);
}

function go(path) {
  history.pushState({}, "", path);
  route();
}

document.addEventListener("click", (e) => {
  const a = e.target.closest("a[data-link]");
  if (a && !e.ctrlKey && !e.metaKey && !e.shiftKey && a.origin === location.origin) {
    e.preventDefault();
    go(a.pathname + a.search);
  }
});
window.addEventListener("popstate", () => route());

function page(title, ...children) {
  document.title = `${title} · Close trainer`;
  main.replaceChildren(h("h1", { text: title }), ...children);
  for (const a of document.querySelectorAll("nav a")) {
    a.toggleAttribute("aria-current", a.pathname === location.pathname);
  }
  main.focus({ preventScroll: true });
}

// ---------------------------------------------------------------------------------------------
// The microphone: an AudioWorklet turns it into 16 kHz 16-bit PCM blocks (capture.js)

const Mic = {
  ctx: null,
  stream: null,
  node: null,
  onblock: null,
  level: 0,
  async open(deviceId) {
    const processing = params().get("processing") !== "off"; // tests that check levels turn it off
    const audio = {
      echoCancellation: processing, // takes the interviewer's voice out of the microphone
      noiseSuppression: processing,
      autoGainControl: processing,
      channelCount: 1,
    };
    if (deviceId) audio.deviceId = { exact: deviceId };
    this.close();
    this.stream = await navigator.mediaDevices.getUserMedia({ audio });
    this.ctx = new AudioContext();
    await this.ctx.audioWorklet.addModule("/static/capture.js");
    const source = this.ctx.createMediaStreamSource(this.stream);
    this.node = new AudioWorkletNode(this.ctx, "trainer-capture");
    this.node.port.onmessage = (e) => {
      if (!this.heard) mark("mic-first-block");
      this.heard = true;
      this.level = e.data.rms;
      if (this.onblock) this.onblock(e.data.pcm, e.data.rms);
    };
    source.connect(this.node);
    await this.ctx.resume();
    localStorage.setItem("trainer.mic", deviceId || "");
    return this;
  },
  close() {
    if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
    if (this.ctx) this.ctx.close();
    this.stream = this.ctx = this.node = null;
    this.onblock = null;
    this.heard = false;
  },
};

function micProblem(err) {
  if (err && (err.name === "NotAllowedError" || err.name === "SecurityError")) {
    return "The browser was not allowed to use the microphone. Click the microphone or lock icon in the address bar, choose Allow, and reload; or practise by typing.";
  }
  if (err && (err.name === "NotFoundError" || err.name === "OverconstrainedError")) {
    return "No microphone was found. Plug one in and reload, or practise by typing.";
  }
  return `The microphone could not be opened (${err && err.message}). Practise by typing, or try another input.`;
}

// ---------------------------------------------------------------------------------------------
// The interviewer's voice: the trainer's rendered audio, or the browser's own voice

const Voice = {
  ctx: null,
  current: null,
  unlock() {
    if (!this.ctx) this.ctx = new AudioContext();
    return this.ctx.resume();
  },
  async play(line) {
    mark("line-received", { kind: line.kind });
    if (line.audio) {
      await this.unlock();
      const bytes = Uint8Array.from(atob(line.audio), (c) => c.charCodeAt(0));
      const buffer = await this.ctx.decodeAudioData(bytes.buffer);
      await new Promise((resolve) => {
        const src = this.ctx.createBufferSource();
        src.buffer = buffer;
        src.connect(this.ctx.destination);
        src.onended = resolve;
        this.current = src;
        src.start();
        mark("line-playing", { kind: line.kind });
      });
    } else if ("speechSynthesis" in window) {
      await new Promise((resolve) => {
        const u = new SpeechSynthesisUtterance(line.text);
        const chosen = localStorage.getItem("trainer.browserVoice");
        const v = speechSynthesis.getVoices().find((x) => x.name === chosen);
        if (v) u.voice = v;
        u.onend = u.onerror = resolve;
        setTimeout(resolve, 1000 + 450 * line.text.split(" ").length); // a voice that never says it ended
        speechSynthesis.speak(u);
        mark("line-playing", { kind: line.kind });
      });
    }
    this.current = null;
    mark("line-played", { kind: line.kind });
  },
  stop() {
    if (this.current) this.current.stop();
    if ("speechSynthesis" in window) speechSynthesis.cancel();
  },
};

// ---------------------------------------------------------------------------------------------
// A live session (mock close or drill) over a WebSocket

class Live {
  constructor(start, handlers) {
    this.handlers = handlers;
    this.ended = false;
    this.ws = new WebSocket(`ws://${location.host}/ws/session`);
    this.ws.binaryType = "arraybuffer";
    this.queue = Promise.resolve();
    this.ws.onopen = () => {
      this.ws.send(JSON.stringify(start));
      mark("start-sent");
    };
    this.ws.onmessage = (e) => this.receive(JSON.parse(e.data));
    Live.current = this;
    this.ws.onclose = () => {
      if (!this.ended && this.handlers.lost) this.handlers.lost();
    };
  }
  send(message) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }
  pcm(buffer) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(buffer);
  }
  receive(m) {
    if (m.type === "line") {
      // Lines play one after another; the server waits for "played" before it listens again.
      this.queue = this.queue.then(async () => {
        if (!m.part) this.handlers.line(m); // later parts are more audio of a line already shown
        try {
          await Voice.play(m);
        } catch (err) {
          toast(`The interviewer's voice could not play (${err.message}); read the line instead.`);
        }
        this.send({ type: "played", id: m.id });
      });
      return;
    }
    if (m.type === "report" || m.type === "drill-over" || m.type === "error") this.ended = true;
    const handler = this.handlers[m.type];
    if (handler) this.queue = this.queue.then(() => handler(m));
  }
  close() {
    this.ended = true;
    this.send({ type: "stop" });
  }
}

// ---------------------------------------------------------------------------------------------
// Pages

async function homePage() {
  const [{ scenarios, folder }, progress] = await Promise.all([api("/api/scenarios"), api("/api/progress")]);
  const checked = localStorage.getItem("trainer.micChecked");
  const roles = h(
    "ul",
    { class: "cards", "aria-label": "Roles" },
    scenarios.map((s) =>
      h(
        "li",
        { class: "card" },
        h("h3", {}, s.title),
        h("p", { class: "muted" }, `${s.role} · ${s.origin === "user" ? "yours" : "bundled"}`),
        s.problem
          ? h("p", { class: "error" }, s.problem)
          : h("a", { href: `/practice/${s.name}`, "data-link": true, class: "button", "aria-label": `Practise: ${s.title}` }, "Practise"),
      ),
    ),
  );
  const glance = progress.closes
    ? h(
        "section",
        { class: "panel" },
        h("h2", {}, "Your progress"),
        h("p", {}, `${progress.closes} close${progress.closes === 1 ? "" : "s"} rehearsed`, progress.change !== null ? ` · ${progress.change >= 0 ? "+" : ""}${progress.change} points since the first shown` : ""),
        h("div", { html: progress.totals_svg }),
        progress.focus
          ? h(
              "div",
              { class: "focus" },
              h("p", {}, h("strong", {}, "Practise next: "), `${progress.focus.label} (hit ${progress.focus.hits} of ${progress.focus.runs})`),
              progress.focus.line ? h("p", { class: "line" }, progress.focus.line) : null,
              progress.focus.drillable
                ? h("a", { class: "button", href: `/drill?item=${progress.focus.id}&scenario=${progress.latest}`, "data-link": true, "data-testid": "drill-focus" }, "Drill it")
                : null,
            )
          : h("p", { class: "good" }, "Every item hit in every close shown. Keep it this tight."),
      )
    : h("section", { class: "panel" }, h("h2", {}, "Start here"), h("p", {}, "Choose a role below and rehearse the end of the interview out loud. The interviewer signals the end, raises an objection, and answers your questions; you get a report on every part of a strong close."));
  page(
    "Rehearse the close of your interview",
    checked ? null : h("p", { class: "notice" }, "First time? ", h("a", { href: "/mic", "data-link": true }, "Check your microphone"), " before you start."),
    glance,
    h("h2", {}, "Choose a role"),
    roles,
    h("p", { class: "muted" }, "Your own roles live in ", h("code", {}, folder), ". ", h("a", { href: "/scenarios", "data-link": true }, "Make one from a job ad"), "."),
  );
}

async function micPage() {
  const meter = h("meter", { min: 0, max: 1, value: 0, "aria-label": "Microphone level", class: "meter" });
  const select = h("select", { id: "mic-device" });
  const out = h("p", { "aria-live": "polite", class: "heard" });
  const problem = h("div");
  let timer = null;
  async function open() {
    problem.replaceChildren();
    try {
      await Mic.open(select.value || localStorage.getItem("trainer.mic") || undefined);
    } catch (err) {
      problem.replaceChildren(errorBox(micProblem(err)), h("p", {}, h("a", { href: "/", "data-link": true }, "Choose a role"), " and pick “Type” to practise without a microphone."));
      return false;
    }
    const devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "audioinput");
    const current = Mic.stream.getAudioTracks()[0].getSettings().deviceId;
    select.replaceChildren(...devices.map((d, i) => h("option", { value: d.deviceId, selected: d.deviceId === current }, d.label || `Microphone ${i + 1}`)));
    clearInterval(timer);
    timer = setInterval(() => {
      if (!document.body.contains(meter)) return clearInterval(timer);
      meter.value = Math.min(1, Math.sqrt(Mic.level) * 2);
    }, 100);
    return true;
  }
  async function record() {
    if (!Mic.stream && !(await open())) return;
    const blocks = [];
    out.textContent = "Listening for 4 seconds: say a sentence…";
    Mic.onblock = (pcm) => blocks.push(new Int16Array(pcm));
    await new Promise((r) => setTimeout(r, 4000));
    Mic.onblock = null;
    const all = new Int16Array(blocks.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of blocks) (all.set(b, at), (at += b.length));
    out.textContent = "Recognizing…";
    try {
      const res = await fetch("/api/transcribe", { method: "POST", body: all.buffer, headers: { "content-type": "application/octet-stream" } });
      const data = await res.json();
      if (data.error) throw new Error(data.error);
      out.textContent = data.text ? `Heard: “${data.text}” (${data.engine})` : "Nothing was recognized: speak closer to the microphone, or pick another input.";
      if (data.text) localStorage.setItem("trainer.micChecked", "1");
    } catch (err) {
      out.textContent = `Could not recognize it: ${err.message}`;
    }
  }
  select.addEventListener("change", open);
  page(
    "Check your microphone",
    h("p", { class: "notice" }, h("strong", {}, "Wear headphones if you can. "), "Through speakers the microphone also hears the interviewer; the browser takes most of it out, but headphones keep your transcript clean."),
    h("div", { class: "row" }, h("button", { onclick: open, "data-testid": "mic-allow" }, "Allow the microphone"), h("label", { for: "mic-device" }, "Input"), select),
    h("p", {}, "Level: ", meter),
    h("button", { onclick: record, "data-testid": "mic-record" }, "Record 4 seconds and recognize them"),
    out,
    problem,
  );
}

function conversationView() {
  const list = h("ol", { class: "conversation", "aria-live": "polite", "aria-label": "Conversation" });
  const partial = h("p", { class: "partial", "aria-live": "off" });
  return {
    list,
    partial,
    interviewer(text, kind) {
      list.append(h("li", { class: "interviewer" }, h("span", { class: "who" }, "Interviewer"), h("span", { class: "kind" }, kind.replace("_", " ")), h("p", {}, text)));
      list.lastChild.scrollIntoView({ block: "nearest" });
    },
    candidate(text, cls = "") {
      partial.textContent = "";
      list.append(h("li", { class: `candidate ${cls}` }, h("span", { class: "who" }, "You"), h("p", {}, text || "(nothing heard)")));
      list.lastChild.scrollIntoView({ block: "nearest" });
    },
  };
}

function setupControls(typedDefault) {
  const mode = localStorage.getItem("trainer.mode") || (typedDefault ? "typed" : "voice");
  const voice = localStorage.getItem("trainer.voice") || "rendered";
  const voiceName = localStorage.getItem("trainer.voiceName") || "";
  const modeSel = h("select", { id: "mode" }, h("option", { value: "voice", selected: mode === "voice" }, "Speak (microphone)"), h("option", { value: "typed", selected: mode === "typed" }, "Type"));
  const voiceSel = h("select", { id: "voice" }, h("option", { value: "rendered", selected: voice === "rendered" }, "The trainer's voice"), h("option", { value: "browser", selected: voice === "browser" }, "The browser's voice"));
  // Which of the trainer's voices: the role's own by default, or one the user picked.
  const nameSel = h("select", { id: "voice-name", "aria-label": "The trainer's voice", hidden: voice !== "rendered" }, h("option", { value: "" }, "the role's voice"));
  api("/api/voices").then(({ voices }) => {
    for (const v of voices.filter((x) => x.usable)) nameSel.append(h("option", { value: v.name, selected: v.name === voiceName }, v.description));
  }).catch(() => {});
  nameSel.addEventListener("change", () => localStorage.setItem("trainer.voiceName", nameSel.value));
  // The browser's own voices (natural ones on macOS and Windows), listed once the browser has them.
  const browserSel = h("select", { id: "browser-voice", "aria-label": "The browser's voice", hidden: voice !== "browser" });
  const listVoices = () => {
    const voices = "speechSynthesis" in window ? speechSynthesis.getVoices().filter((v) => v.lang.startsWith("en")) : [];
    const chosen = localStorage.getItem("trainer.browserVoice");
    browserSel.replaceChildren(...voices.map((v) => h("option", { value: v.name, selected: v.name === chosen }, `${v.name} (${v.lang})`)));
    if (!voices.length) browserSel.replaceChildren(h("option", { value: "" }, "the browser's default voice"));
  };
  if ("speechSynthesis" in window) speechSynthesis.addEventListener("voiceschanged", listVoices);
  listVoices();
  modeSel.addEventListener("change", () => localStorage.setItem("trainer.mode", modeSel.value));
  voiceSel.addEventListener("change", () => {
    localStorage.setItem("trainer.voice", voiceSel.value);
    browserSel.hidden = voiceSel.value !== "browser";
    nameSel.hidden = voiceSel.value !== "rendered";
  });
  browserSel.addEventListener("change", () => localStorage.setItem("trainer.browserVoice", browserSel.value));
  const box = h("div", { class: "row" }, h("label", { for: "mode" }, "You"), modeSel, h("label", { for: "voice" }, "Interviewer"), voiceSel, nameSel, browserSel);
  return { box, mode: () => modeSel.value, voice: () => voiceSel.value, voiceName: () => nameSel.value };
}

function typedInput(live, label, onEmpty) {
  const area = h("textarea", { id: "typed", rows: 3, "aria-label": label, "data-testid": "typed", disabled: true });
  const send = h("button", { "data-testid": "send", disabled: true, onclick: () => submit() }, "Say it");
  const done = h("button", { class: "secondary", disabled: true, onclick: () => submit(true) }, onEmpty);
  function submit(empty = false) {
    const text = empty ? "" : area.value.trim();
    if (!empty && !text) return;
    live.send({ type: "text", text });
    area.value = "";
    enable(false);
  }
  area.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      submit();
    }
  });
  function enable(on) {
    for (const el of [area, send, done]) el.disabled = !on;
    if (on) area.focus();
  }
  return { box: h("div", { class: "typed" }, area, h("div", { class: "row" }, send, done)), enable };
}

async function openMic() {
  // Before the session starts: a microphone that is refused or missing starts nothing.
  try {
    await Mic.open(localStorage.getItem("trainer.mic") || undefined);
  } catch (err) {
    try {
      await Mic.open(); // the remembered input is gone: the default one
    } catch (err2) {
      return micProblem(err2);
    }
  }
  return null;
}

function connectInput(live, mode, view, label, endLabel) {
  // The candidate's side of a live session: the typing box, or the microphone's blocks.
  if (mode !== "typed") {
    Mic.onblock = (pcm) => live.pcm(pcm);
    return null;
  }
  const typed = typedInput(live, label, endLabel);
  view.partial.replaceWith(typed.box);
  return typed;
}

function typeInstead() {
  return h("button", { onclick: () => { localStorage.setItem("trainer.mode", "typed"); route(); } }, "Practise by typing instead");
}

async function practicePage(name) {
  let data;
  try {
    data = await api(`/api/scenarios/${encodeURIComponent(name)}`);
  } catch (err) {
    return page("Practice", errorBox(err.message), h("a", { href: "/", "data-link": true }, "Choose another role"));
  }

  const sc = data.scenario;
  const controls = setupControls(false);
  // The interviewer's temperament: a tough one raises a second objection and presses harder.
  const manner = localStorage.getItem("trainer.interviewer") || "neutral";
  const mannerSel = h(
    "select",
    { id: "interviewer", "data-testid": "interviewer" },
    ...[["neutral", "Neutral interviewer"], ["warm", "Warm interviewer"], ["tough", "Tough interviewer"]].map(([v, t]) => h("option", { value: v, selected: v === manner }, t)),
  );
  mannerSel.addEventListener("change", () => localStorage.setItem("trainer.interviewer", mannerSel.value));
  controls.box.append(mannerSel);
  const view = conversationView();
  const status = h("p", { class: "status", "aria-live": "polite" }, "Press Start when you are ready. The interviewer will signal the end of the interview; then it is your close.");
  const start = h("button", { class: "primary", "data-testid": "start", disabled: true }, "Getting the interviewer ready…");
  // The interviewer's lines render as the page opens; Start is offered once the first one is ready.
  const warmVoice = localStorage.getItem("trainer.voice") === "browser" ? "" : localStorage.getItem("trainer.voiceName") || "";
  api(`/api/scenarios/${encodeURIComponent(name)}/warm?voice=${encodeURIComponent(warmVoice)}`, { method: "POST" })
    .catch(() => {})
    .finally(() => {
      start.disabled = false;
      start.textContent = "Start";
    });
  const endTurn = h("button", { "data-testid": "end-turn", disabled: true, title: "Space bar" }, "End my turn (space)");
  const stop = h("button", { class: "secondary", disabled: true }, "Stop and score");
  const reportBox = h("div");
  let live = null;
  let typed = null;
  const cheat = h(
    "details",
    { class: "panel" },
    h("summary", {}, "Your notes for this role"),
    h("h3", {}, "Your best skills"),
    h("ul", {}, sc.skills.map((s) => h("li", {}, s))),
    h("h3", {}, "What the job needs"),
    h("ul", {}, sc.requirements.map((s) => h("li", {}, s))),
  );
  const onSpace = (e) => {
    if (e.code === "Space" && !endTurn.disabled && !["TEXTAREA", "INPUT", "SELECT", "BUTTON"].includes(document.activeElement.tagName)) {
      e.preventDefault();
      endTurn.click();
    }
  };
  document.addEventListener("keydown", onSpace);
  endTurn.addEventListener("click", () => {
    live && live.send({ type: "end-turn" });
    mark("end-turn-pressed");
  });
  stop.addEventListener("click", () => live && live.close());
  start.addEventListener("click", async () => {
    start.disabled = true;
    controls.box.hidden = true;
    await Voice.unlock();
    mark("start-clicked");
    const mode = controls.mode();
    const problem = mode === "typed" ? null : await openMic();
    if (problem) return status.replaceChildren(errorBox(problem), typeInstead());
    live = new Live(
      { type: "start", scenario: name, mode, voice: controls.voice(), voice_name: controls.voiceName(), interviewer: mannerSel.value, seed: params().has("seed") ? Number(params().get("seed")) : null },
      {
        line: (m) => {
          view.interviewer(m.text, m.kind);
          status.textContent = "The interviewer is speaking…";
        },
        listening: (m) => {
          status.textContent = m.after_goodbye ? "The interviewer said goodbye." : "Your turn: speak. A pause ends it, or press End my turn.";
          endTurn.disabled = !!m.after_goodbye;
          mark("listening");
        },
        partial: (m) => (view.partial.textContent = m.text),
        "turn-over": () => {
          endTurn.disabled = true;
          mark("turn-over");
        },
        "your-turn": () => {
          status.textContent = "Your turn: type what you would say, then Enter. “End my close” when you are done.";
          typed.enable(true);
        },
        heard: (m) => view.candidate(m.text, m.kind),
        engine: (m) => toast(`Listening with ${m.name}`),
        scoring: () => {
          status.textContent = "Scoring your close…";
          mark("scoring");
        },
        provisional: (m) => {
          mark("report-received");
          showReport(m.run, "goodbye");
        },
        report: async (m) => {
          mark("saved-report-received");
          Mic.close();
          document.removeEventListener("keydown", onSpace);
          if (m.draft) sessionStorage.setItem(`trainer.draft.${m.run_id}`, m.draft);
          if (m.error) toast(m.error);
          if (m.run_id) {
            history.replaceState({}, "", `/report/${m.run_id}`);
            await reportPage(m.run_id, m.ended_by);
          }
        },
        error: (m) => {
          Mic.close();
          status.replaceChildren(errorBox(m.message));
        },
        lost: () => {
          Mic.close();
          status.replaceChildren(errorBox("The connection to the trainer was lost. What it heard until then is scored and saved: see History."));
        },
      },
    );
    stop.disabled = false;
    typed = connectInput(live, mode, view, "Your turn", "End my close");
  });
  page(
    sc.title,
    h("p", { class: "muted" }, sc.role),
    cheat,
    controls.box,
    h("div", { class: "row" }, start, endTurn, stop),
    status,
    view.list,
    view.partial,
    reportBox,
  );
}

// ---------------------------------------------------------------------------------------------
// The report

const COLOURS = ["#bee3f8", "#c6f6d5", "#fefcbf", "#fed7e2", "#e9d8fd", "#feebc8", "#b2f5ea", "#e2e8f0", "#fbd38d"];

function highlighted(text, items, labels) {
  const spans = [];
  items.forEach((it, k) => {
    if (!it.passed || it.id === "concise") return; // concise's evidence is the whole close
    for (const e of it.evidence) if (e.start >= 0 && e.end <= text.length && e.start < e.end) spans.push([e.start, e.end, it.id, k]);
  });
  const cuts = [...new Set([0, text.length, ...spans.flatMap(([s, e]) => [s, e])])].sort((a, b) => a - b);
  const out = h("p", { class: "transcript", id: "transcript" });
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i], cuts[i + 1]];
    const on = spans.filter(([s, e]) => s <= a && b <= e);
    const piece = text.slice(a, b);
    if (on.length) {
      out.append(h("mark", { style: `background:${COLOURS[on[0][3] % COLOURS.length]}`, title: on.map((x) => labels[x[2]] || x[2]).join(", "), "data-start": a }, piece));
    } else out.append(h("span", { "data-start": a }, piece));
  }
  return out;
}

function wordsView(transcript) {
  // The transcript word by word, each with its times, for the playback to follow.
  const p = h("p", { class: "transcript follow", "aria-label": "Transcript following the recording" });
  for (const w of transcript.words || []) p.append(h("span", { "data-s": w.start, "data-e": w.end }, w.word + " "));
  return p;
}

function delivery(m) {
  if (!m) return null;
  const at = (f) => (f.at === null || f.at === undefined ? "" : ` at ${f.at.toFixed(1)} s`);
  const fillers = m.fillers.length ? m.fillers.map((f) => `“${f.text}”${at(f)}`).join(", ") : "none";
  const facts = [];
  if (m.words_per_minute !== null) facts.push(["Pace", `${Math.round(m.words_per_minute)} words a minute (a calm close is about 130–170)`]);
  const perMinute = m.fillers_per_minute === null ? `${m.fillers.length}` : `${m.fillers_per_minute.toFixed(1)} a minute`;
  facts.push(["Fillers", `${perMinute}: ${fillers}`]);
  if (m.longest_pause_s !== null) facts.push(["Pauses", `${m.pauses.length} over a second; the longest ${m.longest_pause_s.toFixed(1)} s`]);
  facts.push(["Words", `${m.words}`]);
  return h("section", { class: "panel" }, h("h2", {}, "Delivery"), h("dl", { class: "facts" }, facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])));
}

function playback(run) {
  if (!run.recordings || !run.recordings.length) return null;
  const follow = wordsView(run.transcript);
  const spans = [...follow.children];
  const players = run.recordings.map((r) => {
    const audio = h("audio", { controls: true, preload: "none", src: `/api/runs/${run.id}/recordings/${r.turn}.wav`, "aria-label": `Your turn ${r.turn + 1}` });
    audio.addEventListener("timeupdate", () => {
      const t = r.offset_s + audio.currentTime;
      for (const s of spans) s.classList.toggle("now", Number(s.dataset.s) <= t && t < Number(s.dataset.e) + 0.15);
    });
    return h("li", {}, `Turn ${r.turn + 1} `, audio);
  });
  return h("section", { class: "panel" }, h("h2", {}, "Listen back"), h("ol", { class: "players" }, players), spans.length ? follow : null);
}

function summaryBox(run) {
  const draft = sessionStorage.getItem(`trainer.draft.${run.id}`);
  const area = h("textarea", { id: "summary", rows: 8, "data-testid": "summary" });
  area.value = run.notes || draft || "";
  const saved = h("span", { class: "muted", "aria-live": "polite" });
  const save = h("button", {
    "data-testid": "save-summary",
    onclick: async () => {
      try {
        await api(`/api/runs/${run.id}/notes`, { method: "PUT", json: { notes: area.value } });
        saved.textContent = "Saved with this run.";
      } catch (err) {
        saved.textContent = err.message;
      }
    },
  }, "Save the summary");
  return h("section", { class: "panel" }, h("h2", {}, "Last step: write a summary of the meeting"), h("p", { class: "muted" }, "For your follow-up note: what you emphasized, their concern, the next step."), h("label", { for: "summary", class: "sr" }, "Meeting summary"), area, h("div", { class: "row" }, save, saved));
}

async function reportPage(id, endedBy) {
  let run;
  try {
    run = await api(`/api/runs/${encodeURIComponent(id)}`);
  } catch (err) {
    return page("Report", errorBox(err.message), h("a", { href: "/history", "data-link": true }, "Your history"));
  }
  const scrolled = window.scrollY; // the saved report replaces the one shown at the goodbye: keep the place
  showReport(run, endedBy);
  if (scrolled) window.scrollTo(0, scrolled);
}

function showReport(run, endedBy) {
  const labels = run.labels;
  const items = h(
    "ul",
    { class: "items" },
    run.items.map((it) =>
      h(
        "li",
        { class: it.passed ? "pass" : "miss", "data-testid": `item-${it.id}`, "data-passed": String(!!it.passed) },
        h("span", { class: "verdict", "aria-label": it.passed ? "passed" : "missed" }, it.passed ? "✓" : "✗"),
        h("strong", {}, labels[it.id] || it.id),
        it.heard && it.heard.length ? h("p", { class: "muted" }, `Heard: ${it.heard.join("; ")}`) : null,
        it.evidence.length ? h("ul", { class: "evidence" }, it.evidence.slice(0, 4).map((e) => h("li", {}, h("q", {}, e.text), e.note ? h("span", { class: "muted" }, ` (${e.note})`) : null, e.start_s !== undefined ? h("span", { class: "muted" }, ` at ${e.start_s.toFixed(1)} s`) : null))) : null,
        !it.passed && it.suggestion ? h("p", { class: "line" }, h("strong", {}, "Next time: "), it.suggestion) : null,
      ),
    ),
  );
  const conv = (run.conversation || []).map((e) => h("li", { class: e.speaker }, h("span", { class: "who" }, e.speaker === "interviewer" ? "Interviewer" : "You"), h("p", {}, e.text || "(nothing heard)")));
  const report = h(
    "div",
    { "data-testid": "report", class: "report", "data-provisional": run.provisional ? "true" : null },
    h("p", { class: "total" }, h("span", {}, String(run.total)), "/100"),
    run.provisional
      ? h("p", { class: "muted", "aria-live": "polite" }, "Listening a moment longer in case you say more after the goodbye; the report is then saved.")
      : h("p", { class: "muted" }, `Run ${run.id} · ${run.created_at} · ${run.kind}${run.interviewer ? ` · ${run.interviewer} interviewer` : ""} · heard by ${run.engine || "text"}`, endedBy && endedBy !== "goodbye" ? ` · stopped early (${endedBy}): what you said is scored` : ""),
    h("section", { class: "panel" }, h("h2", {}, "Checklist"), items),
    h("section", { class: "panel" }, h("h2", {}, "What you said"), highlighted(run.transcript.text || "", run.items, labels)),
    delivery(run.metrics),
    run.provisional ? null : playback(run),
    conv.length ? h("details", { class: "panel" }, h("summary", {}, "The whole conversation"), h("ol", { class: "conversation" }, conv)) : null,
    run.kind === "drill" || run.provisional ? null : summaryBox(run),
    h("div", { class: "row" }, h("a", { class: "button", href: `/practice/${run.scenario}`, "data-link": true }, "Rehearse again"), h("a", { href: "/history", "data-link": true }, "All runs")),
  );
  page(run.scenario_title, report);
  mark("report-shown");
}

// ---------------------------------------------------------------------------------------------
// History and progress

async function historyPage() {
  const [{ runs, labels }, progress] = await Promise.all([api("/api/runs"), api("/api/progress")]);
  const rows = runs.map((r) =>
    h(
      "tr",
      { "data-run": r.id },
      h("td", {}, h("a", { href: `/report/${r.id}`, "data-link": true }, `#${r.id}`)),
      h("td", {}, r.created_at.replace("T", " ").slice(0, 16)),
      h("td", {}, r.kind === "drill" ? `drill: ${labels[r.drilled] || r.drilled}` : r.interviewer ? `${r.kind} (${r.interviewer} interviewer)` : r.kind),
      h("td", {}, r.scenario_title),
      h("td", {}, `${r.total}`),
      h("td", {}, `${r.passed}/${r.items}`),
      h("td", {}, h("button", {
        class: "secondary small",
        "aria-label": `Delete run ${r.id}`,
        "data-testid": `delete-${r.id}`,
        onclick: async (e) => {
          if (!confirm(`Delete run ${r.id} and its recordings for good?`)) return;
          try {
            await api(`/api/runs/${r.id}`, { method: "DELETE" });
            e.target.closest("tr").remove();
            toast(`Deleted run ${r.id}.`);
          } catch (err) {
            toast(err.message);
          }
        },
      }, "Delete")),
    ),
  );
  const drills = progress.drills.length
    ? h("section", { class: "panel" }, h("h2", {}, "Drills (apart from full closes)"), h("table", {}, h("thead", {}, h("tr", {}, ["Item", "Drills (finished)", "Reps", "Passed", "Counted"].map((x) => h("th", { scope: "col" }, x)))), h("tbody", {}, progress.drills.map((d) => h("tr", {}, h("td", {}, d.label), h("td", {}, `${d.drills} (${d.finished})`), h("td", {}, d.reps), h("td", {}, d.passes), h("td", {}, d.counted))))))
    : null;
  page(
    "History and progress",
    progress.closes
      ? h("section", { class: "panel" }, h("h2", {}, "Total per close"), h("div", { html: progress.totals_svg }), h("h2", {}, "Hit rate per item (last 10 closes)"), h("div", { html: progress.items_svg }))
      : h("p", {}, "No closes yet. ", h("a", { href: "/", "data-link": true }, "Rehearse one"), "."),
    drills,
    h("section", { class: "panel" }, h("h2", {}, "Runs"), h("p", { class: "row" }, "Export: ", h("a", { href: "/api/export?format=csv", download: "trainer-runs.csv" }, "CSV"), h("a", { href: "/api/export?format=json", download: "trainer-runs.json" }, "JSON")),
      runs.length ? h("div", { class: "scroll" }, h("table", { "data-testid": "runs" }, h("thead", {}, h("tr", {}, ["Run", "When (UTC)", "Kind", "Role", "Total", "Items", ""].map((x) => h("th", { scope: "col" }, x)))), h("tbody", {}, rows))) : h("p", { class: "muted" }, "No runs saved yet.")),
  );
}

// ---------------------------------------------------------------------------------------------
// Drill

async function drillPage() {
  const [{ scenarios }, progress] = await Promise.all([api("/api/scenarios"), api("/api/progress")]);
  const q = params();
  const item = q.get("item") || (progress.focus && progress.focus.drillable ? progress.focus.id : progress.drillable[0]);
  const scenario = q.get("scenario") || progress.latest || (scenarios[0] && scenarios[0].name);
  const itemSel = h("select", { id: "drill-item" }, progress.drillable.map((i) => h("option", { value: i, selected: i === item }, progress.labels[i])));
  const scSel = h("select", { id: "drill-scenario" }, scenarios.filter((s) => !s.problem).map((s) => h("option", { value: s.name, selected: s.name === scenario }, s.title)));
  const controls = setupControls(false);
  const view = conversationView();
  const reps = h("ol", { class: "reps", "aria-live": "polite", "data-testid": "reps" });
  const status = h("p", { class: "status", "aria-live": "polite" }, "The interviewer sets up the moment; you say just that part. Three passes in a row, each in new words, finish the drill.");
  const start = h("button", { class: "primary", "data-testid": "start" }, "Start the drill");
  const endTurn = h("button", { "data-testid": "end-turn", disabled: true }, "End my rep");
  const stop = h("button", { class: "secondary", disabled: true }, "Stop");
  let live = null;
  let typed = null;
  endTurn.addEventListener("click", () => live && live.send({ type: "end-turn" }));
  stop.addEventListener("click", () => live && live.close());
  start.addEventListener("click", async () => {
    start.disabled = true;
    await Voice.unlock();
    history.replaceState({}, "", `/drill?item=${itemSel.value}&scenario=${scSel.value}`);
    const mode = controls.mode();
    const problem = mode === "typed" ? null : await openMic();
    if (problem) return status.replaceChildren(errorBox(problem), typeInstead());
    live = new Live(
      { type: "start", scenario: scSel.value, item: itemSel.value, mode, voice: controls.voice(), voice_name: controls.voiceName() },
      {
        line: (m) => view.interviewer(m.text, "cue"),
        listening: () => ((endTurn.disabled = false), (status.textContent = "Your rep: speak.")),
        partial: (m) => (view.partial.textContent = m.text),
        "turn-over": () => (endTurn.disabled = true),
        "your-turn": () => ((status.textContent = "Your rep: type it, then Enter."), typed.enable(true)),
        heard: (m) => view.candidate(m.text),
        rep: (r) => {
          const verdict = !r.passed ? "✗ not yet" : r.counted ? `✓ counted (${r.streak} in a row)` : `✓ ${r.note}`;
          reps.append(h("li", { class: r.passed ? (r.counted ? "pass" : "warn") : "miss", "data-passed": String(r.passed), "data-counted": String(r.counted) }, h("strong", {}, `Rep ${r.number}: ${verdict}`), r.evidence.slice(0, 2).map((e) => h("p", { class: "muted" }, "Heard: ", h("q", {}, e.text))), h("p", { class: "line" }, h("strong", {}, r.passed ? "Another way to say it: " : "Try: "), r.model_line)));
        },
        "drill-over": (m) => {
          Mic.close();
          status.textContent = m.done ? `Done: ${m.counted} passes in your own words. Saved as run ${m.run_id}.` : `Stopped at ${m.streak} in a row${m.run_id ? `; saved as run ${m.run_id}` : ""}.`;
          status.setAttribute("data-testid", "drill-over");
        },
        error: (m) => (Mic.close(), status.replaceChildren(errorBox(m.message))),
        lost: () => (Mic.close(), status.replaceChildren(errorBox("The connection to the trainer was lost; the reps so far are saved."))),
      },
    );
    stop.disabled = false;
    typed = connectInput(live, mode, view, "Your rep", "Stop the drill");
  });
  page(
    "Drill one part of the close",
    h("div", { class: "row" }, h("label", { for: "drill-item" }, "Item"), itemSel, h("label", { for: "drill-scenario" }, "Role"), scSel),
    controls.box,
    h("div", { class: "row" }, start, endTurn, stop),
    status,
    view.list,
    view.partial,
    reps,
  );
}

// ---------------------------------------------------------------------------------------------
// Scenarios: from a job ad, and the user's own

const FIELDS = [
  ["title", "Title", false],
  ["role", "Role", false],
  ["skills", "Your best skills (one a line, 3 to 10)", true],
  ["requirements", "What the job needs (one a line)", true],
  ["signal_to_end", "The interviewer signals the end", false],
  ["objections", "The interviewer's objections (one a line)", true],
  ["next_step", "The next step, as the interviewer says it", false],
  ["goodbye", "Goodbye", false],
];

function scenarioForm(sc, name, overwrite) {
  const nameInput = h("input", { id: "sc-name", value: name, pattern: "[a-z0-9][a-z0-9-]*", "aria-describedby": "sc-name-help" });
  const inputs = {};
  const fields = FIELDS.map(([key, label, many]) => {
    const el = many ? h("textarea", { id: `sc-${key}`, rows: Math.max(3, sc[key].length + 1) }) : h("input", { id: `sc-${key}` });
    el.value = many ? sc[key].join("\n") : sc[key];
    inputs[key] = el;
    return h("div", { class: "field" }, h("label", { for: `sc-${key}` }, label), el);
  });
  const replace = h("input", { type: "checkbox", id: "sc-replace", checked: overwrite });
  const out = h("div", { "aria-live": "polite" });
  const values = () => Object.fromEntries(FIELDS.map(([k, , many]) => [k, many ? inputs[k].value.split("\n") : inputs[k].value]));
  const check = h("button", { class: "secondary", onclick: async () => {
    try {
      const r = await api(`/api/scenarios/${nameInput.value}/check`, { method: "POST", json: { scenario: values() } });
      out.replaceChildren(r.ok ? h("p", { class: "good" }, `Valid: ${r.skills} skills, ${r.requirements} requirements.`) : errorBox(`${r.key || "scenario"}: ${r.problem}`));
    } catch (err) {
      out.replaceChildren(errorBox(err.message));
    }
  } }, "Check");
  const save = h("button", { class: "primary", "data-testid": "save-scenario", onclick: async () => {
    try {
      const r = await api(`/api/scenarios/${nameInput.value}`, { method: "PUT", json: { scenario: values(), overwrite: replace.checked } });
      out.replaceChildren(h("p", { class: "good" }, `Saved to ${r.saved}. `, h("a", { href: `/practice/${nameInput.value}`, "data-link": true, "data-testid": "practise-saved" }, "Rehearse it now")));
    } catch (err) {
      out.replaceChildren(errorBox(err.message));
    }
  } }, "Save to my roles");
  return h("form", { class: "panel scenario", onsubmit: (e) => e.preventDefault() },
    h("div", { class: "field" }, h("label", { for: "sc-name" }, "Name"), nameInput, h("small", { id: "sc-name-help", class: "muted" }, "lower case letters, digits and dashes")),
    fields,
    h("p", {}, replace, h("label", { for: "sc-replace" }, " Replace my scenario of that name")),
    h("div", { class: "row" }, check, save),
    out);
}

async function scenariosPage(name) {
  if (name) {
    let data;
    try {
      data = await api(`/api/scenarios/${encodeURIComponent(name)}`);
    } catch (err) {
      return page("Scenario", errorBox(err.message));
    }
    const own = data.origin === "user";
    return page(data.scenario.title, h("p", { class: "muted" }, own ? "Your scenario: edit and save it." : "A bundled scenario: save a copy under your own name to change it."), scenarioForm(data.scenario, own ? name : `my-${name}`, own));
  }
  const { scenarios, folder } = await api("/api/scenarios");
  const mine = scenarios.filter((s) => s.origin === "user");
  const posting = h("textarea", { id: "posting", rows: 10, "data-testid": "posting" });
  const resume = h("textarea", { id: "resume", rows: 8, "data-testid": "resume" });
  const out = h("div", { "aria-live": "polite" });
  const make = h("button", { class: "primary", "data-testid": "make-scenario", onclick: async () => {
    make.disabled = true;
    out.replaceChildren(h("p", { class: "muted" }, "Reading the ad…"));
    try {
      const r = await api("/api/scenarios/draft", { method: "POST", json: { posting: posting.value, resume: resume.value } });
      out.replaceChildren(
        h("p", {}, `Made from the ad (requirements ranked by ${r.judged_by}). Edit anything, then save.`),
        r.uncovered.length ? h("p", { class: "muted" }, `Not on your resume: ${r.uncovered.join("; ")}. The interviewer will ask about it.`) : null,
        scenarioForm(r.scenario, r.scenario.name, false),
      );
    } catch (err) {
      out.replaceChildren(errorBox(err.message));
    }
    make.disabled = false;
  } }, "Make a scenario");
  page(
    "Roles",
    h("section", { class: "panel" }, h("h2", {}, "Your roles"), mine.length ? h("ul", {}, mine.map((s) => h("li", {}, h("a", { href: `/scenarios/${s.name}`, "data-link": true }, s.title), " ", s.problem ? h("span", { class: "error" }, s.problem) : h("span", { class: "good" }, "valid"), " · ", h("a", { href: `/practice/${s.name}`, "data-link": true }, "practise")))) : h("p", { class: "muted" }, "None yet."), h("p", { class: "muted" }, "Folder: ", h("code", {}, folder))),
    h("section", { class: "panel" }, h("h2", {}, "A role from a job ad"), h("p", {}, "Paste the ad and your resume as text. Nothing leaves this computer."), h("label", { for: "posting" }, "The job ad"), posting, h("label", { for: "resume" }, "Your resume (optional: without it you type your skills in the form)"), resume, h("div", { class: "row" }, make), out),
  );
}

// ---------------------------------------------------------------------------------------------

async function route() {
  Voice.stop();
  if (Live.current && !Live.current.ended) Live.current.close(); // leaving the page ends its session (saved)
  Mic.close();
  const path = decodeURIComponent(location.pathname);
  let m;
  try {
    if (path === "/") await homePage();
    else if (path === "/mic") await micPage();
    else if ((m = path.match(/^\/practice\/([a-z0-9-]+)$/))) await practicePage(m[1]);
    else if ((m = path.match(/^\/report\/(\d+)$/))) await reportPage(m[1]);
    else if (path === "/history") await historyPage();
    else if (path === "/drill") await drillPage();
    else if (path === "/scenarios") await scenariosPage(null);
    else if ((m = path.match(/^\/scenarios\/([a-z0-9-]+)$/))) await scenariosPage(m[1]);
    else page("Not found", h("p", {}, "No such page. ", h("a", { href: "/", "data-link": true }, "Home")));
  } catch (err) {
    page("Something went wrong", errorBox(err.message));
  }
}

route();
