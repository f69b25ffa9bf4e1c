import assert from 'node:assert/strict';
import { bundleImports } from '../../../../tools/package/bundleImports';

describe('bundleImports', () => {
  it('finds the packages a bundle requires or imports at run time', () => {
    const source = [
      'var a=require("lz4-napi"),b=require( \'msgpackr-extract\' );',
      'const c = await import("@surrealdb/node");',
      'import("surrealdb/sub/path");',
    ].join('\n');
    assert.deepEqual(bundleImports(source), ['@surrealdb/node', 'lz4-napi', 'msgpackr-extract', 'surrealdb']);
  });

  it('leaves out vscode, Node builtins and relative paths', () => {
    const source = 'require("vscode");require("fs");require("node:path");require("./chunk.js");require("/abs.js")';
    assert.deepEqual(bundleImports(source), []);
  });

  it('names each package once', () => {
    assert.deepEqual(bundleImports('require("x");require("x/y");import("x")'), ['x']);
  });
});
