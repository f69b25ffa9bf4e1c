import { SectionBuilder, type BenchContext } from '../lib/context';
import type { Section } from '../report/results';

export async function traceSection(_ctx: BenchContext): Promise<Section> {
  return new SectionBuilder('trace', 'todo', 'todo').build();
}
