import path from 'node:path';
import type { EditHistory, HistoryFile } from './editHistory';
import { seededRandom } from './random';
import { seedOf } from './synthesizedSource';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export type TeamWorkflow = 'review-file' | 'write-tests' | 'explain-selection';

/** A commit lands: these files now hold these versions, those are gone. */
export interface CommitStep {
  kind: 'commit';
  at: number;
  commit: string;
  author: string;
  writes: Array<Required<Pick<HistoryFile, 'path' | 'blob' | 'bytes'>>>;
  deletes: string[];
}

/** Someone runs a workflow on a file (as it is at that moment). */
export interface RunStep {
  kind: 'run';
  at: number;
  actor: string;
  workflow: TeamWorkflow;
  file: string;
  /** For explain-selection: which of a file's few selectable regions (people select the same functions). */
  region?: number;
  /** The CI job's runs are prewarms. */
  origin?: 'prewarm';
}

export type TeamStep = CommitStep | RunStep;

/**
 * The team's behaviour, fixed once results are committed (README, Benchmarks: "Real-history replay"). Every
 * random draw is seeded by the commit id, so the same history always gives the same stream.
 */
export const TEAM_MODEL = {
  /** Teammates who do not commit in the trace but read what the others commit. */
  teammates: ['mate1', 'mate2', 'mate3'],
  /** The CI job prewarms review-file on each file a commit touched, this long after the commit, 20 s apart. */
  ciDelayMs: 3 * MINUTE,
  /** Most files the CI job prewarms per commit (a mass rename does not get 95 reviews). */
  ciMaxFiles: 25,
  /** The author reviews up to this many touched files, 10 minutes after committing, a minute apart. */
  authorMaxReviews: 6,
  /** Chance the author then asks for tests of a reviewed file that is not itself a test. */
  authorTestsChance: 0.4,
  /** Chance each teammate looks at a commit; when they do, it is 30 min to 8 h after it. */
  teammateChance: 0.5,
  teammateMaxReviews: 4,
  /** Chance a reading teammate also reviews an untouched file next to a touched one (reading around the change). */
  readAroundChance: 0.5,
  /** Selectable regions per file (functions people ask about); a teammate picks one and explains it. */
  regions: 3,
  /** Lines in a selection. */
  selectionLines: 8,
  /** Files smaller than this are not worth a review (index re-exports, empty files). */
  minBytes: 200,
} as const;

const TEST_FILE = /(^|\/)(tests?|__tests__)\/|\.(spec|test)\.ts$/;

/**
 * The stream of a team working on an edit history, in time order: each commit, then the CI job prewarming
 * reviews of what it touched, the author reviewing (and asking for tests of some), teammates who read the same
 * files later (reviews, an explained selection, a file next to the change). Runs name a file as it will be at
 * their time; a run on a file deleted by then is dropped when replayed.
 */
export function buildTeamStream(history: EditHistory, options: { maxCommits?: number } = {}): TeamStep[] {
  const commits = options.maxCommits === undefined ? history.history : history.history.slice(0, options.maxCommits);
  const steps: TeamStep[] = [];
  const live = new Map<string, number>(); // path -> bytes, as of the commit being modelled
  for (const commit of commits) {
    const at = commit.time * 1000;
    const random = seededRandom(seedOf(commit.commit));
    const writes: CommitStep['writes'] = [];
    const deletes: string[] = [];
    for (const file of commit.files) {
      if (file.deleted || file.blob === undefined) {
        deletes.push(file.path);
        live.delete(file.path);
      } else {
        writes.push({ path: file.path, blob: file.blob, bytes: file.bytes ?? 0 });
        live.set(file.path, file.bytes ?? 0);
      }
    }
    steps.push({ kind: 'commit', at, commit: commit.commit, author: commit.author, writes, deletes });
    const touched = writes.filter((file) => file.bytes >= TEAM_MODEL.minBytes).map((file) => file.path);
    if (touched.length === 0) continue;

    touched.slice(0, TEAM_MODEL.ciMaxFiles).forEach((file, index) => {
      steps.push({ kind: 'run', at: at + TEAM_MODEL.ciDelayMs + index * 20_000, actor: 'ci', workflow: 'review-file', file, origin: 'prewarm' });
    });

    let authorAt = at + 10 * MINUTE;
    for (const file of sample(touched, TEAM_MODEL.authorMaxReviews, random)) {
      steps.push({ kind: 'run', at: authorAt, actor: commit.author, workflow: 'review-file', file });
      authorAt += MINUTE;
      if (!TEST_FILE.test(file) && random() < TEAM_MODEL.authorTestsChance) {
        steps.push({ kind: 'run', at: authorAt, actor: commit.author, workflow: 'write-tests', file });
        authorAt += 2 * MINUTE;
      }
    }

    for (const mate of TEAM_MODEL.teammates) {
      if (random() >= TEAM_MODEL.teammateChance) continue;
      let mateAt = at + 30 * MINUTE + random() * 7.5 * HOUR;
      const reviewed = sample(touched, TEAM_MODEL.teammateMaxReviews, random);
      for (const file of reviewed) {
        steps.push({ kind: 'run', at: mateAt, actor: mate, workflow: 'review-file', file });
        mateAt += 2 * MINUTE;
      }
      const explained = reviewed[Math.floor(random() * reviewed.length)] as string;
      steps.push({ kind: 'run', at: mateAt, actor: mate, workflow: 'explain-selection', file: explained, region: Math.floor(random() * TEAM_MODEL.regions) });
      mateAt += 3 * MINUTE;
      if (random() < TEAM_MODEL.readAroundChance) {
        const neighbour = neighbourOf(explained, touched, live, random);
        if (neighbour) steps.push({ kind: 'run', at: mateAt, actor: mate, workflow: 'review-file', file: neighbour });
      }
    }
  }
  // Stable: a commit comes before the runs it caused at the same millisecond.
  return steps.map((step, index) => ({ step, index })).sort((a, b) => a.step.at - b.step.at || a.index - b.index).map(({ step }) => step);
}

/** The lines a teammate selects in `region` of a file as it is now (the same region moves with the file's text). */
export function selectionIn(content: string, region: number): string {
  const lines = content.split('\n');
  const span = TEAM_MODEL.selectionLines;
  const slots = Math.max(1, lines.length - span);
  const start = Math.floor((slots * (region + 0.5)) / TEAM_MODEL.regions);
  return lines.slice(start, start + span).join('\n');
}

/** Up to `count` distinct items, in the order drawn. */
function sample<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  const chosen: T[] = [];
  while (chosen.length < count && pool.length > 0) chosen.push(pool.splice(Math.floor(random() * pool.length), 1)[0] as T);
  return chosen;
}

/** A reviewable file in the same folder as `file` that the commit did not touch, if any. */
function neighbourOf(file: string, touched: readonly string[], live: ReadonlyMap<string, number>, random: () => number): string | undefined {
  const folder = path.posix.dirname(file);
  const candidates = [...live.entries()]
    .filter(([candidate, bytes]) => path.posix.dirname(candidate) === folder && bytes >= TEAM_MODEL.minBytes && !touched.includes(candidate))
    .map(([candidate]) => candidate)
    .sort();
  return candidates.length === 0 ? undefined : candidates[Math.floor(random() * candidates.length)];
}
