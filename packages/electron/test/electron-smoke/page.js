(async () => {
  const result = { keys: Object.keys(window.micgate).sort() };
  result.before = await window.micgate.status();
  result.request = await window.micgate.request({ usageDescription: 'micgate smoke test (bridge)' });
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    result.audio = stream.getAudioTracks().length;
    for (const track of stream.getTracks()) track.stop();
  } catch (error) {
    result.audio = error.name;
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const track of stream.getTracks()) track.stop();
    result.video = 'granted';
  } catch (error) {
    result.video = error.name;
  }
  result.query = (await navigator.permissions.query({ name: 'microphone' })).state;
  await window.smoke.done(result);
})();
