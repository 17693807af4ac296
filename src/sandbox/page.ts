import { EMOJI } from './emoji';
import { APP_SCRIPT } from './page-app';
import { RENDER_SCRIPT } from './page-render';

/** The page's icon: relbot's blue with a white helm-like "r" (served at /favicon.ico as SVG). */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#326ce5"/>' +
  '<circle cx="16" cy="16" r="9" fill="none" stroke="#fff" stroke-width="2.5"/><path d="M13 22v-12h4.5a3.5 3.5 0 0 1 0 7H13m4 0 4 5" fill="none" stroke="#fff" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"/></svg>';

/**
 * The sandbox page: a small Slack-like client. Conversations on the left (the channel and the
 * persona's DM with relbot), the open one in the middle, the GitHub calls relbot made on the
 * right (below the conversation when the window is narrow). It renders messages and modals from
 * their Block Kit JSON (page-render.ts) and turns what a person does into calls to the sandbox API
 * (page-app.ts), which signs them as Slack would.
 */
export function sandboxPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>relbot sandbox</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/svg+xml" href="/favicon.ico">
<link rel="stylesheet" href="/sandbox/emoji.css">
<style>
:root{--fg:#1d1c1d;--muted:#616061;--line:#e2e2e2;--accent:#1264a3;--bg:#f8f8f8;--aubergine:#3f0e40;--emoji:'Noto Color Emoji','Apple Color Emoji','Segoe UI Emoji',sans-serif}
*{box-sizing:border-box}html,body{height:100%}
body{margin:0;font:15px/1.46668 Lato,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:#fff;display:flex;flex-direction:column}
header{display:flex;gap:10px 14px;align-items:center;padding:8px 14px;background:#350d36;color:#fff;flex-wrap:wrap;flex:none}
header h1{font-size:16px;margin:0;display:flex;align-items:center;gap:8px}header h1 img{width:22px;height:22px}
header label{font-size:13px}header select,header button{font:inherit;font-size:13px}header select{max-width:260px}
.clock{display:flex;gap:6px;align-items:center;font-size:13px;flex-wrap:wrap}
#clock{font-family:ui-monospace,Menlo,monospace;background:#4a154b;padding:3px 8px;border-radius:4px}
#status{font-size:12px;color:#ffd}
main{flex:1;min-height:0;display:grid;grid-template-columns:220px minmax(0,1fr) 340px;grid-template-areas:"nav conv side"}
nav{grid-area:nav;background:var(--aubergine);color:#cfc3cf;overflow:auto;padding:10px 0;font-size:15px}
nav h2{font-size:13px;font-weight:600;margin:12px 16px 4px;color:#bcabbc}
nav button.conv{display:flex;align-items:center;gap:6px;width:100%;background:none;border:0;color:inherit;font:inherit;text-align:left;padding:4px 16px;cursor:pointer}
nav button.conv:hover{background:#350d36}nav button.conv.active{background:#1164a3;color:#fff}
.unread{background:#cd2553;color:#fff;border-radius:9px;font-size:12px;padding:0 7px;margin-left:auto;display:none}
.presence{display:inline-block;width:9px;height:9px;border-radius:50%;background:#2bac76;margin-right:2px}
nav .try{margin:14px 16px 0;font-size:13px;color:#cfc3cf}nav .try ul{padding-left:16px;margin:4px 0}nav .try li{margin:4px 0}
nav code.try-cmd{cursor:pointer;background:#4d2a4e;border-color:#6b3f6c;color:#fff}nav code.try-cmd:hover{background:#1164a3}
#conversation{grid-area:conv;display:flex;flex-direction:column;min-height:0;border-right:1px solid var(--line)}
#conv-title{font-weight:800;font-size:17px;padding:10px 18px;border-bottom:1px solid var(--line)}
#feed{flex:1;overflow:auto;padding:8px 0}
.msg{display:flex;gap:8px;padding:8px 18px}.msg:hover{background:var(--bg)}
.avatar{flex:none;width:36px;height:36px;border-radius:6px;background:#326ce5;color:#fff;font-weight:700;display:flex;align-items:center;justify-content:center}
.avatar.slackbot{background:#e8912d}.msg .body{min-width:0;flex:1}
.msg .meta{font-size:13px;color:var(--muted)}.msg .meta b{color:var(--fg);font-size:15px}
.app{font-size:10px;font-weight:700;background:#e8e8e8;color:#555;border-radius:3px;padding:1px 3px;margin-left:4px;vertical-align:1px}
.msg.ephemeral{background:#fdf8ea}.badge{display:inline-block;font-size:12px;margin-left:8px;color:var(--muted)}
.badge.eph::before{content:'👁 ';font-family:var(--emoji)}
.blk-header{font-size:18px;font-weight:800;margin:4px 0}.blk-section{margin:4px 0;display:flex;gap:10px;justify-content:space-between;align-items:flex-start}
.blk-body{min-width:0}.fields{display:grid;grid-template-columns:1fr 1fr;gap:4px 16px;margin-top:4px}
.blk-context{font-size:12px;color:var(--muted);margin:4px 0;display:flex;flex-wrap:wrap;gap:0 10px}
.blk-divider{border:0;border-top:1px solid var(--line);margin:8px 0}.blk-actions{display:flex;gap:8px;flex-wrap:wrap;margin:6px 0}
button.btn{border:1px solid #bbb;background:#fff;border-radius:4px;padding:3px 12px;cursor:pointer;font:inherit;font-size:14px;font-weight:600;min-height:30px}
button.btn:hover{background:#f6f6f6}
button.btn.primary{background:#007a5a;color:#fff;border-color:#007a5a}button.btn.danger{background:#e01e5a;color:#fff;border-color:#e01e5a}
code{font-family:ui-monospace,Menlo,Monaco,monospace;color:#c01343;background:#f4f4f4;border:1px solid #e0e0e0;border-radius:3px;padding:0 3px;font-size:12px}
pre.code{font-family:ui-monospace,Menlo,Monaco,monospace;font-size:12px;background:#f8f8f8;border:1px solid #e0e0e0;padding:8px;margin:4px 0;overflow:auto;border-radius:4px;white-space:pre-wrap}
blockquote{margin:4px 0;padding-left:12px;border-left:4px solid #ddd;color:#454245}
.li{padding-left:calc(18px + var(--depth,0) * 18px);text-indent:-14px}.li .bullet{display:inline-block;width:14px;text-indent:0}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
.emo{font-family:var(--emoji);font-style:normal;font-weight:400;line-height:1}
.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px;font-weight:600}
.date{border-bottom:1px dotted #999}
#composer{display:flex;gap:8px;padding:10px 18px 14px}
#composer input{flex:1;min-width:0;padding:9px 10px;font:inherit;border:1px solid #bbb;border-radius:8px}
#side{grid-area:side;overflow:auto;padding:12px}#side h2{font-size:14px;margin:4px 0 8px}
.gh{font-family:ui-monospace,Menlo,monospace;font-size:12px;border-bottom:1px solid var(--line);padding:4px 0;word-break:break-all}
.gh .ok{color:#1a7f37}.gh .bad{color:#cf222e}
.overlay{position:fixed;inset:0;background:rgba(0,0,0,.45);display:none;align-items:flex-start;justify-content:center;padding:6vh 12px 0;z-index:10}
#modal,#confirm{background:#fff;border-radius:8px;width:520px;max-width:100%;max-height:86vh;overflow:auto;padding:18px 22px;box-shadow:0 18px 48px rgba(0,0,0,.35)}
#confirm{width:440px}#confirm-wrap{z-index:20;align-items:center;padding-top:0}
#modal h3,#confirm h3{margin:0 0 12px;font-size:20px;font-weight:800}.confirm-text{margin-bottom:8px}
.field{margin:12px 0}.field label.lbl{font-weight:700;display:block;margin-bottom:4px}
.field input[type=text],.field input[type=number],.field textarea,.field select{width:100%;padding:7px;font:inherit;border:1px solid #bbb;border-radius:4px}
.field.has-err .ctl{border-color:#e01e5a}.field label.opt{display:block}
.field .hint{font-size:13px;color:var(--muted)}.field .err{color:#e01e5a;font-size:13px;margin-top:2px}
.modal-actions{display:flex;justify-content:flex-end;gap:8px;margin-top:14px}
.help{font-size:12px;color:var(--muted)}.empty{padding:0 18px}
figure.file{margin:6px 0;max-width:640px}figure.file img{max-width:100%;border:1px solid var(--line);border-radius:6px;display:block}figure.file figcaption{font-size:12px;color:var(--muted)}
header a.page{color:#fff;font-size:13px}
#menu{display:none}
@media (max-width:1100px){
  main{grid-template-columns:190px minmax(0,1fr);grid-template-rows:minmax(0,1fr) auto;grid-template-areas:"nav conv" "nav side"}
  #side{max-height:28vh;border-top:1px solid var(--line)}
}
@media (max-width:800px){
  main{grid-template-columns:160px minmax(0,1fr)}nav{font-size:14px}nav button.conv{padding:4px 10px}nav h2,nav .try{margin-left:10px;margin-right:10px}
  .fields{grid-template-columns:1fr}.msg{padding:8px 10px}#conv-title{padding:8px 10px}#composer{padding:8px 10px 10px}
  header{padding:6px 10px}header select{max-width:200px}
}
</style></head>
<body>
<header>
  <h1><img src="/favicon.ico" alt="">relbot sandbox</h1>
  <label>You are <select id="who" aria-label="who you are"></select></label>
  <span class="clock">Sandbox time <span id="clock">…</span>
  <button class="btn" data-advance="PT1H">+1 hour</button>
  <button class="btn" data-advance="P1D">+1 day</button>
  <button class="btn" data-advance="P7D">+1 week</button></span>
  <a class="page" href="/release" target="_blank" rel="noopener">Release page</a>
  <span id="status" role="status"></span>
</header>
<main>
  <nav aria-label="conversations">
    <h2>Channels</h2>
    <button class="conv" id="nav-channel"># release-management</button>
    <h2>Direct messages</h2>
    <button class="conv" id="nav-dm"><span class="presence"></span>relbot <span class="unread" id="dm-unread"></span></button>
    <h2>Apps</h2>
    <button class="conv" id="nav-home">relbot · Home</button>
    <div class="try"><b>Try, as <span id="try-who"></span></b> <span class="help">(times shown in <span id="tz"></span>)</span><ul id="try"></ul></div>
  </nav>
  <section id="conversation">
    <div id="conv-title"></div>
    <div id="feed" aria-live="polite"></div>
    <form id="composer"><input id="cmd" autocomplete="off" aria-label="slash command"><button class="btn primary" type="submit">Send</button></form>
  </section>
  <aside id="side">
    <h2>GitHub calls relbot made</h2>
    <p class="help">Writes to the emulated GitHub (labels, comments). Reads: <span id="reads">0</span>.</p>
    <div id="github"></div>
  </aside>
</main>
<div id="modal-wrap" class="overlay"><div id="modal" role="dialog" aria-modal="true"></div></div>
<div id="confirm-wrap" class="overlay"><div id="confirm" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title"></div></div>
<script>
const EMOJI = ${JSON.stringify(EMOJI)};
${RENDER_SCRIPT}
${APP_SCRIPT}
</script>
</body></html>`;
}
