// Every changeset must parse as the changesets tool reads it (front matter naming real workspace
// packages and a bump type) and say something: a formatter once turned the front matter into
// Markdown headings, which `changeset version` would have refused at release time.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import readChangesets from '@changesets/read';

const root = new URL('../..', import.meta.url).pathname;
const packages = new Set();
for (const folder of ['packages', 'apps', 'tooling']) {
  for (const entry of await readdir(join(root, folder))) {
    try {
      packages.add(JSON.parse(await readFile(join(root, folder, entry, 'package.json'), 'utf8')).name);
    } catch {
      // not a package folder
    }
  }
}
const files = (await readdir(join(root, '.changeset'))).filter((f) => f.endsWith('.md') && f !== 'README.md');
const changesets = await readChangesets(root);
const problems = [];
if (changesets.length !== files.length) {
  problems.push(`${files.length} changeset files, but the changesets tool read ${changesets.length}`);
}
for (const { id, releases, summary } of changesets) {
  if (releases.length === 0) problems.push(`${id}: names no package`);
  if (summary.trim() === '') problems.push(`${id}: says nothing`);
  for (const { name, type } of releases) {
    if (!packages.has(name)) problems.push(`${id}: ${name} is not a workspace package`);
    if (!['major', 'minor', 'patch'].includes(type)) problems.push(`${id}: ${name} has bump "${type}"`);
  }
}
if (problems.length > 0) {
  console.error(`micgate: changesets that a release would refuse:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`micgate: ${changesets.length} changesets parse, each naming workspace packages`);
