import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { findExecutable } from '../../../../tools/common/executables';

describe('findExecutable', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'executables-'));
    for (const dir of ['a', 'b']) mkdirSync(join(root, dir));
    writeFileSync(join(root, 'a', 'tool'), 'not executable');
    writeFileSync(join(root, 'b', 'tool'), '#!/bin/sh\n');
    chmodSync(join(root, 'b', 'tool'), 0o755);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('returns the first executable match along PATH, skipping files that cannot run', () => {
    const path = ['', join(root, 'a'), join(root, 'b')].join(delimiter);
    assert.equal(findExecutable('tool', path), join(root, 'b', 'tool'));
  });

  it('returns undefined when nothing on PATH matches', () => {
    assert.equal(findExecutable('tool', join(root, 'a')), undefined);
    assert.equal(findExecutable('tool', ''), undefined);
  });
});
