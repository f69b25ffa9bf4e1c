import { CommandId } from '../commands/commandId';
import { ContextKey } from '../contextKeys';

/** The walkthrough's id, for `workbench.action.openWalkthrough` (`<publisher>.<name>#<id>`). */
export const WALKTHROUGH_ID = 'claudeCache.gettingStarted';

/**
 * package.json `contributes.walkthroughs`: the first-run tour. Each step's description carries the button that
 * does it (a `command:` link), its media is a Markdown page under media/walkthrough, and it completes on the
 * event that proves it was done: `onCommand`, `onContext` or `onSettingChanged`
 * (https://code.visualstudio.com/api/references/contribution-points#contributes.walkthroughs, "Completion events",
 * seen 2026-12-06).
 */
export function walkthroughs(): Array<Record<string, unknown>> {
  return [
    {
      id: WALKTHROUGH_ID,
      title: 'Get Started with Claude Prompt Cache',
      description: 'Ask Claude about your code once, and get the same answer again for free until the code changes.',
      steps: [
        {
          id: 'setApiKey',
          title: 'Set your Anthropic API key',
          description:
            'The key is kept in VS Code\'s secret storage, never in settings or on disk.\n' +
            `[Set API Key](command:${CommandId.SetApiKey})`,
          media: { markdown: 'media/walkthrough/set-api-key.md' },
          completionEvents: [`onCommand:${CommandId.SetApiKey}`, `onContext:${ContextKey.HasApiKey}`],
        },
        {
          id: 'runWorkflow',
          title: 'Review a file in one step',
          description:
            'Open a source file and run Review This File: from the editor\'s title bar, its context menu, or Ctrl+Shift+Alt+V.\n' +
            `[Review This File](command:${CommandId.ReviewFile})`,
          media: { markdown: 'media/walkthrough/run-workflow.md' },
          completionEvents: [
            `onCommand:${CommandId.ReviewFile}`,
            `onCommand:${CommandId.ExplainSelection}`,
            `onCommand:${CommandId.RunWorkflow}`,
          ],
        },
        {
          id: 'seeHit',
          title: 'Run it again: served from the cache',
          description:
            'Run the same review again without changing the file: the answer comes back at once, marked as cached, for $0.\n' +
            `[Review This File Again](command:${CommandId.ReviewFile})`,
          media: { markdown: 'media/walkthrough/see-the-hit.md' },
          completionEvents: [`onContext:${ContextKey.ServedFromCache}`],
        },
        {
          id: 'dashboard',
          title: 'See what the cache saved',
          description:
            'The dashboard shows the hit rate and the dollars spent and saved, per day and by source.\n' +
            `[Show Dashboard](command:${CommandId.ShowDashboard})`,
          media: { markdown: 'media/walkthrough/dashboard.md' },
          completionEvents: [`onCommand:${CommandId.ShowDashboard}`],
        },
        {
          id: 'shareWithTeam',
          title: 'Share the cache with your team',
          description:
            'Point every teammate at one Redis server: an answer one of you paid for is free for the others.\n' +
            '[Open the Redis Settings](command:workbench.action.openSettings?%5B%22claudeCache.redis%22%5D)',
          media: { markdown: 'media/walkthrough/share-with-team.md' },
          completionEvents: ['onSettingChanged:claudeCache.redis.url'],
        },
      ],
    },
  ];
}
