/** A one-line live status on a terminal; silent elsewhere. */
export interface Progress {
  update(text: string): void;
  done(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** Show nothing for waits shorter than this, in ms: a flash of spinner is noise. */
const SHOW_AFTER_MS = 300;
/** Redraw at most this often, in ms. */
const REDRAW_MS = 80;

/** A spinner line on `stream` when it is a TTY; updates are cheap and throttled. */
export function createProgress(stream: {
  write(text: string): unknown;
  isTTY?: boolean;
}): Progress {
  if (!stream.isTTY) return { update() {}, done() {} };
  const started = performance.now();
  let text = '';
  let frame = 0;
  let drawn = false;
  const timer = setInterval(() => {
    if (performance.now() - started < SHOW_AFTER_MS) return;
    stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${text}`);
    drawn = true;
  }, REDRAW_MS);
  timer.unref();
  return {
    update(next) {
      text = next;
    },
    done() {
      clearInterval(timer);
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
