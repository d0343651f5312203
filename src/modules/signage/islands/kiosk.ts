/**
 * Kiosk terminal: after the configured time without a touch, a dialog asks "still there?" (WCAG 2.2.1:
 * the person can extend with one tap); without an answer every form is cleared and the terminal goes back
 * to its start screen, replacing the history entry so "back" cannot bring the entries back.
 */
const WARNING_SECONDS = 20;

function init() {
  const body = document.body;
  const idle = Number(body.dataset.idleSeconds);
  const start = body.dataset.start;
  const dialog = document.getElementById('sk-idle');
  const count = document.getElementById('sk-idle-count');
  const stay = document.getElementById('sk-idle-stay');
  if (!idle || !start || !dialog || !count || !stay) return;
  const en = document.documentElement.lang === 'en';
  const warnAfter = Math.max(5, idle - WARNING_SECONDS) * 1000;
  const warnFor = Math.min(WARNING_SECONDS, idle) * 1000;
  let idleTimer: number | undefined;
  let resetTimer: number | undefined;
  let countdown: number | undefined;
  let lastFocus: HTMLElement | null = null;

  function reset() {
    // Clear everything a person typed before leaving, so nothing survives in the page cache either.
    for (const form of document.forms) form.reset();
    for (const el of document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(
      'input:not([type=hidden]), textarea',
    ))
      el.value = '';
    try {
      sessionStorage.clear();
      localStorage.clear();
    } catch {
      // storage may be disabled in kiosk mode
    }
    const here = location.pathname + location.search;
    if (here === start) location.reload();
    else location.replace(start!);
  }

  function hideWarning() {
    window.clearTimeout(resetTimer);
    window.clearInterval(countdown);
    if (!dialog!.hidden) {
      dialog!.hidden = true;
      lastFocus?.focus();
    }
  }

  function warn() {
    lastFocus = document.activeElement as HTMLElement | null;
    dialog!.hidden = false;
    stay!.focus();
    let left = Math.round(warnFor / 1000);
    const show = () => {
      count!.textContent = en ? `${left} seconds left.` : `Noch ${left} Sekunden.`;
    };
    show();
    countdown = window.setInterval(() => {
      left = Math.max(0, left - 1);
      show();
    }, 1000);
    resetTimer = window.setTimeout(reset, warnFor);
  }

  function activity(ev?: Event) {
    // A tap on "keep using" must reach its button: hiding the dialog on pointerdown would send the
    // click to whatever lies underneath.
    if (ev && !dialog!.hidden && ev.type !== 'click' && dialog!.contains(ev.target as Node)) return;
    hideWarning();
    window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(warn, warnAfter);
  }

  // The start screen with nothing entered needs no reset, only a fresh page now and then.
  const onStart = location.pathname === start && !location.search;
  if (onStart && !document.forms.length) {
    window.setTimeout(() => location.reload(), Math.max(idle, 300) * 1000);
    return;
  }
  for (const type of ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart'])
    window.addEventListener(type, activity, { passive: true, capture: true });
  stay.addEventListener('click', () => activity());
  // Pages restored from the back/forward cache start counting again (their old timers are gone).
  window.addEventListener('pageshow', () => activity());
  activity();
}

init();
