import assert from 'node:assert/strict';
import path from 'node:path';
import {
  ClaudeAuthenticationError,
  ClaudeCancelledError,
  ClaudeOverloadedError,
  ClaudeRateLimitError,
  ClaudeRequestError,
} from '../../../../src/core/claude';
import type { PrewarmOutcome } from '../../../../src/core/engine';
import type { RunResult } from '../../../../src/core/pipeline';
import { BUILTIN_WORKFLOWS, type DiscoveredWorkflows, type Workflow } from '../../../../src/core/workflows';
import { answerFooter, answerHeader, failureFooter } from '../../../../src/extension/workflows/answerText';
import { summarizePrewarm } from '../../../../src/extension/workflows/prewarmSummary';
import { describeRunFailure } from '../../../../src/extension/workflows/runFailure';
import { WorkflowCatalog } from '../../../../src/extension/workflows/workflowCatalog';
import { splitArguments, takesArguments, workflowPickGroups } from '../../../../src/extension/workflows/workflowPicks';
import { workflowOf } from '../../../helpers/workflowOf';

function workflow(overrides: Partial<Workflow>): Workflow {
  return workflowOf({ name: 'w', description: 'd', version: '1', ...overrides });
}

function result(overrides: Partial<RunResult> = {}): RunResult {
  return {
    runId: 'r',
    workflow: 'review-file',
    model: 'claude-sonnet-5-5',
    text: 'answer',
    cached: false,
    layer: null,
    usage: null,
    costUsd: 0.0123,
    savedUsd: 0,
    upstreamCalls: 1,
    missReasons: [],
    steps: [],
    stopReason: 'end_turn',
    ...overrides,
  };
}

describe('WorkflowCatalog', () => {
  it('discovers a folder once and serves the same list until told the files changed', async () => {
    let discoveries = 0;
    const catalog = new WorkflowCatalog(async () => {
      discoveries += 1;
      return { workflows: [], problems: [] };
    });
    const first = catalog.workflows('/ws');
    const second = catalog.workflows('/ws/');
    assert.equal(first, second, 'concurrent callers share one discovery');
    await first;
    await catalog.workflows('/ws');
    assert.equal(discoveries, 1);

    catalog.forget('/ws');
    await catalog.workflows('/ws');
    assert.equal(discoveries, 2);
    catalog.forget();
    await catalog.workflows('/ws');
    assert.equal(discoveries, 3);
  });

  it('keeps folders apart and reports each discovery', async () => {
    const reported: string[] = [];
    const catalog = new WorkflowCatalog(
      async (folder) => ({ workflows: [workflow({ name: path.basename(folder) })], problems: [] }),
      (folder) => reported.push(folder),
    );
    const a = await catalog.workflows('/a');
    const b = await catalog.workflows('/b');
    assert.equal(a.workflows[0]?.name, 'a');
    assert.equal(b.workflows[0]?.name, 'b');
    assert.deepEqual(reported, [path.resolve('/a'), path.resolve('/b')]);
  });

  it('drops a failed discovery so the next call tries again', async () => {
    let attempt = 0;
    const catalog = new WorkflowCatalog(async (): Promise<DiscoveredWorkflows> => {
      attempt += 1;
      if (attempt === 1) throw new Error('EIO');
      return { workflows: [], problems: [] };
    });
    await assert.rejects(catalog.workflows('/ws'), /EIO/);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(await catalog.workflows('/ws'), { workflows: [], problems: [] });
  });
});

describe('workflowPickGroups', () => {
  it('lists workspace files before built-ins, each with its description and where it comes from', () => {
    const groups = workflowPickGroups([
      ...BUILTIN_WORKFLOWS,
      workflow({ name: 'frontend:lint', source: 'claude-command', filePath: '.claude/commands/frontend/lint.md' }),
      workflow({ name: 'explain', source: 'github-prompt', filePath: '.github/prompts/explain.prompt.md' }),
    ]);
    assert.deepEqual(
      groups.map((group) => group.title),
      ['.claude/commands', '.github/prompts', 'Built-in'],
    );
    assert.equal(groups[0]?.picks[0]?.detail, '.claude/commands/frontend/lint.md');
    const builtins = groups[2]?.picks ?? [];
    assert.ok(builtins.some((pick) => pick.label === 'review-file' && pick.detail === 'built in' && pick.description !== ''));
  });

  it('groups skills and personal files apart, and says in the description when a workflow runs without its tools', () => {
    const note = 'This workflow asks for tools (Bash); here it runs as a single answer without tools.';
    const groups = workflowPickGroups([
      workflow({ name: 'greet', source: 'claude-skill', filePath: '.claude/skills/greet/SKILL.md' }),
      workflow({ name: 'standup', source: 'claude-skill', scope: 'user', filePath: '~/.claude/skills/standup/SKILL.md' }),
      workflow({ name: 'commit', description: 'Commit it', source: 'claude-command', filePath: '.claude/commands/commit.md', toolsNote: note }),
    ]);
    assert.deepEqual(
      groups.map((group) => [group.title, group.picks.map((pick) => pick.label)]),
      [
        ['.claude/skills', ['greet']],
        ['.claude/commands', ['commit']],
        ['~/.claude/skills (personal)', ['standup']],
      ],
    );
    assert.equal(groups[1]?.picks[0]?.description, `Commit it · ⚠ ${note}`);
    assert.equal(groups[0]?.picks[0]?.description, 'd');
  });

  it('leaves out empty groups', () => {
    assert.deepEqual(
      workflowPickGroups(BUILTIN_WORKFLOWS).map((group) => group.title),
      ['Built-in'],
    );
  });
});

describe('takesArguments', () => {
  it('asks for arguments when the template uses them or the workflow describes them', () => {
    assert.equal(takesArguments(workflow({ template: 'Focus on $ARGUMENTS' })), true);
    assert.equal(takesArguments(workflow({ template: 'First: $1' })), true);
    assert.equal(takesArguments(workflow({ template: 'First: $0' })), true);
    assert.equal(takesArguments(workflow({ template: 'Fix $issue', source: 'claude-skill', argumentNames: ['issue'] })), true);
    assert.equal(takesArguments(workflow({ template: 'Costs $issue', source: 'claude-skill' })), false);
    assert.equal(takesArguments(workflow({ argumentHint: '[focus]' })), true);
    assert.equal(takesArguments(workflow({ template: 'no words here' })), false);
  });

  it('does not treat $1 in a GitHub prompt file as an argument', () => {
    assert.equal(takesArguments(workflow({ source: 'github-prompt', template: 'cost: $1' })), false);
  });
});

describe('splitArguments', () => {
  it('splits on whitespace and keeps quoted words whole', () => {
    assert.deepEqual(splitArguments('  error handling  "null checks" \'a b\' '), ['error', 'handling', 'null checks', 'a b']);
    assert.deepEqual(splitArguments(''), []);
    assert.deepEqual(splitArguments('""'), ['']);
  });
});

describe('describeRunFailure', () => {
  it('offers Set API Key for a refused or missing key', () => {
    const failure = describeRunFailure(new ClaudeAuthenticationError(), 'review-file');
    assert.deepEqual(failure.actions, ['Set API Key']);
    assert.match(failure.message, /^review-file: The Anthropic API rejected the API key/);
    assert.equal(failure.cancelled, false);
  });

  it('shows how long to wait on a rate limit and offers a retry', () => {
    const failure = describeRunFailure(new ClaudeRateLimitError(30_000), 'review-file');
    assert.match(failure.message, /try again in 30 s/);
    assert.deepEqual(failure.actions, ['Retry']);
  });

  it('offers a retry for passing trouble and the log for the rest', () => {
    assert.deepEqual(describeRunFailure(new ClaudeOverloadedError(), 'w').actions, ['Retry', 'Show Log']);
    assert.deepEqual(describeRunFailure(new ClaudeRequestError(400, 'bad'), 'w').actions, ['Show Log']);
    assert.deepEqual(describeRunFailure(new Error('boom'), 'w').actions, ['Show Log']);
  });

  it('treats a cancelled run as cancelled, however the cancellation surfaced', () => {
    assert.equal(describeRunFailure(new ClaudeCancelledError(), 'w').cancelled, true);
    assert.equal(describeRunFailure(new Error('whatever'), 'w', true).cancelled, true);
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    assert.equal(describeRunFailure(abort, 'w').cancelled, true);
  });
});

describe('answer document text', () => {
  it('heads the answer with the workflow and what it ran on', () => {
    const header = answerHeader({
      workflow: 'explain-selection',
      file: 'src/a.ts',
      selectionLines: [3, 9],
      args: ['error handling'],
      inputs: { audience: 'a new team member' },
      fresh: true,
    });
    assert.equal(
      header,
      '# explain-selection\n\n_`src/a.ts` · selection lines 3–9 · arguments: "error handling" · audience: "a new team member" · fresh run_\n\n',
    );
    assert.equal(answerHeader({ workflow: 'w', args: [], inputs: {}, fresh: false }), '# w\n\n');
  });

  it('shows the arguments as typed, and the note of a workflow that runs without its tools', () => {
    const header = answerHeader({
      workflow: 'commit',
      args: ['fix bug', 'now'],
      rawArguments: '"fix bug" now',
      inputs: {},
      fresh: false,
      toolsNote: 'This workflow asks for tools (Bash); here it runs as a single answer without tools.',
    });
    assert.equal(
      header,
      '# commit\n\n_arguments: "fix bug" now_\n\n> This workflow asks for tools (Bash); here it runs as a single answer without tools.\n\n',
    );
  });

  it('says a cached answer came from the cache and what it saved', () => {
    assert.match(answerFooter(result({ cached: true, layer: 'result', savedUsd: 0.0045 })), /Served from the cache \(result layer\): no call to Claude, \$0\.0045 saved/);
  });

  it('says who answered a fresh one, its cost and why the cache could not answer', () => {
    const note = 'The answer was cut off at 32,000 tokens (max tokens, thinking included); it was not cached.';
    const footer = answerFooter(result({ missReasons: ['src/a.ts was modified'], stopReason: 'max_tokens', stopNote: note, savedUsd: 0.5 }));
    assert.match(footer, /Answered by claude-sonnet-5-5 · cost \$0\.012 · \$0\.50 saved by cached parts\./);
    assert.match(footer, /Not from the cache because src\/a\.ts was modified/);
    assert.ok(footer.includes(`> **${note}**`), 'the cut-off is said where the answer ends');
    assert.ok(!answerFooter(result({ stopReason: 'end_turn' })).includes('> **'), 'a whole answer has no note');
  });

  it('ends a failed answer with the failure', () => {
    assert.equal(failureFooter('w: cancelled.'), '\n\n---\n_w: cancelled._\n');
  });
});

describe('summarizePrewarm', () => {
  const item = { workflow: 'review-file' };

  it('counts answers paid for, answers already cached and failures', () => {
    const outcomes: PrewarmOutcome[] = [
      { item, result: result({ costUsd: 0.25 }) },
      { item, result: result({ cached: true, costUsd: 0 }) },
      { item, error: new Error('boom') },
    ];
    const summary = summarizePrewarm(outcomes, 3, false);
    assert.equal(summary.message, 'Claude Cache: prewarmed 3 workflows: 1 answered by Claude ($0.25), 1 already cached, 1 failed.');
    assert.deepEqual([summary.answered, summary.cached, summary.failed], [1, 1, 1]);
  });

  it('says when it was cancelled and when a cost is unknown', () => {
    const summary = summarizePrewarm([{ item, result: result({ costUsd: 'unknown' }) }], 4, true);
    assert.equal(summary.message, 'Claude Cache: prewarm cancelled after 1 of 4: 1 answered by Claude (cost partly unknown), 0 already cached.');
  });
});
