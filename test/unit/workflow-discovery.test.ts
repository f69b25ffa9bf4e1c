import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BUILTIN_WORKFLOWS,
  MAX_WORKFLOW_FILE_BYTES,
  UnknownWorkflowError,
  discoverWorkflows,
  findWorkflow,
  parseWorkflowFile,
  renderWorkflow,
  type Workflow,
  type WorkflowProblem,
} from '../../src/core/workflows';

const FIXTURE = path.resolve(__dirname, '../fixtures/workspace');

function named(workflows: Workflow[], name: string): Workflow {
  const workflow = findWorkflow(workflows, name);
  assert.ok(workflow, `expected a workflow named ${name}; have ${workflows.map((w) => w.name).join(', ')}`);
  return workflow;
}

function problemsFor(problems: WorkflowProblem[], file: string): WorkflowProblem[] {
  return problems.filter((problem) => problem.file === file);
}

describe('discoverWorkflows', () => {
  let temp: string;

  beforeEach(async () => {
    temp = await mkdtemp(path.join(tmpdir(), 'workflows-'));
  });

  afterEach(async () => {
    await rm(temp, { recursive: true, force: true });
  });

  async function write(relative: string, content: string | Uint8Array): Promise<void> {
    await mkdir(path.dirname(path.join(temp, relative)), { recursive: true });
    await writeFile(path.join(temp, relative), content);
  }

  describe('on the fixture workspace', () => {
    it('lists built-ins and files, sorted by name, with names taken from their paths', async () => {
      const { workflows } = await discoverWorkflows(FIXTURE);
      assert.deepEqual(
        workflows.map((workflow) => [workflow.name, workflow.source]),
        [
          ['commit-msg', 'claude-command'],
          ['explain', 'github-prompt'],
          ['explain-selection', 'builtin'],
          ['frontend:lint', 'claude-command'],
          ['review-file', 'builtin'],
          ['summarize-changes', 'builtin'],
          ['translate', 'github-prompt'],
          ['write-tests', 'builtin'],
        ],
      );
    });

    it('reads Claude command frontmatter and tolerates keys it does not use', async () => {
      const { workflows } = await discoverWorkflows(FIXTURE);
      const command = named(workflows, 'commit-msg');
      assert.equal(command.description, 'Draft a commit message for a ticket');
      assert.equal(command.argumentHint, '<ticket-id> <scope> [notes...]');
      assert.equal(command.model, 'claude-haiku-5-5');
      assert.equal(command.filePath, '.claude/commands/commit-msg.md');
      assert.deepEqual(command.reads, []);
      assert.match(command.template, /^Write a commit message for ticket \$1/);
      assert.match(command.version, /^[0-9a-f]{16}$/);
    });

    it('reads GitHub prompt frontmatter, its inputs and placeholders, and what it reads', async () => {
      const { workflows } = await discoverWorkflows(FIXTURE);
      const prompt = named(workflows, 'explain');
      assert.equal(prompt.description, 'Explain the selected code for a given audience');
      assert.equal(prompt.model, 'Claude Sonnet 4');
      assert.equal(prompt.filePath, '.github/prompts/explain.prompt.md');
      assert.deepEqual(prompt.reads, ['selection']);
      assert.deepEqual(prompt.inputs, [
        { name: 'audience', placeholder: 'a new team member' },
        { name: 'length', placeholder: 'three' },
      ]);
      assert.deepEqual(named(workflows, 'translate').inputs, [{ name: 'language' }]);
      assert.deepEqual(named(workflows, 'translate').reads, ['file']);
    });

    it('names a nested command with colons and uses its first line as the description', async () => {
      const { workflows } = await discoverWorkflows(FIXTURE);
      const lint = named(workflows, 'frontend:lint');
      assert.equal(lint.description, 'Check the file against the frontend conventions');
      assert.deepEqual(lint.reads, ['file']);
      assert.equal(lint.model, undefined);
    });

    it('reports the broken frontmatter by file and line, and still loads the others', async () => {
      const { workflows, problems } = await discoverWorkflows(FIXTURE);
      const [broken] = problemsFor(problems, '.claude/commands/broken.md');
      assert.ok(broken);
      assert.equal(broken.line, 4);
      assert.equal(broken.severity, 'error');
      assert.match(broken.message, /invalid YAML frontmatter/);
      assert.equal(findWorkflow(workflows, 'broken'), undefined);
      assert.ok(findWorkflow(workflows, 'commit-msg'));
    });

    it('reports a frontmatter field of the wrong type by file and line, and skips that file', async () => {
      const { workflows, problems } = await discoverWorkflows(FIXTURE);
      assert.deepEqual(problemsFor(problems, '.github/prompts/wrong-type.prompt.md'), [
        {
          file: '.github/prompts/wrong-type.prompt.md',
          line: 3,
          message: 'frontmatter `description` must be text, not a list; skipped',
          severity: 'error',
        },
      ]);
      assert.equal(findWorkflow(workflows, 'wrong-type'), undefined);
    });

    it('reports an unknown variable with its file and line, and leaves it as written', async () => {
      const { workflows, problems } = await discoverWorkflows(FIXTURE);
      const [unknown] = problemsFor(problems, '.github/prompts/translate.prompt.md');
      assert.ok(unknown);
      assert.equal(unknown.line, 6);
      assert.equal(unknown.severity, 'warning');
      assert.match(unknown.message, /unknown variable \$\{env:HOME\}/);
      const text = renderWorkflow(
        named(workflows, 'translate'),
        { args: [], inputs: { language: 'French' } },
        { file: { path: 'src/a.ts', content: '// hi' } },
      );
      assert.match(text, /Leave \$\{env:HOME\} alone\./);
      assert.match(text, /`echo \$1` stay as written/);
    });

    it('ignores Markdown files in .github/prompts that are not *.prompt.md', async () => {
      const { workflows, problems } = await discoverWorkflows(FIXTURE);
      assert.equal(findWorkflow(workflows, 'NOTES'), undefined);
      assert.deepEqual(problemsFor(problems, '.github/prompts/NOTES.md'), []);
    });

    it('reports exactly the two deliberately broken files and the one unknown variable', async () => {
      const { problems } = await discoverWorkflows(FIXTURE);
      assert.deepEqual(
        problems.map((problem) => problem.file),
        ['.claude/commands/broken.md', '.github/prompts/translate.prompt.md', '.github/prompts/wrong-type.prompt.md'],
      );
    });
  });

  it('gives only the built-ins, and a warning, for a folder that does not exist', async () => {
    const missing = path.join(temp, 'nope');
    const { workflows, problems } = await discoverWorkflows(missing);
    assert.deepEqual(workflows.map((w) => w.name), BUILTIN_WORKFLOWS.map((w) => w.name));
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.file, missing);
  });

  it('gives only the built-ins for a workspace with no workflow folders', async () => {
    const { workflows, problems } = await discoverWorkflows(temp);
    assert.equal(workflows.length, BUILTIN_WORKFLOWS.length);
    assert.deepEqual(problems, []);
  });

  it('lets a file override a built-in and keeps the built-in reachable as builtin:<name>', async () => {
    await write('.claude/commands/review-file.md', 'Our own review of ${file}.');
    const { workflows, problems } = await discoverWorkflows(temp);
    assert.equal(named(workflows, 'review-file').source, 'claude-command');
    const builtin = named(workflows, 'builtin:review-file');
    assert.equal(builtin.source, 'builtin');
    assert.deepEqual(builtin.modules.map((module) => module.name), ['file-outline']);
    assert.deepEqual(problems.map((p) => [p.file, p.severity]), [['.claude/commands/review-file.md', 'warning']]);
    assert.match(problems[0]?.message ?? '', /builtin:review-file/);
  });

  it('gives a Claude command the name over a GitHub prompt, and keeps the prompt as github:<name>', async () => {
    await write('.claude/commands/tidy.md', 'Tidy up.');
    await write('.github/prompts/tidy.prompt.md', 'Tidy ${selection}.');
    const { workflows, problems } = await discoverWorkflows(temp);
    assert.equal(named(workflows, 'tidy').source, 'claude-command');
    assert.equal(named(workflows, 'github:tidy').source, 'github-prompt');
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.file, '.github/prompts/tidy.prompt.md');
    assert.match(problems[0]?.message ?? '', /also defined by \.claude\/commands\/tidy\.md.*"github:tidy"/);
  });

  it('reports a collision it cannot resolve because the qualified name is taken too', async () => {
    await write('.claude/commands/tidy.md', 'Tidy up.');
    await write('.claude/commands/github/tidy.md', 'Tidy up the GitHub way.');
    await write('.github/prompts/tidy.prompt.md', 'Tidy ${selection}.');
    const { workflows, problems } = await discoverWorkflows(temp);
    assert.equal(named(workflows, 'github:tidy').source, 'claude-command');
    assert.equal(workflows.filter((w) => w.source === 'github-prompt').length, 0);
    const [problem] = problemsFor(problems, '.github/prompts/tidy.prompt.md');
    assert.equal(problem?.severity, 'error');
    assert.match(problem?.message ?? '', /cannot be run until one is renamed/);
  });

  it('finds a workflow with or without a leading slash, and nothing for an unknown name', async () => {
    const { workflows } = await discoverWorkflows(temp);
    assert.equal(findWorkflow(workflows, '/review-file')?.name, 'review-file');
    assert.equal(findWorkflow(workflows, ' review-file ')?.name, 'review-file');
    assert.equal(findWorkflow(workflows, 'review'), undefined);
  });

  it('skips a binary file, naming the line of its first NUL byte', async () => {
    await write('.claude/commands/image.md', Buffer.from([0x61, 0x0a, 0x62, 0x0a, 0x00, 0x01]));
    await write('.claude/commands/fine.md', 'Fine.');
    const { workflows, problems } = await discoverWorkflows(temp);
    assert.deepEqual(problems.map((p) => [p.file, p.line, p.severity]), [['.claude/commands/image.md', 3, 'error']]);
    assert.match(problems[0]?.message ?? '', /binary/);
    assert.ok(findWorkflow(workflows, 'fine'));
  });

  it('skips a file that is not UTF-8, naming the line', async () => {
    await write('.claude/commands/latin1.md', Buffer.from('caf\u00e9\n', 'latin1'));
    const { problems } = await discoverWorkflows(temp);
    assert.deepEqual(problems.map((p) => [p.file, p.line]), [['.claude/commands/latin1.md', 1]]);
    assert.match(problems[0]?.message ?? '', /not valid UTF-8/);
  });

  it('skips a file over the size cap', async () => {
    await write('.github/prompts/huge.prompt.md', 'x'.repeat(MAX_WORKFLOW_FILE_BYTES + 1));
    const { workflows, problems } = await discoverWorkflows(temp);
    assert.equal(findWorkflow(workflows, 'huge'), undefined);
    assert.equal(problems.length, 1);
    assert.match(problems[0]?.message ?? '', new RegExp(`is ${MAX_WORKFLOW_FILE_BYTES + 1} bytes`));
  });

  it('skips a file whose name cannot be a workflow name', async () => {
    await write('.claude/commands/my command.md', 'Hello.');
    const { workflows, problems } = await discoverWorkflows(temp);
    assert.equal(workflows.length, BUILTIN_WORKFLOWS.length);
    assert.equal(problems[0]?.file, '.claude/commands/my command.md');
    assert.match(problems[0]?.message ?? '', /rename the file/);
  });

  it('reports unclosed frontmatter at line 1 and an empty body at its line', async () => {
    await write('.claude/commands/open.md', '---\ndescription: never closed\n');
    await write('.claude/commands/empty.md', '---\ndescription: nothing below\n---\n\n');
    const { problems } = await discoverWorkflows(temp);
    assert.deepEqual(
      problems.map((p) => [p.file, p.line]),
      [
        ['.claude/commands/empty.md', 4],
        ['.claude/commands/open.md', 1],
      ],
    );
  });

  it('reports frontmatter that is not a mapping', async () => {
    await write('.claude/commands/list.md', '---\n- a\n- b\n---\nBody.');
    const { problems } = await discoverWorkflows(temp);
    assert.deepEqual(problems.map((p) => [p.file, p.line]), [['.claude/commands/list.md', 2]]);
  });

  it('reads CRLF files and frontmatter with a BOM', async () => {
    await write('.claude/commands/windows.md', '\uFEFF---\r\ndescription: From Windows\r\n---\r\nLine one\r\nLine two $1\r\n');
    const { workflows, problems } = await discoverWorkflows(temp);
    assert.deepEqual(problems, []);
    const workflow = named(workflows, 'windows');
    assert.equal(workflow.description, 'From Windows');
    assert.equal(workflow.template, 'Line one\nLine two $1');
  });

  it('lets a file reuse a built-in module, which adds what the module reads', async () => {
    await write('.github/prompts/doc.prompt.md', 'Write docs from this outline:\n${module:file-outline}');
    await write('.github/prompts/bad-module.prompt.md', 'Line one\nUses ${module:nothing-here}');
    const { workflows, problems } = await discoverWorkflows(temp);
    const doc = named(workflows, 'doc');
    assert.deepEqual(doc.modules.map((module) => module.name), ['file-outline']);
    assert.deepEqual(doc.reads, ['file']);
    assert.deepEqual(problems.map((p) => [p.file, p.line, p.severity]), [['.github/prompts/bad-module.prompt.md', 2, 'error']]);
  });

  it('changes a file workflow version when its content changes', async () => {
    await write('.claude/commands/a.md', 'First.');
    const before = named((await discoverWorkflows(temp)).workflows, 'a').version;
    await write('.claude/commands/a.md', 'Second.');
    const after = named((await discoverWorkflows(temp)).workflows, 'a').version;
    assert.notEqual(before, after);
  });

  it('does not descend into hidden folders', async () => {
    await write('.claude/commands/.drafts/wip.md', 'Work in progress.');
    const { workflows } = await discoverWorkflows(temp);
    assert.equal(workflows.length, BUILTIN_WORKFLOWS.length);
  });

  it('loads the broken fixture file once a copy of it is repaired', async () => {
    await cp(FIXTURE, temp, { recursive: true });
    await write('.claude/commands/broken.md', '---\ndescription: repaired\n---\nNow it works.');
    const { workflows } = await discoverWorkflows(temp);
    assert.equal(named(workflows, 'broken').description, 'repaired');
  });

  it('follows a symlinked folder of shared commands', async () => {
    const shared = path.join(temp, 'shared-commands');
    await mkdir(shared);
    await writeFile(path.join(shared, 'deploy.md'), 'Deploy $1.');
    await mkdir(path.join(temp, '.claude/commands'), { recursive: true });
    await symlink(shared, path.join(temp, '.claude/commands/team'), 'dir');
    await symlink(path.join(shared, 'deploy.md'), path.join(temp, '.claude/commands/ship.md'));
    const { workflows, problems } = await discoverWorkflows(temp);
    assert.deepEqual(problems, []);
    assert.equal(named(workflows, 'team:deploy').filePath, '.claude/commands/team/deploy.md');
    assert.ok(findWorkflow(workflows, 'ship'));
  });
});

describe('parseWorkflowFile', () => {
  const file = { path: '.claude/commands/x.md', source: 'claude-command', name: 'x' } as const;

  it('reports every frontmatter field that is not text, in file order, naming the type it had', () => {
    const { workflow, problems } = parseWorkflowFile(file, Buffer.from('---\nmodel: 42\nargument-hint:\n  a: b\n---\nBody'));
    assert.equal(workflow, undefined);
    assert.deepEqual(
      problems.map((p) => [p.line, p.message]),
      [
        [2, 'frontmatter `model` must be text, not a number; skipped'],
        [3, 'frontmatter `argument-hint` must be text, not a mapping; skipped'],
      ],
    );
  });

  it('treats an empty frontmatter field as absent', () => {
    const { workflow } = parseWorkflowFile(file, Buffer.from('---\ndescription:\n---\nDo the thing.'));
    assert.equal(workflow?.description, 'Do the thing.');
  });

  it('refuses bytes over the size cap', () => {
    const { workflow, problems } = parseWorkflowFile(file, Buffer.alloc(MAX_WORKFLOW_FILE_BYTES + 1, 'a'));
    assert.equal(workflow, undefined);
    assert.equal(problems[0]?.severity, 'error');
  });
});

describe('UnknownWorkflowError', () => {
  it('lists what is available', () => {
    const error = new UnknownWorkflowError('reveiw-file', ['review-file', 'write-tests']);
    assert.equal(error.code, 'E_WORKFLOW_UNKNOWN');
    assert.equal(error.message, 'no workflow named "reveiw-file"; available: review-file, write-tests');
  });
});
