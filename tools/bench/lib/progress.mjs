// Progress on stderr while the bench runs: the current step, time elapsed and an ETA from the plan's
// estimates. On a terminal one line is redrawn every second; otherwise (CI, pipes) a line per step.

export const formatClock = (seconds) => {
  const whole = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(whole / 60);
  return `${String(minutes).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
};

/** Seconds still to go: the steps not begun plus what the current one has left of its estimate. */
export function remainingSeconds(plan, startedKeys, currentKey, currentElapsedS) {
  let remaining = 0;
  for (const step of plan) {
    if (step.key === currentKey) remaining += Math.max(0, step.seconds - currentElapsedS);
    else if (!startedKeys.has(step.key)) remaining += step.seconds;
  }
  return remaining;
}

export class Progress {
  #plan;
  #started = new Set();
  #current;
  #label = 'starting';
  #benchStart = Date.now();
  #stepStart = Date.now();
  #timer;
  #stream;

  /** plan: [{ key, seconds }] in the order the steps run; seconds are estimates. */
  constructor(plan, stream = process.stderr) {
    this.#plan = plan;
    this.#stream = stream;
    if (stream.isTTY) {
      this.#timer = setInterval(() => this.#draw(), 1000);
      this.#timer.unref();
    }
  }

  /** Begins the planned step `key` (or an unplanned one) and shows `label`. */
  step(key, label) {
    if (this.#current) this.#started.add(this.#current);
    this.#current = key;
    this.#label = label;
    this.#stepStart = Date.now();
    this.#draw(!this.#stream.isTTY);
  }

  /** A line that must stay (a result, a warning): printed above the progress line. */
  note(text) {
    this.#stream.write(this.#stream.isTTY ? `\r\x1b[K${text}\n` : `${text}\n`);
    this.#draw();
  }

  done() {
    clearInterval(this.#timer);
    if (this.#stream.isTTY) this.#stream.write('\r\x1b[K');
    this.#stream.write(`[bench] finished in ${formatClock((Date.now() - this.#benchStart) / 1000)}\n`);
  }

  #draw(asLine = false) {
    if (!this.#stream.isTTY && !asLine) return;
    const elapsed = (Date.now() - this.#benchStart) / 1000;
    const inStep = (Date.now() - this.#stepStart) / 1000;
    const eta = remainingSeconds(this.#plan, this.#started, this.#current, inStep);
    const line = `[bench ${formatClock(elapsed)} elapsed, ~${formatClock(eta)} left] ${this.#label} (${formatClock(inStep)})`;
    this.#stream.write(this.#stream.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
  }
}
