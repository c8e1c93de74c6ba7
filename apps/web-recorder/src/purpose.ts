/** The purpose string (Apple's NSMicrophoneUsageDescription): shown on the page and before the prompt. */
export const USAGE_DESCRIPTION =
  'The recorder listens to your microphone to show its level and to save what you record as a WAV file.';
export const APP_NAME = 'micgate web recorder';
