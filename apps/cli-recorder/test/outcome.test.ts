import { DeviceLostError, DeviceNotFoundError, WavWriteError } from '@micgate/core';
import { describe, expect, it } from 'vitest';
import { adviceIn } from '../src/advice.js';
import { EXIT, type Outcome, reportOutcome, type TakeSummary } from '../src/outcome.js';

const npx = adviceIn('npx');
const take = (over: Partial<TakeSummary> = {}): TakeSummary => ({
  output: 'out.wav',
  appId: 'micgate-record',
  sampleRate: 48_000,
  channels: 1,
  frames: 96_000,
  deviceFrames: 91_200,
  startupFrames: 4_800,
  accessOffFrames: 0,
  deviceLostFrames: 0,
  peak: 0.5,
  lostFrames: 0,
  overflows: 0,
  ...over,
});
const recorded = (
  over: Partial<TakeSummary>,
  ending: Extract<Outcome, { kind: 'recorded' }>['ending'] = { kind: 'done' },
  permission: 'granted' | 'denied' = 'granted',
): Outcome => ({
  kind: 'recorded',
  take: take(over),
  ending,
  permission,
});

/** No message nests parentheses: "(… (…))". */
function nestsParentheses(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (depth > 1) return true;
  }
  return false;
}

describe('reportOutcome: what happened → what is printed → the exit status', () => {
  const cases: [string, Outcome, number, RegExp][] = [
    [
      'usage',
      { kind: 'usage', message: '--seconds is how long to record' },
      EXIT.usage,
      /^micgate-record: --seconds is how long to record\nRun `micgate-record --help`/,
    ],
    [
      'output exists',
      { kind: 'output-refused', path: 'take.wav', problem: 'exists' },
      EXIT.usage,
      /take\.wav already exists; add --force to replace it/,
    ],
    [
      'output is a folder',
      { kind: 'output-refused', path: 'takes/', problem: 'directory' },
      EXIT.usage,
      /takes\/ is a folder; name a file in it, e\.g\. takes\/take\.wav/,
    ],
    [
      'cannot ask',
      { kind: 'cannot-ask', appId: 'micgate-record' },
      EXIT.cannotAsk,
      /^ {2}npx micgate grant micgate-record {5}to record from the microphone$/m,
    ],
    [
      'dismissed',
      { kind: 'dismissed', appId: 'x' },
      EXIT.notAllowed,
      /decide now with `npx micgate grant x` or `npx micgate deny x`/,
    ],
    ['no device', { kind: 'no-input-device' }, EXIT.device, /No audio input device was found/],
    [
      'failed',
      { kind: 'failed', error: new DeviceLostError('gone (really)') },
      EXIT.failed,
      /^micgate-record: gone \(really\) \[ERR_MICGATE_DEVICE_LOST\]\n$/,
    ],
    ['done', recorded({}), EXIT.ok, /^Saved out\.wav: 2 s at 48000 Hz, 1 channel, 16-bit PCM, peak -6\.0 dBFS\.\n$/],
    [
      'interrupted',
      recorded({}, { kind: 'interrupted' }),
      EXIT.interrupted,
      /^Stopped after 2 s\. Saved out\.wav: 2 s .*, a complete WAV file\.\n$/,
    ],
    [
      'all silence',
      recorded({ deviceFrames: 0, startupFrames: 0, accessOffFrames: 96_000 }, { kind: 'done' }, 'denied'),
      EXIT.notAllowed,
      /all silence, because “micgate-record” may not use the microphone\.\nTo record sound, run `npx micgate grant micgate-record` and then this again\.\n$/,
    ],
    [
      'disk full',
      recorded(
        { frames: 4_000 },
        {
          kind: 'write-failed',
          error: new WavWriteError(
            'the disk is full or the file reached its size limit: 8000 bytes of samples were saved',
            8000,
          ),
        },
      ),
      EXIT.failed,
      /could not write out\.wav: the disk is full.*\[ERR_MICGATE_WAV_WRITE\]\nSaved what was recorded: out\.wav: 0\.08 s .* The file is complete up to there\.\n$/,
    ],
    [
      'device lost',
      recorded({}, { kind: 'device-lost', error: new DeviceLostError('the input stream stopped (by itself)') }),
      EXIT.device,
      /the input device went away after 2 s: the input stream stopped \(by itself\) \[ERR_MICGATE_DEVICE_LOST\]/,
    ],
    [
      'device not found, nothing recorded',
      recorded(
        { deviceFrames: 0 },
        {
          kind: 'device-unavailable',
          error: new DeviceNotFoundError('no "usb"'),
          devices: [{ id: '0', name: 'Mic', isDefault: true }],
          fileKept: false,
        },
      ),
      EXIT.device,
      /no "usb" \[ERR_MICGATE_DEVICE_NOT_FOUND\]\nInput devices; use --device.*\n {2}0 {2}Mic {2}\[default\]\nNo file was written\.\n$/,
    ],
  ];
  it.each(cases)('%s', (_name, outcome, status, text) => {
    const report = reportOutcome(outcome, npx);
    expect(report.status).toBe(status);
    expect(report.stderr).toMatch(text);
    expect(report.stderr).not.toMatch(/Error:/);
    expect(nestsParentheses(report.stderr)).toBe(false);
  });

  it('help goes to stdout with status 0', () => {
    expect(reportOutcome({ kind: 'help', usage: 'USAGE' }, npx)).toEqual({ stdout: 'USAGE', stderr: '', status: 0 });
  });

  it('says nothing of a start-up silence that is only the device opening; says it when it is long', () => {
    expect(reportOutcome(recorded({ startupFrames: 4_800 }), npx).stderr).not.toMatch(/silence/);
    expect(reportOutcome(recorded({ startupFrames: 24_000 }), npx).stderr).toMatch(
      /\nThe microphone took 0\.5 s to start: the file begins with that much silence\.\n$/,
    );
  });

  it('reports silence while access was off apart from the start-up, with the way back when still off', () => {
    const off = reportOutcome(recorded({ accessOffFrames: 48_000 }, { kind: 'done' }, 'denied'), npx).stderr;
    expect(off).toMatch(
      /1 s of it is silence because microphone access was off; allow it again with `npx micgate grant micgate-record`\./,
    );
    expect(off).not.toMatch(/to start/);
    expect(reportOutcome(recorded({ accessOffFrames: 48_000 }), npx).stderr).toMatch(
      /1 s of it is silence because microphone access was off\.\n$/,
    );
  });

  it('says how long the device was gone when it came back during the take', () => {
    expect(reportOutcome(recorded({ deviceLostFrames: 240_000 }), npx)).toMatchObject({
      status: EXIT.ok,
      stderr: expect.stringMatching(
        /\nThe input device was gone for 5 s: that much of the file is silence, recorded on when it came back\.\n$/,
      ),
    });
    expect(reportOutcome(recorded({}), npx).stderr).not.toMatch(/gone/);
  });

  it('lists the devices on stdout, status 0; none is the no-device advice, status 3', () => {
    const devices = [
      { id: 'pulse:vmic.monitor', name: 'Monitor of Null Output', isDefault: true },
      { id: 'pulse:second', name: 'Second', isDefault: false },
    ];
    expect(reportOutcome({ kind: 'devices', devices }, npx)).toEqual({
      stdout:
        'Input devices; use --device with an id or a name:\n  pulse:vmic.monitor  Monitor of Null Output  [default]\n  pulse:second  Second\n',
      stderr: '',
      status: EXIT.ok,
    });
    expect(reportOutcome({ kind: 'devices', devices: [] }, npx)).toMatchObject({
      stdout: '',
      status: EXIT.device,
      stderr: expect.stringContaining('No audio input device was found'),
    });
  });

  it('prints the repository form of the advice where it runs', () => {
    expect(reportOutcome({ kind: 'dismissed', appId: 'micgate-demo' }, adviceIn('npm-script')).stderr).toContain(
      '`npm run micgate -- grant micgate-demo`',
    );
  });

  it('warns about lost input without nesting parentheses', () => {
    const text = reportOutcome(recorded({ lostFrames: 480, overflows: 1 }), npx).stderr;
    expect(text).toMatch(
      /^Warning: 0\.01 s of input, 480 frames, was lost because the program fell behind; the device reported 1 overflow\./,
    );
  });
});
