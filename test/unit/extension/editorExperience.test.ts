import assert from 'node:assert/strict';
import { ClaudeNetworkError } from '../../../src/core/claude';
import { formatDollars } from '../../../src/core/format/money';
import { apiEndpoint, describeUnreachable, networkCause } from '../../../src/core/format/networkTrouble';
import { formatDollars as cliDollars } from '../../../src/cli/format';
import { CommandId } from '../../../src/extension/commands/commandId';
import { formatDollars as editorDollars } from '../../../src/extension/format';
import { contributes } from '../../../src/extension/manifest/contributes';
import { codeBlocks, describeCodeBlock } from '../../../src/extension/workflows/answerCodeBlocks';
import { AnswerViews, MAX_HISTORY, answerViewKey, answerViewName } from '../../../src/extension/workflows/answerViews';
import { BUILTIN_WORKFLOW_COMMANDS, argumentsAreOptional } from '../../../src/extension/workflows/builtinCommands';
import { describeRunFailure } from '../../../src/extension/workflows/runFailure';
import { RunProgressText } from '../../../src/extension/workflows/runProgressText';
import { EntryLabels } from '../../../src/extension/views/entryLabels';

describe('one money format', () => {
  it('writes cents from a dollar up and two significant digits below, so small sums stay readable', () => {
    assert.equal(formatDollars(1234.5), '$1,234.50');
    assert.equal(formatDollars(12.345), '$12.35');
    assert.equal(formatDollars(0.5), '$0.50');
    assert.equal(formatDollars(0.0349), '$0.035');
    assert.equal(formatDollars(0.0049), '$0.0049');
    assert.equal(formatDollars(0.000123), '$0.00012');
    assert.equal(formatDollars(0.999), '$1.00');
    assert.equal(formatDollars(0), '$0.00');
    assert.equal(formatDollars(-0.0049), '-$0.0049');
    assert.equal(formatDollars('unknown'), 'unknown');
  });

  it('is the same function in the editor and the CLI', () => {
    for (const amount of [0.0049, 0.03, 2.5, 'unknown' as const]) {
      assert.equal(editorDollars(amount), formatDollars(amount));
      assert.equal(cliDollars(amount), formatDollars(amount));
    }
  });
});

describe('errors that say where', () => {
  it('names the address and what chose it: the setting, the environment, or the default', () => {
    assert.deepEqual(apiEndpoint('http://127.0.0.1:9/', { ANTHROPIC_BASE_URL: 'https://other' }), {
      url: 'http://127.0.0.1:9/',
      chosenBy: 'the claudeCache.apiBaseUrl setting',
    });
    assert.equal(apiEndpoint('', { ANTHROPIC_BASE_URL: 'https://gw.example' }).chosenBy, 'the ANTHROPIC_BASE_URL environment variable');
    assert.equal(apiEndpoint('  ', {}).url, 'https://api.anthropic.com');
  });

  it('finds the socket error under the wrappers and says what kind it is', () => {
    const wrapped = (code: string): Error => new Error('Connection error.', { cause: new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code}`), { code }) }) });
    assert.equal(networkCause(wrapped('ENOTFOUND'))?.kind, 'dns');
    assert.equal(networkCause(wrapped('ECONNREFUSED'))?.kind, 'refused');
    assert.equal(networkCause(wrapped('UND_ERR_CONNECT_TIMEOUT'))?.kind, 'timeout');
    assert.equal(networkCause(wrapped('UNABLE_TO_VERIFY_LEAF_SIGNATURE'))?.kind, 'tls');
    assert.equal(networkCause(wrapped('ERR_TLS_CERT_ALTNAME_INVALID'))?.kind, 'tls');
    assert.equal(networkCause(new Error('no code')), undefined);
  });

  it('tells an unreachable API with its URL, the setting that chose it and the cause, in the run failure', () => {
    const error = new ClaudeNetworkError(undefined, { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    const failure = describeRunFailure(error, 'review-file', false, apiEndpoint('http://127.0.0.1:9', {}));
    assert.match(failure.message, /^review-file: Could not reach the Anthropic API at http:\/\/127\.0\.0\.1:9 \(chosen by the claudeCache\.apiBaseUrl setting\): the connection was refused/);
    assert.deepEqual(failure.actions, ['Retry', 'Show Log']);
    assert.match(describeUnreachable(apiEndpoint('', {}), new Error('x')), /api\.anthropic\.com \(chosen by the default/);
  });
});

describe('progress that tells the truth', () => {
  it('follows the engine: cache, a module call, the answer call, the stream, and the cost so far', () => {
    const text = new RunProgressText(false);
    assert.equal(text.text, 'Checking the cache…');
    assert.equal(text.progress({ kind: 'calling-claude', module: 'file-outline', model: 'claude-haiku-5' }), 'Asking Claude (claude-haiku-5) for the file-outline notes…');
    assert.equal(text.progress({ kind: 'spent', spentUsd: 0.0021 }), 'Asking Claude (claude-haiku-5) for the file-outline notes… · $0.0021 spent so far');
    assert.match(text.progress({ kind: 'calling-claude', model: 'claude-sonnet-5-5' }), /^Asking Claude \(claude-sonnet-5-5\) for the answer… · \$0\.0021/);
    assert.equal(text.receiving(), 'Receiving the answer… · $0.0021 spent so far');
  });

  it('says a cached answer is replayed, not received from Claude', () => {
    const text = new RunProgressText(false);
    text.progress({ kind: 'checking-cache' });
    assert.equal(text.receiving(), 'Replaying the cached answer…');
  });
});

describe('AnswerViews', () => {
  const run = { workflow: 'review-file', workspace: '/w', file: 'src/a.ts' };

  it('reuses one view per workflow and target, keeping the earlier answers newest first', () => {
    const views = new AnswerViews<string>();
    const first = views.begin(answerViewKey(run), answerViewName(run), '# review-file\n\n', 'r1', 1_000, 'Checking the cache…');
    assert.match(views.get(first)?.text ?? '', /_Checking the cache…_/);
    views.append(first, 'Looks fine.');
    views.finish(first, '\n\n---\n_Answered by m · cost $0.01._\n');
    const again = views.begin(answerViewKey(run), answerViewName(run), '# review-file\n\n', 'r2', 2_000, 'Checking the cache…');
    assert.equal(again, first, 'the same view');
    const view = views.get(again);
    assert.equal(view?.request, 'r2');
    assert.equal(view?.running, true);
    assert.doesNotMatch(view?.text ?? '', /Answered by/, 'the old footer does not stand under the new run');
    assert.equal(view?.history.length, 1);
    assert.match(view?.history[0]?.text ?? '', /Looks fine\.[\s\S]*Answered by m/);
    assert.equal(view?.history[0]?.startedAt, 1_000);
  });

  it('gives another file, or another selection, its own view', () => {
    const views = new AnswerViews<string>();
    const a = views.begin(answerViewKey(run), 'a.md', '', '', 0, 's');
    const b = views.begin(answerViewKey({ ...run, file: 'src/b.ts' }), 'b.md', '', '', 0, 's');
    const c = views.begin(answerViewKey({ ...run, selectionLines: [3, 9] }), 'c.md', '', '', 0, 's');
    assert.equal(new Set([a, b, c]).size, 3);
    assert.equal(answerViewName({ workflow: 'review-file', file: 'src/a.ts' }), 'review-file · a.ts.md');
  });

  it('shows the current step under a running answer and keeps at most MAX_HISTORY earlier ones', () => {
    const views = new AnswerViews<string>();
    const id = views.begin('k', 'k.md', 'H\n', '', 0, 'Checking the cache…');
    views.status(id, 'Receiving the answer…');
    assert.match(views.get(id)?.text ?? '', /_Receiving the answer…_\n$/);
    for (let i = 1; i <= MAX_HISTORY + 3; i++) {
      views.append(id, `answer ${i}`);
      views.finish(id, '\nend\n');
      views.begin('k', 'k.md', 'H\n', '', i, 's');
    }
    assert.equal(views.get(id)?.history.length, MAX_HISTORY);
    assert.match(views.get(id)?.history[0]?.text ?? '', new RegExp(`answer ${MAX_HISTORY + 3}`));
    assert.equal(views.status(id + 1, 'x'), false);
  });
});

describe('codeBlocks', () => {
  it('finds fenced blocks with their language and text, and leaves out a block still streaming', () => {
    const answer = ['# Review', '', '```ts', 'const a = 1;', '', 'export { a };', '```', 'text', '~~~', 'plain', '~~~', '```py', 'open'].join('\n');
    const blocks = codeBlocks(answer);
    assert.deepEqual(blocks, [
      { line: 2, language: 'ts', code: 'const a = 1;\n\nexport { a };' },
      { line: 8, language: '', code: 'plain' },
    ]);
    assert.equal(describeCodeBlock(blocks[0]!, 0), '1. ts: const a = 1;');
  });

  it('closes a fence only with one as long, of the same character', () => {
    assert.deepEqual(codeBlocks('````md\n```\ninner\n```\n````\n').map((block) => block.code), ['```\ninner\n```']);
  });
});

describe('one step to run', () => {
  const manifest = contributes() as {
    keybindings: Array<{ command: string; key: string; mac: string; when: string }>;
    menus: Record<string, Array<{ command: string; when?: string; group?: string }>>;
    walkthroughs: Array<{ steps: Array<{ id: string; description: string; media: { markdown?: string }; completionEvents: string[] }> }>;
  };

  it('has a command, a default key and a context-menu item for each built-in workflow', () => {
    assert.deepEqual(
      BUILTIN_WORKFLOW_COMMANDS.map((entry) => entry.workflow).sort(),
      ['explain-selection', 'review-file', 'summarize-changes', 'write-tests'],
    );
    for (const entry of BUILTIN_WORKFLOW_COMMANDS) {
      const key = manifest.keybindings.find((binding) => binding.command === entry.command);
      assert.ok(key, `${entry.command} has a key`);
      assert.match(key.key, /^ctrl\+shift\+alt\+[a-z]$/);
      assert.match(key.when, /editorTextFocus/);
      assert.ok(manifest.menus['editor/context']?.some((item) => item.command === entry.command && item.group?.startsWith('1_claudeCache@')));
    }
    assert.equal(new Set(manifest.keybindings.map((binding) => binding.key)).size, manifest.keybindings.length, 'no two share a key');
  });

  it('shows Explain Selection only over a selection, and Review This File on a file\'s title bar', () => {
    const explain = manifest.menus['editor/context']?.find((item) => item.command === CommandId.ExplainSelection);
    assert.match(explain?.when ?? '', /editorHasSelection/);
    assert.match(manifest.keybindings.find((binding) => binding.command === CommandId.ExplainSelection)?.when ?? '', /editorHasSelection/);
    const review = manifest.menus['editor/context']?.find((item) => item.command === CommandId.ReviewFile);
    assert.doesNotMatch(review?.when ?? '', /editorHasSelection/);
    assert.ok(manifest.menus['editor/title']?.some((item) => item.command === CommandId.ReviewFile && item.group?.startsWith('navigation')));
  });

  it('skips the arguments box only when every argument is optional', () => {
    assert.equal(argumentsAreOptional(undefined), true);
    assert.equal(argumentsAreOptional('[what to focus on]'), true);
    assert.equal(argumentsAreOptional('[a] [b]'), true);
    assert.equal(argumentsAreOptional('<issue-number>'), false);
    assert.equal(argumentsAreOptional('issue [priority]'), false);
  });

  it('walks a first-time user through key, run, hit, dashboard and team, each step with its command and page', () => {
    const steps = manifest.walkthroughs[0]?.steps ?? [];
    assert.deepEqual(steps.map((step) => step.id), ['setApiKey', 'runWorkflow', 'seeHit', 'dashboard', 'shareWithTeam']);
    for (const step of steps) {
      assert.match(step.description, /\]\(command:[\w.]+/, `${step.id} has a button`);
      assert.match(step.media.markdown ?? '', /^media\/walkthrough\/[\w-]+\.md$/);
      assert.ok(step.completionEvents.length > 0);
    }
  });
});

describe('EntryLabels', () => {
  it('remembers which run produced a key and survives a reload through its storage', async () => {
    const saved = new Map<string, unknown>();
    const storage = { get: (key: string) => saved.get(key), update: async (key: string, value: unknown) => void saved.set(key, value) };
    const labels = new EntryLabels(storage);
    labels.record({ workflow: 'review-file', file: 'src/a.ts', args: ' ' }, [
      { layer: 'result', key: 'review-file:k1:aa' },
      { layer: 'module', key: 'file-outline:k1:bb', module: 'file-outline' },
    ]);
    const reloaded = new EntryLabels(storage);
    assert.deepEqual(reloaded.origin('review-file:k1:aa'), { workflow: 'review-file', file: 'src/a.ts' });
    assert.equal(reloaded.origin('file-outline:k1:bb')?.module, 'file-outline');
    assert.equal(reloaded.origin('unknown'), undefined);
  });
});

describe('status bar scope', () => {
  it('counts the dollars of this window only, as the hit counters do, and starts again after a reset', async () => {
    const { costSince, statusBarContent, ZERO_COST } = await import('../../../src/extension/statusBar/statusBarContent');
    const before = { ...ZERO_COST, savedUsd: 0.03, savedByLocalHitsUsd: 0.03, avoidedCalls: 3, upstreamCalls: 2, spentUsd: 0.02 };
    const now = { ...before, savedUsd: 0.0345, savedByLocalHitsUsd: 0.0345, avoidedCalls: 4 };
    const windowCost = costSince(before, now);
    assert.equal(windowCost.avoidedCalls, 1);
    assert.ok(Math.abs(windowCost.savedUsd - 0.0045) < 1e-12);
    const layers = { prompt: { hits: 1, misses: 1 }, module: { hits: 0, misses: 0 }, context: { hits: 0, misses: 0 }, result: { hits: 1, misses: 1 } };
    const tiers = { memory: { status: 'up' as const }, redis: { status: 'off' as const }, surreal: { status: 'up' as const } };
    const content = statusBarContent({ phase: 'ready', summary: { layers, tiers, cost: now, windowCost } });
    assert.equal(content.text, '$(database) 50% · $0.0045 saved');
    assert.match(content.tooltip, /this window, since it opened/);
    assert.match(content.tooltip, /\| Saved by local hits \| \$0\.0045 \| \$0\.035 \|/);
    // A reload: nothing looked up, nothing saved in this window, although the ledger holds dollars.
    const reloaded = statusBarContent({
      phase: 'ready',
      summary: { layers: { prompt: { hits: 0, misses: 0 }, module: { hits: 0, misses: 0 }, context: { hits: 0, misses: 0 }, result: { hits: 0, misses: 0 } }, tiers, cost: now, windowCost: costSince(now, now) },
    });
    assert.equal(reloaded.text, '$(database) Claude Cache');
    assert.equal(costSince(now, { ...ZERO_COST, upstreamCalls: 1, spentUsd: 0.01 }).upstreamCalls, 1, 'after a reset, counted from zero');
  });
});
