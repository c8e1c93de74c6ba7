import { levelFraction } from '@micgate/core';

/** dBFS marks under the meter; amber starts at WARN_DB (near clipping), red at CLIP_DB. */
export const SCALE_DB = [-60, -48, -36, -24, -12, -6, 0] as const;
export const WARN_DB = -6;
export const CLIP_DB = -1;
const COLOURS = {
  ok: '#3fb950',
  warn: '#d29922',
  clip: '#f85149',
  back: '#111820',
  gated: '#2a3441',
  line: '#58a6ff',
  text: '#c9d1d9',
};

/** Size the canvas's pixels to its box and the screen's pixel ratio; returns the context in CSS pixels. */
export function fitCanvas(
  canvas: HTMLCanvasElement,
): { g: CanvasRenderingContext2D; width: number; height: number } | undefined {
  const g = canvas.getContext('2d');
  if (!g) return undefined;
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  const pixelsWide = Math.max(1, Math.round(width * ratio));
  const pixelsHigh = Math.max(1, Math.round(height * ratio));
  if (canvas.width !== pixelsWide || canvas.height !== pixelsHigh) {
    canvas.width = pixelsWide;
    canvas.height = pixelsHigh;
  }
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { g, width, height };
}

/** The scale's labels, placed where the meter draws those levels. */
export function fillScale(scale: HTMLElement): void {
  scale.replaceChildren(
    ...SCALE_DB.map((db) => {
      const mark = document.createElement('span');
      mark.textContent = String(db);
      mark.style.left = `${levelFraction(db) * 100}%`;
      return mark;
    }),
  );
}

/** A horizontal level bar for dBFS from -60 to 0: green, amber above WARN_DB, red above CLIP_DB. */
export function drawMeter(canvas: HTMLCanvasElement, dbfs: number): void {
  const fitted = fitCanvas(canvas);
  if (!fitted) return;
  const { g, width, height } = fitted;
  const fraction = levelFraction(dbfs);
  g.fillStyle = COLOURS.back;
  g.fillRect(0, 0, width, height);
  const bands: [number, number, string][] = [
    [0, levelFraction(WARN_DB), COLOURS.ok],
    [levelFraction(WARN_DB), levelFraction(CLIP_DB), COLOURS.warn],
    [levelFraction(CLIP_DB), 1, COLOURS.clip],
  ];
  for (const [from, to, colour] of bands) {
    const end = Math.min(fraction, to);
    if (end <= from) break;
    g.fillStyle = colour;
    g.fillRect(from * width, 0, (end - from) * width, height);
  }
  g.fillStyle = '#ffffff33';
  for (const db of SCALE_DB) g.fillRect(Math.round(levelFraction(db) * width), 0, 1, height);
}

export interface WaveColumn {
  peak: number;
  /** Why this buffer is silence from the gate (not from the microphone), e.g. "silence until allowed". */
  gated: string | undefined;
}

/**
 * The last seconds as a peak envelope, one column per buffer, newest on the right. Gated spans
 * are shaded and labelled with their reason (e.g. "silence until allowed"), so silence from the
 * gate is not mistaken for a quiet room.
 */
export function drawWaveform(canvas: HTMLCanvasElement, columns: readonly WaveColumn[]): void {
  const fitted = fitCanvas(canvas);
  if (!fitted) return;
  const { g, width, height } = fitted;
  g.fillStyle = COLOURS.back;
  g.fillRect(0, 0, width, height);
  const step = width / Math.max(1, columns.length);
  const mid = height / 2;
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    const x = i * step;
    if (column.gated !== undefined) {
      g.fillStyle = COLOURS.gated;
      g.fillRect(x, 0, Math.ceil(step) + 1, height);
      continue;
    }
    const half = Math.max(1, column.peak * (mid - 4));
    g.fillStyle = COLOURS.line;
    g.fillRect(x, mid - half, Math.ceil(step), half * 2);
  }
  g.fillStyle = COLOURS.line;
  g.fillRect(0, mid, width, 1);
  // One label per run of the same reason, at its start, or at the right edge for the newest run.
  g.fillStyle = COLOURS.text;
  g.font = '600 13px system-ui, sans-serif';
  g.textBaseline = 'top';
  for (let start = 0; start < columns.length; ) {
    const reason = columns[start]!.gated;
    let end = start + 1;
    while (end < columns.length && columns[end]!.gated === reason) end++;
    if (reason !== undefined) {
      const runWidth = (end - start) * step;
      const textWidth = g.measureText(reason).width;
      if (end === columns.length && runWidth < textWidth + 16) {
        g.textAlign = 'right';
        g.fillText(reason, width - 8, 8);
      } else if (runWidth >= textWidth + 16) {
        g.textAlign = 'left';
        g.fillText(reason, start * step + 8, 8);
      }
    }
    start = end;
  }
}
