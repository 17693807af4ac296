/**
 * The sandbox page: a small Slack-like client. It renders messages and modals from their Block
 * Kit JSON (header, section with mrkdwn and fields, context, divider, actions with buttons, and
 * the input elements relbot's modals use), and turns what a person does into calls to the sandbox
 * API, which signs them as Slack would.
 */
export function sandboxPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>relbot sandbox</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
:root{--fg:#1d1c1d;--muted:#616061;--line:#e2e2e2;--accent:#326ce5;--bg:#f8f8f8}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 -apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:#fff}
header{display:flex;gap:16px;align-items:center;padding:10px 16px;background:#350d36;color:#fff;flex-wrap:wrap}
header h1{font-size:16px;margin:0}header label{font-size:13px}header select,header button,header input{font:inherit}
#clock{font-family:ui-monospace,Menlo,monospace;background:#4a154b;padding:3px 8px;border-radius:4px}
main{display:grid;grid-template-columns:minmax(0,1fr) 360px;height:calc(100vh - 52px)}
#channel{display:flex;flex-direction:column;border-right:1px solid var(--line);min-height:0}
#feed{flex:1;overflow:auto;padding:12px 16px}
.msg{padding:8px 10px;border-radius:6px;margin-bottom:8px;border:1px solid transparent}
.msg:hover{background:var(--bg)}.msg .meta{font-size:12px;color:var(--muted);margin-bottom:2px}
.msg.ephemeral{background:#fff8e1;border-color:#f2d27a}.msg.dm{background:#eef4ff;border-color:#bcd0f7}
.badge{display:inline-block;font-size:11px;padding:0 6px;border-radius:8px;background:#eee;margin-left:6px}
.badge.eph{background:#f2d27a}.badge.dm{background:#bcd0f7}.badge.edited{background:#ddd}
.blk-header{font-size:17px;font-weight:700;margin:4px 0}.blk-section{margin:4px 0;display:flex;gap:8px;justify-content:space-between}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:4px 16px;margin-top:4px}.blk-context{font-size:12px;color:var(--muted);margin:4px 0}
.blk-divider{border:0;border-top:1px solid var(--line);margin:8px 0}.blk-actions{display:flex;gap:6px;flex-wrap:wrap;margin:6px 0}
button.btn{border:1px solid #bbb;background:#fff;border-radius:4px;padding:4px 12px;cursor:pointer;font:inherit}
button.btn.primary{background:#007a5a;color:#fff;border-color:#007a5a}button.btn.danger{background:#e01e5a;color:#fff;border-color:#e01e5a}
code{background:#f3f3f3;border:1px solid #e5e5e5;border-radius:3px;padding:0 3px;font-size:12px}pre{background:#f6f6f6;padding:8px;overflow:auto;border-radius:4px}
.emo{font-weight:700}.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}
#composer{display:flex;gap:8px;padding:10px 16px;border-top:1px solid var(--line)}
#composer input{flex:1;padding:8px;font:inherit;border:1px solid #bbb;border-radius:6px}
#side{overflow:auto;padding:12px}#side h2{font-size:14px;margin:8px 0}
.gh{font-family:ui-monospace,Menlo,monospace;font-size:12px;border-bottom:1px solid var(--line);padding:4px 0;word-break:break-all}
.gh .ok{color:#1a7f37}.gh .bad{color:#cf222e}
#modal-wrap{position:fixed;inset:0;background:rgba(0,0,0,.35);display:none;align-items:flex-start;justify-content:center;padding-top:6vh}
#modal{background:#fff;border-radius:8px;width:520px;max-height:84vh;overflow:auto;padding:16px 20px;box-shadow:0 8px 30px rgba(0,0,0,.3)}
#modal h3{margin:0 0 10px}.field{margin:10px 0}.field label.lbl{font-weight:600;display:block;margin-bottom:4px}
.field input[type=text],.field input[type=number],.field textarea,.field select{width:100%;padding:6px;font:inherit;border:1px solid #bbb;border-radius:4px}
.field .hint{font-size:12px;color:var(--muted)}.field .err{color:#e01e5a;font-size:12px}
.modal-actions{display:flex;justify-content:flex-end;gap:8px;margin-top:12px}
#status{font-size:12px;color:#ffd}
.help{font-size:12px;color:var(--muted)}
</style></head>
<body>
<header>
  <h1>relbot sandbox</h1>
  <label>You are <select id="who" aria-label="who you are"></select></label>
  <span>#release-management</span>
  <span>Sandbox time <span id="clock">…</span></span>
  <button class="btn" data-advance="PT1H">+1 hour</button>
  <button class="btn" data-advance="P1D">+1 day</button>
  <button class="btn" data-advance="P7D">+1 week</button>
  <span id="status" role="status"></span>
</header>
<main>
  <section id="channel">
    <div id="feed" aria-live="polite"></div>
    <form id="composer"><input id="cmd" autocomplete="off" placeholder="Type a slash command: /schedule, /cherrypick list, /blockers, /shadow apply …" aria-label="slash command"><button class="btn primary" type="submit">Send</button></form>
  </section>
  <aside id="side">
    <h2>GitHub calls relbot made</h2>
    <p class="help">Writes to the emulated GitHub (labels, comments). Reads: <span id="reads">0</span>.</p>
    <div id="github"></div>
    <h2>Try</h2>
    <ul class="help">
      <li><code>/schedule</code>, <code>/schedule 1.37</code>, <code>/schedule patches</code></li>
      <li><code>/cherrypick list</code>, then Approve a card as a release manager</li>
      <li><code>/blockers</code>, <code>/blockers sig node</code></li>
      <li><code>/shadow apply</code>, <code>/shadow review Docs</code></li>
    </ul>
  </aside>
</main>
<div id="modal-wrap"><div id="modal" role="dialog" aria-modal="true"></div></div>
<script>
const $ = (s) => document.querySelector(s);
let state = null, user = localStorage.getItem('relbot-user') || '', modalShownFor = null, modalErrors = {};
// Slack emoji names shown as symbols every font has (headless browsers often lack colour emoji).
const EMOJI = {warning:['⚠','#b7791f'],white_check_mark:['✔','#1a7f37'],heavy_check_mark:['✔','#1a7f37'],x:['✘','#cf222e'],no_entry:['⛔','#cf222e'],
  hourglass_flowing_sand:['⌛','#6e7781'],hourglass:['⌛','#6e7781'],calendar:['▦','#326ce5'],date:['▦','#326ce5'],spiral_calendar_pad:['▦','#326ce5'],rotating_light:['◉','#cf222e'],
  red_circle:['●','#cf222e'],large_green_circle:['●','#1a7f37'],large_yellow_circle:['●','#d4a72c'],white_circle:['○','#6e7781'],bell:['♪','#b7791f'],
  cherries:['❦','#cf222e'],clock3:['◷','#6e7781'],alarm_clock:['◷','#b7791f'],memo:['✎','#326ce5'],tada:['★','#b7791f'],information_source:['ℹ','#326ce5'],
  arrow_right:['→','#6e7781'],busts_in_silhouette:['☺','#326ce5'],mega:['➤','#326ce5'],loudspeaker:['➤','#326ce5'],zzz:['z','#6e7781'],fire:['▲','#cf222e'],
  new:['✚','#326ce5'],construction:['▲','#d4a72c'],lock:['■','#6e7781'],no_entry_sign:['⊘','#cf222e'],arrows_counterclockwise:['↻','#326ce5'],
  repeat:['↻','#326ce5'],pushpin:['▼','#cf222e'],label:['◆','#326ce5'],ice_cube:['❄','#326ce5'],snowflake:['❄','#326ce5'],rocket:['➚','#326ce5'],
  ship:['➚','#326ce5'],package:['▣','#b7791f'],email:['✉','#326ce5'],envelope:['✉','#326ce5'],mailbox_with_mail:['✉','#326ce5'],thumbsup:['✔','#1a7f37'],
  '+1':['✔','#1a7f37'],heavy_plus_sign:['+','#1a7f37'],heavy_minus_sign:['−','#cf222e'],small_red_triangle_down:['▼','#cf222e'],arrow_up:['↑','#1a7f37'],
  ballot_box_with_check:['☑','#1a7f37'],double_vertical_bar:['‖','#6e7781'],grey_question:['?','#6e7781'],leftwards_arrow_with_hook:['↩','#6e7781'],
  pencil2:['✎','#326ce5'],point_right:['☞','#326ce5'],scissors:['✂','#6e7781'],small_blue_diamond:['◆','#326ce5'],test_tube:['⚗','#326ce5']};
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
function mrkdwn(t) {
  // Slack mrkdwn: text arrives with &amp; &lt; &gt; already escaped; <...> are links/mentions.
  let s = String(t ?? '');
  const parts = [];
  s = s.replace(/<([^<>]+)>/g, (_, inner) => {
    let html;
    if (inner.startsWith('@')) html = '<span class="mention">@' + esc((state?.names || {})[inner.slice(1).split('|')[0]] || inner.slice(1)) + '</span>';
    else if (inner.startsWith('!date^')) { const [spec, fb] = inner.split('|'); const ts = Number(spec.split('^')[1]); html = '<span class="date">' + (ts ? esc(new Date(ts * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC') : esc(fb || '')) + '</span>'; }
    else if (inner.startsWith('!subteam^')) html = '<span class="mention">@' + esc(inner.split('|')[1] || 'group') + '</span>';
    else if (inner.startsWith('!')) html = '<span class="mention">@' + esc(inner.slice(1).split('|')[0]) + '</span>';
    else if (inner.startsWith('#')) html = '<span class="mention">#' + esc(inner.slice(1).split('|')[1] || inner.slice(1)) + '</span>';
    else { const [url, label] = inner.split('|'); html = '<a href="' + esc(url) + '" target="_blank" rel="noopener">' + (label ? label.replace(/</g,'&lt;') : esc(url)) + '</a>'; }
    parts.push(html); return '\\u0000' + (parts.length - 1) + '\\u0000';
  });
  s = s.replace(/</g, '&lt;').replace(/>(?![^\\u0000]*\\u0000)/g, (m) => m);
  s = s.replace(/\`\`\`([\\s\\S]*?)\`\`\`/g, (_, c) => '<pre>' + c + '</pre>');
  s = s.replace(/\`(?!\\u200b)([^\`\\n]+)\`/g, '<code>$1</code>');
  s = s.replace(/(^|[\\s(>])\\*(?!\\u200b)([^*\\n]+)\\*/g, '$1<b>$2</b>');
  s = s.replace(/(^|[\\s(>])_(?!\\u200b)([^_\\n]+)_/g, '$1<i>$2</i>');
  s = s.replace(/(^|[\\s(>])~(?!\\u200b)([^~\\n]+)~/g, '$1<s>$2</s>');
  s = s.replace(/:([a-z0-9_+-]+):/g, (m, n) => { const e = EMOJI[n]; return e ? '<span class="emo" style="color:' + e[1] + '" title=":' + n + ':">' + e[0] + '</span>' : m; });
  s = s.replace(/\\n/g, '<br>');
  return s.replace(/\\u0000(\\d+)\\u0000/g, (_, i) => parts[Number(i)]);
}
const txt = (o) => !o ? '' : o.type === 'mrkdwn' ? mrkdwn(o.text) : esc(o.text).replace(/\\n/g, '<br>');
function button(el, msg) {
  const b = document.createElement('button');
  b.className = 'btn ' + (el.style || ''); b.textContent = el.text?.text || 'Button';
  b.dataset.action = el.action_id;
  b.onclick = async () => {
    if (el.confirm && !confirm((el.confirm.title?.text || '') + '\\n' + (el.confirm.text?.text || ''))) return;
    await api('/sandbox/api/click', { user, channel: msg.channel, ts: msg.ts, actionId: el.action_id, value: el.value });
  };
  return b;
}
function renderBlocks(blocks, msg) {
  const root = document.createElement('div');
  for (const b of blocks || []) {
    let el;
    if (b.type === 'header') { el = document.createElement('div'); el.className = 'blk-header'; el.innerHTML = esc(b.text?.text); }
    else if (b.type === 'section') {
      el = document.createElement('div'); el.className = 'blk-section';
      const body = document.createElement('div');
      if (b.text) body.innerHTML = txt(b.text);
      if (b.fields) { const f = document.createElement('div'); f.className = 'fields'; f.innerHTML = b.fields.map((x) => '<div>' + txt(x) + '</div>').join(''); body.appendChild(f); }
      el.appendChild(body);
      if (b.accessory?.type === 'button') el.appendChild(button(b.accessory, msg));
    } else if (b.type === 'context') { el = document.createElement('div'); el.className = 'blk-context'; el.innerHTML = (b.elements || []).map((x) => x.type === 'image' ? '' : txt(x)).join(' · '); }
    else if (b.type === 'divider') { el = document.createElement('hr'); el.className = 'blk-divider'; }
    else if (b.type === 'actions') { el = document.createElement('div'); el.className = 'blk-actions'; for (const x of b.elements || []) if (x.type === 'button') el.appendChild(button(x, msg)); }
    else { el = document.createElement('pre'); el.textContent = JSON.stringify(b, null, 1); }
    root.appendChild(el);
  }
  return root;
}
function renderFeed() {
  const feed = $('#feed'), atBottom = feed.scrollTop + feed.clientHeight >= feed.scrollHeight - 30;
  feed.innerHTML = '';
  for (const m of state.messages) {
    const div = document.createElement('div');
    div.className = 'msg' + (m.ephemeralTo ? ' ephemeral' : '') + (m.dm ? ' dm' : '');
    div.dataset.ts = m.ts;
    const when = new Date(Number(m.ts.split('.')[0]) * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
    div.innerHTML = '<div class="meta"><b>' + esc(state.names[m.user] || 'relbot') + '</b> ' + when + (m.ephemeralTo ? '<span class="badge eph">Only visible to you</span>' : '') + (m.dm ? '<span class="badge dm">Direct message</span>' : '') + (m.edits ? '<span class="badge edited">edited</span>' : '') + '</div>';
    if (m.blocks && m.blocks.length) div.appendChild(renderBlocks(m.blocks, m)); else { const t = document.createElement('div'); t.innerHTML = mrkdwn(m.text); div.appendChild(t); }
    feed.appendChild(div);
  }
  if (atBottom || !renderFeed.scrolled) { feed.scrollTop = feed.scrollHeight; renderFeed.scrolled = true; }
}
function renderGithub() {
  $('#reads').textContent = state.githubReads;
  $('#github').innerHTML = state.github.slice().reverse().map((c) => '<div class="gh"><span class="' + (c.status < 300 ? 'ok' : 'bad') + '">' + esc(c.method) + ' ' + c.status + '</span> ' + esc(c.path) + (c.body ? '<br>' + esc(JSON.stringify(c.body)).slice(0, 300) : '') + '</div>').join('') || '<p class="help">None yet.</p>';
}
function inputEl(b) {
  const e = b.element, id = b.block_id, wrap = document.createElement('div');
  wrap.className = 'field'; wrap.dataset.block = id;
  wrap.innerHTML = '<label class="lbl">' + esc(b.label?.text) + (b.optional ? ' <span class="help">(optional)</span>' : '') + '</label>';
  let ctl;
  const opts = (e.options || []);
  if (e.type === 'plain_text_input') { ctl = document.createElement(e.multiline ? 'textarea' : 'input'); if (!e.multiline) ctl.type = 'text'; ctl.value = e.initial_value || ''; if (e.max_length) ctl.maxLength = e.max_length; }
  else if (e.type === 'number_input') { ctl = document.createElement('input'); ctl.type = 'number'; ctl.value = e.initial_value || ''; }
  else if (e.type === 'static_select' || e.type === 'multi_static_select') {
    ctl = document.createElement('select'); if (e.type === 'multi_static_select') ctl.multiple = true; else ctl.innerHTML = '<option value="">—</option>';
    for (const o of opts) { const op = document.createElement('option'); op.value = o.value; op.textContent = o.text.text; ctl.appendChild(op); }
    const init = e.initial_option ? [e.initial_option] : (e.initial_options || []);
    for (const o of init) for (const op of ctl.options) if (op.value === o.value) op.selected = true;
  } else if (e.type === 'radio_buttons' || e.type === 'checkboxes') {
    ctl = document.createElement('div'); ctl.dataset.kind = e.type;
    const init = e.initial_option ? [e.initial_option.value] : (e.initial_options || []).map((o) => o.value);
    for (const o of opts) { const l = document.createElement('label'); l.style.display = 'block'; l.innerHTML = '<input type="' + (e.type === 'radio_buttons' ? 'radio' : 'checkbox') + '" name="' + esc(id) + '" value="' + esc(o.value) + '"' + (init.includes(o.value) ? ' checked' : '') + '> ' + esc(o.text.text); ctl.appendChild(l); }
  } else { ctl = document.createElement('input'); ctl.type = 'text'; }
  ctl.classList.add('ctl'); ctl.setAttribute('aria-label', b.label?.text || id);
  wrap.appendChild(ctl);
  if (b.hint) wrap.insertAdjacentHTML('beforeend', '<div class="hint">' + esc(b.hint.text) + '</div>');
  if (modalErrors[id]) wrap.insertAdjacentHTML('beforeend', '<div class="err">' + esc(modalErrors[id]) + '</div>');
  return wrap;
}
function readModal() {
  const values = {};
  for (const f of document.querySelectorAll('#modal .field')) {
    const c = f.querySelector('.ctl'), id = f.dataset.block;
    if (c.tagName === 'SELECT') values[id] = c.multiple ? [...c.selectedOptions].map((o) => o.value) : (c.value || undefined);
    else if (c.dataset.kind === 'checkboxes') values[id] = [...c.querySelectorAll('input:checked')].map((i) => i.value);
    else if (c.dataset.kind === 'radio_buttons') values[id] = c.querySelector('input:checked')?.value;
    else values[id] = c.value === '' ? undefined : c.value;
  }
  return values;
}
// Field errors change only the errors: what the person typed stays, as in Slack.
function showErrors() {
  for (const f of document.querySelectorAll('#modal .field')) {
    f.querySelector('.err')?.remove();
    const e = modalErrors[f.dataset.block];
    if (e) f.insertAdjacentHTML('beforeend', '<div class="err">' + esc(e) + '</div>');
  }
}
function renderModal() {
  const v = state.view, wrap = $('#modal-wrap');
  if (!v) { wrap.style.display = 'none'; modalShownFor = null; return; }
  const key = v.id + ':' + JSON.stringify(v.view.blocks).length;
  if (modalShownFor === key && !renderModal.force) return;
  renderModal.force = false; modalShownFor = key;
  const m = $('#modal'); m.innerHTML = '<h3>' + esc(v.view.title?.text) + '</h3>';
  for (const b of v.view.blocks || []) m.appendChild(b.type === 'input' ? inputEl(b) : renderBlocks([b], {}));
  const acts = document.createElement('div'); acts.className = 'modal-actions';
  const close = document.createElement('button'); close.className = 'btn'; close.textContent = v.view.close?.text || 'Cancel';
  close.onclick = async () => { modalErrors = {}; await api('/sandbox/api/close-view', { viewId: v.id }); };
  acts.appendChild(close);
  if (v.view.submit) { const s = document.createElement('button'); s.className = 'btn primary'; s.textContent = v.view.submit.text; s.id = 'modal-submit';
    s.onclick = async () => { const r = await api('/sandbox/api/submit', { user, viewId: v.id, values: readModal() }); modalErrors = (r?.body && r.body.response_action === 'errors') ? r.body.errors : {}; showErrors(); };
    acts.appendChild(s); }
  m.appendChild(acts); wrap.style.display = 'flex';
}
async function api(path, body) {
  $('#status').textContent = '…';
  const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const out = await r.json().catch(() => ({}));
  $('#status').textContent = r.ok ? '' : (out.error || 'error');
  await refresh();
  return out;
}
async function refresh() {
  const r = await fetch('/sandbox/api/state?user=' + encodeURIComponent(user));
  state = await r.json();
  const who = $('#who');
  if (!who.options.length) { for (const p of state.personas) { const o = document.createElement('option'); o.value = p.id; o.textContent = p.name + ' — ' + p.role; who.appendChild(o); } }
  if (!user) user = state.personas[0].id;
  who.value = user;
  $('#clock').textContent = state.now.replace('T', ' ').slice(0, 16) + ' UTC';
  renderFeed(); renderGithub(); renderModal();
}
$('#who').onchange = (e) => { user = e.target.value; localStorage.setItem('relbot-user', user); modalErrors = {}; refresh(); };
$('#composer').onsubmit = async (e) => { e.preventDefault(); const t = $('#cmd').value.trim(); if (!t) return; $('#cmd').value = ''; await api('/sandbox/api/command', { user, text: t }); };
for (const b of document.querySelectorAll('[data-advance]')) b.onclick = () => api('/sandbox/api/clock', { advance: b.dataset.advance });
refresh(); setInterval(refresh, 1500);
</script>
</body></html>`;
}
