// A file the user keeps (their taught signs, their practice): made in the page and handed to the
// browser's download, never sent anywhere.

/** Offer `text` as a JSON file named `filename`. */
export function offerDownload(filename, text) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
