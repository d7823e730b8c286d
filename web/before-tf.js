// Loaded before vendor/tf.min.js. TF.js bundles regenerator-runtime, which sets a global
// `regeneratorRuntime`; in strict mode that assignment throws unless the global already exists,
// and its fallback is Function("…") — string evaluation, which our Content-Security-Policy
// (no 'unsafe-eval') blocks, and TF.js then fails to load. Declaring the global first avoids both.
globalThis.regeneratorRuntime = undefined;
