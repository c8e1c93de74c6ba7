/**
 * Whether a purpose string would show nothing in a prompt: whitespace and separators, format
 * characters (zero-width space, joiners, BOM, soft hyphen), controls and the other
 * default-ignorable code points. Such a string counts as missing (MissingUsageDescriptionError).
 */
export function isBlankUsageDescription(text: string): boolean {
  return /^[\s\p{Z}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]*$/u.test(text);
}
