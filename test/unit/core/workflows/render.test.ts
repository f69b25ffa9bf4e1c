import assert from 'node:assert/strict';
import { encode, decode } from 'msgpackr';
import { checkBoundPrompt } from '../../../../src/core/tiered/layerValueSchemas';
import {
  BUILTIN_MODULES,
  EmptyPromptError,
  MissingInputsError,
  assertInputsGiven,
  bindParams,
  fileReferencesOf,
  fillContext,
  normalizeParams,
  renderContextFromSnapshot,
  renderModule,
  renderWorkflow,
  shellCommandsOf,
  type ModuleSpec,
  type RenderContext,
  type Workflow,
  type WorkflowParams,
} from '../../../../src/core/workflows';
import type { ContextSnapshot } from '../../../../src/core/context';
import { workflowOf } from '../../../helpers/workflowOf';

function workflow(template: string, source: Workflow['source'] = 'claude-command', extra: Partial<Workflow> = {}): Workflow {
  return workflowOf({ source, template, ...extra });
}

function params(args: string[] = [], inputs: Record<string, string> = {}, rawArguments?: string): WorkflowParams {
  return rawArguments === undefined ? { args, inputs } : { args, rawArguments, inputs };
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

  it('renders the documented example: $N and $ARGUMENTS[N] are 0-based', () => {
    const text = renderWorkflow(workflow('Migrate the $0 component from $ARGUMENTS[1] to $2'), params(['SearchBar', 'React', 'Vue']), {});
    assert.equal(text, 'Migrate the SearchBar component from React to Vue');
  });

  it('renders a missing index as nothing, and reads multi-digit indexes', () => {
    const args = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'];
    assert.equal(renderWorkflow(workflow('[$0] [$1] [$9] [$10] [$ARGUMENTS[10]]'), params(args), {}), '[a] [b] [j] [k] [k]');
    assert.equal(renderWorkflow(workflow('[$0] [$5] [$ARGUMENTS[7]] $ARGUMENTS'), params(['a']), {}), '[a] [] [] a');
  });

  it('gives $ARGUMENTS the line as typed and $N its shell-style split, quotes removed', () => {
    const text = renderWorkflow(
      workflow('[$0] [$1] [$ARGUMENTS]'),
      params(['my widget', 'React'], {}, '"my widget"  React'),
      {},
    );
    assert.equal(text, '[my widget] [React] ["my widget"  React]');
  });

  it('substitutes named arguments by their position in the arguments field, longest name first', () => {
    const template = 'Fix $issue on $branch; $issue-tracker and $old-name stay; $issues is text.';
    const text = renderWorkflow(workflow(template, 'claude-skill', { argumentNames: ['issue', 'branch', 'old-name'] }), params(['42', 'hotfix', 'X']), {});
    assert.equal(text, 'Fix 42 on hotfix; 42-tracker and X stay; $issues is text.');
  });

  it('leaves $ARGUMENTSX, $HOME and a named argument nobody declared as text', () => {
    const text = renderWorkflow(workflow('$ARGUMENTSX $HOME $issue $ARGUMENTS'), params(['a']), {});
    assert.equal(text, '$ARGUMENTSX $HOME $issue a');
  });

  it('does not treat $ARGUMENTS or $1 as variables in a GitHub prompt, and appends the words instead', () => {
    const text = renderWorkflow(workflow('echo $1 $ARGUMENTS', 'github-prompt'), params(['x', 'y']), {});
    assert.equal(text, 'echo $1 $ARGUMENTS\n\nARGUMENTS: x y');
  });

  it('appends ARGUMENTS: <as typed> when the body has no argument placeholder', () => {
    assert.equal(renderWorkflow(workflow('Review.'), params(['carefully']), {}), 'Review.\n\nARGUMENTS: carefully');
    assert.equal(renderWorkflow(workflow('Review.'), params(['a b'], {}, "'a b'"), {}), "Review.\n\nARGUMENTS: 'a b'");
    assert.equal(renderWorkflow(workflow('Review.'), params(), {}), 'Review.');
    // Any placeholder counts: `$ARGUMENTS[N]`, `$N`, a named argument.
    assert.equal(renderWorkflow(workflow('Use $ARGUMENTS[0].'), params(['x']), {}), 'Use x.');
    assert.equal(renderWorkflow(workflow('Use $1.'), params(['x']), {}), 'Use .');
  });

  it('substitutes inputs, and treats a placeholder as a hint, never as the value', () => {
    const template = 'For ${input:audience:beginners} in ${input:language}; again ${input:audience}.';
    assert.equal(
      renderWorkflow(workflow(template, 'github-prompt'), params([], { language: 'Go', audience: 'experts' }), {}),
      'For experts in Go; again experts.',
    );
    assert.throws(() => renderWorkflow(workflow(template, 'github-prompt'), params([], { language: 'Go' }), {}), {
      code: 'E_WORKFLOW_MISSING_INPUTS',
      message: 'test needs a value for the input audience (beginners): pass --arg audience=...',
    });
  });

  it('accepts an empty string as an input value', () => {
    assert.equal(renderWorkflow(workflow('[${input:note:optional note}]'), params([], { note: '' }), {}), '[]');
  });

  it('refuses a run that lacks inputs, listing every one with its hint', () => {
    assert.throws(
      () => renderWorkflow(workflow('${input:language} ${input:tone} ${input:code:Paste your code here}'), params(), {}),
      (error: Error & { code?: string; missing?: string[] }) => {
        assert.ok(error instanceof MissingInputsError);
        assert.equal(error.code, 'E_WORKFLOW_MISSING_INPUTS');
        assert.deepEqual(error.missing, ['language', 'tone', 'code']);
        assert.equal(
          error.message,
          'test needs values for the inputs language, tone, code (Paste your code here): pass --arg language=... --arg tone=... --arg code=...',
        );
        return true;
      },
    );
  });

  it('checks inputs without binding, for the CLI to exit before any lookup', () => {
    const needsCode = workflow('${input:code:Paste your code here}', 'github-prompt', { inputs: [{ name: 'code', placeholder: 'Paste your code here' }] });
    assert.throws(() => assertInputsGiven(needsCode, {}), MissingInputsError);
    assert.throws(() => assertInputsGiven(needsCode, { code: 'x', cod: 'y' }), { code: 'E_WORKFLOW_UNKNOWN_INPUTS' });
    assert.doesNotThrow(() => assertInputsGiven(needsCode, { code: 'x' }));
  });

  it('refuses an input the workflow does not declare, naming the ones it does', () => {
    assert.throws(() => renderWorkflow(workflow('${input:language}'), params([], { langauge: 'Go' }), {}), {
      code: 'E_WORKFLOW_UNKNOWN_INPUTS',
      message: 'test has no input langauge; it declares language',
    });
  });

  it('refuses a prompt that is empty once arguments are filled in, naming the empty ones', () => {
    assert.throws(
      () => renderWorkflow(workflow('$ARGUMENTS', 'claude-command', { argumentHint: '[message]' }), params(), {}),
      (error: Error & { code?: string; emptyArguments?: string[] }) => {
        assert.ok(error instanceof EmptyPromptError);
        assert.deepEqual(error.emptyArguments, ['$ARGUMENTS']);
        assert.equal(
          error.message,
          'test has nothing to ask Claude: its prompt is empty once its arguments are filled in ($ARGUMENTS was not given). Give it the arguments it expects ([message]).',
        );
        return true;
      },
    );
    assert.throws(() => renderWorkflow(workflow(' $0 \n $ARGUMENTS[1] '), params(), {}), /\(\$0, \$ARGUMENTS\[1\] were not given\)/);
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
    const template = '$0 | ${input:x} | ${selection} | $ARGUMENTS';
    const text = renderWorkflow(workflow(template), params(['${file}', '$1', '!`ls`'], { x: '$ARGUMENTS ${input:x}' }), {
      selection: '${gitDiff} $0 @src/a.ts',
    });
    assert.equal(text, '${file} | $ARGUMENTS ${input:x} | ${gitDiff} $0 @src/a.ts | ${file} $1 !`ls`');
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

  it('puts each command\'s output in place of its `!` directive, and a plain marker when it was not run', () => {
    const template = 'Status:\n!`git status --short`\nBranch: !`git branch --show-current`\n```!\ngit log -1\n```\nKEY=!`id` stays.';
    const wf = workflow(template);
    const outputs = { 'git status --short': '?? new.txt', 'git branch --show-current': 'main', 'git log -1': 'abc fix' };
    assert.equal(renderWorkflow(wf, params(), { shellOutputs: outputs }), 'Status:\n?? new.txt\nBranch: main\nabc fix\nKEY=!`id` stays.');
    assert.match(renderWorkflow(wf, params(), {}), /^Status:\n\[output of `git status --short` not available: the command was not run\]/);
  });

  it('substitutes arguments into a `!` command before it runs, as Claude Code does, and appends nothing then', () => {
    const bound = bindParams(workflow('Diff: !`gh pr diff $ARGUMENTS` and !`gh pr view $0 --json title`'), params(['42']));
    assert.deepEqual(bound.segments, [
      { text: 'Diff: ' },
      { kind: 'shell', command: 'gh pr diff 42' },
      { text: ' and ' },
      { kind: 'shell', command: 'gh pr view 42 --json title' },
    ]);
    assert.deepEqual(shellCommandsOf(bound), ['gh pr diff 42', 'gh pr view 42 --json title']);
  });

  it('replaces an @path with the file, like ${file}, and leaves it as written when it names no file', () => {
    const wf = workflow('Compare @src/old.ts with @./src/new.ts.');
    const files = { 'src/old.ts': 'old\n', 'src/new.ts': 'new\n' };
    assert.equal(
      renderWorkflow(wf, params(), { fileReferences: files }),
      'Compare <file path="src/old.ts">\nold\n</file> with <file path="src/new.ts">\nnew\n</file>.',
    );
    assert.equal(renderWorkflow(wf, params(), { fileReferences: { 'src/old.ts': null } }), 'Compare @src/old.ts with @src/new.ts.');
    assert.deepEqual(fileReferencesOf(bindParams(wf, params())), ['src/old.ts', 'src/new.ts']);
  });

  it('keeps a prompt file\'s link in the text and attaches the linked file after the prompt', () => {
    const wf = workflow('Follow [the guide](../../docs/guide.md) and [the site](https://example.com).', 'github-prompt', {
      filePath: '.github/prompts/write.prompt.md',
    });
    assert.equal(
      renderWorkflow(wf, params(), { fileReferences: { 'docs/guide.md': 'Be brief.' } }),
      'Follow [the guide](../../docs/guide.md) and [the site](https://example.com).\n\n<file path="docs/guide.md">\nBe brief.\n</file>',
    );
    assert.equal(renderWorkflow(wf, params(), {}), 'Follow [the guide](../../docs/guide.md) and [the site](https://example.com).');
  });

  it('does not read @ or links as files where the format does not have them', () => {
    assert.deepEqual(fileReferencesOf(bindParams(workflow('See @src/a.ts', 'github-prompt'), params())), []);
    assert.deepEqual(fileReferencesOf(bindParams(workflow('See [a](src/a.ts)'), params())), []);
    assert.deepEqual(shellCommandsOf(bindParams(workflow('Run !`ls`', 'github-prompt'), params())), []);
  });

  it('leaves an unknown variable as written', () => {
    assert.equal(renderWorkflow(workflow('${HOME} ${input:} ${module:Bad}'), params(), {}), '${HOME} ${input:} ${module:Bad}');
  });
});

describe('bindParams', () => {
  it('produces plain data that survives msgpack and renders the same after', () => {
    const bound = bindParams(workflow('Explain ${selection} for $0 using ${module:file-outline} and !`date` and @a.md'), params(['me']));
    const copy = decode(encode(bound)) as typeof bound;
    assert.deepEqual(copy, bound);
    assert.equal(
      fillContext(copy, { ...context, shellOutputs: { date: 'today' }, fileReferences: { 'a.md': 'A' } }),
      `Explain ${context.selection} for me using OUTLINE and today and <file path="a.md">\nA\n</file>`,
    );
    assert.equal(checkBoundPrompt(copy), undefined);
  });

  it('merges adjacent text so equal renderings bind equally', () => {
    const bound = bindParams(workflow('a $0 b $1 c ${selection}'), params(['x', 'y']));
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

  it('keeps the typed line only when it says more than the words joined by spaces', () => {
    assert.deepEqual(normalizeParams({ args: ['a', 'b'], rawArguments: ' a b ', inputs: {} }), { args: ['a', 'b'], inputs: {} });
    assert.deepEqual(normalizeParams({ args: ['a b'], rawArguments: '"a b"', inputs: {} }), { args: ['a b'], rawArguments: '"a b"', inputs: {} });
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
