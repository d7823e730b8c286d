// Classify a photo the user picks or drops. The file is decoded in the page (createImageBitmap)
// and never sent anywhere.

export class UploadError extends Error {}

/** Decode a File into an ImageBitmap, or throw UploadError with a message fit for the page. */
export async function decodePhoto(file) {
  // Some systems give no type for a photo, so only a type that is known and not an image is refused early.
  if (file.type && !file.type.startsWith('image/')) {
    throw new UploadError(`"${file.name}" is not a photo (${file.type}). Choose a JPEG, PNG or WebP image.`);
  }
  try {
    return await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new UploadError(`"${file.name}" could not be read as an image (damaged, or a format this browser cannot open). ` +
      'Choose a JPEG, PNG or WebP photo.');
  }
}

/**
 * Wire a file input and a drop zone. onPhoto(bitmap, file) gets each decoded photo;
 * onError(message) gets a message for anything that is not one.
 */
export function bindUpload({ input, dropZone }, onPhoto, onError) {
  const handle = async (files) => {
    const [file] = files ?? [];
    if (!file) return;
    try {
      onPhoto(await decodePhoto(file), file);
    } catch (error) {
      onError(error instanceof UploadError ? error.message : `The photo could not be used: ${error.message}`);
    }
  };
  input.addEventListener('change', () => { handle(input.files); input.value = ''; });
  dropZone.addEventListener('dragover', (event) => {
    event.preventDefault(); // without this the browser opens the dropped file instead
    dropZone.classList.add('dragging');
  });
  dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
  dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    dropZone.classList.remove('dragging');
    handle(event.dataTransfer?.files);
  });
}
