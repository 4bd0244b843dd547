// comply in the browser: Pyodide runs comply's own Python; the metrics file is written into
// Pyodide's in-memory file system and checked there. Nothing is sent anywhere: the page's
// Content Security Policy allows connections to its own origin only, and any attempt to break
// it is recorded in #violations (the browser test reads it).
import { loadPyodide } from "./pyodide/pyodide.mjs";

const $ = (id) => document.getElementById(id);
const status = $("status");
const violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  violations.push(`${event.violatedDirective} ${event.blockedURI}`);
  $("violations").textContent = JSON.stringify(violations);
});

let python = null;
let chosen = null; // {name, bytes}
let loaded = null; // seconds from the page opening to comply ready

async function start() {
  const manifest = await (await fetch("wheels.json")).json();
  python = await loadPyodide({ indexURL: new URL("./pyodide/", location.href).href });
  await python.loadPackage(new URL(`./wheels/${manifest.micropip}`, location.href).href);
  const micropip = python.pyimport("micropip");
  const urls = manifest.wheels.map((name) => new URL(`./wheels/${name}`, location.href).href);
  await micropip.install.callKwargs(urls, { deps: false }); // every wheel is here: nothing is fetched elsewhere
  python.runPython("from compliance import api\nimport json");
  for (const name of JSON.parse(python.runPython("json.dumps(api.packs())"))) {
    $("pack").add(new Option(name, name));
  }
  loaded = performance.now() / 1000;
  status.textContent = `Ready (comply loaded in ${loaded.toFixed(1)} s). Choose a metrics file.`;
  $("check").disabled = chosen === null;
  const wanted = new URLSearchParams(location.search).get("check"); // the browser test's way in
  if (wanted) {
    const response = await fetch(new URL(wanted, location.href));
    choose(wanted.split("/").pop(), new Uint8Array(await response.arrayBuffer()));
    await check();
  }
}

function choose(name, bytes) {
  chosen = { name, bytes };
  status.textContent = `${name}: ready to check.`;
  $("check").disabled = python === null;
}

async function check() {
  if (!python || !chosen) return;
  const began = performance.now();
  const path = `/home/pyodide/${chosen.name.replace(/[^A-Za-z0-9._-]/g, "_")}`;
  python.FS.writeFile(path, chosen.bytes);
  python.globals.set("metrics_path", path);
  python.globals.set("pack_choice", $("pack").value || null);
  const outcome = JSON.parse(python.runPython(`
checked = api.check([metrics_path], pack=pack_choice)
json.dumps({
    "status": checked.status,
    "problems": [str(problem) for problem in checked.problems],
    "authorities": [doc["authority"] for doc in checked.documents],
    "judgements": [[doc["authority"], j["id"], j["label"]] for doc in checked.documents for j in doc["judgements"]],
    "html": api.render(checked.documents, "html") if checked.documents else "",
})`));
  const problems = $("problems");
  problems.replaceChildren(...outcome.problems.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
  problems.hidden = outcome.problems.length === 0;
  const report = $("report");
  report.hidden = !outcome.html;
  report.srcdoc = outcome.html;
  $("saves").hidden = !outcome.html;
  status.textContent = outcome.problems.length
    ? `${chosen.name} could not be checked: ${outcome.problems.length} problem(s), listed below.`
    : `${chosen.name}: checked (exit status ${outcome.status}).`;
  const summary = { ...outcome, seconds: { loaded, checked: (performance.now() - began) / 1000 } };
  delete summary.html;
  $("summary").textContent = JSON.stringify(summary);
}

function save(format) {
  const output = python.runPython(`
rendered = api.render(checked.documents, ${JSON.stringify(format)})
rendered if isinstance(rendered, str) else rendered.hex()`);
  const bytes = format === "xlsx" ? Uint8Array.from(output.match(/../g), (pair) => parseInt(pair, 16)) : output;
  const type = { html: "text/html", xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", csv: "text/csv" }[format];
  const link = Object.assign(document.createElement("a"), {
    href: URL.createObjectURL(new Blob([bytes], { type })),
    download: `${chosen.name.replace(/\.[^.]*$/, "")}.${format}`,
  });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

$("file").addEventListener("change", async (event) => {
  const [file] = event.target.files;
  if (file) choose(file.name, new Uint8Array(await file.arrayBuffer()));
});
const drop = $("drop");
drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", async (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  const [file] = event.dataTransfer.files;
  if (file) { choose(file.name, new Uint8Array(await file.arrayBuffer())); await check(); }
});
$("check").addEventListener("click", check);
for (const button of document.querySelectorAll("#saves button")) {
  button.addEventListener("click", () => save(button.dataset.format));
}
start().catch((error) => { status.textContent = `comply could not start: ${error}`; });
