import type { DeniedRecovery } from '@micgate/core';
import { describe, expect, test } from 'vitest';
import { recoveryProblems } from '../src/features/recovery.js';

const good: DeniedRecovery = {
  target: 'os-privacy',
  platform: 'macos',
  summary: 'Turn on Notes in System Settings > Privacy & Security > Microphone.',
  steps: ['Open System Settings > Privacy & Security > Microphone.', 'Turn on Notes.'],
  url: 'x-apple.systempreferences:com.apple.preference.security?Privacy_Microphone',
  appliesWithoutReload: true,
};

describe("the suite's recovery check", () => {
  test('passes a well-formed recovery', () => {
    expect(recoveryProblems(good)).toEqual([]);
    const { url: _url, ...withoutUrl } = good;
    expect(recoveryProblems({ ...withoutUrl, command: 'npx micgate grant notes' })).toEqual([]);
  });

  test.each([
    ['an unknown target', { target: 'settings' }, 'target "settings" is not one of'],
    ['a blank platform', { platform: '' }, 'platform is blank'],
    ['a blank summary', { summary: ' ' }, 'summary is blank'],
    ['a summary of two lines', { summary: 'Allow it.\nThen reload.' }, 'summary is more than one line'],
    ['no steps', { steps: [] }, 'steps is empty'],
    ['a blank step', { steps: ['Open settings.', ''] }, 'step 2 is blank'],
    ['a blank command', { command: '' }, 'command is blank'],
    ['a command of two lines', { command: 'cd app\nnpx micgate grant notes' }, 'command is more than one line'],
    ['a command with a trailing space', { command: 'npx micgate grant notes ' }, 'command has leading or trailing'],
    ['a url without a scheme', { url: 'settings/privacy' }, 'url "settings/privacy" is not an address'],
    ['an address with a space', { address: 'chrome://settings/ content' }, 'address "chrome://settings/ content"'],
    ['appliesWithoutReload missing', { appliesWithoutReload: undefined }, 'appliesWithoutReload is not a boolean'],
  ])('fails %s', (_what, change, problem) => {
    const problems = recoveryProblems({ ...good, ...change } as DeniedRecovery);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });

  test('fails no object at all', () => {
    expect(recoveryProblems(undefined)).toEqual(['recovery is not an object']);
  });
});
