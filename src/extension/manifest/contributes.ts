import { CommandId } from '../commands/commandId';
import { ContextKey } from '../contextKeys';
import { ANSWER_SCHEME } from '../workflows/answerDocumentScheme';
import { BUILTIN_WORKFLOW_COMMANDS } from '../workflows/builtinCommands';
import { walkthroughs } from './walkthrough';
import { configurationProperties } from './configurationSchema';

/** The command category every palette entry shows: "Claude Cache: Run Workflow...". */
export const COMMAND_CATEGORY = 'Claude Cache';
export const VIEW_CONTAINER_ID = 'claudeCache';
export const TIERS_VIEW_ID = 'claudeCache.tiers';

interface CommandContribution {
  command: CommandId;
  title: string;
  category: string;
  icon?: string;
  enablement?: string;
}

const COMMANDS: ReadonlyArray<Omit<CommandContribution, 'category'>> = [
  { command: CommandId.RunWorkflow, title: 'Run Workflow...', icon: '$(play)' },
  { command: CommandId.Prewarm, title: 'Prewarm Cache', icon: '$(flame)' },
  { command: CommandId.PrewarmFromUsage, title: 'Prewarm from Usage', icon: '$(history)' },
  { command: CommandId.InvalidateAll, title: 'Invalidate All', icon: '$(clear-all)' },
  { command: CommandId.InvalidateLayer, title: 'Invalidate Layer...', icon: '$(trash)' },
  { command: CommandId.InvalidateEntry, title: 'Invalidate Entry', icon: '$(close)' },
  { command: CommandId.InvalidateTier, title: 'Invalidate Tier', icon: '$(clear-all)' },
  { command: CommandId.InvalidatePattern, title: 'Invalidate by Pattern...', icon: '$(filter)' },
  { command: CommandId.SetApiKey, title: 'Set API Key', icon: '$(key)' },
  { command: CommandId.ClearApiKey, title: 'Clear API Key' },
  { command: CommandId.SetEncryptionKey, title: 'Set Encryption Key' },
  { command: CommandId.SetStorePassword, title: 'Set Store Password...', icon: '$(lock)' },
  { command: CommandId.ShowDashboard, title: 'Show Dashboard', icon: '$(graph)' },
  { command: CommandId.ShowLog, title: 'Show Log', icon: '$(output)' },
  { command: CommandId.ResetStats, title: 'Reset Statistics', icon: '$(discard)' },
  { command: CommandId.Refresh, title: 'Refresh', icon: '$(refresh)' },
  { command: CommandId.OpenEntry, title: 'Open Entry', icon: '$(go-to-file)' },
  { command: CommandId.RunFresh, title: 'Run Fresh', icon: '$(debug-restart)' },
  { command: CommandId.ExplainLastRun, title: 'Explain Last Run', icon: '$(question)' },
  { command: CommandId.ShowArchive, title: 'Show Archived Answers...', icon: '$(archive)' },
  { command: CommandId.FindSimilar, title: 'Find Similar Cached Answers...', icon: '$(lightbulb)' },
  { command: CommandId.InspectEntry, title: 'Inspect Entry', icon: '$(info)' },
  ...BUILTIN_WORKFLOW_COMMANDS.map(({ command, title, icon }) => ({ command, title, icon })),
  { command: CommandId.CopyCodeBlock, title: 'Copy Code Block from Answer', icon: '$(copy)' },
  { command: CommandId.InsertCodeBlock, title: 'Insert Code Block from Answer at Cursor', icon: '$(insert)' },
  { command: CommandId.ShowAnswerHistory, title: 'Show Earlier Answers...', icon: '$(history)' },
  { command: CommandId.ShowAnswerSource, title: 'Show Answer Source', icon: '$(go-to-file)' },
];

/** A file on disk in an editor: where the one-step workflow commands apply. */
const inFileEditor = 'resourceScheme == file';

/**
 * Default keys of the one-step workflow commands. `when` limits them to a focused editor (and Explain to one with
 * a selection) so they never shadow a key elsewhere
 * (https://code.visualstudio.com/api/references/contribution-points#contributes.keybindings and
 * https://code.visualstudio.com/api/references/when-clause-contexts, seen 2026-12-06).
 */
function keybindings(): Array<Record<string, string>> {
  return BUILTIN_WORKFLOW_COMMANDS.map((entry) => ({
    command: entry.command,
    key: entry.key,
    mac: entry.mac,
    when: entry.needsSelection ? `editorTextFocus && editorHasSelection && ${inFileEditor}` : `editorTextFocus && ${inFileEditor}`,
  }));
}

/**
 * The editor's context menu: one group with the one-step workflows, Explain only over a selection. Groups sort
 * by name after `navigation` and `@n` orders items inside one
 * (https://code.visualstudio.com/api/references/contribution-points#Sorting-of-groups, seen 2026-12-06).
 */
function editorContextMenu(): Array<Record<string, string>> {
  return BUILTIN_WORKFLOW_COMMANDS.map((entry, index) => ({
    command: entry.command,
    when: entry.needsSelection ? `editorHasSelection && ${inFileEditor}` : inFileEditor,
    group: `1_claudeCache@${index + 1}`,
  }));
}

const inView = `view == ${TIERS_VIEW_ID}`;
const onAnswer = `resourceScheme == ${ANSWER_SCHEME}`;

/** package.json `contributes`: views, commands, menus, welcome content and settings. */
export function contributes(): Record<string, unknown> {
  return {
    viewsContainers: {
      activitybar: [{ id: VIEW_CONTAINER_ID, title: 'Claude Cache', icon: 'media/claude-cache.svg' }],
    },
    views: {
      [VIEW_CONTAINER_ID]: [
        { id: TIERS_VIEW_ID, name: 'Cache Tiers', icon: 'media/claude-cache.svg', contextualTitle: 'Claude Cache' },
      ],
    },
    viewsWelcome: [
      {
        view: TIERS_VIEW_ID,
        contents: 'Opening the cache…',
        when: `!${ContextKey.EngineState} || ${ContextKey.EngineState} == starting`,
      },
      {
        view: TIERS_VIEW_ID,
        contents:
          'Nothing is cached yet. Run a workflow: its prompt, context and answer are kept here, and asking again is free.\n' +
          `[Set API Key](command:${CommandId.SetApiKey})\n` +
          `[Run Workflow](command:${CommandId.RunWorkflow})\n` +
          `Hit rates and savings are on the [dashboard](command:${CommandId.ShowDashboard}).`,
        when: `${ContextKey.EngineState} == ready`,
      },
      {
        view: TIERS_VIEW_ID,
        contents: `The cache could not open.\n[Show Log](command:${CommandId.ShowLog})`,
        when: `${ContextKey.EngineState} == failed`,
      },
    ],
    commands: COMMANDS.map((command) => ({ ...command, category: COMMAND_CATEGORY })),
    menus: {
      commandPalette: [
        { command: CommandId.OpenEntry, when: 'false' },
        { command: CommandId.InvalidateTier, when: 'false' },
        { command: CommandId.RunFresh, when: 'false' },
        { command: CommandId.InspectEntry, when: 'false' },
      ],
      'view/title': [
        { command: CommandId.RunWorkflow, when: inView, group: 'navigation@1' },
        { command: CommandId.ShowDashboard, when: inView, group: 'navigation@2' },
        { command: CommandId.Refresh, when: inView, group: 'navigation@3' },
        { command: CommandId.Prewarm, when: inView, group: '1_cache@1' },
        { command: CommandId.InvalidatePattern, when: inView, group: '1_cache@2' },
        { command: CommandId.InvalidateAll, when: inView, group: '1_cache@3' },
        { command: CommandId.ResetStats, when: inView, group: '2_stats@1' },
        { command: CommandId.ExplainLastRun, when: inView, group: '2_stats@2' },
        { command: CommandId.ShowArchive, when: inView, group: '4_answers@1' },
        { command: CommandId.FindSimilar, when: inView, group: '4_answers@2' },
        { command: CommandId.SetApiKey, when: inView, group: '3_setup@1' },
        { command: CommandId.ShowLog, when: inView, group: '3_setup@2' },
      ],
      'view/item/context': [
        { command: CommandId.InvalidateLayer, when: `${inView} && viewItem == layer`, group: 'inline' },
        { command: CommandId.InvalidateLayer, when: `${inView} && viewItem == layer`, group: '2_invalidate@1' },
        { command: CommandId.OpenEntry, when: `${inView} && viewItem == entry`, group: '1_open@1' },
        { command: CommandId.InspectEntry, when: `${inView} && viewItem == entry`, group: '1_open@2' },
        { command: CommandId.InvalidateTier, when: `${inView} && viewItem == tier`, group: 'inline' },
        { command: CommandId.InvalidateTier, when: `${inView} && viewItem == tier`, group: '2_invalidate@1' },
        { command: CommandId.InvalidateEntry, when: `${inView} && viewItem == entry`, group: 'inline' },
        { command: CommandId.InvalidateEntry, when: `${inView} && viewItem == entry`, group: '2_invalidate@1' },
      ],
      'editor/context': editorContextMenu(),
      'editor/title': [
        { command: CommandId.RunFresh, when: onAnswer, group: 'navigation@1' },
        { command: CommandId.ShowAnswerHistory, when: onAnswer, group: 'navigation@2' },
        // One action on a file's title bar: the review, the workflow that needs nothing but the file.
        { command: CommandId.ReviewFile, when: `${inFileEditor} && !isInDiffEditor`, group: 'navigation@90' },
      ],
    },
    keybindings: keybindings(),
    walkthroughs: walkthroughs(),
    configuration: {
      title: 'Claude Prompt Cache',
      properties: configurationProperties(),
    },
  };
}

/** package.json `activationEvents`: the status bar must show from startup; views and commands activate implicitly. */
export const ACTIVATION_EVENTS: readonly string[] = ['onStartupFinished'];
