// The way back from a denial, as the installed micgate gives it: prints session.recovery.command.
//   node recovery.mjs <appId>
import { createAudioSession } from 'micgate';

const session = createAudioSession({ appId: process.argv[2], usageDescription: 'Checks the way back.' });
// The store holds a denial: this answers false without asking.
await session.requestRecordPermission();
console.log(session.recovery?.command ?? 'no recovery');
session.close();
