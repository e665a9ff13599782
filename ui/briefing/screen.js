// The big screen in the browser: shows one slide at a time, moves on by itself every `interval` seconds, pauses on a
// click or the space bar, moves with the arrow keys, and runs the clock. Python sends new figures on its own
// refresh; the slide on screen, its position and the pause survive them. When no figures have come for a while the
// screen says so quietly and keeps the last ones.
export default function (component) {
  const { data, parentElement } = component;
  let s = parentElement.__screen;
  if (!s || !parentElement.contains(s.box)) {
    const box = document.createElement("div");
    box.className = "screen";
    box.innerHTML = `<header><div class="place"></div><div class="when"><span class="date"></span>
      <span class="clock"></span></div></header><main class="stage"></main>
      <footer><span class="updated"></span><span class="banner"></span><span class="paused"></span>
      <span class="position"></span></footer>`;
    parentElement.appendChild(box);
    s = parentElement.__screen = { box, index: 0, paused: false, shownAt: Date.now(), name: null };
  }
  if (!s.data || s.data.servedAt !== data.servedAt) s.receivedAt = Date.now();  // the browser's clock, not the server's
  s.data = data;
  const q = (sel) => s.box.querySelector(sel);
  const slides = () => s.data.slides;

  function show(index) {
    const all = slides();
    if (!all.length) return;
    s.index = ((index % all.length) + all.length) % all.length;
    s.shownAt = Date.now();
    s.name = all[s.index].name;
    draw();
  }

  function draw() {
    const d = s.data, all = slides();
    s.box.dataset.theme = d.theme;
    q(".place").textContent = d.title;
    q(".updated").textContent = d.updated;
    q(".paused").textContent = s.paused ? d.words.paused : "";
    const stage = q(".stage");
    const slide = all[s.index];
    if (stage.dataset.html !== slide.html) {  // the same slide with the same figures is left alone: no flash
      stage.innerHTML = slide.html;
      stage.dataset.html = slide.html;
    }
    q(".position").textContent = `${s.index + 1}/${all.length}`;
  }

  function tick() {
    const d = s.data, now = new Date();
    q(".date").textContent = new Intl.DateTimeFormat(d.locale, { timeZone: d.zone, dateStyle: "full" }).format(now);
    q(".clock").textContent = new Intl.DateTimeFormat(d.locale, { timeZone: d.zone, hour: "2-digit",
      minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(now);
    const stale = d.offline || Date.now() - s.receivedAt > d.refreshMs * 2.5 + 5000;
    q(".banner").textContent = stale ? d.words.offline : "";
    if (!s.paused && Date.now() - s.shownAt >= d.intervalMs) show(s.index + 1);
  }

  function pause() {
    s.paused = !s.paused;
    if (!s.paused) s.shownAt = Date.now();  // a slide resumed gets its whole time again
    draw();
  }

  function key(event) {
    if (event.code === "Space") { event.preventDefault(); pause(); }
    else if (event.key === "ArrowRight" || event.key === "ArrowDown" || event.key === "PageDown") show(s.index + 1);
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp" || event.key === "PageUp") show(s.index - 1);
  }

  function click() { pause(); }

  // keep the slide on screen when the figures change; start at the first slide otherwise
  const again = s.name === null ? -1 : slides().findIndex((slide) => slide.name === s.name);
  if (again >= 0) { s.index = again; draw(); } else show(0);
  tick();
  if (!s.timer) {
    s.timer = setInterval(tick, 250);
    document.addEventListener("keydown", key);
    s.box.addEventListener("click", click);
    s.off = () => { document.removeEventListener("keydown", key); s.box.removeEventListener("click", click); };
  }
  return () => { clearInterval(s.timer); s.timer = null; s.off(); };
}
