import { bashRulesFrom, checkCommandAgainstRules } from './bashPermissions';
import { ShellCommandNotAllowedError, ShellCommandsUntrustedError } from './errors';
import { sha256 } from './hash';
import { runShellCommand } from './shellCommand';
import type { ChangedPart, ContextLimits, ContextPart } from './snapshot';
import { describeError } from '../errors';

/** Whether and how a workflow's `` !`cmd` `` commands may run. */
export interface ShellPolicy {
  /** The commands, in the order the workflow wrote them. */
  shellCommands: readonly string[];
  /** The workflow's `allowed-tools`, as written. */
  allowedTools: readonly string[];
  /** The workspace is trusted (VS Code's workspace trust; the CLI's --trust-workspace). */
  trustedWorkspace: boolean;
}

/**
 * Refuses, before anything runs, a workflow whose commands may not run here: all of them when the workspace is
 * not trusted, and any one its allowed-tools does not allow (the first such, named with the rule it needs).
 * Claude Code checks injected commands against the permission rules, `allowed-tools` pre-approving them, and
 * aborts the invocation when a check does not return "allow", never prompting
 * (https://code.claude.com/docs/en/skills, "Permission checks on injected commands", stored copy fetched
 * 2026-10-08, seen 2026-12-06). With no one to ask, the file's own rules are all that can allow a command.
 */
export function assertShellCommandsMayRun(policy: ShellPolicy): void {
  const commands = uniqueCommands(policy.shellCommands);
  if (commands.length === 0) return;
  if (!policy.trustedWorkspace) throw new ShellCommandsUntrustedError(commands);
  const rules = bashRulesFrom(policy.allowedTools);
  for (const command of commands) {
    const verdict = checkCommandAgainstRules(command, rules);
    if (!verdict.allowed) {
      throw new ShellCommandNotAllowedError(command, verdict.reason, verdict.neededPattern, rules.map((rule) => rule.written));
    }
  }
}

/**
 * Each distinct command once, in first-seen order: one output per command text is what a prompt can show. Kept
 * exactly as given (the render context finds an output by the command's text), blank ones dropped.
 */
export function uniqueCommands(commands: readonly string[]): string[] {
  return [...new Set(commands.filter((command) => command.trim().length > 0))];
}

/**
 * Runs the commands one after another (in the order written, as the prompt reads them) and makes each output a
 * part. The policy is checked first, so nothing runs unless every command may.
 */
export async function readShellParts(workspace: string, policy: ShellPolicy, limits: ContextLimits): Promise<ContextPart[]> {
  assertShellCommandsMayRun(policy);
  const parts: ContextPart[] = [];
  for (const command of uniqueCommands(policy.shellCommands)) parts.push(await readShellPart(workspace, command, limits));
  return parts;
}

async function readShellPart(workspace: string, command: string, limits: ContextLimits): Promise<ContextPart> {
  const content = await runShellCommand(command, {
    cwd: workspace,
    timeoutMs: limits.shellTimeoutMs,
    maxOutputBytes: limits.maxShellOutputBytes,
  });
  return { kind: 'shell', id: command, hash: sha256(content), size: Buffer.byteLength(content), content };
}

/**
 * Runs the command again and compares its output with the part's: the only way to know `git status` still
 * says the same. A command that now fails or times out counts as changed; rebuilding the snapshot then
 * reports the failure itself. The policy is the caller's to check first (checkSnapshot does).
 */
export async function checkShellPart(workspace: string, part: ContextPart, limits: ContextLimits): Promise<ChangedPart | undefined> {
  try {
    const now = await readShellPart(workspace, part.id, limits);
    if (now.hash === part.hash) return undefined;
    return { id: part.id, kind: part.kind, reason: 'differs', detail: `output of \`${part.id}\` changed` };
  } catch (error) {
    return { id: part.id, kind: part.kind, reason: 'differs', detail: `\`${part.id}\` failed: ${describeError(error)}` };
  }
}
