// Unit test for web/gpu.js: which WebGL renderers are software (`node --test tests/js`).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { isSoftwareRenderer } from '../../web/gpu.js';

test('software renderers are told from GPUs by their names', () => {
  for (const software of [
    'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
    'llvmpipe (LLVM 15.0.6, 256 bits)', 'Mesa softpipe',
    'ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0)']) {
    assert.ok(isSoftwareRenderer(software), software);
  }
  for (const gpu of ['ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)', 'Apple GPU',
    'Adreno (TM) 640', 'Mali-G78', 'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)']) {
    assert.ok(!isSoftwareRenderer(gpu), gpu);
  }
});
