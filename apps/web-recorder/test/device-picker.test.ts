import { describe, expect, test } from 'vitest';
import { DEFAULT_CHOICE, pickerOptions } from '../src/device-picker.js';

const texts = (options: { text: string }[]) => options.map((option) => option.text);

describe('the microphone picker', () => {
  test('before a grant (names hidden) there is only the default', () => {
    const hidden = [{ id: 'default', name: undefined, isDefault: true }];
    expect(pickerOptions(hidden, DEFAULT_CHOICE)).toEqual([{ value: '', text: 'Default microphone' }]);
  });

  test("after it, every input by name; Chromium's 'default' entry is the default choice, not listed twice", () => {
    const granted = [
      { id: 'default', name: 'Default - USB Mic', isDefault: true },
      { id: 'usb', name: 'USB Mic', isDefault: false },
      { id: 'built-in', name: 'Built-in Microphone', isDefault: false },
    ];
    expect(pickerOptions(granted, 'usb')).toEqual([
      { value: '', text: 'Default microphone' },
      { value: 'usb', text: 'USB Mic' },
      { value: 'built-in', text: 'Built-in Microphone' },
    ]);
  });

  test('inputs with hidden names but known ids are numbered, never blank', () => {
    const unnamed = [
      { id: 'a', name: undefined, isDefault: true },
      { id: 'b', name: undefined, isDefault: false },
    ];
    expect(texts(pickerOptions(unnamed, DEFAULT_CHOICE))).toEqual([
      'Default microphone',
      'Microphone 1',
      'Microphone 2',
    ]);
  });

  test('a chosen input that is unplugged stays in the list, by its name, marked disconnected', () => {
    const left = [{ id: 'built-in', name: 'Built-in Microphone', isDefault: true }];
    expect(pickerOptions(left, 'usb', 'USB Mic').at(-1)).toEqual({ value: 'usb', text: 'USB Mic (disconnected)' });
    expect(pickerOptions(left, 'usb').at(-1)!.text).toBe('Chosen microphone (disconnected)');
  });
});
