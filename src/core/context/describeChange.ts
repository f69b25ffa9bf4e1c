import type { ChangedPart } from './snapshot';

/**
 * One changed part as a miss reason a user reads ("src/a.ts was modified (content hash changed)", "output of
 * `git status --short` changed"). The wording for selection, file and git diff is the pipeline's own from
 * before the reference and shell kinds existed; a reference reads like a file, by its path, and shell output
 * names its command.
 */
export function describeChangedPart(change: ChangedPart): string {
  switch (change.kind) {
    case 'file':
    case 'reference':
      return `${change.id} ${how(change)}${change.detail ? ` (${change.detail})` : ''}`;
    case 'shell':
      return change.detail ?? `output of \`${change.id}\` changed`;
    case 'gitDiff':
    case 'selection': {
      const what = change.kind === 'gitDiff' ? 'the git diff' : 'the selection';
      if (change.reason === 'differs') return change.detail ?? `${what} changed`;
      return `${what} ${how(change)}${change.detail ? ` (${change.detail})` : ''}`;
    }
  }
}

function how(change: ChangedPart): string {
  if (change.reason === 'deleted') return 'was deleted';
  return change.reason === 'modified' ? 'was modified' : 'changed';
}
