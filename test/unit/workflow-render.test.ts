import assert from 'node:assert/strict';
import { encode, decode } from 'msgpackr';
import {
  BUILTIN_MODULES,
  bindParams,
  fillContext,
  normalizeParams,
  renderContextFromSnapshot,
  renderModule,
  renderWorkflow,
  type ModuleSpec,
  type RenderContext,
  type Workflow,
  type WorkflowParams,
} from '../../src/core/workflows';
import type { ContextSnapshot } from '../../src/core/context';

function workflow(template: string, source: Workflow['source'] = 'claude-command'): Workflow {
  return { name: 'test', description: 'a test workflow', source, version: 'v1', template, reads: [], inputs: [], modules: [] };
}

function params(args: string[] = [], inputs: Record<string, string> = {}): WorkflowParams {
  return { args, inputs };
}

const context: RenderContext = {
  workspace: '/home/dev/shop',
  selection: 'const total = items.reduce(sum, 0);',
  file: { path: 'src/cart/total.ts', content: 'export const x = 1;\n' },
  gitDiff: 'diff --git a/x b/x\n+added\n',
  modules: { 'file-outline': 'OUTLINE' },
};

describe('renderWorkflow', () => {
  it('substitutes $ARGUMENTS with the words joined by spaces', () => {
    assert.equal(renderWorkflow(workflow('Do: $ARGUMENTS.'), params(['fix', 'the', 'bug']), {}), 'Do: fix the bug.');
  });

  it('substitutes $1..$9 positionally, and a missing one with nothing', () => {
    const text = renderWorkflow(workflow('[$1] [$2] [$3] [$9]'), params(['a', 'b']), {});
    assert.equal(text, '[a] [b] [] []');
  });

  it('leaves $10, $0 and $ARGUMENTSX as text', () => {
    const text = renderWorkflow(workflow('$10 $0 $ARGUMENTSX $ARGUMENTS'), params(['a']), {});
    assert.equal(text, '$10 $0 $ARGUMENTSX a');
  });

  it('does not treat $ARGUMENTS or $1 as variables in a GitHub prompt, and appends the words instead', () => {
    const text = renderWorkflow(workflow('echo $1 $ARGUMENTS', 'github-prompt'), params(['x', 'y']), {});
    assert.equal(text, 'echo $1 $ARGUMENTS\n\nARGUMENTS: x y');
  });

  it('appends the words to a command that never mentions them', () => {
    assert.equal(renderWorkflow(workflow('Review.'), params(['carefully']), {}), 'Review.\n\nARGUMENTS: carefully');
    assert.equal(renderWorkflow(workflow('Review.'), params(), {}), 'Review.');
  });

  it('substitutes inputs, falling back to their placeholders', () => {
    const template = 'For ${input:audience:beginners} in ${input:language}; again ${input:audience}.';
    assert.equal(
      renderWorkflow(workflow(template, 'github-prompt'), params([], { language: 'Go' }), {}),
      'For beginners in Go; again beginners.',
    );
    assert.equal(
      renderWorkflow(workflow(template, 'github-prompt'), params([], { language: 'Go', audience: 'experts' }), {}),
      'For experts in Go; again experts.',
    );
  });

  it('takes a placeholder from a later use of the same input', () => {
    const text = renderWorkflow(workflow('${input:tone} and ${input:tone:calm}'), params(), {});
    assert.equal(text, 'calm and calm');
  });

  it('keeps colons inside a placeholder and accepts an empty placeholder as a default', () => {
    const text = renderWorkflow(workflow('[${input:url:http://localhost:8080}] [${input:note:}]'), params(), {});
    assert.equal(text, '[http://localhost:8080] []');
  });

  it('refuses a run that lacks inputs with no placeholder, listing every one', () => {
    assert.throws(
      () => renderWorkflow(workflow('${input:language} ${input:tone} ${input:audience:all}'), params(), {}),
      (error: Error & { code?: string; missing?: string[] }) => {
        assert.equal(error.code, 'E_WORKFLOW_MISSING_INPUTS');
        assert.deepEqual(error.missing, ['language', 'tone']);
        assert.match(error.message, /language, tone/);
        assert.match(error.message, /--arg language=\.\.\. --arg tone=\.\.\./);
        return true;
      },
    );
  });

  it('refuses an input the workflow does not declare, naming the ones it does', () => {
    assert.throws(() => renderWorkflow(workflow('${input:language}'), params([], { langauge: 'Go' }), {}), {
      code: 'E_WORKFLOW_UNKNOWN_INPUTS',
      message: 'test has no input langauge; it declares language',
    });
  });

  it('substitutes every context variable', () => {
    const template = [
      '${selection}|${selectedText}',
      '${fileBasename}|${fileBasenameNoExtension}|${fileDirname}',
      '${workspaceFolder}|${workspaceFolderBasename}',
      '${gitDiff}',
      '${file}',
    ].join('\n');
    assert.equal(
      renderWorkflow(workflow(template), params(), context),
      [
        'const total = items.reduce(sum, 0);|const total = items.reduce(sum, 0);',
        'total.ts|total|src/cart',
        '/home/dev/shop|shop',
        'diff --git a/x b/x\n+added\n',
        '<file path="src/cart/total.ts">\nexport const x = 1;\n</file>',
      ].join('\n'),
    );
  });

  it('ends a file block on its own line even when the file has no final newline', () => {
    const text = renderWorkflow(workflow('${file}'), params(), { file: { path: 'a "b".txt', content: 'no newline' } });
    assert.equal(text, '<file path="a \\"b\\".txt">\nno newline\n</file>');
  });

  it('substitutes a module answer', () => {
    assert.equal(renderWorkflow(workflow('<o>${module:file-outline}</o>'), params(), context), '<o>OUTLINE</o>');
  });

  it('substitutes in a single pass: values that look like variables stay as given', () => {
    const template = '$1 | ${input:x} | ${selection}';
    const text = renderWorkflow(workflow(template), params(['${file}', '$2'], { x: '$ARGUMENTS ${input:x}' }), {
      selection: '${gitDiff} $1',
    });
    assert.equal(text, '${file} | $ARGUMENTS ${input:x} | ${gitDiff} $1');
  });

  it('names the missing context when a template uses what the caller did not give', () => {
    assert.throws(() => renderWorkflow(workflow('${selection}'), params(), {}), {
      code: 'E_WORKFLOW_MISSING_CONTEXT',
      message: 'test uses ${selection}, but no selection was given',
    });
    assert.throws(() => renderWorkflow(workflow('${fileBasename}'), params(), {}), /no file was given/);
    assert.throws(() => renderWorkflow(workflow('${gitDiff}'), params(), {}), /no git diff was given/);
    assert.throws(() => renderWorkflow(workflow('${workspaceFolder}'), params(), {}), /no workspace folder/);
    assert.throws(() => renderWorkflow(workflow('${module:file-outline}'), params(), {}), /that module's answer was not given/);
  });

  it('leaves an unknown variable as written', () => {
    assert.equal(renderWorkflow(workflow('${HOME} ${input:} ${module:Bad}'), params(), {}), '${HOME} ${input:} ${module:Bad}');
  });
});

describe('bindParams', () => {
  it('produces plain data that survives msgpack and renders the same after', () => {
    const bound = bindParams(workflow('Explain ${selection} for $1 using ${module:file-outline}'), params(['me']));
    const copy = decode(encode(bound)) as typeof bound;
    assert.deepEqual(copy, bound);
    assert.equal(fillContext(copy, context), `Explain ${context.selection} for me using OUTLINE`);
  });

  it('merges adjacent text so equal renderings bind equally', () => {
    const bound = bindParams(workflow('a $1 b $2 c ${selection}'), params(['x', 'y']));
    assert.deepEqual(bound.segments, [{ text: 'a x b y c ' }, { context: 'selection' }]);
    assert.equal(bound.version, 'v1');
  });
});

describe('normalizeParams', () => {
  it('sorts input keys and trims args, so equal runs normalize equal', () => {
    const a = normalizeParams({ args: [' fix ', 'bug  '], inputs: { b: '2', a: '1' } });
    const b = normalizeParams({ args: ['fix', 'bug'], inputs: { a: '1', b: '2' } });
    assert.deepEqual(a, b);
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    assert.deepEqual(Object.keys(a.inputs), ['a', 'b']);
  });

  it('drops trailing empty args but keeps inner ones, which shift $N', () => {
    assert.deepEqual(normalizeParams({ args: ['a', '', 'b', ' ', ''], inputs: {} }).args, ['a', '', 'b']);
  });

  it('keeps input values as typed', () => {
    assert.deepEqual(normalizeParams({ args: [], inputs: { x: ' spaced ' } }).inputs, { x: ' spaced ' });
  });

  it('does not change the params it was given', () => {
    const original = { args: [' a '], inputs: { b: '1', a: '2' } };
    normalizeParams(original);
    assert.deepEqual(original, { args: [' a '], inputs: { b: '1', a: '2' } });
  });
});

describe('renderModule', () => {
  const outline = BUILTIN_MODULES.find((module) => module.name === 'file-outline') as ModuleSpec;

  it('renders a module from context alone', () => {
    const text = renderModule(outline, context);
    assert.ok(text.includes('<file path="src/cart/total.ts">\nexport const x = 1;\n</file>'));
  });

  it('leaves $ARGUMENTS as text and refuses params in a module', () => {
    const module: ModuleSpec = { name: 'm', version: '1', template: '$ARGUMENTS ${HOME}', reads: [] };
    assert.equal(renderModule(module, {}), '$ARGUMENTS ${HOME}');
    assert.throws(() => renderModule({ ...module, template: '${input:x}' }, {}), { code: 'E_WORKFLOW_DEFINITION' });
  });
});

describe('renderContextFromSnapshot', () => {
  it('turns each part into the matching render context field', () => {
    const snapshot: ContextSnapshot = {
      workspace: '/w',
      hash: 'h',
      parts: [
        { kind: 'selection', id: 'selection', hash: 'a', size: 1, content: 'S' },
        { kind: 'file', id: 'src/a.ts', hash: 'b', size: 1, mtimeMs: 1, content: 'F' },
        { kind: 'gitDiff', id: 'git-diff', hash: 'c', size: 1, content: 'D' },
      ],
    };
    assert.deepEqual(renderContextFromSnapshot(snapshot, { m: 'M' }), {
      workspace: '/w',
      selection: 'S',
      file: { path: 'src/a.ts', content: 'F' },
      gitDiff: 'D',
      modules: { m: 'M' },
    });
  });
});
