// The redmx dashboard: polls the node's read-only JSON API and draws it.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const short = (s, n = 10) => (s && s.length > n + 2 ? s.slice(0, n) + "…" : s || "");
  const gib = (b) => (b / 1073741824).toFixed(1) + " GiB";
  const ago = (ms) => (ms < 1000 ? ms + " ms" : (ms / 1000).toFixed(1) + " s") + " ago";
  const date = (s) => (s ? new Date(Number(s) * 1000).toISOString().replace("T", " ").slice(0, 16) : "–");
  // A validator's on-chain liveness review: missed/window, flagged or not.
  const liveness = (l) => !l ? "<td>–</td>" : !Number(l.window) ? "<td>off</td>" :
    `<td class="${l.flagged ? "warn" : ""}">${esc(l.missed)}/${esc(l.window)}${l.flagged ? " · flagged since block " + esc(l.since) : ""}</td>`;
  let snap = null, gov = null, selected = null;

  // Tabs.
  document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => {
    document.querySelectorAll("#tabs button").forEach((x) => x.classList.toggle("active", x === b));
    document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t.id === "tab-" + b.dataset.tab));
    location.hash = b.dataset.tab;
  }));
  const initial = location.hash.slice(1);
  if (initial) { const b = document.querySelector(`#tabs button[data-tab="${CSS.escape(initial)}"]`); if (b) b.click(); }

  async function get(path) {
    const r = await fetch(path, { cache: "no-store" });
    if (!r.ok) throw new Error(path + ": " + r.status);
    return r.json();
  }

  // Charts: a line of block intervals and bars of transactions per block.
  function line(svg, values) {
    if (values.length < 2) { svg.innerHTML = ""; return; }
    const max = Math.max(...values, 0.001), w = 300, h = 80;
    const pts = values.map((v, i) => `${(i / (values.length - 1)) * w},${h - (v / max) * (h - 4)}`).join(" ");
    svg.innerHTML = `<polyline points="${pts}"></polyline>`;
  }
  function bars(svg, values) {
    const max = Math.max(...values, 1), w = 300, h = 80, bw = w / Math.max(values.length, 1);
    svg.innerHTML = values.map((v, i) => `<rect x="${i * bw}" y="${h - (v / max) * h}" width="${Math.max(bw - 0.3, 0.3)}" height="${(v / max) * h}"></rect>`).join("");
  }

  function drawAlerts(alerts) {
    $("alerts").innerHTML = (alerts || []).map((a) => `<div class="alert ${esc(a.level)}" data-kind="${esc(a.kind)}">${esc(a.text)}</div>`).join("");
  }

  function drawNetwork(s) {
    const n = s.network;
    $("height").textContent = n.height;
    $("chain").textContent = s.self.chain_id + " · chain id " + s.self.evm_chain_id;
    $("served-by").textContent = "served by " + (s.self.moniker || short(s.self.node_id));
    const h = $("halted");
    h.textContent = n.halted ? "halted" : "producing blocks";
    h.className = "pill " + (n.halted ? "bad" : "ok");
    const pts = n.chart || [];
    const iv = pts.map((p) => p.interval_ms / 1000);
    line($("chart-interval"), iv);
    bars($("chart-txs"), pts.map((p) => p.txs / p.blocks));
    const txs = pts.reduce((a, p) => a + p.txs, 0);
    const span = pts.length ? pts.reduce((a, p) => a + p.interval_ms * p.blocks, 0) / 1000 : 0;
    const avg = n.chart_blocks ? span / n.chart_blocks : 0;
    $("interval-note").textContent = `${n.chart_blocks} blocks in the last hour, mean ${avg.toFixed(2)} s` + (pts.length && pts[0].blocks > 1 ? `, ${pts[0].blocks} blocks a point` : "");
    $("txs-note").textContent = `${txs} transactions, ${(n.chart_blocks ? txs / n.chart_blocks : 0).toFixed(2)} a block`;
    $("power").textContent = `online power ${n.online_power} of ${n.total_power}`;
    $("validators").tBodies[0].innerHTML = n.validators.map((v) => {
      const cls = v.missed > 0 ? "warn" : "ok";
      return `<tr data-address="${esc(v.address)}"><td title="${esc(v.address)}">${esc(v.moniker || short(v.address))}</td><td>${esc(v.collective || "–")}</td><td>${v.power}</td>` +
        `<td class="missed ${cls}" data-missed="${v.missed}">${v.missed} / ${v.expected}</td><td>${v.last_signed || "–"}</td><td>${v.proposed}</td></tr>`;
    }).join("");
    $("window-note").dataset.first = n.first_commit;
    $("window-note").dataset.last = n.last_commit;
    $("window-note").textContent = n.miss_window ? `missed signatures over the last ${n.miss_window} commits (blocks ${n.first_commit}–${n.last_commit}), from each block's last commit` : "";
    const names = {};
    n.validators.forEach((v) => { names[v.address] = v.moniker || short(v.address, 6); });
    $("rotation").innerHTML = n.rotation.map((p) => `<span title="${esc(p)}">${esc(names[p] || short(p, 6))}</span>`).join("");
    $("evidence").innerHTML = n.evidence && n.evidence.length
      ? n.evidence.map((e) => `<div class="item bad">${esc(e.kind)} at height ${e.height} (in block ${e.block}): ${esc(e.validators.map((a) => names[a] || a).join(", "))}</div>`).join("")
      : "none seen in the last blocks";
  }

  function drawNodes(s) {
    $("nodes").tBodies[0].innerHTML = s.nodes.map((n) => {
      const st = n.status, r = st ? st.report : null, res = r ? r.resources : null;
      const resText = res ? `${res.cpus} CPU · <span class="${n.low_memory ? "bad" : ""}">${gib(res.mem_total)}</span> · <span class="${n.low_disk ? "bad" : ""}">${gib(res.disk_free)}</span>` : "–";
      const role = n.role || (n.validator && n.power ? "validator" : "–");
      return `<tr class="clickable" data-node-id="${esc(n.node_id)}" data-state="${esc(n.state)}"><td title="${esc(n.node_id)}">${esc(n.moniker || short(n.node_id))}${n.self ? " <span class=\"muted\">(this node)</span>" : ""}</td>` +
        `<td><span class="pill state-${esc(n.state)}" title="${esc(n.reason || "")}">${esc(n.state)}</span>${n.reason ? `<div class="muted reason">${esc(n.reason)}</div>` : ""}</td><td>${esc(role)}${n.gov_status && n.gov_status !== "admitted" ? " · " + esc(n.gov_status) : ""}</td><td>${esc(n.collective || "–")}</td>` +
        `<td>${r ? r.height : "–"}</td><td>${r ? r.peers : "–"}</td><td title="${esc(r ? r.version : "")}">${esc(r ? short(r.version, 18) : "–")}</td>` +
        `<td>${st ? st.uptime_pc.toFixed(1) + " %" : "–"}</td><td>${resText}</td><td>${st ? ago(st.age_ms) : "never"}</td></tr>`;
    }).join("");
    document.querySelectorAll("#nodes tbody tr").forEach((tr) => tr.addEventListener("click", () => { selected = tr.dataset.nodeId; drawReport(); }));
    drawReport();
  }
  function drawReport() {
    if (!snap) return;
    const n = snap.nodes.find((x) => x.node_id === selected) || snap.nodes.find((x) => x.self);
    if (!n) return;
    $("report").textContent = (n.moniker || n.node_id) + "\n" + (n.reason ? n.reason + "\n" : "") + JSON.stringify(n.status || { state: n.state, note: "no report received" }, null, 2);
  }

  function table(id, rows) { $(id).tBodies[0].innerHTML = rows.join("") || `<tr><td class="muted" colspan="9">none</td></tr>`; }
  function drawGovernance(g) {
    $("gov-block").textContent = "read at block " + g.block + (g.errors && g.errors.length ? " · errors: " + g.errors.join("; ") : "");
    table("collectives", (g.collectives || []).map((c) => `<tr><td>${esc(c.name)}</td><td>${c.formed ? "yes" : "no"}</td><td>${c.members}</td><td>${c.nodes}</td><td class="${c.validators === 1 ? "warn" : ""}">${c.validators}</td></tr>`));
    const seats = [];
    (g.seats || []).forEach((s) => (s.holders || []).forEach((h, i) => seats.push(`<tr><td>${esc(s.role)}</td><td>${esc(s.collective || "network")}</td><td>record ${h}</td><td>${date(s.termEnds[i])}</td><td class="${s.holdingOver[i] ? "warn" : ""}">${s.holdingOver[i] ? "holding over" : "no"}</td></tr>`)));
    table("seats", seats);
    table("gov-nodes", (g.nodes || []).map((n) => `<tr><td class="mono" title="${esc(n.node_id)}">${esc(short(n.node_id, 12))}</td><td>${esc(n.collective)}</td><td>${esc(n.role)}</td><td>${esc(n.status)}</td><td>${n.record.power ?? "–"}</td>${liveness(n.liveness)}</tr>`));
    $("applications").innerHTML = (g.applications || []).map((a) => `<div class="item">#${a.id} ${esc(a.kindName)} · ${esc(a.statusName)} · collective ${esc(a.collective || "network")} · by <span class="mono">${esc(a.applicant)}</span> · submitted ${date(a.submitted)} · ${a.approvals} approvals, ${a.rejections} rejections` +
      (a.kindName === "node" ? ` · node <span class="mono">${esc(short(a.nodeId, 14))}</span> as ${esc(a.roleName)}` : "") +
      (a.advisory ? ` · CV ${esc(a.advisory.cvURI)} <span class="mono">${esc(short(a.advisory.cvCommitment, 14))}</span>${a.advisory.renewal ? " · renewal" : ""}` : "") + "</div>").join("") || "none";
    $("meetings").innerHTML = (g.meetings || []).map((m) => `<div class="item"><b>Meeting #${m.id}</b> ${esc(m.kindName)} · ${date(m.start)} – ${date(m.end)} · ${esc(m.place)} · present: ${(m.present || []).length ? (m.present || []).map((p) => "record " + p).join(", ") : "none recorded"}` +
      (m.motions || []).map((mo) => `<div>motion #${mo.id} ${esc(mo.kindName)} · ${esc(mo.statusName)} · yes ${(mo.yes || []).length}, no ${(mo.no || []).length}</div>`).join("") + "</div>").join("") || "none";
    table("capital", (g.capital || []).map((c) => {
      const pc = c.gasPerEpoch ? Math.min(100, (100 * c.used) / c.gasPerEpoch) : 0;
      return `<tr><td>#${c.recordId} ${esc(c.project ? "project " + c.project : c.record ? c.record.kindName : "")}</td><td>${esc(c.collective)}</td><td>${c.gasPerEpoch}</td><td>${c.used}</td><td>${c.remaining}</td><td><span class="bar"><i style="width:${pc.toFixed(0)}%"></i></span> ${pc.toFixed(1)} %</td></tr>`;
    }));
    $("projects").innerHTML = (g.projects || []).map((p) => `<div class="item">#${p.id} ${esc(p.name)} · ${esc(p.collective)} · ${esc(p.statusName)} · ${p.accounts} accounts</div>`).join("") || "none";
    const names = (g.upgrades && g.upgrades.names) || [], hs = (g.upgrades && g.upgrades.heights) || [];
    const known = (snap && snap.self.upgrades) || [];
    $("upgrades").innerHTML = names.map((n, i) => `<div class="item">${esc(n)} at block ${hs[i]} · ${known.includes(n) ? '<span class="ok">this binary knows it</span>' : '<span class="bad">this binary does not know it</span>'}</div>`).join("") || "none scheduled";
  }

  // Explorer.
  $("search").addEventListener("submit", async (e) => {
    e.preventDefault();
    const q = $("q").value.trim();
    try { drawResult(await get("api/search?q=" + encodeURIComponent(q))); } catch (err) { $("result").textContent = String(err); }
  });
  function dl(obj) { return "<dl>" + Object.entries(obj).map(([k, v]) => `<dt>${esc(k)}</dt><dd class="mono">${esc(typeof v === "object" ? JSON.stringify(v) : v)}</dd>`).join("") + "</dl>"; }
  function events(evs) { return (evs || []).length ? "<h2>Governance events</h2>" + evs.map((e) => `<div class="item mono">${esc(e.text)}</div>`).join("") : ""; }
  function drawResult(r) {
    const out = $("result");
    out.dataset.kind = r.kind;
    if (r.error) { out.innerHTML = `<p class="warn">${esc(r.error)}</p>`; return; }
    if (r.block) {
      const b = r.block;
      out.innerHTML = `<h2>Block ${b.number}</h2>` + dl({ hash: b.hash, time: new Date(b.time * 1000).toISOString(), transactions: b.tx_count, "gas used": b.gas_used, proposer: b.coinbase }) +
        (b.txs || []).map((h) => `<div class="mono"><a href="#" data-q="${esc(h)}">${esc(h)}</a></div>`).join("") + events(b.events);
    } else if (r.tx) {
      const t = r.tx;
      out.innerHTML = `<h2>Transaction</h2>` + dl({ hash: t.hash, block: t.pending ? "pending" : t.block, from: t.from, to: t.to || "(contract creation)", method: t.method || "", value: t.value, nonce: t.nonce, status: t.pending ? "pending" : (t.status ? "success" : "failed"), "gas used": t.gas_used }) + events(t.events);
    } else if (r.account) {
      const a = r.account;
      out.innerHTML = `<h2>Address</h2>` + dl({ address: a.address, "at block": a.block, balance: a.balance, nonce: a.nonce, "code size": a.code_size });
    }
    out.querySelectorAll("a[data-q]").forEach((a) => a.addEventListener("click", (e) => { e.preventDefault(); $("q").value = a.dataset.q; $("search").requestSubmit(); }));
  }

  async function poll() {
    try {
      snap = await get("api/snapshot");
      if (snap.network) { drawAlerts(snap.alerts); drawNetwork(snap); drawNodes(snap); }
      $("updated").textContent = "Last update " + new Date().toLocaleTimeString();
    } catch (err) {
      $("updated").textContent = "Cannot reach the node: " + err.message;
      $("halted").textContent = "node unreachable"; $("halted").className = "pill bad";
    }
  }
  async function pollGov() {
    try { gov = await get("api/governance"); if (gov.block !== undefined) drawGovernance(gov); } catch (_) { /* next time */ }
  }
  poll(); pollGov();
  setInterval(poll, 1500);
  setInterval(pollGov, 5000);
})();
