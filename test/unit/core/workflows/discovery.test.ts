import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import {
  BUILTIN_WORKFLOWS,
  MAX_WORKFLOW_FILE_BYTES,
  UnknownWorkflowError,
  defaultUserClaudeDir,
  discoverWorkflows,
  findWorkflow,
  parseWorkflowFile,
  renderWorkflow,
  type Workflow,
  type WorkflowProblem,
} from '../../../../src/core/workflows';
import { fromRepo } from '../../../helpers/repoRoot';

const FIXTURE = fromRepo('test', 'fixtures', 'workspace');
/** No personal workflows: the machine's own ~/.claude must never leak into a test. */
const NO_USER = { userClaudeDir: null };

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
    it('lists built-ins, skills, commands and prompt files, sorted by name, with names as documented', async () => {
      const { workflows } = await discoverWorkflows(FIXTURE, NO_USER);
      assert.deepEqual(
        workflows.map((workflow) => [workflow.name, workflow.source]),
        [
          ['commit-msg', 'claude-command'],
          ['docs', 'github-prompt'],
          ['explain', 'github-prompt'],
          ['explain-selection', 'builtin'],
          ['frontend:lint', 'claude-command'],
          ['greet', 'claude-skill'],
          ['migrate', 'claude-skill'],
          ['review-file', 'builtin'],
          ['status', 'claude-command'],
          ['summarize-changes', 'builtin'],
          ['translate', 'github-prompt'],
          ['write-tests', 'builtin'],
          ['wrong-type', 'github-prompt'],
        ],
      );
    });

    it('reads Claude command frontmatter, keeps an argument-hint written as YAML lists, and ignores keys it does not use', async () => {
      const { workflows } = await discoverWorkflows(FIXTURE, NO_USER);
      const command = named(workflows, 'commit-msg');
      assert.equal(command.description, 'Draft a commit message for a ticket');
      assert.equal(command.argumentHint, '[ticket-id] [scope] [notes...]');
      assert.equal(command.model, 'claude-haiku-5-5');
      assert.equal(command.filePath, '.claude/commands/commit-msg.md');
      assert.deepEqual(command.allowedTools, ['Bash(git diff:*)', 'Bash(git status:*)']);
      assert.deepEqual(command.reads, []);
      assert.match(command.template, /^Write a commit message for ticket \$0/);
      assert.match(command.version, /^[0-9a-f]{16}$/);
    });

    it('reads GitHub prompt frontmatter, its inputs and their placeholders (hints), and what it reads', async () => {
      const { workflows } = await discoverWorkflows(FIXTURE, NO_USER);
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

    it('names a skill by its folder, or by its name field, and reads its named arguments', async () => {
      const { workflows } = await discoverWorkflows(FIXTURE, NO_USER);
      const greet = named(workflows, 'greet');
      assert.equal(greet.filePath, '.claude/skills/greet/SKILL.md');
      assert.equal(greet.description, 'Greet someone by name');
      const migrate = named(workflows, 'migrate');
      assert.equal(migrate.filePath, '.claude/skills/migrate-component/SKILL.md');
      assert.deepEqual(migrate.argumentNames, ['component', 'source', 'target']);
      assert.equal(findWorkflow(workflows, 'migrate-component'), undefined);
      const text = renderWorkflow(migrate, { args: ['SearchBar', 'React', 'Vue'], inputs: {} }, {});
      assert.equal(text, 'Migrate the SearchBar component from React to Vue, keeping its public props.');
    });

    it('names a prompt file by its name field', async () => {
      const { workflows } = await discoverWorkflows(FIXTURE, NO_USER);
      assert.equal(named(workflows, 'docs').filePath, '.github/prompts/write-docs.prompt.md');
      assert.equal(findWorkflow(workflows, 'write-docs'), undefined);
    });

    it('lists the `!` commands, `@` files and linked files a workflow uses', async () => {
      const { workflows } = await discoverWorkflows(FIXTURE, NO_USER);
      const status = named(workflows, 'status');
      assert.deepEqual(status.shellCommands, ['git status --short']);
      assert.deepEqual(status.fileReferences, ['src/example.ts']);
      // A link is relative to the prompt file; a URL is not a file.
      assert.deepEqual(named(workflows, 'docs').fileReferences, ['README.md']);
    });

    it('says plainly which workflows ask for tools or an agent, and which do not', async () => {
      const { workflows } = await discoverWorkflows(FIXTURE, NO_USER);
      assert.equal(
        named(workflows, 'status').toolsNote,
        'This workflow asks for tools (Bash); here it runs as a single answer without tools, so it cannot run commands, search or edit files while it answers.',
      );
      assert.match(named(workflows, 'docs').toolsNote ?? '', /^This workflow is written for agent mode and asks for tools \(codebase, editFiles, search\)/);
      assert.match(named(workflows, 'migrate').toolsNote ?? '', /written for the Explore agent/);
      assert.match(named(workflows, 'wrong-type').toolsNote ?? '', /written for agent mode;/);
      assert.equal(named(workflows, 'greet').toolsNote, undefined);
      assert.equal(named(workflows, 'translate').toolsNote, undefined);
      assert.equal(named(workflows, 'review-file').toolsNote, undefined);
    });

    it('names a nested command with colons and uses its first line as the description', async () => {
      const { workflows } = await discoverWorkflows(FIXTURE, NO_USER);
      const lint = named(workflows, 'frontend:lint');
      assert.equal(lint.description, 'Check the file against the frontend conventions');
      assert.deepEqual(lint.reads, ['file']);
      assert.equal(lint.model, undefined);
    });

    it('reports the broken frontmatter by file and line, in our words, and still loads the others', async () => {
      const { workflows, problems } = await discoverWorkflows(FIXTURE, NO_USER);
      const [broken] = problemsFor(problems, '.claude/commands/broken.md');
      assert.ok(broken);
      assert.equal(broken.line, 5);
      assert.equal(broken.severity, 'error');
      assert.equal(
        broken.message,
        'the frontmatter is not valid YAML at line 5: it does not line up with the lines above it, or a quote, bracket or list opened above it is not closed; skipped',
      );
      assert.equal(findWorkflow(workflows, 'broken'), undefined);
      assert.ok(findWorkflow(workflows, 'commit-msg'));
    });

    it('reads a frontmatter field of the wrong type as text instead of refusing the file', async () => {
      const { workflows, problems } = await discoverWorkflows(FIXTURE, NO_USER);
      assert.deepEqual(problemsFor(problems, '.github/prompts/wrong-type.prompt.md'), []);
      assert.equal(named(workflows, 'wrong-type').description, 'this, should, be, text');
    });

    it('reports an unknown variable with its file and line, and leaves it as written', async () => {
      const { workflows, problems } = await discoverWorkflows(FIXTURE, NO_USER);
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
      const { workflows, problems } = await discoverWorkflows(FIXTURE, NO_USER);
      assert.equal(findWorkflow(workflows, 'NOTES'), undefined);
      assert.deepEqual(problemsFor(problems, '.github/prompts/NOTES.md'), []);
    });

    it('reports exactly the deliberately broken file and the one unknown variable', async () => {
      const { problems } = await discoverWorkflows(FIXTURE, NO_USER);
      assert.deepEqual(
        problems.map((problem) => problem.file),
        ['.claude/commands/broken.md', '.github/prompts/translate.prompt.md'],
      );
    });
  });

  it('gives only the built-ins, and a warning, for a folder that does not exist', async () => {
    const missing = path.join(temp, 'nope');
    const { workflows, problems } = await discoverWorkflows(missing, NO_USER);
    assert.deepEqual(workflows.map((w) => w.name), BUILTIN_WORKFLOWS.map((w) => w.name));
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.file, missing);
  });

  it('gives only the built-ins for a workspace with no workflow folders', async () => {
    const { workflows, problems } = await discoverWorkflows(temp, NO_USER);
    assert.equal(workflows.length, BUILTIN_WORKFLOWS.length);
    assert.deepEqual(problems, []);
  });

  it('lets a file override a built-in and keeps the built-in reachable as builtin:<name>', async () => {
    await write('.claude/commands/review-file.md', 'Our own review of ${file}.');
    const { workflows, problems } = await discoverWorkflows(temp, NO_USER);
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
    const { workflows, problems } = await discoverWorkflows(temp, NO_USER);
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
    const { workflows, problems } = await discoverWorkflows(temp, NO_USER);
    assert.equal(named(workflows, 'github:tidy').source, 'claude-command');
    assert.equal(workflows.filter((w) => w.source === 'github-prompt').length, 0);
    const [problem] = problemsFor(problems, '.github/prompts/tidy.prompt.md');
    assert.equal(problem?.severity, 'error');
    assert.match(problem?.message ?? '', /cannot be run until one is renamed/);
  });

  it('finds a workflow with or without a leading slash, and nothing for an unknown name', async () => {
    const { workflows } = await discoverWorkflows(temp, NO_USER);
    assert.equal(findWorkflow(workflows, '/review-file')?.name, 'review-file');
    assert.equal(findWorkflow(workflows, ' review-file ')?.name, 'review-file');
    assert.equal(findWorkflow(workflows, 'review'), undefined);
  });

  it('skips a binary file, naming the line of its first NUL byte', async () => {
    await write('.claude/commands/image.md', Buffer.from([0x61, 0x0a, 0x62, 0x0a, 0x00, 0x01]));
    await write('.claude/commands/fine.md', 'Fine.');
    const { workflows, problems } = await discoverWorkflows(temp, NO_USER);
    assert.deepEqual(problems.map((p) => [p.file, p.line, p.severity]), [['.claude/commands/image.md', 3, 'error']]);
    assert.match(problems[0]?.message ?? '', /binary/);
    assert.ok(findWorkflow(workflows, 'fine'));
  });

  it('skips a file that is not UTF-8, naming the line', async () => {
    await write('.claude/commands/latin1.md', Buffer.from('caf\u00e9\n', 'latin1'));
    const { problems } = await discoverWorkflows(temp, NO_USER);
    assert.deepEqual(problems.map((p) => [p.file, p.line]), [['.claude/commands/latin1.md', 1]]);
    assert.match(problems[0]?.message ?? '', /not valid UTF-8/);
  });

  it('skips a file over the size cap', async () => {
    await write('.github/prompts/huge.prompt.md', 'x'.repeat(MAX_WORKFLOW_FILE_BYTES + 1));
    const { workflows, problems } = await discoverWorkflows(temp, NO_USER);
    assert.equal(findWorkflow(workflows, 'huge'), undefined);
    assert.equal(problems.length, 1);
    assert.match(problems[0]?.message ?? '', new RegExp(`is ${MAX_WORKFLOW_FILE_BYTES + 1} bytes`));
  });

  it('skips a file whose name cannot be a workflow name', async () => {
    await write('.claude/commands/my command.md', 'Hello.');
    const { workflows, problems } = await discoverWorkflows(temp, NO_USER);
    assert.equal(workflows.length, BUILTIN_WORKFLOWS.length);
    assert.equal(problems[0]?.file, '.claude/commands/my command.md');
    assert.match(problems[0]?.message ?? '', /rename the file/);
  });

  it('reports unclosed frontmatter at line 1 and an empty body at its line', async () => {
    await write('.claude/commands/open.md', '---\ndescription: never closed\n');
    await write('.claude/commands/empty.md', '---\ndescription: nothing below\n---\n\n');
    const { problems } = await discoverWorkflows(temp, NO_USER);
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
    const { problems } = await discoverWorkflows(temp, NO_USER);
    assert.deepEqual(problems.map((p) => [p.file, p.line]), [['.claude/commands/list.md', 2]]);
  });

  it('reads CRLF files and frontmatter with a BOM', async () => {
    await write('.claude/commands/windows.md', '\uFEFF---\r\ndescription: From Windows\r\n---\r\nLine one\r\nLine two $1\r\n');
    const { workflows, problems } = await discoverWorkflows(temp, NO_USER);
    assert.deepEqual(problems, []);
    const workflow = named(workflows, 'windows');
    assert.equal(workflow.description, 'From Windows');
    assert.equal(workflow.template, 'Line one\nLine two $1');
  });

  it('lets a file reuse a built-in module, which adds what the module reads', async () => {
    await write('.github/prompts/doc.prompt.md', 'Write docs from this outline:\n${module:file-outline}');
    await write('.github/prompts/bad-module.prompt.md', 'Line one\nUses ${module:nothing-here}');
    const { workflows, problems } = await discoverWorkflows(temp, NO_USER);
    const doc = named(workflows, 'doc');
    assert.deepEqual(doc.modules.map((module) => module.name), ['file-outline']);
    assert.deepEqual(doc.reads, ['file']);
    assert.deepEqual(problems.map((p) => [p.file, p.line, p.severity]), [['.github/prompts/bad-module.prompt.md', 2, 'error']]);
  });

  it('changes a file workflow version when its content changes', async () => {
    await write('.claude/commands/a.md', 'First.');
    const before = named((await discoverWorkflows(temp, NO_USER)).workflows, 'a').version;
    await write('.claude/commands/a.md', 'Second.');
    const after = named((await discoverWorkflows(temp, NO_USER)).workflows, 'a').version;
    assert.notEqual(before, after);
  });

  it('does not descend into hidden folders', async () => {
    await write('.claude/commands/.drafts/wip.md', 'Work in progress.');
    const { workflows } = await discoverWorkflows(temp, NO_USER);
    assert.equal(workflows.length, BUILTIN_WORKFLOWS.length);
  });

  it('loads the broken fixture file once a copy of it is repaired', async () => {
    await cp(FIXTURE, temp, { recursive: true });
    await write('.claude/commands/broken.md', '---\ndescription: repaired\n---\nNow it works.');
    const { workflows } = await discoverWorkflows(temp, NO_USER);
    assert.equal(named(workflows, 'broken').description, 'repaired');
  });

  it('follows a symlinked folder of shared commands', async () => {
    const shared = path.join(temp, 'shared-commands');
    await mkdir(shared);
    await writeFile(path.join(shared, 'deploy.md'), 'Deploy $1.');
    await mkdir(path.join(temp, '.claude/commands'), { recursive: true });
    await symlink(shared, path.join(temp, '.claude/commands/team'), 'dir');
    await symlink(path.join(shared, 'deploy.md'), path.join(temp, '.claude/commands/ship.md'));
    const { workflows, problems } = await discoverWorkflows(temp, NO_USER);
    assert.deepEqual(problems, []);
    assert.equal(named(workflows, 'team:deploy').filePath, '.claude/commands/team/deploy.md');
    assert.ok(findWorkflow(workflows, 'ship'));
  });
});

describe('discoverWorkflows: personal workflows and precedence', () => {
  let temp: string;
  let workspace: string;
  let user: string;

  beforeEach(async () => {
    temp = await mkdtemp(path.join(tmpdir(), 'workflows-user-'));
    workspace = path.join(temp, 'project');
    user = path.join(temp, 'claude-home');
    await mkdir(workspace);
    await mkdir(user);
  });

  afterEach(async () => {
    await rm(temp, { recursive: true, force: true });
  });

  async function write(root: string, relative: string, content: string): Promise<void> {
    await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
    await writeFile(path.join(root, relative), content);
  }

  const shown = (relative: string): string => `${user.split(path.sep).join('/')}/${relative}`;

  it('reads skills and commands from the user\'s Claude folder, marked personal', async () => {
    await write(user, 'skills/standup/SKILL.md', 'Write my standup notes.');
    await write(user, 'commands/tools/lint.md', 'Lint this.');
    const { workflows, problems } = await discoverWorkflows(workspace, { userClaudeDir: user });
    assert.deepEqual(problems, []);
    const standup = named(workflows, 'standup');
    assert.equal(standup.source, 'claude-skill');
    assert.equal(standup.scope, 'user');
    assert.equal(standup.filePath, shown('skills/standup/SKILL.md'));
    assert.equal(named(workflows, 'tools:lint').scope, 'user');
  });

  it('takes the user folder from CLAUDE_CONFIG_DIR, else ~/.claude', () => {
    assert.equal(defaultUserClaudeDir({ CLAUDE_CONFIG_DIR: user }), user);
    assert.equal(defaultUserClaudeDir({}), path.join(homedir(), '.claude'));
  });

  it('gives a skill the name over a command, as Claude Code does, and reports the shadowed command', async () => {
    await write(workspace, '.claude/skills/deploy/SKILL.md', 'Deploy (skill).');
    await write(workspace, '.claude/commands/deploy.md', 'Deploy (command).');
    const { workflows, problems } = await discoverWorkflows(workspace, { userClaudeDir: user });
    assert.equal(named(workflows, 'deploy').source, 'claude-skill');
    assert.equal(workflows.filter((w) => w.template.startsWith('Deploy')).length, 1);
    assert.deepEqual(problems.map((p) => [p.file, p.severity]), [['.claude/commands/deploy.md', 'warning']]);
    assert.match(problems[0]?.message ?? '', /also defined by \.claude\/skills\/deploy\/SKILL\.md, which takes the name.*command file is shadowed/);
  });

  it('gives a personal skill or command the name over the project\'s, and reports the project\'s', async () => {
    await write(user, 'commands/review.md', 'My review.');
    await write(workspace, '.claude/skills/review/SKILL.md', 'Team review.');
    const { workflows, problems } = await discoverWorkflows(workspace, { userClaudeDir: user });
    assert.equal(named(workflows, 'review').template, 'My review.');
    assert.deepEqual(problems.map((p) => [p.file, p.severity]), [['.claude/skills/review/SKILL.md', 'warning']]);
    assert.match(problems[0]?.message ?? '', new RegExp(`also defined by ${shown('commands/review.md').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('keeps a prompt file shadowed by a skill reachable as github:<name>', async () => {
    await write(workspace, '.claude/skills/tidy/SKILL.md', 'Tidy (skill).');
    await write(workspace, '.github/prompts/tidy.prompt.md', 'Tidy (prompt).');
    const { workflows } = await discoverWorkflows(workspace, { userClaudeDir: user });
    assert.equal(named(workflows, 'tidy').source, 'claude-skill');
    assert.equal(named(workflows, 'github:tidy').source, 'github-prompt');
  });

  it('refuses a personal command that links out of the user folder', async () => {
    await write(temp, 'secret.txt', 'not a prompt');
    await mkdir(path.join(user, 'commands'), { recursive: true });
    await symlink(path.join(temp, 'secret.txt'), path.join(user, 'commands/leak.md'));
    const { workflows, problems } = await discoverWorkflows(workspace, { userClaudeDir: user });
    assert.equal(findWorkflow(workflows, 'leak'), undefined);
    assert.deepEqual(problems.map((p) => [p.file, p.severity]), [[shown('commands/leak.md'), 'error']]);
    assert.match(problems[0]?.message ?? '', /outside/);
  });

  it('ignores a skill folder without SKILL.md', async () => {
    await write(workspace, '.claude/skills/notes/README.md', 'Not a skill.');
    const { workflows, problems } = await discoverWorkflows(workspace, { userClaudeDir: user });
    assert.equal(findWorkflow(workflows, 'notes'), undefined);
    assert.deepEqual(problems, []);
  });
});

describe('parseWorkflowFile', () => {
  const file = { path: '.claude/commands/x.md', source: 'claude-command', name: 'x' } as const;

  it('reads numbers as text and ignores a mapping where text belongs, with a warning, instead of refusing the file', () => {
    const { workflow, problems } = parseWorkflowFile(file, Buffer.from('---\nmodel: 42\nargument-hint:\n  a: b\n---\nBody'));
    assert.equal(workflow?.model, '42');
    assert.equal(workflow?.argumentHint, undefined);
    assert.deepEqual(
      problems.map((p) => [p.line, p.severity, p.message]),
      [[3, 'warning', 'frontmatter `argument-hint` is a mapping, not text, so it is ignored']],
    );
  });

  it('loads files shaped like published ones: YAML-breaking hints, tool lists, shell lines, code and links', () => {
    const source = [
      '---',
      'allowed-tools: Bash(git add:*), Bash(gh pr view:*), mcp__github__get_issue',
      'argument-hint: [pr-number] [priority] [assignee]',
      'description: Review: a pull request, then report',
      'hooks:',
      '  PreToolUse:',
      '    - matcher: Bash',
      'x-custom: { anything: [1, 2] }',
      '---',
      '## Context',
      '- Status: !`git status`',
      '- PR: !`gh pr view $ARGUMENTS --json title`',
      '- Literal: KEY=!`not-run` and `fix!` and (add `!` before `:`)',
      '',
      '```!',
      'git log --oneline -3',
      '```',
      '',
      'Read @docs/guide.md, then @README.md.',
      'Not files: @param, `@types/node`, user@example.com, @~/.ssh/id_rsa, @../outside.md',
      '```python',
      '@pytest.mark.asyncio',
      '```',
      'Review PR $0 at priority $1 for $ARGUMENTS[2]. Prices like $100 are text only when no argument $100 exists.',
    ].join('\n');
    const { workflow, problems } = parseWorkflowFile({ path: '.claude/commands/review-pr.md', source: 'claude-command', name: 'review-pr' }, Buffer.from(source));
    assert.deepEqual(problems, []);
    assert.ok(workflow);
    assert.equal(workflow.argumentHint, '[pr-number] [priority] [assignee]');
    assert.equal(workflow.description, 'Review: a pull request, then report');
    assert.deepEqual(workflow.allowedTools, ['Bash(git add:*)', 'Bash(gh pr view:*)', 'mcp__github__get_issue']);
    assert.deepEqual(workflow.shellCommands, ['git status', 'gh pr view $ARGUMENTS --json title', 'git log --oneline -3']);
    assert.deepEqual(workflow.fileReferences, ['docs/guide.md', 'README.md']);
    assert.match(workflow.toolsNote ?? '', /asks for tools \(Bash, mcp__github__get_issue\)/);
  });

  it('refuses a frontmatter whose key is set twice, naming the line', () => {
    const { workflow, problems } = parseWorkflowFile(file, Buffer.from('---\ndescription: one\nmodel: a\ndescription: two\n---\nBody'));
    assert.equal(workflow, undefined);
    assert.deepEqual(problems.map((p) => [p.line, p.severity]), [[4, 'error']]);
    assert.match(problems[0]?.message ?? '', /set twice \(`description`\)/);
  });

  it('shows an argument-hint written as a one-item YAML list as written', () => {
    const { workflow } = parseWorkflowFile(file, Buffer.from('---\nargument-hint: [message]\n---\nCommit: $ARGUMENTS'));
    assert.equal(workflow?.argumentHint, '[message]');
  });

  it('keeps a name field with characters a workflow name cannot have out of the name, with a warning', () => {
    const prompt = { path: '.github/prompts/ec.prompt.md', source: 'github-prompt', name: 'ec' } as const;
    const { workflow, problems } = parseWorkflowFile(prompt, Buffer.from('---\nname: EditorConfig Expert\n---\nWrite one.'));
    assert.equal(workflow?.name, 'ec');
    assert.deepEqual(problems.map((p) => [p.line, p.severity]), [[2, 'warning']]);
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
