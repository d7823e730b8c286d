// Draws the hand the recogniser found over the preview: its 21 points, their bones, a box, and
// (a hand far from the camera) the dashed square the image model reads instead of the centre square.
// The overlay canvas has the video's pixel size and is fitted and mirrored like the video (CSS).

// MediaPipe's hand skeleton: thumb, index, middle, ring, little finger, palm.
const BONES = [[0, 1], [1, 2], [2, 3], [3, 4], [0, 5], [5, 6], [6, 7], [7, 8], [5, 9], [9, 10], [10, 11],
  [11, 12], [9, 13], [13, 14], [14, 15], [15, 16], [13, 17], [0, 17], [17, 18], [18, 19], [19, 20]];

/** hand: {points: 21 × [x, y, z] in 0..1} or null (clears the overlay); square: [left, top, side]
 *  in pixels that the image model read (classifier.js handSquare), drawn where smaller than the frame's;
 *  trail: the fingertip's path being drawn (motion.js), in pixels. */
export function drawHand(canvas, hand, width = canvas.width, height = canvas.height, square = null, trail = []) {
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const context = canvas.getContext('2d');
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (!hand) return;
  const xy = hand.points.map(([x, y]) => [x * width, y * height]);
  const line = Math.max(2, width / 200);
  context.lineWidth = line;
  context.strokeStyle = 'rgba(255, 255, 255, 0.9)';
  context.beginPath();
  for (const [a, b] of BONES) {
    context.moveTo(...xy[a]);
    context.lineTo(...xy[b]);
  }
  context.stroke();
  context.fillStyle = '#ffb000';
  for (const [x, y] of xy) {
    context.beginPath();
    context.arc(x, y, line * 1.5, 0, 2 * Math.PI);
    context.fill();
  }
  const xs = xy.map(([x]) => x), ys = xy.map(([, y]) => y);
  const pad = 0.1 * Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  context.strokeStyle = '#ffb000';
  context.strokeRect(Math.min(...xs) - pad, Math.min(...ys) - pad,
    Math.max(...xs) - Math.min(...xs) + 2 * pad, Math.max(...ys) - Math.min(...ys) + 2 * pad);
  if (trail.length > 1) { // the fingertip's path while J or Z is drawn (motion.js), in pixels
    context.strokeStyle = 'rgba(127, 191, 255, 0.95)';
    context.lineWidth = 2 * line;
    context.beginPath();
    context.moveTo(...trail[0]);
    for (const point of trail.slice(1)) context.lineTo(...point);
    context.stroke();
  }
  if (square && square[2] < Math.min(width, height)) {
    context.setLineDash([4 * line, 3 * line]);
    context.strokeStyle = 'rgba(255, 255, 255, 0.8)';
    context.strokeRect(...square, square[2]);
    context.setLineDash([]);
  }
}
