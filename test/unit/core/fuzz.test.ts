import assert from 'node:assert/strict';
import { decodeValue, encodeValue } from '../../../src/core/codec';
import { EncryptingCodec } from '../../../src/core/codec/encryptingCodec';
import { CodecError } from '../../../src/core/errors';
import { parseWorkflowFile } from '../../../src/core/workflows/workflowFile';
import { findSecrets, redactSecrets } from '../../../src/core/security';
import { seededRandom } from '../../helpers/seededRandom';


const SEEDS = [
  '---\ndescription: Lint the file\nargument-hint: [focus]\nmodel: claude-sonnet-5-5\n---\nLint ${file} for $ARGUMENTS.\n',
  '---\nmode: agent\ntools: [a, b]\n---\nReview ${selection} and {{input:focus}} $1 $2\n',
  'No frontmatter, just a body with ${workspaceFolder} and #file:src/x.ts\n',
  '---\ndescription: "quoted: value"\n---\n',
];
const TOKENS = ['---', '\n', '${', '}', '$ARGUMENTS', '$1', ':', '"', "'", '[', ']', '{{', '}}', '\u0000', '\uFFFD', '#file:', '\r\n', '  '];

function mutate(source: Uint8Array, next: () => number): Uint8Array {
  const bytes = [...source];
  const edits = 1 + Math.floor(next() * 6);
  for (let i = 0; i < edits; i += 1) {
    const at = Math.floor(next() * (bytes.length + 1));
    switch (Math.floor(next() * 5)) {
      case 0:
        bytes[at] = Math.floor(next() * 256);
        break;
      case 1:
        bytes.splice(at, Math.floor(next() * 16));
        break;
      case 2:
        bytes.splice(at, 0, ...Buffer.from(TOKENS[Math.floor(next() * TOKENS.length)] ?? ''));
        break;
      case 3:
        bytes.splice(at, 0, ...Array.from({ length: Math.floor(next() * 32) }, () => Math.floor(next() * 256)));
        break;
      default:
        bytes.splice(at, 0, ...bytes.slice(0, Math.floor(next() * bytes.length)));
    }
  }
  return Uint8Array.from(bytes);
}

describe('fuzz: parseWorkflowFile', () => {
  const file = { path: '.claude/commands/fuzz.md', source: 'claude-command', name: 'fuzz' } as const;
  const CASES = 3000;

  it(`returns a workflow or WorkflowProblems, never throws, for ${CASES} mutated and random files`, () => {
    const next = seededRandom(0xc1a0de);
    let usable = 0;
    let refused = 0;
    for (let i = 0; i < CASES; i += 1) {
      const seed = Buffer.from(SEEDS[i % SEEDS.length] ?? '');
      const bytes =
        i % 10 === 9
          ? Uint8Array.from({ length: Math.floor(next() * 512) }, () => Math.floor(next() * 256))
          : mutate(seed, next);
      let parsed: ReturnType<typeof parseWorkflowFile>;
      try {
        parsed = parseWorkflowFile(file, bytes);
      } catch (error) {
        assert.fail(`case ${i} threw ${String(error)} for ${JSON.stringify(Buffer.from(bytes).toString('base64'))}`);
      }
      for (const problem of parsed.problems) {
        assert.equal(problem.file, file.path);
        assert.ok(problem.message.length > 0 && (problem.severity === 'error' || problem.severity === 'warning'));
        if (problem.line !== undefined) assert.ok(Number.isInteger(problem.line) && problem.line >= 1, `case ${i} line`);
      }
      if (parsed.workflow) usable += 1;
      else {
        assert.ok(parsed.problems.some((problem) => problem.severity === 'error'), `case ${i}: no workflow and no error`);
        refused += 1;
      }
    }
    // Both outcomes must occur, or the mutations are not exercising the parser.
    assert.ok(usable > 100 && refused > 100, `usable ${usable}, refused ${refused}`);
  });
});

describe('fuzz: EncryptingCodec.decode', () => {
  const codec = new EncryptingCodec({ encode: encodeValue, decode: decodeValue }, Buffer.alloc(32, 7));
  const CASES = 2000;

  it(`throws only CodecError for ${CASES} mutated sealed frames and random bytes`, () => {
    const next = seededRandom(0x5eed);
    const sealed = codec.encode({ text: 'x'.repeat(300), n: 1 });
    for (let i = 0; i < CASES; i += 1) {
      const bytes =
        i % 4 === 3 ? Uint8Array.from({ length: Math.floor(next() * 80) }, () => Math.floor(next() * 256)) : mutate(sealed, next);
      if (Buffer.from(bytes).equals(Buffer.from(sealed))) continue;
      assert.throws(() => codec.decode(bytes), CodecError, `case ${i}`);
    }
  });
});

describe('fuzz: findSecrets', () => {
  it('returns ordered, disjoint, in-range findings and a redaction without them, for random text', () => {
    const next = seededRandom(42);
    const parts = ['password=', 'sk-ant-', 'AKIA', 'ghp_', '-----BEGIN PRIVATE KEY-----', 'abcDEF0123', ' ', '\n', '"', '=', ':'];
    for (let i = 0; i < 1000; i += 1) {
      const text = Array.from({ length: Math.floor(next() * 30) }, () => parts[Math.floor(next() * parts.length)]).join('');
      const findings = findSecrets(text);
      let last = 0;
      for (const finding of findings) {
        assert.ok(finding.start >= last && finding.end > finding.start && finding.end <= text.length, `case ${i}`);
        last = finding.end;
      }
      assert.deepEqual(findSecrets(redactSecrets(text)).filter((f) => f.kind !== 'password'), [], `case ${i}`);
    }
  });
});
