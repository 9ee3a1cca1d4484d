/**
 * The portal's style sheet, in one place and grouped by what it shapes. Every page must fit a
 * 1,280-px window (test/e2e/page-fit.test.ts): table cells wrap long ids and paths anywhere, and
 * only short cells (times, codes, sizes) are kept on one line.
 */
const FRAME = `main{max-width:60rem}main.wide{max-width:70rem}
nav.portal{display:flex;gap:1rem;flex-wrap:wrap;align-items:center;margin-bottom:1.5rem;
border-bottom:1px solid #e3e6ea;padding-bottom:.5rem}nav.portal a{text-decoration:none}
nav.portal a[aria-current=page]{font-weight:600}nav.portal .me{margin-left:auto}
.badge{background:#b00020;color:#fff;border-radius:1rem;padding:0 .45rem;font-size:.8rem}
.flash{padding:.6rem 1rem;border-radius:8px;margin-bottom:1rem}.flash.ok{background:#e6f4ea}
.flash.error{background:#fde7e9;color:#8a0018}`;

const STATES = `.state-active{color:#0a7d32;font-weight:600}.state-pending{color:#8a5a00;font-weight:600}
.state-denied{color:#b00020;font-weight:600}`;

const TEXT = `td{vertical-align:top;overflow-wrap:anywhere}td.keep{overflow-wrap:normal}
.nowrap{white-space:nowrap}.wrap{overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere}.trail-table{font-size:.9em}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}
dl.facts dt{color:#667}dl.facts dd{margin:0;overflow-wrap:anywhere}
dl.facts ul{margin:0;padding-left:1.2rem}`;

const FORMS = `form.inline{display:inline}form.stack label{display:block;margin:.3rem 0}
button.secondary{background:#667}button.danger{background:#b00020}
input,select,textarea{font:inherit;max-width:100%;box-sizing:border-box}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:1rem 0}
form.filters label{display:flex;flex-direction:column;font-size:.9rem}
form.filters input,form.filters select{max-width:14rem}`;

/** The one request form: resource, duration and start side by side; reason full width. */
const REQUEST = `.request-form .fields{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;margin-bottom:.5rem}
.request-form .field{display:flex;flex-direction:column}
.request-form>label{display:block;margin-top:.3rem}.request-form textarea,
.request-form input[name=ticket]{width:100%}.request-form button{margin-top:.6rem}`;

/** An approver's decision: approve and deny as two labelled blocks, not one crowded line. */
const DECIDE = `.decide{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem;
margin-top:.5rem}.decide form{display:flex;flex-direction:column;gap:.3rem;padding:.75rem;
border:1px solid #e3e6ea;border-radius:8px}.decide label{display:flex;flex-direction:column}
.decide button{align-self:flex-start;margin-top:.3rem}.queue-item{border-bottom:1px solid #e3e6ea;
padding-bottom:1rem;margin-bottom:1rem}.queue-item h3{margin-bottom:.3rem}
form.revoke{display:flex;gap:.5rem;flex-wrap:wrap}form.revoke input{flex:1 1 8rem}`;

export const PORTAL_STYLE = [FRAME, STATES, TEXT, FORMS, REQUEST, DECIDE].join('\n');
