/** What a workflow file says about tools and agents, from its frontmatter. */
export interface ToolRequest {
  /** `allowed-tools` / `tools` entries, verbatim. */
  allowedTools: readonly string[];
  /** Prompt files: `agent: ask | agent | plan | <custom agent>`; Claude Code skills: the subagent type. */
  agent?: string | undefined;
  /** Prompt files, older name of `agent`: `mode: ask | edit | agent`. */
  mode?: string | undefined;
  /** Claude Code skills: `context: fork` runs the skill in a subagent. */
  context?: string | undefined;
}

/** How many tool names the note lists before "and N more". */
const LISTED_TOOLS = 5;

/**
 * The one plain sentence shown when a workflow asks for tools or an agent, or undefined when it does not.
 * The engine sends one request without tools (it never executes a tool), so such a workflow still runs, as a
 * single answer; the user is told once, in the picker, the answer header and `workflows --json`, rather than
 * finding out from an answer that says "I would run...".
 * Field meanings: https://code.visualstudio.com/docs/agent-customization/prompt-files ("Prompt file format":
 * `agent` is ask, agent, plan or a custom agent; `tools` lists the tools it may use) and
 * https://code.claude.com/docs/en/skills ("Frontmatter reference": `allowed-tools`, `context: fork`, `agent`),
 * both seen 2026-12-06.
 */
export function describeToolUse(request: ToolRequest): string | undefined {
  const tools = [...new Set(request.allowedTools.map(toolName).filter((name) => name.length > 0))];
  const agent = [request.agent, request.mode].find((value) => value !== undefined && value !== '' && value.toLowerCase() !== 'ask');
  const forked = request.context?.toLowerCase() === 'fork';
  if (tools.length === 0 && agent === undefined && !forked) return undefined;

  const asks: string[] = [];
  if (agent !== undefined) asks.push(agent.toLowerCase() === 'agent' ? 'is written for agent mode' : `is written for the ${agent} agent`);
  else if (forked) asks.push('is written to run as a separate agent');
  if (tools.length > 0) {
    const listed = tools.slice(0, LISTED_TOOLS).join(', ');
    const more = tools.length > LISTED_TOOLS ? ` and ${tools.length - LISTED_TOOLS} more` : '';
    asks.push(`asks for tools (${listed}${more})`);
  }
  return (
    `This workflow ${asks.join(' and ')}; here it runs as a single answer without tools, ` +
    'so it cannot run commands, search or edit files while it answers.'
  );
}

/** `Bash(git diff:*)` is the Bash tool with a pattern: the user recognizes the tool's name. */
function toolName(entry: string): string {
  return entry.replace(/\(.*\)\s*$/s, '').trim();
}
