// The camera: getUserMedia into a <video>, with errors a person can act on.
// Frames stay on the device: they go from the video to a canvas to the model, nowhere else.

export class CameraError extends Error {}

const MESSAGES = {
  NotAllowedError: 'Camera access was denied. Allow the camera for this page in your browser\'s ' +
    'site settings, then press Start camera again.',
  SecurityError: 'Camera access was blocked by the browser. Allow the camera for this page, then press Start camera again.',
  NotFoundError: 'No camera was found. Connect a camera, then press Start camera again.',
  OverconstrainedError: 'No camera here can give video. Connect another camera, then press Start camera again.',
  NotReadableError: 'The camera is in use by another app or could not be started. Close that app, then press Start camera again.',
  AbortError: 'The camera could not be started. Press Start camera to try again.',
};

/** Start the camera into `video`. facingMode: 'user' (selfie) or 'environment' (back). */
export async function startCamera(video, facingMode = 'user') {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraError('This browser gives no camera access here. Open the page over https ' +
      '(or on localhost) in a current browser.');
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode, width: { ideal: 640 }, height: { ideal: 480 } },
    });
  } catch (error) {
    throw new CameraError(MESSAGES[error.name] ?? `The camera could not be started (${error.name}: ${error.message}).`);
  }
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  await video.play();
  if (!video.videoWidth) {
    await new Promise((resolve) => video.addEventListener('loadeddata', resolve, { once: true }));
  }
  return stream;
}

export function stopCamera(stream) {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
