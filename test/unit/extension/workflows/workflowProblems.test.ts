import assert from 'node:assert/strict';
import type { WorkflowProblem } from '../../../../src/core/workflows';
import { refusedFilePicks } from '../../../../src/extension/workflows/workflowPicks';

describe('refused workflow files in the picker', () => {
  const problems: WorkflowProblem[] = [
    { file: '.claude/commands/broken.md', line: 4, message: 'the frontmatter is not YAML: bad indentation of a list item', severity: 'error' },
    { file: '.claude/commands/broken.md', line: 6, message: 'a second error in the same file', severity: 'error' },
    { file: '.github/prompts/odd.prompt.md', line: 3, message: 'unknown variable ${TIMESTAMP} is left as written', severity: 'warning' },
    { file: '.claude/skills/x/SKILL.md', message: 'links outside the workspace; not read', severity: 'error' },
  ];

  it('lists each refused file once, with its first error and where it is, and leaves warnings out', () => {
    const picks = refusedFilePicks(problems);
    assert.deepEqual(
      picks.map((pick) => [pick.label, pick.description, pick.detail]),
      [
        ['.claude/commands/broken.md', 'the frontmatter is not YAML: bad indentation of a list item', 'not loaded (line 4): pick to open the file'],
        ['.claude/skills/x/SKILL.md', 'links outside the workspace; not read', 'not loaded: pick to open the file'],
      ],
    );
    assert.equal(picks[0]?.problem.line, 4);
  });

  it('has no rows when every file loaded', () => {
    assert.deepEqual(refusedFilePicks([problems[2] as WorkflowProblem]), []);
  });
});
