import { levelFraction } from '@micgate/core';

/** A horizontal level bar for dBFS from -60 to 0. */
export function drawMeter(canvas: HTMLCanvasElement, dbfs: number): void {
  const g = canvas.getContext('2d');
  if (!g) return;
  const fraction = levelFraction(dbfs);
  g.fillStyle = '#111820';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.fillStyle = fraction > 0.9 ? '#f85149' : fraction > 0.7 ? '#d29922' : '#3fb950';
  g.fillRect(0, 0, canvas.width * fraction, canvas.height);
}

/** The latest buffer as a line, one channel of interleaved samples. */
export function drawWaveform(canvas: HTMLCanvasElement, samples: Float32Array, channels: number): void {
  const g = canvas.getContext('2d');
  if (!g) return;
  const { width, height } = canvas;
  g.fillStyle = '#111820';
  g.fillRect(0, 0, width, height);
  g.strokeStyle = '#2f81f7';
  g.lineWidth = 2;
  g.beginPath();
  const frames = Math.floor(samples.length / channels);
  for (let x = 0; x < width; x++) {
    const sample = samples[Math.floor((x / width) * frames) * channels] ?? 0;
    const y = height / 2 - sample * (height / 2 - 4);
    if (x === 0) g.moveTo(x, y);
    else g.lineTo(x, y);
  }
  g.stroke();
}
