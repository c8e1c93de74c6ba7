import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This package's version, from the package.json above this module (source or bundle alike). */
export function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === '@micgate/node' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // not here: look higher
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}
