/**
 * The sandbox page's client (a browser script in a String.raw template: no `${`, no backticks):
 * conversations (the channel, and the chosen persona's DM with relbot in its own pane), Block Kit
 * messages and modals, Slack-style confirmation dialogs for buttons with `confirm`, the persona's
 * "Try" list, and calls to the sandbox API, which signs every action as Slack would.
 */
export const APP_SCRIPT = String.raw`
const $ = (s) => document.querySelector(s);
let state = null, user = localStorage.getItem('relbot-user') || '', conv = 'channel', modalShownFor = null, modalErrors = {};
const seenDm = {};

/** A Slack-style confirmation dialog; resolves true on confirm, false on deny / Escape / outside click. */
function confirmDialog(c, style) {
  return new Promise((resolve) => {
    const wrap = $('#confirm-wrap'), box = $('#confirm');
    box.innerHTML = '<h3 id="confirm-title">' + emojify(esc(c.title?.text || 'Are you sure?')) + '</h3><div class="confirm-text">' + txt(c.text) + '</div>';
    const acts = document.createElement('div'); acts.className = 'modal-actions';
    const deny = document.createElement('button'); deny.className = 'btn'; deny.id = 'confirm-deny'; deny.textContent = c.deny?.text || 'Cancel';
    const ok = document.createElement('button'); ok.id = 'confirm-ok';
    ok.className = 'btn ' + (c.style === 'danger' || (!c.style && style === 'danger') ? 'danger' : 'primary'); ok.textContent = c.confirm?.text || 'Yes';
    acts.append(deny, ok); box.appendChild(acts);
    const done = (v) => { wrap.style.display = 'none'; document.removeEventListener('keydown', key); resolve(v); };
    const key = (e) => { if (e.key === 'Escape') done(false); };
    deny.onclick = () => done(false); ok.onclick = () => done(true);
    wrap.onclick = (e) => { if (e.target === wrap) done(false); };
    document.addEventListener('keydown', key);
    wrap.style.display = 'flex'; ok.focus();
  });
}
function button(el, msg) {
  const b = document.createElement('button');
  b.className = 'btn ' + (el.style || ''); b.innerHTML = emojify(esc(el.text?.text || 'Button'));
  b.dataset.action = el.action_id;
  b.onclick = async () => {
    if (el.confirm && !(await confirmDialog(el.confirm, el.style))) return;
    if (msg.home) await api('/sandbox/api/home-click', { user, actionId: el.action_id, value: el.value });
    else await api('/sandbox/api/click', { user, channel: msg.channel, ts: msg.ts, actionId: el.action_id, value: el.value });
  };
  return b;
}
function renderBlocks(blocks, msg) {
  const root = document.createElement('div');
  for (const b of blocks || []) {
    let el;
    if (b.type === 'header') { el = document.createElement('div'); el.className = 'blk-header'; el.innerHTML = txt(b.text); }
    else if (b.type === 'section') {
      el = document.createElement('div'); el.className = 'blk-section';
      const body = document.createElement('div'); body.className = 'blk-body';
      if (b.text) body.innerHTML = txt(b.text);
      if (b.fields) { const f = document.createElement('div'); f.className = 'fields'; f.innerHTML = b.fields.map((x) => '<div>' + txt(x) + '</div>').join(''); body.appendChild(f); }
      el.appendChild(body);
      if (b.accessory?.type === 'button') el.appendChild(button(b.accessory, msg));
    } else if (b.type === 'context') { el = document.createElement('div'); el.className = 'blk-context'; el.innerHTML = (b.elements || []).map((x) => x.type === 'image' ? '' : '<span>' + txt(x) + '</span>').join(''); }
    else if (b.type === 'divider') { el = document.createElement('hr'); el.className = 'blk-divider'; }
    else if (b.type === 'actions') { el = document.createElement('div'); el.className = 'blk-actions'; for (const x of b.elements || []) if (x.type === 'button') el.appendChild(button(x, msg)); }
    else { el = document.createElement('pre'); el.textContent = JSON.stringify(b, null, 1); }
    root.appendChild(el);
  }
  return root;
}
const fmtWhen = (ts) => {
  const d = new Date(Number(ts.split('.')[0]) * 1000), tz = state.tz || 'UTC';
  return new Intl.DateTimeFormat('en-US', { timeZone: tz, weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(d);
};
function renderNav() {
  const dms = state.messages.filter((m) => m.dm);
  const unread = conv === 'dm' ? 0 : dms.filter((m) => m.ts > (seenDm[user] || '')).length;
  if (conv === 'dm' && dms.length) seenDm[user] = dms.at(-1).ts;
  $('#nav-channel').classList.toggle('active', conv === 'channel');
  $('#nav-dm').classList.toggle('active', conv === 'dm');
  $('#nav-home').classList.toggle('active', conv === 'home');
  $('#dm-unread').textContent = unread ? String(unread) : '';
  $('#dm-unread').style.display = unread ? 'inline-block' : 'none';
  $('#conv-title').innerHTML = conv === 'home' ? 'relbot <span class="help">Home tab</span>' : conv === 'dm' ? '<span class="presence"></span>relbot <span class="help">direct message</span>' : '# ' + esc(state.channels[state.channel] || 'channel');
  $('#cmd').placeholder = conv === 'dm' ? 'Message relbot: a slash command, e.g. /shadow status' : 'Type a slash command: /schedule, /cherrypick list, /blockers, /shadow apply …';
  const p = state.personas.find((x) => x.id === user);
  $('#try').innerHTML = (p?.try || []).map((t) => '<li>' + esc(t).replace(/\x60([^\x60]+)\x60/g, (_, c) => '<code class="try-cmd" data-cmd="' + c + '" title="put it in the message box">' + c + '</code>') + '</li>').join('');
  for (const c of document.querySelectorAll('#try code.try-cmd')) c.onclick = () => { $('#cmd').value = c.dataset.cmd; $('#cmd').focus(); };
  $('#try-who').textContent = p ? p.role : '';
  $('#tz').textContent = state.tz;
}
function renderFeed() {
  const feed = $('#feed'), atBottom = feed.scrollTop + feed.clientHeight >= feed.scrollHeight - 30;
  const key = conv + ':' + user + ':' + (conv === 'home' ? (state.home?.hash || '') : '') + ':' + state.messages.length + ':' + state.messages.map((m) => m.edits).join('') + ':' + state.tz + ':' + state.now;
  if (renderFeed.key === key) return;
  const switched = !renderFeed.key || renderFeed.key.split(':').slice(0, 2).join(':') !== conv + ':' + user;
  renderFeed.key = key;
  feed.innerHTML = '';
  if (conv === 'home') {
    // The Home tab relbot published for this persona (views.publish), drawn like a message's blocks.
    if (state.home) { const div = document.createElement('div'); div.className = 'msg home'; div.appendChild(renderBlocks(state.home.view.blocks, { home: true })); feed.appendChild(div); }
    else feed.innerHTML = '<p class="help empty">relbot has not published a Home tab for you yet.</p>';
    return;
  }
  const shown = state.messages.filter((m) => conv === 'dm' ? m.dm : !m.dm);
  if (!shown.length) feed.innerHTML = '<p class="help empty">' + (conv === 'dm' ? 'No direct messages from relbot yet.' : 'Nothing here yet.') + '</p>';
  for (const m of shown) {
    const div = document.createElement('div');
    div.className = 'msg' + (m.ephemeralTo ? ' ephemeral' : '') + (m.dm ? ' dm' : '');
    div.dataset.ts = m.ts;
    const who = state.names[m.user] || 'relbot';
    div.innerHTML = '<div class="avatar' + (m.user === 'USLACKBOT' ? ' slackbot' : '') + '">' + esc(who[0].toUpperCase()) + '</div><div class="body"><div class="meta"><b>' + esc(who) + '</b><span class="app">APP</span> <span class="when">' + esc(fmtWhen(m.ts)) + '</span>' + (m.ephemeralTo ? '<span class="badge eph">Only visible to you</span>' : '') + (m.edits ? '<span class="badge edited">(edited)</span>' : '') + '</div></div>';
    const body = div.querySelector('.body');
    if (m.blocks && m.blocks.length) body.appendChild(renderBlocks(m.blocks, m)); else { const t = document.createElement('div'); t.className = 'text'; t.innerHTML = mrkdwn(m.text); body.appendChild(t); }
    // Files shared with files.completeUploadExternal: the image, served from the emulator by /sandbox/file.
    for (const f of m.files || []) {
      const fig = document.createElement('figure');
      fig.className = 'file';
      const src = '/sandbox/file?id=' + encodeURIComponent(f.id);
      fig.innerHTML = (String(f.mimetype).startsWith('image/') ? '<a href="' + src + '" target="_blank" rel="noopener"><img src="' + src + '" alt="' + esc(f.alt_txt || f.title) + '" loading="lazy"></a>' : '') + '<figcaption>' + esc(f.title || f.name) + '</figcaption>';
      body.appendChild(fig);
    }
    feed.appendChild(div);
  }
  if (atBottom || switched) feed.scrollTop = feed.scrollHeight;
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
  if (e.type === 'plain_text_input') { ctl = document.createElement(e.multiline ? 'textarea' : 'input'); if (!e.multiline) ctl.type = 'text'; ctl.value = e.initial_value || ''; if (e.max_length) ctl.maxLength = e.max_length; if (e.placeholder) ctl.placeholder = e.placeholder.text; }
  else if (e.type === 'number_input') { ctl = document.createElement('input'); ctl.type = 'number'; ctl.value = e.initial_value || ''; }
  else if (e.type === 'static_select' || e.type === 'multi_static_select') {
    ctl = document.createElement('select'); if (e.type === 'multi_static_select') ctl.multiple = true; else ctl.innerHTML = '<option value="">Select an option</option>';
    for (const o of opts) { const op = document.createElement('option'); op.value = o.value; op.textContent = o.text.text; ctl.appendChild(op); }
    const init = e.initial_option ? [e.initial_option] : (e.initial_options || []);
    for (const o of init) for (const op of ctl.options) if (op.value === o.value) op.selected = true;
  } else if (e.type === 'radio_buttons' || e.type === 'checkboxes') {
    ctl = document.createElement('div'); ctl.dataset.kind = e.type;
    const init = e.initial_option ? [e.initial_option.value] : (e.initial_options || []).map((o) => o.value);
    for (const o of opts) { const l = document.createElement('label'); l.className = 'opt'; l.innerHTML = '<input type="' + (e.type === 'radio_buttons' ? 'radio' : 'checkbox') + '" name="' + esc(id) + '" value="' + esc(o.value) + '"' + (init.includes(o.value) ? ' checked' : '') + '> ' + esc(o.text.text); ctl.appendChild(l); }
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
    f.classList.toggle('has-err', Boolean(modalErrors[f.dataset.block]));
    const e = modalErrors[f.dataset.block];
    if (e) f.insertAdjacentHTML('beforeend', '<div class="err">' + esc(e) + '</div>');
  }
}
function renderModal() {
  const v = state.view, wrap = $('#modal-wrap');
  if (!v) { wrap.style.display = 'none'; modalShownFor = null; return; }
  const key = v.id + ':' + JSON.stringify(v.view.blocks).length;
  if (modalShownFor === key) return;
  modalShownFor = key;
  const m = $('#modal'); m.innerHTML = '<h3>' + emojify(esc(v.view.title?.text)) + '</h3>';
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
  $('#status').textContent = path.endsWith('/clock') ? 'time passes…' : '…';
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
  if (!user || !state.personas.some((p) => p.id === user)) { user = state.personas[0].id; return refresh(); }
  who.value = user;
  $('#clock').textContent = state.now.replace('T', ' ').slice(0, 16) + ' UTC';
  renderNav(); renderFeed(); renderGithub(); renderModal();
}
const show = (c) => { conv = c; document.body.classList.remove('nav-open'); if (state) { renderNav(); renderFeed(); } };
$('#nav-channel').onclick = () => show('channel');
$('#nav-dm').onclick = () => show('dm');
// Opening the Home tab is Slack's app_home_opened event; relbot answers with views.publish.
$('#nav-home').onclick = async () => { show('home'); await api('/sandbox/api/home-open', { user }); };
$('#who').onchange = (e) => { user = e.target.value; localStorage.setItem('relbot-user', user); modalErrors = {}; if (conv === 'home') api('/sandbox/api/home-open', { user }); else refresh(); };
$('#composer').onsubmit = async (e) => {
  e.preventDefault(); const t = $('#cmd').value.trim(); if (!t) return; $('#cmd').value = '';
  await api('/sandbox/api/command', { user, text: t, channel: conv === 'dm' ? 'D' + user.slice(1) : state.channel });
};
for (const b of document.querySelectorAll('[data-advance]')) b.onclick = () => api('/sandbox/api/clock', { advance: b.dataset.advance });
refresh(); setInterval(refresh, 1500);
`;
