/**
 * A live audio track that Chromium itself ends: the receiving side of a loopback WebRTC call
 * carrying an oscillator; stopping the receiver's transceiver ends the track ('ended' fires).
 */
export async function browserEndedTrack(): Promise<{ stream: MediaStream; end: () => void }> {
  const source = new AudioContext();
  const oscillator = source.createOscillator();
  const destination = source.createMediaStreamDestination();
  oscillator.connect(destination);
  oscillator.start();
  const sender = new RTCPeerConnection();
  const receiver = new RTCPeerConnection();
  sender.onicecandidate = (event) => event.candidate && receiver.addIceCandidate(event.candidate);
  receiver.onicecandidate = (event) => event.candidate && sender.addIceCandidate(event.candidate);
  const received = new Promise<MediaStreamTrack>((resolve) => {
    receiver.ontrack = (event) => resolve(event.track);
  });
  sender.addTrack(destination.stream.getAudioTracks()[0]!, destination.stream);
  await sender.setLocalDescription(await sender.createOffer());
  await receiver.setRemoteDescription(sender.localDescription!);
  await receiver.setLocalDescription(await receiver.createAnswer());
  await sender.setRemoteDescription(receiver.localDescription!);
  const track = await received;
  return {
    stream: new MediaStream([track]),
    end: () => {
      for (const transceiver of receiver.getTransceivers()) transceiver.stop();
      setTimeout(() => {
        sender.close();
        receiver.close();
        source.close();
      }, 500);
    },
  };
}
