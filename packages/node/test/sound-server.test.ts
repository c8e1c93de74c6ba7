// What `pactl --format=json list sources` says, read into inputs: no sound server needed.
import { describe, expect, test } from 'vitest';
import { isDeviceEvent, parseSources } from '../src/capture/sound-server.js';

describe('parseSources (pactl --format=json list sources)', () => {
  test('each source: its name, description, channels and rate from the sample spec; the default marked', () => {
    const json = JSON.stringify([
      {
        name: 'alsa_input.usb-Blue_Yeti-00.analog-stereo',
        description: 'Yeti Stereo Microphone Analog Stereo',
        sample_specification: 's16le 2ch 48000Hz',
      },
      { name: 'bluez_input.00_11_22', description: 'Headset', sample_specification: 'float32le 1ch 16000Hz' },
    ]);
    expect(parseSources(json, 'bluez_input.00_11_22')).toEqual([
      {
        name: 'alsa_input.usb-Blue_Yeti-00.analog-stereo',
        description: 'Yeti Stereo Microphone Analog Stereo',
        channels: 2,
        sampleRate: 48_000,
        isDefault: false,
      },
      { name: 'bluez_input.00_11_22', description: 'Headset', channels: 1, sampleRate: 16_000, isDefault: true },
    ]);
  });

  test('a blank or missing description falls back to the name (never an empty name); nameless entries are skipped', () => {
    const json = JSON.stringify([{ name: 'a', description: '  ' }, { name: 'b' }, { description: 'no name' }, null]);
    expect(parseSources(json, '').map((source) => [source.name, source.description])).toEqual([
      ['a', 'a'],
      ['b', 'b'],
    ]);
  });

  test('not a list: no sources; not JSON: a SyntaxError (the caller then uses PortAudio’s list)', () => {
    expect(parseSources('{}', '')).toEqual([]);
    expect(() => parseSources('Source #0', '')).toThrow(SyntaxError);
  });
});

describe('isDeviceEvent (pactl subscribe lines)', () => {
  test('a source added or removed, or a server change (a new default), can change the inputs', () => {
    expect(isDeviceEvent("Event 'new' on source #3")).toBe(true);
    expect(isDeviceEvent("Event 'remove' on source #3")).toBe(true);
    expect(isDeviceEvent("Event 'change' on server #0")).toBe(true);
  });

  test('a capture stream opening or closing (a source-output), a client or a source state change cannot', () => {
    expect(isDeviceEvent("Event 'new' on source-output #161")).toBe(false);
    expect(isDeviceEvent("Event 'remove' on source-output #161")).toBe(false);
    expect(isDeviceEvent("Event 'change' on source #0")).toBe(false);
    expect(isDeviceEvent("Event 'new' on client #635")).toBe(false);
  });
});
