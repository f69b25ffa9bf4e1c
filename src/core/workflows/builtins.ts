import { canonicalReads } from '../context/snapshot';
import { sha256 } from '../context/hash';
import { WorkflowDefinitionError } from './errors';
import { TEMPLATE_SYNTAX_REVISION, describeTemplate, scanTemplate } from './template';
import type { ModuleSpec, Workflow } from './workflow';

const BUILTIN_SYNTAX = { dollarArguments: true };

/**
 * A version is a hand-bumped revision plus a hash of the text, so editing a prompt retires its cached
 * answers even when nobody remembers to bump the revision.
 */
function versionOf(revision: number, ...texts: Array<string | undefined>): string {
  return `${revision}.${sha256(texts.map((text) => text ?? '').join('\0')).slice(0, 12)}`;
}

function defineModule(spec: { name: string; revision: number; system?: string; template: string }): ModuleSpec {
  const usage = describeTemplate(scanTemplate(spec.template, { dollarArguments: false }));
  if (usage.inputs.length > 0 || usage.modules.length > 0 || usage.unknown.length > 0) {
    throw new WorkflowDefinitionError(`module ${spec.name} may use only context variables`);
  }
  const module: ModuleSpec = {
    name: spec.name,
    version: versionOf(spec.revision, spec.system, spec.template),
    template: spec.template,
    reads: usage.reads,
  };
  if (spec.system !== undefined) module.system = spec.system;
  return deepFreeze(module);
}

function defineWorkflow(spec: {
  name: string;
  revision: number;
  description: string;
  argumentHint?: string;
  system: string;
  template: string;
}): Workflow {
  const usage = describeTemplate(scanTemplate(spec.template, BUILTIN_SYNTAX));
  const modules = usage.modules.map((name) => {
    const module = BUILTIN_MODULES.find((candidate) => candidate.name === name);
    if (module === undefined) throw new WorkflowDefinitionError(`${spec.name} uses unknown module ${name}`);
    return module;
  });
  if (usage.unknown.length > 0) throw new WorkflowDefinitionError(`${spec.name} uses ${usage.unknown[0]?.raw}`);
  const workflow: Workflow = {
    name: spec.name,
    description: spec.description,
    source: 'builtin',
    // The syntax revision retires prompts bound under older rules; a module's syntax (context only) did not change.
    version: versionOf(spec.revision, `syntax ${TEMPLATE_SYNTAX_REVISION}`, spec.system, spec.template),
    system: spec.system,
    template: spec.template,
    reads: canonicalReads([...usage.reads, ...modules.flatMap((module) => module.reads)]),
    inputs: usage.inputs,
    modules,
    shellCommands: [],
    fileReferences: [],
    allowedTools: [],
  };
  if (spec.argumentHint !== undefined) workflow.argumentHint = spec.argumentHint;
  return deepFreeze(workflow);
}

/** Built-ins are shared by every discovered list: frozen, so one caller's edit cannot leak into another's run. */
function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null && !Object.isFrozen(child)) deepFreeze(child as object);
  }
  return Object.freeze(value);
}

/** Shared by review-file and write-tests: one outline per file version, paid for once. */
const fileOutline = defineModule({
  name: 'file-outline',
  revision: 1,
  system:
    'You describe source files precisely and briefly for other engineers. You describe; you never review, judge or suggest changes.',
  template: `Write a structural outline of the file below, to serve as a map for someone who will review it or test it.

\${file}

List, in source order:
- Dependencies: what it imports, grouped on one line each for the standard library, third-party packages and local modules.
- Every top-level declaration (types, classes, functions, constants, exports): its name, its kind, its signature in short form (parameters and return type), and one line on its responsibility. Put class and object members beneath their owner, indented.
- Which declarations are exported, and which are internal.

Finish with a "Notable" section listing, if present: module-level state, side effects that run at import time, I/O (files, network, processes, environment variables), and concurrency (timers, promises left running, locks).

Use the file's own names exactly. Do not quote whole function bodies.`,
});

/** Modules built-in workflows may use, and workflow files may reuse by name as `${module:name}`. */
export const BUILTIN_MODULES: readonly ModuleSpec[] = [fileOutline];

/** The workflows that ship with the engine, in name order. */
export const BUILTIN_WORKFLOWS: readonly Workflow[] = [
  defineWorkflow({
    name: 'explain-selection',
    revision: 1,
    description: 'Explain what the selected code does, how, and what to watch out for',
    argumentHint: '[what to focus on]',
    system:
      'You are a senior software engineer explaining code to a colleague who is new to it. Be accurate and concrete. When the code alone does not settle a question, say what it depends on instead of guessing.',
    template: `Explain the following code.

<selection>
\${selection}
</selection>

Cover, in this order:
1. Purpose: what the code is for, in one or two sentences.
2. How it works: walk through the logic step by step, naming the functions, variables and branches involved.
3. Contract: what it expects from its inputs, what it returns, and what else it changes (mutation, I/O, global state).
4. Watch out for: edge cases it mishandles or relies on, error paths, and performance or concurrency concerns, if any.

Refer to code by name in backticks rather than repeating it. Keep the whole answer short enough to read in two minutes.

The user's focus, if any: $ARGUMENTS`,
  }),
  defineWorkflow({
    name: 'review-file',
    revision: 1,
    description: 'Review a file for bugs, security problems and risky code, with concrete fixes',
    argumentHint: '[what to focus on]',
    system:
      'You are a meticulous, fair code reviewer. You report real problems with evidence from the code, rank them by impact, and propose fixes that fit the existing style. You do not invent issues to fill space.',
    template: `Review the file below. An outline of its structure comes first, as a map.

<outline>
\${module:file-outline}
</outline>

\${file}

Look for, in order of importance:
- Correctness: wrong logic, off-by-one errors, unhandled cases, broken invariants, misuse of APIs.
- Failure handling: errors swallowed or lost, resources not released, partial updates left behind.
- Security: injection, path traversal, secrets in code, trusting unvalidated input.
- Concurrency: races, missing awaits, shared mutable state.
- Maintainability: names or comments that mislead, duplicated logic that will drift. Skip pure style preferences.

Report each finding under a heading for its severity (Critical, Major, Minor) with: where it is (function name), what is wrong, why it matters, and a concrete fix as a short code snippet. If the file is sound, say so in one sentence and stop.

The user's focus, if any: $ARGUMENTS`,
  }),
  defineWorkflow({
    name: 'summarize-changes',
    revision: 1,
    description: 'Summarize the uncommitted changes and draft a commit message',
    argumentHint: '[context for the change]',
    system:
      'You are an engineer writing up a change for your team. You describe what the diff actually does, distinguish fact from inference, and flag anything that looks unintended.',
    template: `Here are the uncommitted changes in the working tree (\`git diff HEAD\`, then the names of new untracked files).

<diff>
\${gitDiff}
</diff>

Write:
1. A commit message: an imperative subject line of at most 72 characters, a blank line, then a short body explaining what changed and why. Infer the why from the code, and say so where it is a guess.
2. The changes grouped by area (component or file), one line each.
3. Risks: anything that looks unfinished or accidental (debug output, commented-out code, credentials, stray files), and changes likely to break callers or data.

If the diff is empty, say there is nothing to summarize.

Context from the user, if any: $ARGUMENTS`,
  }),
  defineWorkflow({
    name: 'write-tests',
    revision: 1,
    description: 'Write unit tests for a file, covering normal cases, edge cases and errors',
    argumentHint: '[framework or focus]',
    system:
      'You are an engineer who writes tests that read as specifications: each test states one behaviour, fails for one reason, and never depends on timing, network or test order.',
    template: `Write unit tests for the file below. An outline of its structure comes first, as a map.

<outline>
\${module:file-outline}
</outline>

\${file}

Requirements:
- Use the test framework and assertion style the file's language and imports suggest; if nothing suggests one, use the language's most common choice and name it.
- For each exported function or method, cover the normal case, boundary values, invalid input and error paths.
- One behaviour per test, named as a sentence that states it ("returns an empty list when ...").
- No sleeps and no assertions on elapsed time: inject clocks, and replace network, disk and processes with small fakes.
- Import the code under test by its path relative to the test file, and say where the test file should live.

Answer with one complete test file in a single code block, then a short list of behaviours you could not test from this file alone and why.

The user's framework or focus, if any: $ARGUMENTS`,
  }),
];
