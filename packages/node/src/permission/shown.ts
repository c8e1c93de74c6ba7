/**
 * Text from a store file or the command line, made safe and short for a message or a terminal:
 * control characters become escapes (`\u001b`), and anything past `max` characters is cut with
 * a count, so one 50 MB bad app id cannot make a 50 MB warning.
 */
export function shown(text: string, max = 80): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const safe = cut.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return text.length > max ? `${safe}… (${text.length} characters)` : safe;
}
