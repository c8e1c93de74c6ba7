import { describeConformance } from '@micgate/conformance';
import { createMockPlatform, MockDecisionStore, sine, VirtualClock } from '@micgate/mock';

// The installed mock, through the installed suite (the same harness as the mock's own tests).
describeConformance('mock (installed)', async () => {
  const clock = new VirtualClock();
  const platform = createMockPlatform({ scheduler: clock, decisions: new MockDecisionStore(), appId: 'pack-test' });
  return {
    adapter: platform.adapter,
    scheduler: clock,
    clock,
    format: { sampleRate: 48_000, channels: 1, framesPerBuffer: 480 },
    can: { dismiss: true, faults: { notFound: true, busy: true, lost: true }, observeDeviceOpen: true },
    user: {
      answerNextPrompt: async (answer, options) => platform.user.answerNextPrompt(answer, options),
      prompts: async () => platform.user.prompts.map((prompt) => prompt.usageDescription),
      setDecisionOutsideApp: async (decision) => platform.user.changeSetting(decision),
    },
    device: {
      playSine: async (frequency) => {
        platform.device.play(sine(frequency, 0.5));
        return { frequency, rms: 0.5 / Math.SQRT2 };
      },
      isOpen: async () => platform.device.isOpen,
      opens: async () => platform.device.opens,
      injectFault: async (fault) => (fault === 'lost' ? platform.device.unplug() : platform.device.failNextOpen(fault)),
    },
    relaunch: async () => platform.relaunch(),
    dispose: async () => {
      if (clock.pending !== 0) throw new Error(`${clock.pending} scheduled task(s) outlived the test`);
    },
  };
});
