import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

// `pnpm test` runs after `build` (turbo); these check what Electron will load.
describe('the built app', () => {
  it('has a preload that requires nothing but electron (a sandboxed preload can load nothing else)', () => {
    const preload = readFileSync(join(dist, 'preload.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
    expect(required).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s/m);
    expect(preload).toContain('micgate:microphone:status');
  });

  it('has a main process that loads electron and the broker, and a page with a strict CSP', () => {
    const main = readFileSync(join(dist, 'main.js'), 'utf8');
    expect(main).toMatch(/from "electron"/);
    expect(main).toMatch(/from "@micgate\/electron\/main"/);
    const page = readFileSync(join(dist, 'renderer', 'index.html'), 'utf8');
    expect(page).toContain("default-src 'self'");
    expect(page).not.toContain('unsafe-inline');
    const script = page.match(/src="\.\/(assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    expect(existsSync(join(dist, 'renderer', script!))).toBe(true);
  });
});
