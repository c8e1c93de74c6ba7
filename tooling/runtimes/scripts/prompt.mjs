// Asks on the terminal through the installed `micgate` and prints the answer and the status.
import { createAudioSession } from 'micgate';

const session = createAudioSession({
  appId: process.argv[2] ?? 'runtime-test',
  appName: 'Runtime check',
  usageDescription: 'To check the prompt on this runtime.',
});
try {
  const granted = await session.requestRecordPermission();
  console.log(`RESULT ${granted} ${session.recordPermission}`);
} catch (error) {
  console.log(`ERROR ${error.name}: ${error.message}`);
}
session.close();
