// The status page (/ops/status): polls /ops/status.json and shows the live figures and
// charts of the samples the server kept (README "Operations").
import uPlot from "/webjars/uplot/1.6.30/dist/uPlot.esm.js";

const FIGURES = [
  ["connections", "Connections open"],
  ["documents", "Documents open"],
  ["operationsApplied", "Operations applied"],
  ["operationsRefused", "Operations refused"],
  ["rateLimitedMessages", "Rate-limited messages"],
  ["handshakesRefused", "Handshakes refused"],
  ["revisionsWaitingForCommit", "Revisions waiting for commit"],
  ["framesQueued", "Frames queued"],
  ["databaseErrors", "Database errors"],
  ["serverErrors", "Server errors"],
  ["heapUsedBytes", "Heap used"],
  ["threads", "Threads"],
];

const CHARTS = {
  activity: [
    ["connections", "connections", "#1f4e8c"],
    ["documents", "documents", "#1a7f37"],
    ["opsPerSecond", "ops/s", "#8a5a00"],
  ],
  latency: [
    ["ackP50Ms", "ack p50", "#1f4e8c"],
    ["ackP99Ms", "ack p99", "#a40e26"],
    ["commitP99Ms", "commit p99", "#57606a"],
  ],
  queues: [
    ["revisionsWaitingForCommit", "revisions waiting for commit", "#8a5a00"],
    ["framesQueued", "frames queued", "#1f4e8c"],
  ],
};

const charts = {};

function formatted(name, value) {
  if (name === "heapUsedBytes") {
    return (value / (1024 * 1024)).toFixed(0) + " MiB";
  }
  return Number(value).toLocaleString("en");
}

function showFigures(now) {
  const list = document.getElementById("figures");
  list.replaceChildren();
  for (const [name, label] of FIGURES) {
    const item = document.createElement("div");
    const term = document.createElement("dt");
    const value = document.createElement("dd");
    term.textContent = label;
    value.textContent = name in now ? formatted(name, now[name]) : "–";
    value.dataset.figure = name;
    item.append(term, value);
    list.append(item);
  }
}

function showAbout(about) {
  document.getElementById("about").textContent =
    `Concord ${about.version} on ${about.server}; ${about.store} (${about.durable === "true" ? "durable" : "NOT durable"});`
    + ` up ${Math.round(Number(about.uptimeSeconds) / 60)} min`;
}

function chartData(samples, series) {
  return [samples.time, ...series.map(([key]) => samples[key])];
}

function showChart(id, samples) {
  const series = CHARTS[id];
  const data = chartData(samples, series);
  const element = document.getElementById(id);
  const width = Math.max(280, element.clientWidth);
  if (!charts[id]) {
    charts[id] = new uPlot({
      width,
      height: 220,
      series: [{}, ...series.map(([, label, stroke]) => ({ label, stroke, width: 2, spanGaps: false }))],
      axes: [{}, { size: 60 }],
    }, data, element);
  } else {
    charts[id].setSize({ width, height: 220 });
    charts[id].setData(data);
  }
}

async function refresh() {
  const failure = document.getElementById("failure");
  let next = 5;
  try {
    const response = await fetch("/ops/status.json", { cache: "no-store" });
    if (!response.ok) {
      throw new Error(`the server answered ${response.status}`);
    }
    const status = await response.json();
    next = status.interval;
    showAbout(status.about);
    showFigures(status.now);
    for (const id of Object.keys(CHARTS)) {
      showChart(id, status.samples);
    }
    document.getElementById("updated").textContent = `Updated ${new Date().toLocaleTimeString()}`;
    failure.hidden = true;
  } catch (e) {
    failure.textContent = `Cannot read the status: ${e.message}. Trying again.`;
    failure.hidden = false;
  }
  setTimeout(refresh, next * 1000);
}

refresh();
