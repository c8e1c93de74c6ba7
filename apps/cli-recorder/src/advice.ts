import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type AdviceVerb = 'grant' | 'deny' | 'reset';
/** The one command to print for changing a decision, runnable where it is printed. */
export type Advice = (verb: AdviceVerb, appId: string) => string;

export type AdviceStyle = 'npm-script' | 'npx';

export function adviceIn(style: AdviceStyle): Advice {
  return style === 'npm-script'
    ? (verb, appId) => `npm run micgate -- ${verb} ${appId}`
    : (verb, appId) => `npx micgate ${verb} ${appId}`;
}

/**
 * `npm run` uses the nearest package.json: in the micgate repository (whose root package.json
 * has a `micgate` script) that is `npm run micgate -- …`; in a user's project, where the
 * `micgate` package provides the command, `npx micgate …`.
 */
export function adviceStyleFor(cwd: string): AdviceStyle {
  for (let folder = cwd; ; folder = dirname(folder)) {
    let text: string | undefined;
    try {
      text = readFileSync(join(folder, 'package.json'), 'utf8');
    } catch {
      // no package.json here: look further up
    }
    if (text !== undefined) {
      try {
        const scripts = (JSON.parse(text) as { scripts?: Record<string, unknown> }).scripts;
        return typeof scripts?.micgate === 'string' ? 'npm-script' : 'npx';
      } catch {
        return 'npx';
      }
    }
    if (dirname(folder) === folder) return 'npx';
  }
}
